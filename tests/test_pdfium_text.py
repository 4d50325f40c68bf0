"""PDF pages through pypdfium2 against pdfplumber's parsing: which pages are left to pdfplumber, the
same glyphs, lines and ruling paths, and the same documents and extracts from every PDF of the shared
dev corpus (but the held-out reports, never read) and of the bundled samples."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pdfplumber
import pypdfium2
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipelines.batch.read import extract_file
from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits
from pipelines.readers import pdf as pdf_reader
from pipelines.readers import read_bytes
from pipelines.readers.pdfium_text import PdfiumPage, read_page
from tests.test_readers import CORPUS, LONG_PARAGRAPH, report_pdf, ruled_table
from tools.scoring import HELD_OUT

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"
PDFPLUMBER_ONLY = ReadLimits(pdfplumber_only=True)
T = TypeVar("T")


def first_page(data: bytes) -> tuple[PdfiumPage | None, list[dict[str, object]]]:
    """The first page read through pdfium (None: left to pdfplumber), then pdfplumber's lines of it
    (pdfminer keeps the content streams it decodes, which pdfium's reading measures first)."""
    return first_page_and(data, lambda page: page.extract_text_lines(return_chars=False))


def first_page_and(data: bytes, parsed: Callable[[pdfplumber.page.Page], T]) -> tuple[PdfiumPage | None, T]:
    """The first page read through pdfium (None: left to pdfplumber), then `parsed` of pdfplumber's."""
    pdfium = pypdfium2.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        through_pdfium = read_page(pdfium, 0, page.page_obj, (page.width, page.height), page.initial_doctop)
        pdfium.close()
        return through_pdfium, parsed(page)


def odd_glyphs_pdf() -> bytes:
    """A page of text set as reportlab sets it, plus text squeezed (Tz), raised (Ts), drawn in a
    scaled space and in a standard font: glyph boxes pdfium must give as pdfminer does."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 11)
    page.drawString(90, 760, "一、部门概况")
    text = page.beginText(90, 730)
    text.setFont("STSong-Light", 11)
    text.setHorizScale(80)
    text.textOut("全年整体支出348.99万元，")
    text.setRise(4)
    text.textOut("其中基本支出323.62万元")
    page.drawText(text)
    page.saveState()
    page.transform(1.5, 0, 0, 1.5, 0, 0)
    page.setFont("Helvetica", 9)
    page.drawString(60, 460, "Performance report 2021")
    page.restoreState()
    page.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            report_pdf(["桃江县图书馆部门整体支出绩效报告", "一、部门概况", LONG_PARAGRAPH]), id="paragraphs"
        ),
        pytest.param(odd_glyphs_pdf(), id="odd-glyphs"),
    ],
)
def test_a_page_without_tables_gives_pdfplumbers_lines(data: bytes) -> None:
    plain, lines = first_page(data)
    assert plain is not None
    assert plain.shapes is None
    assert [line["text"] for line in plain.lines()] == [line["text"] for line in lines]
    for ours, theirs in zip(plain.lines(), lines, strict=True):
        for key in ("x0", "x1", "top", "bottom"):
            assert ours[key] == pytest.approx(theirs[key], abs=1e-3), (key, theirs["text"])
    assert plain.glyphs == sum(len(line["text"].replace(" ", "")) for line in lines)


def drawn_page(draw: Callable[[canvas.Canvas], None]) -> bytes:
    """A page of two lines of Chinese text and whatever `draw` adds."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 11)
    page.drawString(90, 760, "一、部门概况")
    page.drawString(90, 740, "全年整体支出348.99万元，其中基本支出323.62万元。")
    draw(page)
    page.save()
    return buffer.getvalue()


def vertical_text(page: canvas.Canvas) -> None:
    """A title written downwards (a composite font whose CMap is UniGB-UCS2-V)."""
    if "STSong-Light-V" not in pdfmetrics.getRegisteredFontNames():
        font = UnicodeCIDFont("STSong-Light", isVertical=True)
        font.name = font.fontName = "STSong-Light-V"
        pdfmetrics.registerFont(font)
    page.setFont("STSong-Light-V", 11)
    page.drawString(520, 760, "部门整体支出绩效报告")


def rounded_box(page: canvas.Canvas) -> None:
    page.roundRect(90, 600, 300, 100, 8)


def boxed_form_xobject(page: canvas.Canvas) -> None:
    """A box drawn inside a form XObject (its own matrix)."""
    page.beginForm("box")
    page.rect(90, 600, 300, 100)
    page.endForm()
    page.doForm("box")


def box_with_a_rule_of_no_height(page: canvas.Canvas) -> None:
    """A box ruled across by a rectangle of no height (pdfminer: a curve, its closing segment dropped)."""
    page.rect(90, 600, 300, 100)
    page.rect(90, 650, 300, 0)


def text_printed_twice(page: canvas.Canvas) -> None:
    """A heading printed twice at almost one place (bold by overprinting): pdfium keeps one copy."""
    page.setFont("STSong-Light", 11)
    page.drawString(90, 700, "二、绩效目标实现情况")
    page.drawString(90.4, 700, "二、绩效目标实现情况")


def crowded_text(page: canvas.Canvas) -> None:
    """Text set with its glyphs half inside each other (negative character spacing)."""
    text = page.beginText(90, 700)
    text.setFont("STSong-Light", 11)
    text.setCharSpace(-6)
    text.textOut("附件 5:三定方案")
    page.drawText(text)


@pytest.mark.parametrize(
    ("data", "route"),
    [
        pytest.param(
            drawn_page(lambda page: page.line(90, 755, 500, 755)), "lines", id="a rule under a heading"
        ),
        pytest.param(drawn_page(lambda page: page.rect(90, 600, 300, 100)), "shapes", id="a box"),
        pytest.param(
            drawn_page(lambda page: page.rect(90, 600, 300, 12, fill=1)), "shapes", id="a filled cell"
        ),
        pytest.param(report_pdf([LONG_PARAGRAPH, ruled_table()]), "shapes", id="a ruled table"),
        pytest.param(drawn_page(rounded_box), None, id="a rounded box (curves)"),
        pytest.param(drawn_page(box_with_a_rule_of_no_height), None, id="a rectangle of no height"),
        pytest.param(drawn_page(boxed_form_xobject), None, id="a box in a form XObject"),
        pytest.param(drawn_page(crowded_text), None, id="crowded text"),
        pytest.param(drawn_page(text_printed_twice), None, id="text printed twice"),
        pytest.param(drawn_page(lambda page: page.setPageRotation(90)), None, id="a turned page"),
        pytest.param(drawn_page(vertical_text), None, id="text written downwards"),
    ],
)
def test_which_pages_pdfium_reads(data: bytes, route: str | None) -> None:
    through_pdfium = first_page(data)[0]
    assert (
        None if through_pdfium is None else "lines" if through_pdfium.shapes is None else "shapes"
    ) == route
    assert read_bytes(data, "a.pdf", "") == read_bytes(data, "a.pdf", "", PDFPLUMBER_ONLY)


def ruled_shapes(page: canvas.Canvas) -> None:
    """Paths pdfminer makes lines, rects and curves of, drawn every way a content stream may:
    rectangles (re, negative sizes too, stroked and filled; four segments back to the start), lines,
    a diagonal, a closed triangle and an open box side (curves), several subpaths in one path, under
    a scaling matrix with figures of seven digits."""
    page.rect(90, 600, 300, 100)
    page.rect(400, 650, -60, -20, fill=1, stroke=0)
    page.rect(402.2051, 487.176, 63.675, 26.25)  # corners pdfium adds up in single precision
    page.line(90, 580, 390, 580)
    page.line(100, 560, 380, 540)
    page.saveState()
    page.transform(0.75, 0, 0, 0.75, 12.34567, 3.5)
    path = page.beginPath()
    path.moveTo(120.125, 300)
    path.lineTo(420.2468, 300)
    path.lineTo(420.2468, 320.5)
    path.lineTo(120.125, 320.5)
    path.close()
    path.moveTo(130, 200)
    path.lineTo(230, 200)
    path.lineTo(180, 260)
    path.lineTo(130, 200)
    path.close()
    path.moveTo(300, 200)
    path.lineTo(400, 200)
    path.lineTo(400, 250)
    path.lineTo(300, 250)
    path.lineTo(300, 200)
    path.moveTo(450, 250)
    path.lineTo(450, 200)
    path.lineTo(500, 200)
    path.lineTo(500, 250)
    page.drawPath(path, stroke=1, fill=0)
    page.restoreState()


GEOMETRY = ("x0", "y0", "x1", "y1", "width", "height", "top", "bottom", "doctop")


def test_pdfium_gives_pdfminers_lines_rects_and_curves_to_the_last_digit() -> None:
    def pdfminers(page: pdfplumber.page.Page) -> dict[str, list[dict[str, object]]]:
        return {kind: page.objects.get(kind, []) for kind in ("line", "rect", "curve")}

    through_pdfium, theirs = first_page_and(drawn_page(ruled_shapes), pdfminers)
    assert through_pdfium is not None and through_pdfium.shapes is not None
    assert {kind: len(shapes) for kind, shapes in theirs.items()} == {"line": 2, "rect": 5, "curve": 2}
    for kind, shapes in theirs.items():
        ours = [
            ({key: shape[key] for key in GEOMETRY}, shape["pts"]) for shape in through_pdfium.shapes[kind]
        ]
        assert ours == [({key: shape[key] for key in GEOMETRY}, shape["pts"]) for shape in shapes], kind


def test_a_page_read_through_pdfium_is_never_parsed_by_pdfminer(monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfplumber takes the objects pdfium read (its `Page._objects`): a change in how pdfplumber
    keeps them would make this test fail rather than the reading silently slow."""
    data = report_pdf([LONG_PARAGRAPH, ruled_table()])
    expected = read_bytes(data, "a.pdf", "", PDFPLUMBER_ONLY)

    def refuse(page: pdfplumber.page.Page) -> None:
        raise AssertionError("pdfminer parsed a page pdfium read")

    monkeypatch.setattr(pdfplumber.page.Page, "parse_objects", refuse)
    document = read_bytes(data, "a.pdf", "")
    assert document == expected
    assert any(block.kind == "table_row" for block in document.blocks)


def test_the_switch_reads_every_page_with_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    data = report_pdf([LONG_PARAGRAPH])
    through_pdfium = read_bytes(data, "a.pdf", "")
    monkeypatch.setattr(pdf_reader, "read_page", None)  # would fail if called
    assert read_bytes(data, "a.pdf", "", PDFPLUMBER_ONLY) == through_pdfium


@pytest.fixture
def ocr_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR of the same pages of the same file recognised once: both readings ask for it, and its
    result does not depend on how the other pages were read."""
    recognise = pdf_reader._ocr_pages
    done: dict[tuple[bytes, tuple[int, ...]], list[object]] = {}

    def once(data: bytes, numbers: list[int]) -> Iterator[object]:
        key = (hashlib.sha256(data).digest(), tuple(numbers))
        if key not in done:
            done[key] = list(recognise(data, numbers))
        return iter(done[key])

    monkeypatch.setattr(pdf_reader, "_ocr_pages", once)


def read_or_refuse(data: bytes, name: str, limits: ReadLimits) -> Document | str:
    try:
        return read_bytes(data, name, "", limits)
    except ReadError as error:
        return str(error)


@pytest.mark.parametrize(
    "folder",
    [
        pytest.param(
            CORPUS,
            id="dev-corpus",
            marks=[
                pytest.mark.slow,  # OCR of its scanned reports: about 5 minutes
                pytest.mark.corpus,
                pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared dev corpus not found at {CORPUS}"),
            ],
        ),
        pytest.param(SAMPLES, id="samples"),  # about 10 s, the OCR of one scanned sample
    ],
)
@pytest.mark.usefixtures("ocr_once")
def test_pdfium_gives_the_same_documents_and_extracts_as_pdfplumber(folder: Path) -> None:
    files = sorted(path for path in folder.rglob("*.pdf") if path.stem not in HELD_OUT)
    assert files
    for path in files:
        name = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        content_hash = hashlib.sha256(data).hexdigest()
        assert read_or_refuse(data, name, DEFAULT_LIMITS) == read_or_refuse(data, name, PDFPLUMBER_ONLY), name
        assert extract_file(data, name, content_hash) == extract_file(
            data, name, content_hash, PDFPLUMBER_ONLY
        ), name
