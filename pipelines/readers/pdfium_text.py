"""PDF pages through pypdfium2, at a fraction of pdfminer's cost (`pipelines.readers.pdf`): the
glyphs as pdfplumber's char dicts and, on a page whose paths may rule a table, those paths as
pdfplumber's lines, rects and curves, so that pdfplumber's own code finds the same tables and lines
in them without pdfminer parsing the page.

A page is read here only when pdfium can stand for pdfminer on it: only upright glyphs (no rotation
or skew), one character each, with a Unicode mapping and a width in fonts whose descent and whole
widths pdfminer would read, none crowded into the one before or left out of pdfium's text page
(overprinted text), painted paths of straight segments drawn on the page itself (no curves, nothing
in a form XObject), a page that is not rotated and content streams of bounded size. Any other page is
left to pdfplumber (None)."""

from __future__ import annotations

import ctypes
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any, NamedTuple

import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.fontmetrics import FONT_METRICS
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    PDFStream,
    num_value,
    resolve1,
)
from pdfminer.psparser import PSLiteral
from pdfplumber.utils.text import chars_to_textmap

# Path objects spanning at least this much across and at least this much down (one object or two)
# may form a ruled table: pdfplumber's edges need 3 points (its min_edge_length) once joined.
RULE_SPAN = 2.0
# A page whose content streams inflate to more than this is left to pdfminer, which raises
# MemoryError within the reading limits where pdfium would abort the process.
MAX_CONTENT_BYTES = 16 * 1024 * 1024
# A glyph starting this far (font sizes) inside the one before it on its line marks crowded text.
CROWDED_EMS = 0.25
SAME_SIZE = 0.01  # points between pdfminer's page size and pdfium's (single precision)
_SUBSET_TAG = re.compile(rb"^[A-Z]{6}\+")  # ABCDEF+SimSun: a font subset, named without it by pdfium


@dataclass(frozen=True)
class PdfiumPage:
    """A page read through pdfium: its glyphs as pdfplumber's char dicts (text, x0, x1, top, bottom,
    doctop, upright) and, when its paths may rule a table, its painted paths as pdfplumber's line,
    rect and curve dicts (None when none may: the page is its text lines)."""

    chars: list[dict[str, Any]]
    shapes: dict[str, list[dict[str, Any]]] | None

    @property
    def glyphs(self) -> int:
        """Printed glyphs (not white space)."""
        return sum(1 for char in self.chars if not char["text"].isspace())

    def lines(self) -> list[dict[str, Any]]:
        """The text lines pdfplumber's ``extract_text_lines`` gives (text, x0, x1, top, bottom)."""
        return chars_to_textmap(self.chars).extract_text_lines(return_chars=False) if self.chars else []

    def objects(self) -> dict[str, list[dict[str, Any]]]:
        """The page's objects by kind, as pdfplumber's page holds them once parsed."""
        return {"char": self.chars, **(self.shapes or {})}


def read_page(
    pdf: pypdfium2.PdfDocument, index: int, source: PDFPage, size: tuple[float, float], doctop: float
) -> PdfiumPage | None:
    """Page `index` (from 0) of `pdf` read through pdfium, or None when it is for pdfplumber to
    read: its glyphs, paths or geometry are ones pdfium may not report as pdfminer does. `source` is
    the page as pdfminer found it (its content streams and fonts), `size` its width and height by
    pdfplumber (another size: not the same page), `doctop` where it starts in the document (the
    pages above it, as pdfplumber counts)."""
    if not _inflates_within(source.contents, MAX_CONTENT_BYTES):
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
        ):
            return None
        shapes = None
        if _may_rule(page):
            shapes = _shapes(page, height, doctop)
            if shapes is None:
                return None
        textpage = page.get_textpage()
        try:
            read = _chars(textpage, top, doctop, _font_descents(source.resources))
        finally:
            textpage.close()
        if read is None or _drops_text(page, read[1]):
            return None
    finally:
        page.close()
    return PdfiumPage(read[0], shapes)


def _inflates_within(contents: list[Any], limit: int) -> bool:
    """Whether the content streams are stored plain or encoded by ASCII85, ASCIIHex (which shrink)
    and at most one Flate without parameters, last, and decode to at most `limit` bytes in all
    (decrypted as pdfminer does, inflated in bounded steps)."""
    room = limit
    for reference in contents:
        stream = resolve1(reference)
        if not isinstance(stream, PDFStream) or stream.rawdata is None:
            return False
        data = stream.rawdata
        filters = stream.get_filters()
        try:
            if stream.decipher:
                data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
            for position, (name, parameters) in enumerate(filters, start=1):
                if name in LITERALS_ASCII85_DECODE:
                    data = ascii85decode(data)
                elif name in LITERALS_ASCIIHEX_DECODE:
                    data = asciihexdecode(data)
                elif name in LITERALS_FLATE_DECODE and not parameters and position == len(filters):
                    data = zlib.decompressobj().decompress(data, room + 1)
                else:
                    return False
        except (ValueError, zlib.error):
            return False
        room -= len(data)
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
        width, height = _span(obj)
        across = across or width >= RULE_SPAN
        down = down or height >= RULE_SPAN
        if across and down:
            return True
    return False


def _span(path: pypdfium2.PdfObject) -> tuple[float, float]:
    """How far a path's points (curves' control points too) spread across and down the page: its
    geometry, as pdfminer's edges have it, without the stroke's width that pdfium's bounds add."""
    a, b, c, d, e, f = path.get_matrix().get()
    x = ctypes.c_float()
    y = ctypes.c_float()
    xs, ys = [], []
    for index in range(pdfium_c.FPDFPath_CountSegments(path)):
        pdfium_c.FPDFPathSegment_GetPoint(pdfium_c.FPDFPath_GetPathSegment(path, index), x, y)
        xs.append(a * x.value + c * y.value + e)
        ys.append(b * x.value + d * y.value + f)
    return (max(xs) - min(xs), max(ys) - min(ys)) if xs else (0.0, 0.0)


def _shapes(page: pypdfium2.PdfPage, height: float, doctop: float) -> dict[str, list[dict[str, Any]]] | None:
    """The page's painted paths as pdfminer makes them lines, rects and curves, in pdfplumber's dicts
    (the geometry its table finder reads: x0, y0, x1, y1, width, height, top, bottom, doctop, pts);
    None when a path has a curve segment, sits in a form XObject or is drawn in a way pdfium may
    report otherwise. Points and matrices are taken as the content stream wrote them (pdfium keeps
    them in single precision: `_as_written`, `_rectangle_as_written`), so that the coordinates are
    pdfminer's."""
    shapes: dict[str, list[dict[str, Any]]] = {"line": [], "rect": [], "curve": []}
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    for path in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        if path.level or not pdfium_c.FPDFPath_GetDrawMode(path, fill, stroke):
            return None
        if not fill.value and not stroke.value:
            continue  # a path ended unpainted (n) is no object to pdfminer
        subpaths = _subpaths(path)
        if subpaths is None:
            return None
        a, b, c, d, e, f = (_as_written(value) for value in path.get_matrix().get())
        for points, shape in subpaths:
            pts = [(a * x + c * y + e, b * x + d * y + f) for x, y in points]
            kind, corners = _pdfminer_shape(pts, shape)
            x0, y0, x1, y1 = _bound(corners)
            shapes[kind].append(
                {
                    "object_type": kind,
                    "x0": x0,
                    "y0": y0,
                    "x1": x1,
                    "y1": y1,
                    "width": x1 - x0,
                    "height": y1 - y0,
                    "top": height - y1,
                    "bottom": height - y0,
                    "doctop": doctop + (height - y1),
                    "pts": [(x, height - y) for x, y in corners],
                }
            )
    return shapes


Point = tuple[float, float]


def _subpaths(path: pypdfium2.PdfObject) -> list[tuple[list[Point], str]] | None:
    """A path's subpaths of straight segments as pdfminer has them: their points as written and
    their operators (m, l, h: pdfium ends a closed one with its first point). None for a curve segment, a
    path that does not start with a move, a subpath closed before its end, or one whose last two
    points are its first (a rectangle of no height, or a segment of no length closing it: pdfminer
    drops a closing segment that pdfium cannot tell apart)."""
    raw: list[tuple[list[Point], list[bool]]] = []
    x = ctypes.c_float()
    y = ctypes.c_float()
    for index in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, index)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        closed = bool(pdfium_c.FPDFPathSegment_GetClose(segment))
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            raw.append(([(x.value, y.value)], [closed]))
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and raw:
            raw[-1][0].append((x.value, y.value))
            raw[-1][1].append(closed)
        else:
            return None
    subpaths = []
    for points, closes in raw:
        closed = closes[-1]
        if any(closes[:-1]) or (
            closed and (points[-1] != points[0] or (len(points) > 2 and points[-2] == points[0]))
        ):
            return None
        if len(points) == 1 and not closed and len(raw) > 1:
            continue  # a move another move follows: no subpath to pdfminer
        if len(points) == 1:
            shape = "mh" if closed else "m"  # pdfminer's curve of the point twice (m h) or once
            points = points * 2 if closed else points
        elif closed:
            shape = "mlh" if len(points) == 2 else "m" + "l" * (len(points) - 2) + "h"
        else:
            shape = "m" + "l" * (len(points) - 1)
        subpaths.append(
            (_rectangle_as_written(points) or [_point_as_written(point) for point in points], shape)
        )
    return subpaths


def _pdfminer_shape(pts: list[Point], shape: str) -> tuple[str, list[Point]]:
    """What pdfminer makes of a subpath of straight segments (page points; a closed one ends with its
    first point) and its operators: a line (one segment, maybe closed), a rect (four segments round
    an upright rectangle: its corners) or a curve (its points)."""
    if shape in ("mlh", "ml"):
        return "line", pts[:2]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        upright = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if pts[0] == pts[4] and upright:
            return "rect", [(x0, y0), (x2, y0), (x2, y2), (x0, y2)]
    return "curve", pts


def _point_as_written(point: Point) -> Point:
    """A point's coordinates as the content stream most likely wrote them (`_as_written`)."""
    return _as_written(point[0]), _as_written(point[1])


def _rectangle_as_written(points: list[Point]) -> list[Point] | None:
    """The points of a rectangle as a `re` operator wrote it (x y w h: pdfium adds w and h to the
    corner in single precision, pdfminer in double), or None for other points."""
    if len(points) != 5:
        return None
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), (x4, y4) = points
    if not (y1 == y0 and x2 == x1 and x3 == x0 and y3 == y2 and (x4, y4) == (x0, y0)):
        return None
    x, y = _point_as_written((x0, y0))
    right, top = _sum_as_written(x, x1), _sum_as_written(y, y2)
    return [(x, y), (right, y), (right, top), (x, top), (x, y)]


def _sum_as_written(start: float, total: float) -> float:
    """`start` plus the shortest decimal whose single-precision sum with it is `total`."""
    for places in range(10):
        step = round(total - start, places)
        if _single(_single(start) + _single(step)) == total:
            return start + step
    return _as_written(total)


def _single(value: float) -> float:
    """`value` rounded to single precision."""
    return struct.unpack("f", struct.pack("f", value))[0]


def _as_written(value: float) -> float:
    """A single-precision number as the content stream most likely wrote it: the shortest decimal
    that rounds to it (pdfminer reads the written decimal in double precision)."""
    for places in range(10):
        rounded = round(value, places)
        if _single(rounded) == value:
            return rounded
    return value


def _bound(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """The smallest box holding the points (x0, y0, x1, y1), as pdfminer's."""
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _font_descents(resources: Any) -> dict[bytes, float]:
    """The descent pdfminer gives each font of a page's resources (ems below the baseline, 0 or less:
    the font descriptor's, the metrics file's for the standard fonts), by the name pdfium gives the
    font (its base font without a subset tag). Names of fonts of two descents, Type3 fonts and
    fonts pdfminer would not know are left out."""
    fonts = resolve1(resources.get("Font")) if isinstance(resources, dict) else None
    descents: dict[bytes, float | None] = {}
    for reference in fonts.values() if isinstance(fonts, dict) else ():
        spec = resolve1(reference)
        base = _name(spec.get("BaseFont")) if isinstance(spec, dict) else None
        if base is None:
            continue
        descent = _descent(spec, base)
        name = _SUBSET_TAG.sub(b"", base)
        descents[name] = descent if descents.get(name, descent) == descent else None
    return {name: descent for name, descent in descents.items() if descent is not None}


def _name(value: Any) -> bytes | None:
    """A PDF name as bytes (pdfminer keeps names that are not UTF-8 as bytes)."""
    name = resolve1(value)
    if not isinstance(name, PSLiteral):
        return None
    return name.name.encode() if isinstance(name.name, str) else name.name


def _descent(spec: dict[str, Any], base: bytes) -> float | None:
    """pdfminer's descent of a font dictionary, in ems; None for fonts it reads otherwise (Type3
    fonts; composite fonts written downwards, or whose CMap is not a named one, which may be)."""
    subtype = _name(spec.get("Subtype"))
    if subtype == b"Type0":
        encoding = _name(spec.get("Encoding"))
        if encoding is None or encoding.endswith(b"-V"):
            return None
        descendants = resolve1(spec.get("DescendantFonts"))
        spec = resolve1(descendants[0]) if isinstance(descendants, list) and descendants else None
        if not isinstance(spec, dict) or _name(spec.get("Subtype")) not in (b"CIDFontType0", b"CIDFontType2"):
            return None
        descriptor = resolve1(spec.get("FontDescriptor"))
    elif subtype in (b"Type1", b"MMType1", b"TrueType"):
        metrics = FONT_METRICS.get(base.decode("latin-1"))
        descriptor = metrics[0] if metrics else resolve1(spec.get("FontDescriptor"))
    else:
        return None
    if not _whole_widths(spec):
        return None
    descent = num_value(descriptor.get("Descent", 0)) if isinstance(descriptor, dict) else 0
    return -abs(descent) / 1000


def _whole_widths(spec: dict[str, Any]) -> bool:
    """Whether a font's glyph widths (Widths, W, DW) are whole numbers of thousandths of an em:
    pdfium keeps them as integers, pdfminer as written (TeX fonts write 562.5)."""
    pending = [spec.get(key) for key in ("Widths", "W", "DW")]
    while pending:
        value = resolve1(pending.pop())
        if isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, float) and not value.is_integer():
            return False
    return True


def _base_font(font: Any) -> bytes:
    """The name pdfium gives a font."""
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.raw[: size - 1]


class _Drawing(NamedTuple):
    """How a text object draws its glyphs: its font and the font's descent (ems), its font size and
    its matrix's horizontal and vertical scales."""

    font: Any
    descent: float
    size: float
    across: float
    down: float


def _drawing(
    textpage: pypdfium2.PdfTextPage, index: int, text_object: Any, descents: dict[bytes, float]
) -> _Drawing | None:
    """How the text object of glyph `index` draws; None when it turns or skews its glyphs or its
    font's descent is unknown."""
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
    if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0:
        return None
    font = pdfium_c.FPDFTextObj_GetFont(text_object)
    descent = descents.get(_base_font(font)) if font else None
    if descent is None:
        return None
    return _Drawing(font, descent, pdfium_c.FPDFText_GetFontSize(textpage, index), matrix.a, matrix.d)


def _crowds(previous: dict[str, Any], x0: float, bottom: float, height: float) -> bool:
    """Whether a glyph starts well inside the one before it on the same line (text set tighter than
    its glyphs, or printed twice): pdfium leaves out some of the spaces of such text, which pdfminer
    keeps and nothing else would put back."""
    return previous["bottom"] == bottom and previous["x0"] < x0 < previous["x1"] - CROWDED_EMS * height


def _drops_text(page: pypdfium2.PdfPage, read: set[int]) -> bool:
    """Whether pdfium's text page left out a text object that prints something (the second of two
    copies of a text at about one place: pdfminer keeps both); `read` are the objects it kept.
    Objects of white space only, which it also leaves out, have no extent."""
    for text in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
        if ctypes.cast(text.raw, ctypes.c_void_p).value not in read:
            left, bottom, right, top = text.get_bounds()
            if right > left and top > bottom:
                return True
    return False


def _chars(
    textpage: pypdfium2.PdfTextPage, page_top: float, doctop: float, descents: dict[bytes, float]
) -> tuple[list[dict[str, Any]], set[int]] | None:
    """The page's glyphs as pdfplumber's char dicts (text, x0, x1, top, bottom, doctop, upright; the
    page starting at `doctop`), in content order; spaces and line ends that pdfium adds are left out. Their boxes are pdfminer's:
    from the origin, the width the font gives the glyph and the font size, scaled by the text
    object's matrix and lowered by the font's descent (`descents`). None when a glyph has no Unicode
    mapping, is not printable (pdfium's hyphen marks, surrogates), is not upright, is in a font of
    unknown descent, has no width pdfium can find, or stands for several characters. With them, the
    text objects they come from."""
    chars = []
    drawings: dict[int | None, _Drawing | None] = {}  # by text object
    widths: dict[tuple[int, int], float] = {}  # by text object and glyph
    x = ctypes.c_double()
    y = ctypes.c_double()
    width = ctypes.c_float()
    origin: tuple[int | None, float, float] | None = None  # the last glyph's text object and origin
    for index in range(pdfium_c.FPDFText_CountChars(textpage)):
        if pdfium_c.FPDFText_IsGenerated(textpage, index):
            continue
        unicode = pdfium_c.FPDFText_GetUnicode(textpage, index)
        text = chr(unicode)
        if pdfium_c.FPDFText_HasUnicodeMapError(textpage, index) or not (
            text.isprintable() or text.isspace()
        ):
            return None
        text_object = pdfium_c.FPDFText_GetTextObject(textpage, index)
        key = ctypes.cast(text_object, ctypes.c_void_p).value
        if key not in drawings:
            drawings[key] = _drawing(textpage, index, text_object, descents) if key else None
        drawing = drawings[key]
        if drawing is None:
            return None
        if (key, unicode) not in widths:
            if not pdfium_c.FPDFFont_GetGlyphWidth(drawing.font, unicode, drawing.size, width) or (
                not width.value and not text.isspace()
            ):
                return None  # a glyph pdfium finds no width for by its text (a hyphen, a ligature's part)
            widths[key, unicode] = width.value * drawing.across
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
        if (key, x.value, y.value) == origin:
            return None  # one glyph for several characters (a ligature): pdfminer makes it one char
        origin = (key, x.value, y.value)
        height = drawing.size * drawing.down
        bottom = page_top - y.value - drawing.descent * height
        if chars and _crowds(chars[-1], x.value, bottom, height):
            return None
        chars.append(
            {
                "text": text,
                "x0": x.value,
                "x1": x.value + widths[key, unicode],
                "top": bottom - height,
                "bottom": bottom,
                "doctop": doctop + (bottom - height),
                "upright": True,
            }
        )
    return chars, {key for key in drawings if key}
