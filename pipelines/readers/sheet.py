"""Spreadsheets (.xlsx, .xls, .et) via python-calamine: every non-empty row of every sheet is a
table row.

A workbook is opened by its content, not its name: an .et saved by WPS is an .xls-like (BIFF)
or an .xlsx-like (zip) file and is read as whichever it is.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, SheetTypeEnum

from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits, TextBlock
from pipelines.readers.docx import _check_inflated_size

Cell = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta


def read_sheet(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Document:
    """Read a spreadsheet report.

    Each worksheet's non-empty rows (chart and macro sheets are not read) become table rows located ``sheet S row R`` (S the sheet's name, R
    the row number the spreadsheet shows). A merged cell is one cell of its first row and column,
    its text repeated in the rows below it (as the .docx reader gives merged cells).
    """
    try:
        if data[:4] == b"PK\x03\x04":
            _check_inflated_size(data, limits)  # zip bombs, before calamine unzips anything
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (zipfile.BadZipFile, CalamineError, ValueError) as exc:
        raise ReadError(f"not a valid spreadsheet: {exc}") from exc
    blocks: list[TextBlock] = []
    cells = 0
    with workbook:
        for name in (m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet):
            try:
                sheet = workbook.get_sheet_by_name(name)
            except CalamineError as exc:
                raise ReadError(f"not a valid spreadsheet: sheet {name}: {exc}") from exc
            cells += sheet.height * sheet.width
            if cells > limits.max_table_cells:
                raise ReadError(f"more than {limits.max_table_cells} table cells (READ_MAX_TABLE_CELLS)")
            blocks.extend(_sheet_rows(sheet, name))
    if not blocks:
        raise ReadError("no text in spreadsheet")
    return Document(
        source_file=source_file,
        content_hash=content_hash,
        file_format=Path(source_file).suffix.lower().lstrip("."),  # type: ignore[arg-type]
        blocks=tuple(blocks),
    )


def _sheet_rows(sheet: CalamineSheet, name: str) -> list[TextBlock]:
    """One table row per row with any text; merged ranges as the .docx reader gives them."""
    if sheet.start is None:
        return []
    top, left = sheet.start
    grid = [[cell_text(value) for value in row] for row in sheet.to_python(skip_empty_area=True)]
    covered: set[tuple[int, int]] = set()  # cells hidden by a merged cell left of them in the same row
    for (first_row, first_col), (last_row, last_col) in sheet.merged_cell_ranges or []:
        r0, c0 = first_row - top, first_col - left
        if not (0 <= r0 < len(grid) and 0 <= c0 < len(grid[r0])):
            continue
        for r in range(r0, min(last_row - top + 1, len(grid))):
            if r > r0:
                grid[r][c0] = grid[r0][c0]
            covered.update((r, c) for c in range(c0 + 1, min(last_col - left + 1, len(grid[r]))))
    blocks = []
    for index, row in enumerate(grid):
        texts = tuple(text for column, text in enumerate(row) if (index, column) not in covered)
        if any(texts):
            locator = f"sheet {name} row {top + index + 1}"
            blocks.append(TextBlock(text=" | ".join(texts), locator=locator, kind="table_row", cells=texts))
    return blocks


def cell_text(value: Cell) -> str:
    """A cell as the sheet shows it: an integer-valued number as an integer (3.0 -> 3), other
    numbers without float noise (0.1 + 0.2 -> 0.3), dates as ISO dates, text trimmed on one line."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(f"{value:.15g}"), "f")
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    return " ".join(str(value).split())
