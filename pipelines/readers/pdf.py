"""PDF reports via pdfplumber: ruled tables as rows, the rest of each page as joined paragraphs."""

from __future__ import annotations

import io
import re
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits, TextBlock

Bbox = tuple[float, float, float, float]

# Above this share of glyphs printed as "(cid:NNN)" (no Unicode mapping), the text layer is unusable.
MAX_UNMAPPED_SHARE = 0.5
# A line ending more than this many font sizes before the page's right text edge ends its paragraph,
# whatever its last character (headings, titles). Wraps before long numbers leave up to ~5.
SHORT_LINE_EMS = 8.0

SENTENCE_END = tuple("。；！？：;:!?")
_CLOSING_QUOTES = "”’」』\"'"
# Lines that start a heading or list item: 一、 （一） (1) 1、 1. 1． 第一章 ① •; "2.3万" is no heading.
_HEADING = re.compile(
    r"""\s*(?:
        [一二三四五六七八九十]+\s*[、.．]
      | [（(]\s*[一二三四五六七八九十\d]+\s*[）)]
      | \d{1,2}\s*[、．]
      | \d{1,2}\.(?!\d)
      | 第[一二三四五六七八九十\d]+[章节部分条]
      | [\u2460-\u2473•●■◆▪]
    )""",
    re.VERBOSE,
)


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
    blocks: list[TextBlock] = []
    glyphs = unmapped = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page_count = len(pdf.pages)
            if page_count > limits.max_pdf_pages:
                raise ReadError(f"too many pages ({page_count} > {limits.max_pdf_pages}, READ_MAX_PDF_PAGES)")
            cells = 0
            for number, page in enumerate(pdf.pages, start=1):
                texts = [char["text"] for char in page.chars if not char["text"].isspace()]
                glyphs += len(texts)
                unmapped += sum(1 for text in texts if text.startswith("(cid:"))
                page_blocks = _page_blocks(page, number)
                cells += sum(len(block.cells) for block in page_blocks)
                if cells > limits.max_table_cells:
                    raise ReadError(f"more than {limits.max_table_cells} table cells (READ_MAX_TABLE_CELLS)")
                blocks.extend(page_blocks)
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
    if glyphs == 0:
        raise ReadError("no text layer (image-only PDF, needs OCR)")
    if unmapped > MAX_UNMAPPED_SHARE * glyphs:
        raise ReadError("text layer has no Unicode mapping (cid:NNN glyphs)")
    return Document(
        source_file=source_file,
        content_hash=content_hash,
        file_format="pdf",
        blocks=tuple(blocks),
        pages=page_count,
    )


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
    paragraphs = _paragraphs(lines, _right_edge(page, lines, bboxes)) if lines else []
    for para_number, (top, text) in enumerate(paragraphs, start=1):
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


def _paragraphs(lines: list[dict[str, Any]], right_edge: float) -> list[tuple[float, str]]:
    """Join wrapped lines into paragraphs (without a space: Chinese text); return (top, text) pairs.

    A line continues the previous one unless the previous one ends a sentence (SENTENCE_END, maybe
    followed by a closing quote), stops short of the right text edge (by SHORT_LINE_EMS), or the
    line itself starts a heading or list item.
    """
    paragraphs: list[tuple[float, str]] = []
    previous: dict[str, Any] | None = None
    for line in lines:
        if previous is not None and _continues(previous, line, right_edge):
            top, text = paragraphs[-1]
            paragraphs[-1] = (top, text + line["text"])
        else:
            paragraphs.append((line["top"], line["text"]))
        previous = line
    return paragraphs


def _continues(previous: dict[str, Any], line: dict[str, Any], right_edge: float) -> bool:
    font_size = previous["bottom"] - previous["top"]
    return (
        not previous["text"].rstrip(_CLOSING_QUOTES).endswith(SENTENCE_END)
        and previous["x1"] >= right_edge - SHORT_LINE_EMS * font_size
        and not _HEADING.match(line["text"])
    )
