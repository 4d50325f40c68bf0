"""Tests of the OCR reading of scanned pages: recognised lines to blocks (hand-made boxes), the digit
confusions, provenance by locator, and one scanned PDF read end to end."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pypdfium2
import pytest
from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from pipelines.batch.assembly import read_by
from pipelines.model import Document, ReadError, ReadLimits, TextBlock
from pipelines.readers.ocr import OcrLine, Rule, merge_rules, page_blocks, ruling, split_line
from pipelines.readers.ocr_text import fix_confusions
from tests.test_readers import CN_STYLE, read_bytes, report_pdf
from tools.samples import CHINESE_FONT

# --- a recognised line: cells and spaces --------------------------------------------------------


def _chars(text: str, x: float, pitch: float = 16.0, spaced: set[int] = frozenset()) -> list:
    """Characters of `text` (text, x0, x1, confidence) from x on; an extra 8 pixels after the
    indexes in `spaced`."""
    chars = []
    for index, char in enumerate(text):
        chars.append((char, x, x + pitch - 4, 0.99))
        x += pitch + (8 if index in spaced else 0)
    return chars


def _ink(chars: list, narrow: set[int] = frozenset()) -> list[tuple[float, float]]:
    """The glyphs' ink: the characters' boxes, half as wide for the indexes in `narrow` (a 1)."""
    return [(x0 + 3, x1 - 3) if i in narrow else (x0, x1) for i, (_, x0, x1, _) in enumerate(chars)]


def test_split_line_restores_the_space_between_two_figures() -> None:
    chars = _chars("9089.97", 100, spaced={1})  # printed "90 89.97", recognised "9089.97"
    [line] = split_line(chars, 10, 35, _ink(chars))
    assert line.text == "90 89.97"
    assert line.confidence == pytest.approx(0.99)


def test_split_line_keeps_digits_of_one_figure_together() -> None:
    chars = _chars("2022年1011", 100)
    assert [line.text for line in split_line(chars, 10, 35, _ink(chars, narrow={5, 7, 8}))] == ["2022年1011"]


def test_split_line_restores_spaces_between_words_but_not_after_punctuation() -> None:
    chars = _chars("数量≥50个50，达成", 100, spaced={1, 5, 8})  # printed "数量 ≥50个 50，达成"
    assert [line.text for line in split_line(chars, 10, 35, _ink(chars))] == ["数量 ≥50个 50，达成"]


def test_split_line_starts_a_new_cell_at_a_wide_blank() -> None:
    chars = _chars("合计", 100) + _chars("512.3", 300)
    lines = split_line(chars, 10, 35, _ink(chars))
    assert [(line.text, line.x0) for line in lines] == [("合计", 100), ("512.3", 300)]


# --- lines to blocks ----------------------------------------------------------------------------


def _line(text: str, x0: float, top: float, x1: float, confidence: float = 0.99) -> OcrLine:
    return OcrLine(text, confidence, x0, top, x1, top + 24)


def test_aligned_rows_become_a_table_and_the_rest_paragraphs() -> None:
    lines = [
        _line("一、部门收支情况", 100, 40, 300),
        _line("本年度部门预算收入共计512.34万元，全部为财政拨款，其中基本支出", 100, 80, 1100),
        _line("412.00万元。", 100, 115, 260),
        _line("项目", 100, 160, 160), _line("预算数", 500, 160, 580), _line("执行数", 800, 162, 880),
        _line("合计", 100, 200, 160), _line("512.34", 505, 199, 585, 0.8), _line("498.00", 805, 203, 885),
        _line("单位负责人：张三", 100, 260, 330), _line("2023年3月1日", 950, 262, 1110),
    ]  # fmt: skip
    blocks = page_blocks(lines, 2, 1200)
    assert [(b.kind, b.locator, b.cells or b.text) for b in blocks] == [
        ("paragraph", "page 2 line 1 (OCR)", "一、部门收支情况"),
        (
            "paragraph",
            "page 2 line 2 (OCR)",
            "本年度部门预算收入共计512.34万元，全部为财政拨款，其中基本支出412.00万元。",
        ),
        ("table_row", "page 2 table 1 row 1 (OCR)", ("项目", "预算数", "执行数")),
        ("table_row", "page 2 table 1 row 2 (OCR)", ("合计", "512.34", "498.00")),
        ("paragraph", "page 2 line 4 (OCR)", "单位负责人：张三 2023年3月1日"),
    ]  # a two-cell line that lines up with no other row is text
    assert blocks[3].confidence == 0.8
    assert blocks[3].cell_confidence == (0.99, 0.8, 0.99)


def test_ruled_grid_gathers_a_wrapped_cell_into_its_row() -> None:
    lines = [
        _line("指标", 110, 105, 160), _line("指标值", 410, 105, 480),
        _line("基建工程委托业务", 110, 145, 300), _line("≥50个", 410, 160, 480),
        _line("项目数量", 110, 175, 200),
    ]  # fmt: skip
    horizontal = [Rule(100, 100, 600), Rule(135, 100, 600), Rule(205, 100, 600)]
    vertical = [Rule(100, 100, 205), Rule(400, 100, 205), Rule(600, 100, 205)]
    blocks = page_blocks(lines, 1, 700, (horizontal, vertical))
    assert [b.cells for b in blocks] == [("指标", "指标值"), ("基建工程委托业务项目数量", "≥50个")]
    assert blocks[1].locator == "page 1 table 1 row 2 (OCR)"


def test_pieces_of_a_ruling_line_are_one_line() -> None:
    pieces = [Rule(765.5, 502, 916), Rule(765.5, 181, 501), Rule(874.5, 179, 339), Rule(766.5, 917, 1077)]
    assert merge_rules(pieces) == [Rule(765.5, 181, 1077), Rule(874.5, 179, 339)]


def test_faint_rules_are_rules_and_grey_shading_is_not() -> None:
    """A thin rule rendered at 150 dpi is a pixel row or two of light grey; a shaded cell is grey too,
    but thick."""
    import numpy as np

    page = np.full((400, 600), 255, dtype=np.uint8)
    page[50, 100:500] = 0  # a black rule
    page[120, 100:500], page[121, 100:500] = 150, 200  # a faint rule: two rows of light grey
    page[200:230, 100:500] = 210  # a shaded row, 30 pixels high
    page[300, 100:500] = 240  # too light to be ink of any kind
    page[50:351, 100] = page[50:351, 499] = 140  # faint vertical borders
    horizontal, vertical = ruling(page, line_height=29.0)
    assert [round(rule.at) for rule in horizontal] == [50, 121]
    assert [abs(rule.at - at) <= 1 for rule, at in zip(vertical, (100, 499), strict=True)] == [True, True]
    assert all(abs(rule.start - 50) <= 1 and abs(rule.end - 351) <= 1 for rule in vertical)


def test_no_lines_no_blocks() -> None:
    assert page_blocks([], 1, 1000) == []


# --- confusions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recognised", "corrected"),
    [
        ("1O5万元", "105万元"),
        ("2O22年", "2022年"),
        ("1OO5人", "1005人"),
        ("95.l%", "95.1%"),
        ("3.I4", "3.14"),
        ("支出3兀", "支出3元"),
        ("5万兀", "5万元"),
        ("1.234.567.89元", "1,234,567.89元"),
        ("1.234.567元", "1,234,567元"),
        ("89.97万元", "89.97万元"),  # one point: a decimal point
        ("10 99%9 65.66", "10 99% 9 65.66"),  # a rate and the score after it
        ("65.07 一 99%一 上年", "65.07 一 99% 一 上年"),  # a rate and a dash for an empty cell
        ("占比50%一般公共预算", "占比50%一般公共预算"),  # 一 starting a word
        ("2023 年10月", "2023年10月"),  # a date's space
        ("项自总成本", "项目总成本"),  # 目 read as 自
        ("年度绩效自标", "年度绩效目标"),
        ("对各项自查情况", "对各项自查情况"),  # 项 before 自查: a word of its own
        ("各自标准", "各自标准"),
        ("2023 年实际在职人数", "2023年实际在职人数"),
        ("l05人", "l05人"),  # no digit before it: left as read
        ("Office 1 O", "Office 1 O"),
    ],
)
def test_fix_confusions(recognised: str, corrected: str) -> None:
    assert fix_confusions(recognised) == corrected


# --- provenance ---------------------------------------------------------------------------------


def test_confidence_by_locator_and_read_by() -> None:
    document = Document(
        "a.pdf",
        "h",
        "pdf",
        (
            TextBlock("合计 | 512.34", "page 1 table 1 row 1 (OCR)", "table_row", 1, ("合计", "512.34"), 0.8, (0.99, 0.8)),
            TextBlock("全年支出", "page 2 para 1", page=2),
        ),
    )  # fmt: skip
    known = document.confidences()
    assert known == {
        "page 1 table 1 row 1 (OCR)": 0.8,
        "page 1 table 1 row 1 (OCR) cell 1": 0.99,
        "page 1 table 1 row 1 (OCR) cell 2": 0.8,
    }
    assert read_by("page 1 table 1 row 1 (OCR) cell 2", known) == ("ocr", 0.8)
    assert read_by("page 2 para 1", known) == ("text", None)


# --- a scanned PDF ------------------------------------------------------------------------------


def scanned(pdf: bytes, scale: float = 2.5) -> bytes:
    """`pdf` rasterised: every page an image, no text layer (as a scanner makes it)."""
    source = pypdfium2.PdfDocument(pdf)
    images = [source[i].render(scale=scale, grayscale=True).to_pil() for i in range(len(source))]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=72 * scale, save_all=True, append_images=images[1:])
    return buffer.getvalue()


@pytest.mark.skipif(
    not CHINESE_FONT.exists(), reason=f"no Chinese font to draw the scan with: {CHINESE_FONT}"
)
def test_scanned_pdf_is_read_by_ocr(tmp_path: Path) -> None:
    table = Table([["项目", "预算数", "执行数"], ["合计", "512.34", "498.00"]], colWidths=[120, 90, 90])
    table.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.8, colors.black), ("FONTNAME", (0, 0), (-1, -1), "STSong-Light")]
        )
    )
    data = scanned(report_pdf([Paragraph("全年支出498.00万元。", CN_STYLE), table]))
    document = read_bytes(tmp_path, "scan.pdf", data)
    rows = [block for block in document.blocks if block.kind == "table_row"]
    assert [row.cells for row in rows] == [("项目", "预算数", "执行数"), ("合计", "512.34", "498.00")]
    assert rows[1].locator == "page 1 table 1 row 2 (OCR)"
    assert document.blocks[0].text == "全年支出498.00万元。"
    assert all(0.5 < block.confidence <= 1 for block in document.blocks)


def test_scanned_pages_beyond_the_ocr_limit_are_not_recognised(tmp_path: Path) -> None:
    data = scanned(report_pdf(["第一页"], ["第二页"]), scale=0.5)
    with pytest.raises(
        ReadError, match=r"^more than 1 pages without a text layer to OCR \(READ_MAX_OCR_PAGES\)$"
    ):
        read_bytes(tmp_path, "a.pdf", data, ReadLimits(max_ocr_pages=1))


def blank_scans(pages: int) -> bytes:
    """A PDF of `pages` blank scanned pages (one white image drawn on each)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    white = ImageReader(Image.new("L", (850, 1100), 255))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for _ in range(pages):
        page.drawImage(white, 0, 0, 595, 842)
        page.showPage()
    page.save()
    return buffer.getvalue()


def test_many_blank_scanned_pages_find_no_text_quickly(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ReadError, match=r"^no text found by OCR \(image-only PDF\)$"):
        read_bytes(tmp_path, "blank.pdf", blank_scans(500), ReadLimits(max_ocr_pages=500))
    assert time.monotonic() - started < 60  # rendered as thumbnails only, never recognised
