"""Spreadsheets (.xlsx, .xls, .et) via python-calamine: every non-empty row of every sheet is a
table row.

A workbook is opened by its content, not its name: an .et saved by WPS is an .xls-like (BIFF)
or an .xlsx-like (zip) file and is read as whichever it is. Calamine gives a cell's value, not its
number format, so a zip workbook's percent formats are read from its styles (`percent_cells`): a rate
stored as 0.9523 and shown as 95.23% reads as the sheet shows it. A BIFF .xls's formats are not read.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from lxml import etree
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
    percents: dict[str, set[tuple[int, int]]] = {}
    try:
        if data[:4] == b"PK\x03\x04":
            _check_inflated_size(data, limits)  # zip bombs, before calamine unzips anything
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if data[:4] == b"PK\x03\x04":
            percents = percent_cells(data)
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
            blocks.extend(_sheet_rows(sheet, name, percents.get(name, set())))
    if not blocks:
        raise ReadError("no text in spreadsheet")
    return Document(
        source_file=source_file,
        content_hash=content_hash,
        file_format=Path(source_file).suffix.lower().lstrip("."),  # type: ignore[arg-type]
        blocks=tuple(blocks),
    )


def _sheet_rows(sheet: CalamineSheet, name: str, percents: set[tuple[int, int]]) -> list[TextBlock]:
    """One table row per row with any text; merged ranges as the .docx reader gives them; numbers
    in `percents` (0-based row, column of the sheet) shown as percentages."""
    if sheet.start is None:
        return []
    top, left = sheet.start
    grid = [
        [
            percent_text(value) if (top + r, left + c) in percents and _is_number(value) else cell_text(value)
            for c, value in enumerate(row)
        ]
        for r, row in enumerate(sheet.to_python(skip_empty_area=True))
    ]
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


def percent_text(value: float) -> str:
    """A number a sheet formats as a percentage, as it shows it: 0.9523 -> 95.23%."""
    return cell_text(float(Decimal(f"{value:.15g}") * 100)) + "%"


def _is_number(value: Cell) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PERCENT_FORMAT_IDS = {9, 10}  # the built-in formats 0% and 0.00%
_QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_CELL_REFERENCE = re.compile(r"^([A-Z]+)(\d+)$")


def percent_cells(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """A zip workbook's cells whose number format shows a percentage: sheet name -> {(row, column)},
    0-based. Read from the package's styles and sheets; a part that is missing or unreadable
    gives no percent cells (the values are still read, as plain numbers)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "xl/styles.xml" not in names or "xl/workbook.xml" not in names:
                return {}
            styles = etree.fromstring(package.read("xl/styles.xml"), parser)
            custom = {
                int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "")
                for fmt in styles.iter(f"{MAIN}numFmt")
            }
            percent_ids = PERCENT_FORMAT_IDS | {
                number for number, code in custom.items() if "%" in _QUOTED_OR_ESCAPED.sub("", code)
            }
            cell_formats = styles.find(f"{MAIN}cellXfs")
            percent_styles = {
                str(index)
                for index, xf in enumerate(cell_formats if cell_formats is not None else [])
                if int(xf.get("numFmtId", "0")) in percent_ids
            }
            if not percent_styles:
                return {}
            targets = _sheet_parts(package, names, parser)
            found: dict[str, set[tuple[int, int]]] = {}
            for sheet_name, part in targets.items():
                cells = set()
                for cell in etree.fromstring(package.read(part), parser).iter(f"{MAIN}c"):
                    if cell.get("s") in percent_styles and cell.get("t", "n") == "n":
                        position = _position(cell.get("r", ""))
                        if position:
                            cells.add(position)
                found[sheet_name] = cells
            return found
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        return {}


def _sheet_parts(package: zipfile.ZipFile, names: set[str], parser: etree.XMLParser) -> dict[str, str]:
    """Sheet name -> its part's path in the package, through the workbook's relationships."""
    workbook = etree.fromstring(package.read("xl/workbook.xml"), parser)
    relations_part = "xl/_rels/workbook.xml.rels"
    if relations_part not in names:
        return {}
    relations = etree.fromstring(package.read(relations_part), parser)
    target_by_id = {rel.get("Id"): rel.get("Target", "") for rel in relations}
    parts = {}
    for sheet in workbook.iter(f"{MAIN}sheet"):
        target = target_by_id.get(sheet.get(RELATIONSHIP_ID), "")
        part = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        if part in names:
            parts[sheet.get("name", "")] = part
    return parts


def _position(reference: str) -> tuple[int, int] | None:
    """A cell reference as a 0-based (row, column): C5 -> (4, 2)."""
    match = _CELL_REFERENCE.match(reference)
    if not match:
        return None
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)) - 1, column - 1
