"""Tests of the spreadsheet and web-page readers, on inputs built here."""

from __future__ import annotations

import codecs
import contextlib
import io
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from pipelines.extract.facts import extract_content
from pipelines.extract.identity import extract_identity
from pipelines.model import ReadError, ReadLimits
from pipelines.readers import SUPPORTED_SUFFIXES, read_bytes
from pipelines.readers.html import decode_page
from pipelines.readers.sheet import cell_text
from tests.builders import CORPUS_DEV, requires_corpus
from tools import samples

Cell = str | int | float | tuple[float, int] | None  # (number, style index) is a styled number
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>'
)
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column(index: int) -> str:
    return chr(ord("A") + index)


def xlsx_bytes(
    sheets: dict[str, list[list[Cell]]], merges: dict[str, list[str]] | None = None, styles: str | None = None
) -> bytes:
    """A workbook with the given sheets (rows of cells: text, numbers, (number, style) or None) and,
    if given, xl/styles.xml, written by hand."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        if styles is not None:
            package.writestr("xl/styles.xml", styles)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>'
            for n in range(1, len(sheets) + 1)
        )
        package.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets=overrides))
        package.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(sheets, 1)
        )
        package.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{RELS}"><sheets>{entries}</sheets></workbook>',
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        package.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relations}'
            "</Relationships>",
        )
        for n, (name, rows) in enumerate(sheets.items(), 1):
            xml_rows = []
            for r, row in enumerate(rows, 1):
                cells = []
                for c, value in enumerate(row):
                    ref = f"{_column(c)}{r}"
                    if isinstance(value, str):
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
                    elif isinstance(value, tuple):
                        cells.append(f'<c r="{ref}" s="{value[1]}"><v>{value[0]!r}</v></c>')
                    elif value is not None:
                        cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
                xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
            merged = "".join(f'<mergeCell ref="{m}"/>' for m in (merges or {}).get(name, []))
            package.writestr(
                f"xl/worksheets/sheet{n}.xml",
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<sheetData>{''.join(xml_rows)}</sheetData>"
                + (f"<mergeCells>{merged}</mergeCells>" if merged else "")
                + "</worksheet>",
            )
    return out.getvalue()


def test_new_suffixes_are_dispatched() -> None:
    assert {".xlsx", ".xls", ".et", ".html", ".htm"} <= SUPPORTED_SUFFIXES


# --- spreadsheets -------------------------------------------------------------------------------


def test_sheet_rows_become_table_rows_with_cells_as_the_sheet_shows_them() -> None:
    data = xlsx_bytes(
        {
            "说明": [],
            "预算表": [
                ["桃江县图书馆2021年度部门整体支出绩效报告"],
                [],
                ["项目", "预算数", "执行数", "执行率"],
                ["基本支出", 323.62, 323.0, 0.1 + 0.2],
                [None, "  其中：\n人员经费 ", 12, None],
            ],
        }
    )
    document = read_bytes(data, "r.xlsx", "h")
    assert document.file_format == "xlsx"
    assert [(b.locator, b.kind, b.cells) for b in document.blocks] == [
        ("sheet 预算表 row 1", "table_row", ("桃江县图书馆2021年度部门整体支出绩效报告", "", "", "")),
        ("sheet 预算表 row 3", "table_row", ("项目", "预算数", "执行数", "执行率")),
        ("sheet 预算表 row 4", "table_row", ("基本支出", "323.62", "323", "0.3")),
        ("sheet 预算表 row 5", "table_row", ("", "其中： 人员经费", "12", "")),
    ]
    assert document.blocks[2].text == "基本支出 | 323.62 | 323 | 0.3"


def test_sheet_cell_text_prints_numbers_without_float_noise() -> None:
    assert [cell_text(v) for v in (3.0, 1e20, 0.1 + 0.2, 1234567.891, 0.00001, -2.50, True, " a\nb ")] == [
        "3", "100000000000000000000", "0.3", "1234567.891", "0.00001", "-2.5", "TRUE", "a b",
    ]  # fmt: skip


STYLES = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="0.00&quot;%&quot;"/></numFmts>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="10"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="4"/></cellXfs>'
    "</styleSheet>"
)


def test_sheet_percent_formats_read_as_the_sheet_shows_them() -> None:
    """Built-in (0.00%) and custom (0.0%) percent formats show value x 100 with a percent sign; a
    format with a quoted "%" (a literal, no scaling), a number format and unstyled cells do not."""
    data = xlsx_bytes(
        {"执行": [["执行率", (0.9523, 1), (1.0, 2), (0.5, 3), (1234.5, 4), 0.98]], "空": [[(0.25, 1)]]},
        styles=STYLES,
    )
    rows = [block.cells for block in read_bytes(data, "a.xlsx", "h").blocks]
    assert rows == [("执行率", "95.23%", "100%", "0.5", "1234.5", "0.98"), ("25%",)]


def test_sheet_merged_cells_are_one_cell_across_and_repeated_down() -> None:
    rows: list[list[Cell]] = [["标题", None, None], ["年度资金总额", 45, 1], [None, 44, 2]]
    document = read_bytes(xlsx_bytes({"S": rows}, {"S": ["A1:C1", "A2:A3"]}), "m.xlsx", "h")
    assert [b.cells for b in document.blocks] == [
        ("标题",),
        ("年度资金总额", "45", "1"),
        ("年度资金总额", "44", "2"),
    ]


def test_a_form_laid_out_in_a_sheet_is_read_by_the_form_reader(tmp_path: Path) -> None:
    spec = samples.GANZHOU_SHEET_FORM
    draft = samples._compose_form(spec)
    samples._write_xlsx(tmp_path / "form.xlsx", spec, draft.blocks)
    document = read_bytes((tmp_path / "form.xlsx").read_bytes(), "江西省/form.xlsx", "h")
    identity = extract_identity(document)
    content = extract_content(document)
    assert (identity.institution, identity.fiscal_year, identity.report_kind, identity.project) == (
        spec.institution.name, spec.fiscal_year, "project", spec.project,
    )  # fmt: skip
    stated = [f for f in content.facts if not f.is_target]
    achieved = {f.indicator_code: f.value for f in stated if f.scope == "department"}
    achieved |= {
        f.indicator_code: f.value
        for f in stated
        if (f.indicator_code, f.scope) == ("budget_fiscal", "fiscal")
    }
    assert achieved == pytest.approx(draft.facts)
    assert [(k.indicator, k.actual_value, k.score) for k in content.indicators] == [
        (k["indicator"], k["actual_value"], k["score"]) for k in draft.kpis
    ]


def test_sheet_that_is_an_et_or_not_a_workbook() -> None:
    data = xlsx_bytes({"S": [["全年整体支出348.99万元"]]})
    assert read_bytes(data, "wps.et", "h").blocks[0].locator == "sheet S row 1"  # an .et saved as a zip
    with pytest.raises(ReadError, match=r"^not a valid spreadsheet: "):
        read_bytes(b"PK\x03\x04 not a zip at all", "a.xlsx", "h")
    with pytest.raises(ReadError, match=r"^not a valid spreadsheet: "):
        read_bytes(b"\xd0\xcf\x11\xe0 not an OLE file either", "a.xls", "h")
    with pytest.raises(ReadError, match=r"^no text in spreadsheet$"):
        read_bytes(xlsx_bytes({"S": [[None, ""]]}), "a.xlsx", "h")


def test_sheet_over_the_limits_is_rejected() -> None:
    data = xlsx_bytes({"S": [["x"] * 10] * 10})
    with pytest.raises(ReadError, match=r"^more than 50 table cells \(READ_MAX_TABLE_CELLS\)$"):
        read_bytes(data, "a.xlsx", "h", ReadLimits(max_table_cells=50))
    with pytest.raises(ReadError, match=r"^unzips to [\d.]+ MB \(> 0\.0001 MB, READ_MAX_INFLATED_MB\)$"):
        read_bytes(data, "a.xlsx", "h", ReadLimits(max_inflated_mb=0.0001))


# --- web pages ----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>站点标题</title>
<style>p {{ color: red }}</style><script>var a = "全年整体支出1万元";</script></head><body>
<header>某某县人民政府</header><nav><a>首页</a></nav>
<div class="top-menu">政务公开 | 预算绩效</div><div id="breadcrumbs">首页 &gt; 正文</div>
<div class="content"><h1>桃江县图书馆2021年度<b>部门整体</b>支出绩效报告</h1>
<p>一、部门概况</p>
<div>全年整体支出348.99万元，<span>其中</span>基本支出323.62万元。<br>项目支出25.37万元。</div>
<p style="display:none">隐藏的文字</p>
<table border="1">
<tr><th rowspan="2">项目</th><th colspan="2">资金（万元）</th></tr>
<tr><td>预算数</td><td>执行数</td></tr>
<tr><td>基本支出</td><td>323.62</td><td>323.62<table><tr><td>附注</td></tr></table></td></tr>
</table>
<ul><li>一是加强管理</li><li>二是提高效益</li></ul>
<pre>第一行
第二行</pre>
</div><form><input value="搜索"></form><footer>版权所有</footer><div class="site-footer">备案号</div>
</body></html>"""


def test_page_text_without_the_site_around_it() -> None:
    document = read_bytes(PAGE.format(charset="utf-8").encode("utf-8"), "r.html", "h")
    assert document.file_format == "html" and document.encoding == "utf-8"
    assert [(b.locator, b.cells or b.text) for b in document.blocks] == [
        ("p 1", "桃江县图书馆2021年度部门整体支出绩效报告"),
        ("p 2", "一、部门概况"),
        ("p 3", "全年整体支出348.99万元，其中基本支出323.62万元。"),
        ("p 4", "项目支出25.37万元。"),
        ("table 1 row 1", ("项目", "资金（万元）")),
        ("table 1 row 2", ("项目", "预算数", "执行数")),
        ("table 1 row 3", ("基本支出", "323.62", "323.62")),
        ("table 2 row 1", ("附注",)),
        ("p 5", "一是加强管理"),
        ("p 6", "二是提高效益"),
        ("p 7", "第一行"),
        ("p 8", "第二行"),
    ]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + PAGE.format(charset="gbk").encode("utf-8"), "utf-8-sig"),
        (PAGE.format(charset="gb2312").encode("gb18030"), "gb18030"),
        (PAGE.format(charset="big5").replace("桃江县", "桃江縣").encode("big5", "replace"), "big5"),
        (PAGE.replace('<meta charset="{charset}">', "").encode("gb18030"), "gb18030"),
        (PAGE.format(charset="utf-8").encode("gb18030"), "gb18030"),  # a page that names the wrong charset
        (
            PAGE.replace(
                '<meta charset="{charset}">',
                '<meta http-equiv="Content-Type" content="text/html; charset=GBK">',
            ).encode("gb18030"),
            "gb18030",
        ),
    ],
    ids=["bom", "meta-gb2312", "meta-big5", "undeclared-gb18030", "wrong-declaration", "http-equiv"],
)
def test_page_encodings(data: bytes, encoding: str) -> None:
    text, found = decode_page(data)
    assert found == encoding and "2021年度" in text


def test_pages_without_report_text_or_in_an_odd_encoding_are_rejected() -> None:
    body_class = "<html><body class='has-navbar'><div id='menu'>首页</div><p>全年整体支出348.99万元。</p></body></html>"
    assert [b.text for b in read_bytes(body_class.encode(), "a.html", "h").blocks] == [
        "全年整体支出348.99万元。"
    ]
    only_site = "<html><head><script>var x = 1;</script></head><body><nav>首页</nav><div class='footer'>版权</div></body></html>"
    with pytest.raises(ReadError, match=r"^no report text in the web page$"):
        read_bytes(only_site.encode(), "a.html", "h")
    big5 = f"<html><body><p>{'長沙市圖書館2022年度部門整體支出績效自評報告，全年整體支出三百萬元。' * 20}</p></body></html>"
    with pytest.raises(ReadError, match=r"^text does not look like Chinese"):
        read_bytes(big5.encode("big5"), "a.htm", "h")


def test_page_cells_are_counted() -> None:
    rows = "".join("<tr>" + "<td>1</td>" * 10 + "</tr>" for _ in range(10))
    data = f"<html><body><p>报告</p><table>{rows}</table></body></html>".encode()
    with pytest.raises(ReadError, match=r"^more than 50 table cells \(READ_MAX_TABLE_CELLS\)$"):
        read_bytes(data, "a.html", "h", ReadLimits(max_table_cells=50))


def test_html_reader_on_random_bytes_returns_a_document_or_a_read_error() -> None:
    rng = random.Random(5)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        with contextlib.suppress(ReadError):
            read_bytes(b"<html><body><p>" + data, "r.html", "h")


# --- shared dev corpus --------------------------------------------------------------------------

HELD_OUT = {"h1_05", "h1_11", "h1_17", "h2_05", "h2_11", "h2_17", "h3_05"}  # never read in development


def _corpus_extract(path: Path) -> tuple[tuple, set[tuple]]:
    """A corpus file's identity and its facts (code, value, scope, target)."""
    document = read_bytes(path.read_bytes(), f"{path.parent.name}/{path.name}", "h")
    identity = extract_identity(document)
    facts = {(f.indicator_code, f.value, f.scope, f.is_target) for f in extract_content(document).facts}
    return (identity.institution, identity.fiscal_year, identity.report_kind), facts


@requires_corpus
@pytest.mark.corpus
def test_corpus_web_pages_and_sheets_read_as_their_text_versions() -> None:
    """Every development report saved as a web page gives the facts and identity of its .txt; every
    form saved as a spreadsheet the identity of its .txt and at least its facts."""
    pages = sorted(p for p in (CORPUS_DEV / "html").glob("*.html") if p.stem not in HELD_OUT)
    sheets = sorted(p for p in (CORPUS_DEV / "xlsx").glob("*.xlsx") if p.stem not in HELD_OUT)
    assert len(pages) >= 20 and len(sheets) >= 2
    for path in pages + sheets:
        identity, facts = _corpus_extract(path)
        text_identity, text_facts = _corpus_extract(CORPUS_DEV / "txt" / f"{path.stem}.txt")
        assert identity == text_identity, path.name
        if path.suffix == ".html":
            assert facts == text_facts, path.name
        else:
            assert facts >= text_facts, (path.name, text_facts - facts)
