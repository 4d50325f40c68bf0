"""Word (.docx) reports: body paragraphs and table rows in document order, via python-docx.

Headers, footers, footnotes and text boxes are not read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml import etree

from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits, TextBlock


def read_docx(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Document:
    """Read a .docx report.

    Paragraph locators are ``p N``, N being the 1-based index among all body paragraphs (empty ones
    count but yield no block, so ``p N`` is ``document.paragraphs[N - 1]``). Table rows are
    ``table T row R`` (T among the body tables); rows of a table nested in a row's cells follow that
    row, located as ``table T row R / table K row M``.
    """
    try:
        _check_inflated_size(data, limits)
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ReadError(f"not a valid .docx: {exc}") from exc
    blocks: list[TextBlock] = []
    paragraph_number = table_number = cells = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            table_number += 1
            for row in _table_rows(item, f"table {table_number}"):
                cells += len(row.cells)
                if cells > limits.max_table_cells:
                    raise ReadError(f"more than {limits.max_table_cells} table cells (READ_MAX_TABLE_CELLS)")
                blocks.append(row)
        else:
            paragraph_number += 1
            text = item.text.strip()
            if text:
                blocks.append(TextBlock(text=text, locator=f"p {paragraph_number}"))
    if not blocks:
        raise ReadError("no text in document")
    return Document(
        source_file=source_file, content_hash=content_hash, file_format="docx", blocks=tuple(blocks)
    )


def _check_inflated_size(data: bytes, limits: ReadLimits) -> None:
    """Reject a package whose parts unzip to more than the limit (the sizes its directory declares:
    Python's zip reader never inflates a part beyond its declared size)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        inflated = sum(info.file_size for info in package.infolist())
    if inflated > limits.max_inflated_mb * 1024 * 1024:
        raise ReadError(
            f"unzips to {inflated / 1024 / 1024:.1f} MB (> {limits.max_inflated_mb:g} MB, READ_MAX_INFLATED_MB)"
        )


def _table_rows(table: Table, table_locator: str) -> Iterator[TextBlock]:
    """One block per non-empty row, then the rows of any tables nested in that row's cells."""
    for row_number, row in enumerate(table.rows, start=1):
        row_locator = f"{table_locator} row {row_number}"
        cells = []
        previous = None
        for cell in row.cells:
            # python-docx repeats the very same _Cell object for each grid column a merged cell spans.
            if cell is not previous:
                cells.append(cell)
            previous = cell
        texts = tuple(_cell_text(cell.text) for cell in cells)
        if any(texts):
            yield TextBlock(text=" | ".join(texts), locator=row_locator, kind="table_row", cells=texts)
        # A vertically merged cell reappears in the rows below it: take nested tables from its first row.
        own_cells = [cell for cell in cells if cell._tc.getparent() is row._tr]
        nested = [inner for cell in own_cells for inner in cell.tables]
        for nested_number, inner in enumerate(nested, start=1):
            yield from _table_rows(inner, f"{row_locator} / table {nested_number}")


def _cell_text(text: str) -> str:
    """A cell's paragraphs on one line, separated by a space."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())
