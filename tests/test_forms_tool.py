"""tools.forms makes the other forms of a set of .txt reports as the real-report corpus makes them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.readers import read_bytes
from tests.builders import CORPUS_DEV, requires_corpus
from tools.forms import make_forms, table_cells, word_document, write_scans
from tools.scoring import DEV


def test_table_rows_and_their_cells():
    assert table_cells("项目名称 | | 某某经费 | | |") == ["项目名称", "", "某某经费", "", ""]
    assert table_cells("部门整体支出绩效自评表 | |||||||") == ["部门整体支出绩效自评表", ""]
    assert table_cells("绩 效 指 标 |") is None  # one `|`: a paragraph
    assert table_cells("成本指标 | 指标1:") is None


def test_rows_in_a_run_make_one_table_of_the_widest_row(tmp_path: Path):
    text = "标题\n一级指标 | 二级指标 | 三级指标 |\n产出指标 | 数量指标 | 培训人次 | ≥100 | 120 |\n说明"
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "r.txt").write_text(text, encoding="utf-8")
    make_forms(tmp_path, pdf=False)
    blocks = read_bytes((tmp_path / "docx" / "r.docx").read_bytes(), "docx/r.docx", "h").blocks
    rows = [b.cells for b in blocks if b.kind == "table_row"]
    assert rows == [
        ("一级指标", "二级指标", "三级指标", "", ""),
        ("产出指标", "数量指标", "培训人次", "≥100", "120"),
    ]
    assert (tmp_path / "gbk" / "r.txt").read_bytes().decode("gb18030") == text


@requires_corpus
def test_the_corpus_docx_read_the_same_as_the_tools(tmp_path: Path):
    for stem in DEV:  # the development reports only: the held-out ones are never opened
        text = (CORPUS_DEV / "txt" / f"{stem}.txt").read_text(encoding="utf-8")
        word_document(text).save(tmp_path / f"{stem}.docx")
        ours = read_bytes((tmp_path / f"{stem}.docx").read_bytes(), f"{stem}.docx", "h").blocks
        theirs = read_bytes((CORPUS_DEV / "docx" / f"{stem}.docx").read_bytes(), f"{stem}.docx", "h").blocks
        assert [(b.kind, b.text) for b in ours] == [(b.kind, b.text) for b in theirs], stem


@pytest.mark.slow
def test_the_scan_form_is_the_pdf_as_page_images_read_by_ocr(tmp_path: Path):
    sample = next(p for p in sorted(Path("samples/reports").rglob("*.pdf")) if "扫描件" not in p.name)
    printed = read_bytes(sample.read_bytes(), "pdf/r.pdf", "h")
    assert not any("(OCR)" in block.locator for block in printed.blocks)  # a PDF with a text layer
    (tmp_path / "pdf").mkdir()
    shutil.copy(sample, tmp_path / "pdf" / "r.pdf")
    write_scans(tmp_path)
    scanned = read_bytes((tmp_path / "scan" / "r.pdf").read_bytes(), "scan/r.pdf", "h2")
    assert all("(OCR)" in block.locator for block in scanned.blocks)  # no text layer: every line read by OCR
    title = printed.blocks[0].text.replace(" ", "")
    assert title[:6] in "".join(block.text.replace(" ", "") for block in scanned.blocks[:3])
