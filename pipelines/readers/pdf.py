"""PDF reports: ruled tables as rows (pdfplumber's table finder), the rest of each page as joined
paragraphs; pages are read through pypdfium2 (`pipelines.readers.pdfium_text`), which gives the
glyphs and ruling paths pdfminer would, and through pdfplumber's parsing where pdfium cannot stand
for it; pages without a text layer recognised by OCR (`pipelines.readers.ocr`)."""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Iterator
from typing import Any

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits, TextBlock
from pipelines.readers import ocr
from pipelines.readers.layout import paragraphs
from pipelines.readers.pdfium_text import PdfiumPage, read_page

Bbox = tuple[float, float, float, float]

# Above this share of glyphs printed as "(cid:NNN)" (no Unicode mapping), the text layer is unusable.
MAX_UNMAPPED_SHARE = 0.5
# A page with fewer printed characters than this, none of them a Chinese character, has no usable
# text layer (a scan, maybe with a stamped page number): it is read by OCR. A page of a few words
# (the last cells of a form, 10 | 指标2) is text.
MIN_PAGE_GLYPHS = 10
CJK = re.compile(r"[\u4e00-\u9fff]")


def _text_layer(glyphs: int, text: str) -> bool:
    """Whether a page's text layer is its text (not a scan's stamped page number)."""
    return glyphs >= MIN_PAGE_GLYPHS or CJK.search(text) is not None


def read_pdf(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Document:
    """Read a PDF report with a text layer.

    Per page, ruled tables (pdfplumber's default line strategy) give one block per row, located
    ``page P table T row R``; the text outside the tables gives paragraphs ``page P para N`` made
    by joining wrapped lines. Blocks are ordered by their top position on the page. A page pdfium
    can read as pdfminer would is read through it, with the same blocks, unless
    `limits.pdfplumber_only`.
    """
    if b"%PDF-" not in data[:1024]:
        raise ReadError("not a PDF file (no %PDF- header)")
    pages: dict[int, list[TextBlock]] = {}
    scanned: list[int] = []
    glyphs = unmapped = cells = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page_count = len(pdf.pages)
            if page_count > limits.max_pdf_pages:
                raise ReadError(f"too many pages ({page_count} > {limits.max_pdf_pages}, READ_MAX_PDF_PAGES)")
            pdfium = None if limits.pdfplumber_only else _open_pdfium(data, page_count)
            try:
                for number, page in enumerate(pdf.pages, start=1):
                    through_pdfium = _through_pdfium(pdfium, number, page)
                    if through_pdfium is not None:  # its glyphs are a text layer, each mapped
                        glyphs += through_pdfium.glyphs
                        if through_pdfium.shapes is None:
                            pages[number] = _plain_blocks(through_pdfium.lines(), page, number)
                            continue
                        # pdfplumber keeps a page's parsed objects in `_objects` (Page.objects): given
                        # pdfium's, it finds the tables in them and never has pdfminer parse the page
                        page._objects = through_pdfium.objects()
                    else:
                        texts = [char["text"] for char in page.chars if not char["text"].isspace()]
                        if not _text_layer(len(texts), "".join(texts)):
                            scanned.append(number)
                            page.close()
                            if len(scanned) > limits.max_ocr_pages:  # known now: the rest need not be parsed
                                raise ReadError(
                                    f"more than {limits.max_ocr_pages} pages without a text layer to OCR "
                                    "(READ_MAX_OCR_PAGES)"
                                )
                            continue
                        glyphs += len(texts)
                        unmapped += sum(1 for text in texts if text.startswith("(cid:"))
                    pages[number] = _page_blocks(page, number)
                    cells = _count_cells(cells, pages[number], limits)
                    page.close()
            finally:
                if pdfium is not None:
                    pdfium.close()
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, MemoryError):  # over READ_MAX_MEMORY_MB: the caller names the limit
            raise cause from exc
        if isinstance(cause, PDFEncryptionError):
            raise ReadError("encrypted PDF (needs a password)") from exc
        if b"%%EOF" not in data[-1024:]:
            raise ReadError(f"truncated PDF (no %%EOF marker at the end; {cause!r})") from exc
        raise ReadError(f"broken PDF: {cause!r}") from exc
    except (MalformedPDFException, PSException) as exc:
        raise ReadError(f"broken PDF: {exc!r}") from exc
    if unmapped > MAX_UNMAPPED_SHARE * glyphs:
        raise ReadError("text layer has no Unicode mapping (cid:NNN glyphs)")
    for number, page_blocks in _ocr_pages(data, scanned):
        pages[number] = page_blocks
        cells = _count_cells(cells, page_blocks, limits)
    blocks = tuple(block for number in sorted(pages) for block in pages[number])
    if not blocks:
        raise ReadError("no text found by OCR (image-only PDF)" if glyphs == 0 else "no text in document")
    return Document(
        source_file=source_file,
        content_hash=content_hash,
        file_format="pdf",
        blocks=blocks,
        pages=page_count,
    )


def _open_pdfium(data: bytes, page_count: int) -> pypdfium2.PdfDocument | None:
    """The PDF opened by pdfium, or None when pdfium cannot open it or counts other pages than
    pdfminer (then every page is read by pdfplumber)."""
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None
    if len(pdf) != page_count:
        pdf.close()
        return None
    return pdf


def _through_pdfium(pdfium: pypdfium2.PdfDocument | None, number: int, page: Page) -> PdfiumPage | None:
    """Page `number` read through pdfium, when it can be and has a text layer (a page of few glyphs
    is left to pdfplumber, which tells scans)."""
    if pdfium is None:
        return None
    try:
        read = read_page(pdfium, number - 1, page.page_obj, (page.width, page.height), page.initial_doctop)
    except pypdfium2.PdfiumError:  # a page pdfium cannot load: pdfplumber says what is wrong
        return None
    if read is None or not _text_layer(read.glyphs, "".join(char["text"] for char in read.chars)):
        return None
    return read


def _count_cells(cells: int, blocks: list[TextBlock], limits: ReadLimits) -> int:
    """Cells so far plus the blocks'; more than READ_MAX_TABLE_CELLS stops the reading."""
    cells += sum(len(block.cells) for block in blocks)
    if cells > limits.max_table_cells:
        raise ReadError(f"more than {limits.max_table_cells} table cells (READ_MAX_TABLE_CELLS)")
    return cells


def _ocr_pages(data: bytes, numbers: list[int]) -> Iterator[tuple[int, list[TextBlock]]]:
    """The blocks OCR reads on the given pages (numbered from 1); blank pages are not recognised."""
    if not numbers:
        return
    pdf = pypdfium2.PdfDocument(data)
    try:
        for number in numbers:
            page = pdf[number - 1]
            image = None if ocr.is_white(ocr.render(page, ocr.THUMBNAIL_DPI)) else ocr.render(page)
            page.close()
            if image is None or ocr.is_blank(image):
                continue
            width = image.shape[1]
            lines = ocr.recognise(image)
            if lines:
                height = statistics.median(line.height for line in lines)
                yield number, ocr.page_blocks(lines, number, width, ocr.ruling(image, height))
    finally:
        pdf.close()


def _page_blocks(page: Page, number: int) -> list[TextBlock]:
    """Table rows and paragraphs of one page, ordered by their top y."""
    tables = sorted(page.find_tables(), key=lambda table: (table.bbox[1], table.bbox[0]))
    placed: list[tuple[float, list[TextBlock]]] = []
    for table_number, table in enumerate(tables, start=1):
        rows = []
        for row_number, row in enumerate(table.extract(), start=1):
            cells = tuple((cell or "").replace("\n", "").strip() for cell in row)
            if any(cells):
                locator = f"page {number} table {table_number} row {row_number}"
                rows.append(
                    TextBlock(
                        text=" | ".join(cells), locator=locator, kind="table_row", page=number, cells=cells
                    )
                )
        placed.append((table.bbox[1], rows))

    bboxes = [table.bbox for table in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in bboxes)

    text_page = page.filter(outside_tables) if bboxes else page
    lines = text_page.extract_text_lines(return_chars=False)
    if lines:
        placed.extend(_paragraphs(lines, _right_edge(page, lines, bboxes), number))
    placed.sort(key=lambda item: item[0])
    return [block for _, group in placed for block in group]


def _plain_blocks(lines: list[dict[str, Any]], page: Page, number: int) -> list[TextBlock]:
    """The paragraphs of a page without tables from its lines read through pdfium."""
    return [block for _, group in _paragraphs(lines, _right_edge(page, lines, []), number) for block in group]


def _paragraphs(
    lines: list[dict[str, Any]], right_edge: float, number: int
) -> list[tuple[float, list[TextBlock]]]:
    """The page's lines joined into paragraph blocks ``page P para N``, each with its top y."""
    return [
        (top, [TextBlock(text=text, locator=f"page {number} para {para_number}", page=number)])
        for para_number, (top, text, _) in enumerate(paragraphs(lines, right_edge), start=1)
    ]


def _right_edge(page: Page, lines: list[dict[str, Any]], bboxes: list[Bbox]) -> float:
    """The right edge of the page's text column: its rightmost line or table or, as margins are
    about symmetric, its leftmost line or table mirrored (pages of a few short or centred lines)."""
    lefts = [line["x0"] for line in lines] + [bbox[0] for bbox in bboxes]
    rights = [line["x1"] for line in lines] + [bbox[2] for bbox in bboxes]
    page_left, _, page_right, _ = page.bbox
    return max(*rights, page_right - (min(lefts) - page_left))
