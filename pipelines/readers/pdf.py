"""PDF reports via pdfplumber: ruled tables as rows, the rest of each page as joined paragraphs;
pages without a text layer recognised by OCR (`pipelines.readers.ocr`)."""

from __future__ import annotations

import io
import statistics
from collections.abc import Iterator
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits, TextBlock
from pipelines.readers import ocr
from pipelines.readers.layout import paragraphs

Bbox = tuple[float, float, float, float]

# Above this share of glyphs printed as "(cid:NNN)" (no Unicode mapping), the text layer is unusable.
MAX_UNMAPPED_SHARE = 0.5
# A page with fewer printed characters than this has no usable text layer (a scan, maybe with a
# stamped page number): it is read by OCR.
MIN_PAGE_GLYPHS = 10


def read_pdf(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Document:
    """Read a PDF report with a text layer.

    Per page, ruled tables (pdfplumber's default line strategy) give one block per row, located
    ``page P table T row R``; the text outside the tables gives paragraphs ``page P para N`` made
    by joining wrapped lines. Blocks are ordered by their top position on the page.
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
            for number, page in enumerate(pdf.pages, start=1):
                texts = [char["text"] for char in page.chars if not char["text"].isspace()]
                if len(texts) < MIN_PAGE_GLYPHS:
                    scanned.append(number)
                    page.close()
                    if len(scanned) > limits.max_ocr_pages:  # known now: the rest need not be parsed
                        raise ReadError(
                            f"more than {limits.max_ocr_pages} pages without a text layer to OCR (READ_MAX_OCR_PAGES)"
                        )
                    continue
                glyphs += len(texts)
                unmapped += sum(1 for text in texts if text.startswith("(cid:"))
                pages[number] = _page_blocks(page, number)
                cells = _count_cells(cells, pages[number], limits)
                page.close()
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
    import pypdfium2

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
    joined = paragraphs(lines, _right_edge(page, lines, bboxes)) if lines else []
    for para_number, (top, text, _) in enumerate(joined, start=1):
        placed.append((top, [TextBlock(text=text, locator=f"page {number} para {para_number}", page=number)]))
    placed.sort(key=lambda item: item[0])
    return [block for _, group in placed for block in group]


def _right_edge(page: Page, lines: list[dict[str, Any]], bboxes: list[Bbox]) -> float:
    """The right edge of the page's text column: its rightmost line or table or, as margins are
    about symmetric, its leftmost line or table mirrored (pages of a few short or centred lines)."""
    lefts = [line["x0"] for line in lines] + [bbox[0] for bbox in bboxes]
    rights = [line["x1"] for line in lines] + [bbox[2] for bbox in bboxes]
    page_left, _, page_right, _ = page.bbox
    return max(*rights, page_right - (min(lefts) - page_left))
