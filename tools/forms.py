"""The other forms of plain-text reports, made the way the real-report corpus makes them, so that a
new evaluation set of .txt reports is scored in every form acceptance uses (`tools.scoring --forms
txt,gbk,docx,pdf`):

- gbk/: the same text in GB18030 bytes;
- docx/: a Word file; a line holding two or more `|` is a table row, its cells split at a `|` with
  whitespace on both sides (a trailing `|` or a run `||||` is no separator), consecutive rows one
  table in the Table Grid style; every other line a paragraph (SimSun 11 pt);
- pdf/: the Word file printed to PDF by LibreOffice (`soffice`, found as pipelines.converter finds it);
- scan/: that PDF rasterised at 150 dpi, image only (`tools.samples.rasterise`), read by OCR.

    python -m tools.forms SET_DIR      # reads SET_DIR/txt/*.txt, writes SET_DIR/{gbk,docx,pdf,scan}/
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from pipelines.converter import find_converter
from tools.samples import rasterise

CELL_SEPARATOR = re.compile(r"(?<=\s)\|(?=\s)")
MIN_PIPES = 2  # a line with fewer `|` stays a paragraph (绩 效 指 标 |)
SCANNED_ON = dt.datetime(
    2026, 1, 1, tzinfo=dt.UTC
)  # the scans' date: fixed, so that a rerun writes the same bytes


def table_cells(line: str) -> list[str] | None:
    """The cells of a line that is a table row, else None."""
    if line.count("|") < MIN_PIPES:
        return None
    return [cell.strip(" |") for cell in CELL_SEPARATOR.split(line)]


def word_document(text: str) -> docx.Document:
    """The Word form of a text report: runs of table rows as tables, other lines as paragraphs."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    rows: list[list[str]] = []

    def add_table() -> None:
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            rows.clear()

    for line in text.split("\n"):
        cells = table_cells(line)
        if cells is None:
            add_table()
            document.add_paragraph(line)
        else:
            rows.append(cells)
    add_table()
    return document


def make_forms(set_dir: Path, pdf: bool = True) -> None:
    """gbk/, docx/ and (with LibreOffice) pdf/ and scan/ beside set_dir/txt/."""
    sources = sorted((set_dir / "txt").glob("*.txt"))
    for form in ("gbk", "docx", "pdf"):
        (set_dir / form).mkdir(exist_ok=True)
    for source in sources:
        text = source.read_text(encoding="utf-8")
        (set_dir / "gbk" / source.name).write_bytes(text.encode("gb18030"))
        word_document(text).save(set_dir / "docx" / f"{source.stem}.docx")
    if not pdf:
        return
    soffice = find_converter()
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) not found: set LIBREOFFICE_PATH or install it for the PDFs")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
             "--outdir", str(set_dir / "pdf"), *(str(set_dir / "docx" / f"{s.stem}.docx") for s in sources)],
            check=True, capture_output=True, timeout=60 + 10 * len(sources),
        )  # fmt: skip
    write_scans(set_dir)


def write_scans(set_dir: Path) -> None:
    """scan/: every PDF of set_dir/pdf/ rasterised, image only, as the corpus's scanned form."""
    (set_dir / "scan").mkdir(exist_ok=True)
    for printed in sorted((set_dir / "pdf").glob("*.pdf")):
        (set_dir / "scan" / printed.name).write_bytes(rasterise(printed.read_bytes(), SCANNED_ON))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("set_dir", type=Path, help="folder with txt/ (and gold.json) of an evaluation set")
    parser.add_argument(
        "--no-pdf", action="store_true", help="gbk and docx only (no LibreOffice needed, no scans)"
    )
    args = parser.parse_args()
    make_forms(args.set_dir, pdf=not args.no_pdf)


if __name__ == "__main__":
    main()
