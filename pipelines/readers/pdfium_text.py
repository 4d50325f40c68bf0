"""The text lines of a PDF page without tables, through pypdfium2: the lines pdfplumber's
``extract_text_lines`` gives, at a fraction of pdfminer's cost (`pipelines.readers.pdf`).

A page is read here only when nothing on it can make a difference: no path objects that may rule a
table, only upright unscaled-direction glyphs with a Unicode mapping, a page that is not rotated and
content streams of bounded size. Any other page is left to pdfplumber (None)."""

from __future__ import annotations

import ctypes
import zlib
from dataclasses import dataclass
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import LIT
from pdfplumber.utils.text import chars_to_textmap

# Path objects spanning at least this much across and at least this much down (one object or two)
# may form a ruled table: pdfplumber's edges need 3 points (its min_edge_length) once joined.
RULE_SPAN = 2.0
# A page whose content streams inflate to more than this is left to pdfminer, which raises
# MemoryError within the reading limits where pdfium would abort the process.
MAX_CONTENT_BYTES = 16 * 1024 * 1024
_FLATE = (LIT("FlateDecode"), LIT("Fl"))
SAME_SIZE = 0.01  # points between pdfminer's page size and pdfium's (single precision)


@dataclass(frozen=True)
class PlainPage:
    """A page read through pdfium: its printed glyphs (not white space) and its text lines as
    pdfplumber gives them (text, x0, x1, top, bottom)."""

    glyphs: int
    lines: list[dict[str, Any]]


def plain_page(
    pdf: pypdfium2.PdfDocument, index: int, contents: list[Any], size: tuple[float, float]
) -> PlainPage | None:
    """Page `index` (from 0) of `pdf` read through pdfium, or None when it is for pdfplumber to
    read: it may carry a ruled table, or its glyphs or geometry are ones pdfium may not report as
    pdfminer does. `contents` are the page's content streams and `size` its width and height as
    pdfminer found them (another size: not the same page)."""
    if not _inflates_within(contents, MAX_CONTENT_BYTES):
        return None
    page = pdf[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        width, height = size
        if (
            page.get_rotation()
            or (left, bottom) != (0, 0)
            or abs(right - width) > SAME_SIZE
            or abs(top - height) > SAME_SIZE
            or _may_rule(page)
        ):
            return None
        textpage = page.get_textpage()
        try:
            chars = _chars(textpage, top)
        finally:
            textpage.close()
    finally:
        page.close()
    if chars is None:
        return None
    lines = chars_to_textmap(chars).extract_text_lines(return_chars=False) if chars else []
    return PlainPage(sum(1 for char in chars if not char["text"].isspace()), lines)


def _inflates_within(contents: list[Any], limit: int) -> bool:
    """Whether the content streams are unencrypted, stored plain or Flate-compressed without
    parameters, and inflate to at most `limit` bytes in all (measured in bounded steps)."""
    room = limit
    for reference in contents:
        stream = resolve1(reference)
        if not isinstance(stream, PDFStream) or stream.decipher is not None or stream.rawdata is None:
            return False
        filters = stream.get_filters()
        if not filters:
            room -= len(stream.rawdata)
        elif len(filters) == 1 and filters[0][0] in _FLATE and not filters[0][1]:
            try:
                room -= len(zlib.decompressobj().decompress(stream.rawdata, room + 1))
            except zlib.error:
                return False
        else:
            return False
        if room < 0:
            return False
    return True


def _may_rule(page: pypdfium2.PdfPage) -> bool:
    """Whether the page's path objects may rule a table: some span RULE_SPAN across and some
    RULE_SPAN down (a grid, a box, a filled cell), or any path sits in a form XObject, whose own
    matrix scales it."""
    across = down = False
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        if obj.level:
            return True
        left, bottom, right, top = obj.get_bounds()
        across = across or right - left >= RULE_SPAN
        down = down or top - bottom >= RULE_SPAN
        if across and down:
            return True
    return False


def _chars(textpage: pypdfium2.PdfTextPage, page_top: float) -> list[dict[str, Any]] | None:
    """The page's glyphs as pdfplumber's char dicts (text, x0, x1, top, bottom, doctop, upright),
    in content order; spaces and line ends that pdfium adds are left out. None when a glyph has no
    Unicode mapping, is not printable (pdfium's hyphen marks, surrogates) or is not upright."""
    chars = []
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    x = ctypes.c_double()
    y = ctypes.c_double()
    for index in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage, index):
            continue
        text = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        if pdfium_c.FPDFText_HasUnicodeMapError(textpage, index) or not (
            text.isprintable() or text.isspace()
        ):
            return None
        pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
        if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0:
            return None
        pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
        baseline = page_top - y.value
        top = baseline - pdfium_c.FPDFText_GetFontSize(textpage, index)
        chars.append(
            {
                "text": text,
                "x0": box.left,
                "x1": box.right,
                "top": top,
                "bottom": baseline,
                "doctop": top,
                "upright": True,
            }
        )
    return chars
