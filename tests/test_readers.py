"""Tests of the file readers, on inputs built in tmp_path (plus one test on the shared dev corpus)."""

from __future__ import annotations

import codecs
import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.document import Document as DocxDocument
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits
from pipelines.readers import SUPPORTED_SUFFIXES, read_document
from pipelines.readers.layout import paragraphs

CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpus/dev"

TXT_LINES = ["部门整体支出绩效报告", "  全年整体支出348.99万元。  ", "", "其中基本支出323.62万元"]
BIG5_SENTENCE = "桃江縣圖書館部門整體支出績效報告。全年整體支出348.99萬元，其中基本支出323.62萬元。"
LONG_PARAGRAPH = (
    "本馆是县级综合性公共图书馆，承担着为全县社会公众提供图书情报服务的职责，负责收藏、管理书刊资料"
    "和地方文献，2021年全年整体支出348.99万元，其中基本支出323.62万元，项目支出共计25.37万元。"
)

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
CN_STYLE = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")


def read_bytes(tmp_path: Path, name: str, data: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    """Write `data` under tmp_path/reports/ and read it with read_document(root=tmp_path)."""
    path = tmp_path / "reports" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return read_document(path, tmp_path, limits)


def report_pdf(*pages: list[object]) -> bytes:
    """A PDF with one page per list of platypus flowables (plain strings become Chinese paragraphs)."""
    story: list[object] = []
    for number, flowables in enumerate(pages):
        if number:
            story.append(PageBreak())
        story.extend(Paragraph(item, CN_STYLE) if isinstance(item, str) else item for item in flowables)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def ruled_table() -> Table:
    """A GRID-ruled table whose narrow figure columns wrap "3,724,055.00" over two lines."""
    rows = [["项目", "预算数（元）", "执行数（元）"], ["年度总金额", "3,724,055.00", "4,614,453.11"]]
    table = Table([[Paragraph(cell, CN_STYLE) for cell in row] for row in rows], colWidths=[80, 45, 45])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    return table


# --- dispatch ---------------------------------------------------------------------------------


def test_read_document_fills_identity_fields_and_dispatches_case_insensitively(tmp_path: Path) -> None:
    data = "全年整体支出348.99万元\n".encode()
    document = read_bytes(tmp_path, "Report.TXT", data)
    assert document.source_file == "reports/Report.TXT"
    assert document.content_hash == hashlib.sha256(data).hexdigest()
    assert document.file_format == "txt"
    assert sorted(SUPPORTED_SUFFIXES) == [
        ".doc",
        ".docx",
        ".et",
        ".htm",
        ".html",
        ".pdf",
        ".txt",
        ".wps",
        ".xls",
        ".xlsx",
    ]


def test_unsupported_extension_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"^unsupported file type: \.odt$"):
        read_bytes(tmp_path, "old.odt", b"PK\x03\x04")


# --- txt --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("\r\n".join(TXT_LINES).encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + "\r\n".join(TXT_LINES).encode("utf-8"), "utf-8-sig"),
        ("\n".join(TXT_LINES).encode("gb18030"), "gb18030"),
        (codecs.BOM_UTF16_BE + "\n".join(TXT_LINES).encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf-8-crlf", "utf-8-bom", "gb18030", "utf-16-be-bom"],
)
def test_txt_encodings_give_one_block_per_non_blank_line(tmp_path: Path, data: bytes, encoding: str) -> None:
    document = read_bytes(tmp_path, "a.txt", data)
    assert document.encoding == encoding
    assert [(b.locator, b.text, b.kind) for b in document.blocks] == [
        ("line 1", "部门整体支出绩效报告", "paragraph"),
        ("line 2", "全年整体支出348.99万元。", "paragraph"),
        ("line 4", "其中基本支出323.62万元", "paragraph"),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", r"^empty file$"),
        (b" \r\n\t\n", r"^empty file$"),
        (bytes(range(256)) * 4, r"binary content \(NUL bytes"),
        (b"\x01\x02\x03\x04 report" * 50, r"binary content \(\d+ control characters"),
        (b"\x80\x80 abc", r"not UTF-8 or GB18030"),
        (BIG5_SENTENCE.encode("big5"), r"only \d+ of \d+ non-ASCII characters are common"),
        ("財政總額經費".encode("big5"), r"only \d+ of \d+ ideographs are common simplified"),
        ("全年整体支出348.99万元\n".encode("utf-16-le"), r"UTF-16 without a byte-order mark"),
        ("桃江县图书馆部门整体支出绩效报告".encode("utf-16-be"), r"does not look like Chinese"),
    ],
    ids=[
        "empty",
        "whitespace",
        "binary-nul",
        "binary-controls",
        "undecodable",
        "big5",
        "big5-short",
        "utf-16-le-no-bom",
        "utf-16-be-no-bom-no-nul",
    ],
)
def test_txt_rejections(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        read_bytes(tmp_path, "bad.txt", data)


def test_txt_in_traditional_characters_saved_as_gb18030_is_read(tmp_path: Path) -> None:
    text = "某某縣農業農村局2024年度項目績效自評報告\n項(xiàng)目資(zī)金執行率34.3%,結轉資金680.3萬元。\n"
    document = read_bytes(tmp_path, "trad.txt", text.encode("gb18030"))
    assert document.encoding == "gb18030" and document.blocks[1].text.startswith("項(xiàng)目資")


# --- docx -------------------------------------------------------------------------------------


def docx_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_rows_in_body_order(tmp_path: Path) -> None:
    source = docx.Document()
    source.add_paragraph("桃江县图书馆2021年度部门整体支出绩效报告")
    source.add_paragraph("   ")
    source.add_paragraph("一、部门概况")
    table = source.add_table(rows=3, cols=3)
    header, basic = ["项目", "预算数", "执行数"], ["基本支出", "323.62", "323.62"]
    for row, texts in zip(table.rows, [header, basic], strict=False):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "合计"
    table.cell(2, 2).text = "348.99"
    table.cell(2, 2).add_table(rows=1, cols=2).rows[0].cells[0].text = "其中：项目支出25.37"
    source.add_paragraph("全年整体支出348.99万元。")

    document = read_bytes(tmp_path, "a.docx", docx_bytes(source))

    assert document.file_format == "docx"
    assert [(b.locator, b.kind) for b in document.blocks] == [
        ("p 1", "paragraph"),
        ("p 3", "paragraph"),
        ("table 1 row 1", "table_row"),
        ("table 1 row 2", "table_row"),
        ("table 1 row 3", "table_row"),
        ("table 1 row 3 / table 1 row 1", "table_row"),
        ("p 4", "paragraph"),
    ]
    rows = document.blocks[2:6]
    assert rows[1].cells == ("基本支出", "323.62", "323.62")
    assert rows[1].text == "基本支出 | 323.62 | 323.62"
    assert rows[2].cells == ("合计", "348.99")  # the merged span is one cell
    assert rows[3].cells == ("其中：项目支出25.37", "")
    assert document.blocks[-1].text == "全年整体支出348.99万元。"


def test_docx_vertical_merge_repeats_text_but_not_nested_tables(tmp_path: Path) -> None:
    source = docx.Document()
    table = source.add_table(rows=2, cols=2)
    label = table.cell(0, 0).merge(table.cell(1, 0))
    label.text = "年度资金总额"
    label.add_table(rows=1, cols=1).rows[0].cells[0].text = "附注"
    table.cell(0, 1).text = "45"
    table.cell(1, 1).text = "44"

    document = read_bytes(tmp_path, "a.docx", docx_bytes(source))

    assert [(b.locator, b.cells) for b in document.blocks] == [
        ("table 1 row 1", ("年度资金总额", "45")),
        ("table 1 row 1 / table 1 row 1", ("附注",)),
        ("table 1 row 2", ("年度资金总额", "44")),
    ]


def test_docx_that_is_not_a_docx_is_rejected(tmp_path: Path) -> None:
    not_docx = io.BytesIO()
    with zipfile.ZipFile(not_docx, "w") as archive:
        archive.writestr("readme.txt", "hello")
    for data in (b"PK but not a zip at all", not_docx.getvalue()):
        with pytest.raises(ReadError, match=r"^not a valid \.docx: "):
            read_bytes(tmp_path, "a.docx", data)


def test_docx_without_text_is_rejected(tmp_path: Path) -> None:
    source = docx.Document()
    source.add_paragraph("")
    source.add_table(rows=1, cols=2)
    with pytest.raises(ReadError, match=r"^no text in document$"):
        read_bytes(tmp_path, "a.docx", docx_bytes(source))


# --- pdf --------------------------------------------------------------------------------------


def test_pdf_paragraphs_and_ruled_table_in_page_order(tmp_path: Path) -> None:
    data = report_pdf(
        ["桃江县图书馆部门整体支出绩效报告", "一、部门概况", LONG_PARAGRAPH, ruled_table(), "二、绩效情况"],
        ["桃江县图书馆", "2022年5月10日"],  # short lines on a sparse page stay apart
    )
    with pdfplumber.open(io.BytesIO(data)) as pdf:  # the figure cells really wrap
        assert "\n" in pdf.pages[0].extract_tables()[0][1][1]
    document = read_bytes(tmp_path, "a.pdf", data)

    assert document.file_format == "pdf"
    assert document.pages == 2
    assert [(b.locator, b.page, b.kind) for b in document.blocks] == [
        ("page 1 para 1", 1, "paragraph"),
        ("page 1 para 2", 1, "paragraph"),
        ("page 1 para 3", 1, "paragraph"),
        ("page 1 table 1 row 1", 1, "table_row"),
        ("page 1 table 1 row 2", 1, "table_row"),
        ("page 1 para 4", 1, "paragraph"),
        ("page 2 para 1", 2, "paragraph"),
        ("page 2 para 2", 2, "paragraph"),
    ]
    texts = [b.text for b in document.blocks]
    assert texts[:3] == ["桃江县图书馆部门整体支出绩效报告", "一、部门概况", LONG_PARAGRAPH]
    assert document.blocks[3].cells == ("项目", "预算数（元）", "执行数（元）")
    assert document.blocks[4].cells == ("年度总金额", "3,724,055.00", "4,614,453.11")
    assert texts[4] == "年度总金额 | 3,724,055.00 | 4,614,453.11"
    assert texts[5:] == ["二、绩效情况", "桃江县图书馆", "2022年5月10日"]


def test_a_pdf_page_of_a_few_words_is_read_from_its_text_layer(tmp_path: Path) -> None:
    """The last cells of a form on a page of their own (10 | 指标2): fewer glyphs than a page of text
    usually has, but words, not a scan's stamped page number."""
    data = report_pdf(["时效指标", "指标1项目完成及时率", "100", "100", "10"], ["10", "指标2"])
    document = read_bytes(tmp_path, "a.pdf", data)
    assert [b.text for b in document.blocks if b.page == 2] == ["10", "指标2"]


def test_pdf_truncated_is_rejected(tmp_path: Path) -> None:
    data = report_pdf([LONG_PARAGRAPH])
    with pytest.raises(ReadError, match=r"^truncated PDF"):
        read_bytes(tmp_path, "a.pdf", data[: len(data) // 2])


def test_pdf_whose_pages_show_no_text_even_to_ocr_is_rejected(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 300, 400, fill=1)  # a scanned page without any writing
    page.save()
    with pytest.raises(ReadError, match=r"^no text found by OCR \(image-only PDF\)$"):
        read_bytes(tmp_path, "a.pdf", buffer.getvalue())


def test_pdf_with_unmapped_cid_glyphs_is_rejected(tmp_path: Path) -> None:
    # Same-length edits: Identity-H encoding and an unknown character collection leave no Unicode map.
    data = report_pdf([LONG_PARAGRAPH])
    data = data.replace(b"/Encoding /UniGB-UCS2-H", b"/Encoding /Identity-H  ")
    data = data.replace(b"/Ordering (GB1)", b"/Ordering (XXX)")
    with pytest.raises(ReadError, match=r"^text layer has no Unicode mapping"):
        read_bytes(tmp_path, "a.pdf", data)


def test_pdf_encrypted_is_rejected(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=StandardEncryption("user", ownerPassword="owner"))
    page.drawString(100, 700, "report 2021")
    page.save()
    with pytest.raises(ReadError, match=r"^encrypted PDF"):
        read_bytes(tmp_path, "a.pdf", buffer.getvalue())


def test_pdf_not_a_pdf_and_over_the_limits(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"^not a PDF file"):
        read_bytes(tmp_path, "a.pdf", b"<html>not a pdf</html>")
    with pytest.raises(ReadError, match=r"^too many pages \(2 > 1, READ_MAX_PDF_PAGES\)$"):
        read_bytes(tmp_path, "b.pdf", report_pdf(["第一页"], ["第二页"]), ReadLimits(max_pdf_pages=1))
    table = report_pdf([ruled_table()])
    assert read_bytes(tmp_path, "c.pdf", table).blocks
    with pytest.raises(ReadError, match=r"^more than 3 table cells"):
        read_bytes(tmp_path, "c.pdf", table, ReadLimits(max_table_cells=3))
    with pytest.raises(ReadError, match=r"^file too large \(0\.0 MB > 0\.001 MB, READ_MAX_FILE_MB\)"):
        read_bytes(tmp_path, "c.pdf", table, ReadLimits(max_file_mb=0.001))


def test_pdf_line_joining_rules() -> None:
    def line(text: str, top: float, x1: float = 500.0) -> dict[str, object]:
        return {"text": text, "top": top, "bottom": top + 11, "x0": 90.0, "x1": x1}

    lines = [
        line("全年接待读者", 0),
        line("2.3万人次，项目支出共计25.37", 15),  # "2.3" wraps a number, it is no list item
        line("万元。", 30, x1=130),
        line("（二）部门职能", 45, x1=170),  # a short line ends its paragraph, whatever its last character
        line("负责收藏书刊资料", 60),
        line("1.做好“三下乡”工作。”", 75),  # a list item; a closing quote after "。" still ends the sentence
        line("读者满意度达到", 90),
        line("95%以上。", 105),
        line("项目总成本 ≤202.6万元 132.9 10", 120),  # a wrap between two cells of figures was a space
        line("10 满意度 95%", 135),
        line("100% 10 10", 150, x1=130),
        line("附件:某某项目自评表[点击下载]", 165, x1=445),  # 5 ems short: 某 would have fitted
        line("某某镇人民政府", 180, x1=170),
        line("项目支出合", 195, x1=445),  # 5 ems short before 计:1234567.89, which moves down whole
        line("计:1234567.89元。", 210, x1=170),
        line("全年下達城鄉", 225, x1=470),  # 3 ems short before a pinyin gloss, which moves down whole
        line("(xiāng)義務教育補助經費61萬元。", 240, x1=300),
        line("质量指标 网络竞赛 提高普及率 稳步提升 6", 255),  # a score standing alone, then the next row
        line("宣传栏内容更新 知识更新率 实时更新 6", 270, x1=300),
    ]
    assert paragraphs(lines, right_edge=505.0) == [
        (0, "全年接待读者2.3万人次，项目支出共计25.37万元。", [0, 1, 2]),
        (45, "（二）部门职能", [3]),
        (60, "负责收藏书刊资料", [4]),
        (75, "1.做好“三下乡”工作。”", [5]),
        (90, "读者满意度达到95%以上。", [6, 7]),
        (120, "项目总成本 ≤202.6万元 132.9 10 10 满意度 95% 100% 10 10", [8, 9, 10]),
        (165, "附件:某某项目自评表[点击下载]", [11]),
        (180, "某某镇人民政府", [12]),
        (195, "项目支出合计:1234567.89元。", [13, 14]),
        (225, "全年下達城鄉(xiāng)義務教育補助經費61萬元。", [15, 16]),
        (255, "质量指标 网络竞赛 提高普及率 稳步提升 6 宣传栏内容更新 知识更新率 实时更新 6", [17, 18]),
    ]


# --- shared dev corpus ------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared dev corpus not found at {CORPUS}")
def test_corpus_forms_of_one_report_carry_the_same_figures() -> None:
    stem = "seed_taojiang_2021"
    forms = {
        "txt": read_document(CORPUS / "txt" / f"{stem}.txt", CORPUS),
        "gbk": read_document(CORPUS / "gbk" / f"{stem}.txt", CORPUS),
        "docx": read_document(CORPUS / "docx" / f"{stem}.docx", CORPUS),
        "pdf": read_document(CORPUS / "pdf" / f"{stem}.pdf", CORPUS),
    }
    assert forms["txt"].encoding == "utf-8"
    assert forms["gbk"].encoding == "gb18030"
    assert forms["pdf"].source_file == f"pdf/{stem}.pdf"
    # In the PDF "25.37" and "万元", "读者" and "112500人次" sit on different lines.
    figures = ["348.99万元", "323.62万元", "25.37万元", "接待到馆读者112500人次", "全馆编制人数为26人"]
    for form, document in forms.items():
        missing = [figure for figure in figures if figure not in document.text]
        assert not missing, f"{form}: {missing}"


def test_docx_over_the_limits_is_rejected_before_it_is_unzipped(tmp_path: Path) -> None:
    source = docx.Document()
    table = source.add_table(rows=2, cols=3)
    for cell in table._cells:
        cell.text = "1"
    data = docx_bytes(source)
    assert read_bytes(tmp_path, "a.docx", data).blocks
    with pytest.raises(ReadError, match=r"^more than 5 table cells \(READ_MAX_TABLE_CELLS\)$"):
        read_bytes(tmp_path, "a.docx", data, ReadLimits(max_table_cells=5))
    with pytest.raises(ReadError, match=r"^unzips to [\d.]+ MB \(> 0\.0001 MB, READ_MAX_INFLATED_MB\)$"):
        read_bytes(tmp_path, "a.docx", data, ReadLimits(max_inflated_mb=0.0001))
