"""PDF text through pypdfium2 against pdfplumber's: which pages are left to pdfplumber, and the same
documents and extracts from every PDF of the shared dev corpus (but the held-out reports, never read)
and of the bundled samples."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path

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
from pipelines.readers.pdfium_text import PlainPage, plain_page
from tests.test_readers import CORPUS, LONG_PARAGRAPH, report_pdf, ruled_table
from tools.scoring import HELD_OUT

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"
PDFPLUMBER_ONLY = ReadLimits(pdfplumber_only=True)


def first_page(data: bytes) -> tuple[PlainPage | None, list[dict[str, object]]]:
    """The first page read through pdfium (None: left to pdfplumber), then pdfplumber's lines of it
    (pdfminer keeps the content streams it decodes, which pdfium's reading measures first)."""
    pdfium = pypdfium2.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        plain = plain_page(pdfium, 0, page.page_obj, (page.width, page.height))
        pdfium.close()
        return plain, page.extract_text_lines(return_chars=False)


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
    assert [line["text"] for line in plain.lines] == [line["text"] for line in lines]
    for ours, theirs in zip(plain.lines, lines, strict=True):
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


@pytest.mark.parametrize(
    ("data", "through_pdfium"),
    [
        pytest.param(
            drawn_page(lambda page: page.line(90, 755, 500, 755)), True, id="a rule under a heading"
        ),
        pytest.param(drawn_page(lambda page: page.rect(90, 600, 300, 100)), False, id="a box"),
        pytest.param(drawn_page(lambda page: page.rect(90, 600, 300, 12, fill=1)), False, id="a filled cell"),
        pytest.param(report_pdf([LONG_PARAGRAPH, ruled_table()]), False, id="a ruled table"),
        pytest.param(drawn_page(lambda page: page.setPageRotation(90)), False, id="a turned page"),
        pytest.param(drawn_page(vertical_text), False, id="text written downwards"),
    ],
)
def test_which_pages_pdfium_reads(data: bytes, through_pdfium: bool) -> None:
    assert (first_page(data)[0] is not None) == through_pdfium
    assert read_bytes(data, "a.pdf", "") == read_bytes(data, "a.pdf", "", PDFPLUMBER_ONLY)


def test_the_switch_reads_every_page_with_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    data = report_pdf([LONG_PARAGRAPH])
    through_pdfium = read_bytes(data, "a.pdf", "")
    monkeypatch.setattr(pdf_reader, "plain_page", None)  # would fail if called
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
