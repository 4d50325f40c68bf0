"""Scanned pages: rendered with pypdfium2, recognised offline by RapidOCR (the Chinese detection and
recognition ONNX models its wheel ships), and the recognised lines rebuilt into table rows and
paragraphs by their position on the page.

Everything from `OcrLine` on is pure (boxes in, blocks out) and tested with hand-made boxes; only
`render`, `ruling` and `recognise` touch images, and `engine` holds the one OCR engine of a process.
"""

from __future__ import annotations

import functools
import itertools
import math
import statistics
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipelines.model import OCR_MARK, TextBlock
from pipelines.readers.layout import paragraphs
from pipelines.readers.limits import ocr_allowance
from pipelines.readers.ocr_text import fix_confusions

if TYPE_CHECKING:
    import numpy as np
    import pypdfium2
    from rapidocr_onnxruntime import RapidOCR

DPI = 150  # an A4 page is 1240 x 1754 pixels: below RapidOCR's 2000-pixel side limit
MAX_PAGE_PIXELS = 4_000_000  # larger pages (posters, A3 scans) are rendered at a lower resolution
INK_LEVEL = 128  # grey levels below this are ink
# A ruling line of half a point or less, rendered at 150 dpi, is one or two pixels of grey well above
# INK_LEVEL (130-220 where a pixel row straddles it): rules are looked for among lighter pixels.
RULE_INK_LEVEL = 224
RULE_THICKNESS = 0.25  # in line heights: a rule of lighter grey is thinner than this (shading is not)
THUMBNAIL_DPI = 24  # a page is first rendered this small: white all over (WHITE_LEVEL), it is blank
WHITE_LEVEL = 250
MIN_INK_SHARE = 0.0005  # a page with less ink than this is blank: not recognised at all
# In line heights: a blank wider than SPACE_BLANK between two characters is a space (characters sit
# about 0.1 apart, a space adds 0.3), between two digits only where their glyph centres are also
# further apart than DIGIT_PITCH (a digit's advance is about 0.6, a 1 has wide margins); a blank
# wider than CELL_GAP separates two cells.
SPACE_BLANK = 0.3
NARROW_BLANK = 0.15  # more beside a 1, whose glyph leaves about 0.2 blank either side
DIGIT_PITCH = 0.77
CELL_GAP = 1.2
ALIGN_LINES = 0.6  # two cells are in one column when an edge or centre is this many line heights apart
NEIGHBOUR_LINES = 6.0  # ... with a row this many line heights above or below (a wrapped cell between)
# Ruling lines are at least this many line heights long, horizontal and vertical (longer than any
# stroke of a character; a vertical rule may span a single table row).
RULE_LINES = (3.0, 1.2)


@functools.cache
def engine() -> RapidOCR:
    """The process's OCR engine, created on first use (its models load in about a second). One
    thread each: files are read by one worker process per core already."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


def render(page: pypdfium2.PdfPage, dpi: float = DPI) -> np.ndarray:
    """The page as a greyscale image at `dpi`, or at fewer dots when that exceeds MAX_PAGE_PIXELS."""
    width, height = page.get_size()
    scale = min(dpi / 72, math.sqrt(MAX_PAGE_PIXELS / max(width * height, 1.0)))
    return page.render(scale=scale, grayscale=True).to_numpy()


def is_white(thumbnail: np.ndarray) -> bool:
    """Whether a page rendered small (at THUMBNAIL_DPI) is white all over: nothing to render bigger."""
    return bool(thumbnail.size == 0 or thumbnail.min() >= WHITE_LEVEL)


def is_blank(image: np.ndarray) -> bool:
    """Whether an image has (almost) no ink, or is all ink (a filled rectangle, no text either)."""
    ink = float((image < INK_LEVEL).mean()) if image.size else 0.0
    return ink < MIN_INK_SHARE or ink > 1 - MIN_INK_SHARE


@dataclass(frozen=True)
class OcrLine:
    """A piece of recognised text on one line, with its box (pixels) and recognition confidence."""

    text: str
    confidence: float
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Rule:
    """A ruling line: horizontal at `at` (y) from `start` to `end` (x), or vertical at x from y to y."""

    at: float
    start: float
    end: float


def recognise(image: np.ndarray) -> list[OcrLine]:
    """The text lines of a page image, split into cells at wide gaps and with spaces restored."""
    with ocr_allowance():  # the models' memory, whatever the file (READ_MAX_OCR_MEMORY_MB)
        result, _ = engine()(image, use_cls=False, return_word_box=True)  # scans are upright
    lines: list[OcrLine] = []
    for box, text, score, char_boxes, chars, char_scores in result or []:
        top = min(point[1] for point in box)
        bottom = max(point[1] for point in box)
        x0, x1 = min(p[0] for p in box), max(p[0] for p in box)
        if len(chars) != len(char_boxes) or not chars:
            lines.append(OcrLine(fix_confusions(text), float(score), x0, top, x1, bottom))
            continue
        scores = char_scores if len(char_scores) == len(chars) else [score] * len(chars)
        placed = [
            (char, min(p[0] for p in cbox), max(p[0] for p in cbox), float(conf))
            for char, cbox, conf in zip(chars, char_boxes, scores, strict=True)
        ]
        lines.extend(split_line(placed, top, bottom, ink_runs(image, (top, bottom), (x0, x1))))
    return lines


def ink_runs(
    image: np.ndarray, rows: tuple[float, float], columns: tuple[float, float]
) -> list[tuple[float, float]]:
    """Runs of columns with ink (x0, x1) in a line's box: glyphs, or glyphs touching."""
    band = image[int(rows[0]) : int(rows[1]) + 1, int(columns[0]) : int(columns[1]) + 1]
    if band.size == 0:
        return []
    runs, start = [], None
    for index, ink in enumerate([*(band < INK_LEVEL).any(axis=0).tolist(), False]):
        if ink and start is None:
            start = index
        elif not ink and start is not None:
            runs.append((columns[0] + start, columns[0] + index))
            start = None
    return runs


Char = tuple[str, float, float, float]  # text, x0, x1, confidence


def _spaced(left: str, right: str, blank: float, pitch: float) -> bool:
    """Whether a blank of `blank` line heights between two recognised characters, whose glyphs
    either side of it have centres `pitch` line heights apart, is a space: never beside punctuation
    (full-width marks carry their own blank), else when wider than SPACE_BLANK (NARROW_BLANK more
    beside a 1) and, between two digits, a digit's advance apart too (DIGIT_PITCH)."""
    if unicodedata.category(left[-1]).startswith("P") or unicodedata.category(right[0]).startswith("P"):
        return False
    least = SPACE_BLANK + (NARROW_BLANK if "1" in (left[-1], right[0]) else 0.0)
    if left[-1].isdigit() and right[0].isdigit():
        return blank > least and pitch > DIGIT_PITCH
    return blank > least


def split_line(chars: list[Char], top: float, bottom: float, ink: list[tuple[float, float]]) -> list[OcrLine]:
    """A recognised line's characters as one OcrLine per cell, with the spaces between figures.

    `ink` are the runs of inked columns of the line (`ink_runs`). Where the blank between the
    centres of two neighbouring characters is at least CELL_GAP line heights wide, a new cell
    starts; a narrower one may be a space (`_spaced`: 70 65.43 and 数量 ≥50个 50, which the recogniser
    reads as 7065.43 and 数量≥50个50). Confusions of digits are fixed (`fix_confusions`).
    """
    height = bottom - top

    def blank_between(left: Char, right: Char) -> tuple[float, float]:
        """The widest blank between two characters' centres, and the distance of the glyphs' centres
        either side of it."""
        a, b = (left[1] + left[2]) / 2, (right[1] + right[2]) / 2
        best = (0.0, 0.0)
        for before, after in itertools.pairwise(ink):
            if a <= before[1] and after[0] <= b and after[0] - before[1] > best[0]:
                best = (after[0] - before[1], (after[0] + after[1]) / 2 - (before[0] + before[1]) / 2)
        return best

    segments: list[list[Char]] = []
    texts: list[str] = []
    for char in chars:
        blank, pitch = blank_between(segments[-1][-1], char) if segments else (0.0, 0.0)
        if segments and blank < CELL_GAP * height:
            texts[-1] += (
                " " if _spaced(segments[-1][-1][0], char[0], blank / height, pitch / height) else ""
            ) + char[0]
            segments[-1].append(char)
        else:
            segments.append([char])
            texts.append(char[0])
    return [
        OcrLine(fix_confusions(words), sum(c[3] for c in segment) / len(segment), segment[0][1], top,
                segment[-1][2], bottom)
        for words, segment in zip(texts, segments, strict=True)
    ]  # fmt: skip


def ruling(image: np.ndarray, line_height: float) -> tuple[list[Rule], list[Rule]]:
    """The horizontal and vertical ruling lines of a page image: ink runs longer than RULE_LINES line
    heights, which no stroke of a character is. Runs of ink (INK_LEVEL) count whatever their
    thickness; runs of lighter grey (RULE_INK_LEVEL: a thin rule rendered at 150 dpi) only when
    thinner than RULE_THICKNESS line heights, so that a cell's grey shading is not a rule."""
    import cv2

    across, down = (max(int(share * line_height), 8) for share in RULE_LINES)
    thin = max(RULE_THICKNESS * line_height, 2.0)
    masks = [((image < level).astype("uint8"), any_thickness) for level, any_thickness in
             ((INK_LEVEL, True), (RULE_INK_LEVEL, False))]  # fmt: skip
    found: list[list[Rule]] = []
    for kernel, horizontal in (((across, 1), True), ((1, down), False)):
        rules = []
        for ink, any_thickness in masks:
            mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
            count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
            for x, y, w, h, _ in stats[1:count]:
                if not any_thickness and (h if horizontal else w) > thin:
                    continue
                if horizontal:
                    rules.append(Rule(float(y + h / 2), float(x), float(x + w)))
                else:
                    rules.append(Rule(float(x + w / 2), float(y), float(y + h)))
        found.append(merge_rules(rules))
    return found[0], found[1]


def merge_rules(rules: list[Rule], tolerance: float = 3.0) -> list[Rule]:
    """Pieces of one ruling line (broken where other lines cross it) as one: rules at the same
    position within `tolerance` pixels, from the first start to the last end."""
    merged: list[Rule] = []
    for rule in sorted(rules, key=lambda rule: rule.at):
        if merged and rule.at - merged[-1].at <= tolerance:
            last = merged[-1]
            merged[-1] = Rule(last.at, min(last.start, rule.start), max(last.end, rule.end))
        else:
            merged.append(rule)
    return merged


@dataclass
class _Row:
    """Lines of one row of the page: a ruled table row (cells) or a line of text."""

    top: float
    cells: list[list[OcrLine]]
    ruled: bool = False

    def text(self, index: int) -> str:
        """The cell's lines: side by side with a space, wrapped lines joined without one."""
        out, previous = "", None
        for line in sorted(self.cells[index], key=lambda line: (line.middle, line.x0)):
            same_line = previous is not None and abs(previous.middle - line.middle) < previous.height / 2
            out += (" " if same_line else "") + line.text
            previous = line
        return out

    def confidence(self, index: int) -> float | None:
        cell = self.cells[index]
        return min(line.confidence for line in cell) if cell else None


def page_blocks(
    lines: list[OcrLine], page: int, page_width: float, rules: tuple[list[Rule], list[Rule]] = ([], [])
) -> list[TextBlock]:
    """A page's recognised lines as blocks in reading order.

    Lines inside a ruled grid (`rules`: horizontal, vertical) become the cells of its rows; the other
    lines are grouped into rows by their vertical middles (a line belongs to a row when its middle
    lies within half a line height of the row's), cells ordered by x. A row of two or more cells of
    which at least two line up (an edge or the centre within ALIGN_LINES) with cells of another such
    row is a table row; the other rows are lines of text, joined into paragraphs as the text-layer
    reader joins them. Locators: ``page P table T row R (OCR)``, ``page P line L (OCR)`` (L: the
    paragraph's first line among the page's lines of text).
    """
    if not lines:
        return []
    height = statistics.median(line.height for line in lines)
    ruled, loose = _ruled_rows(lines, rules, height)
    rows = ruled + _loose_rows(loose, height)
    rows.sort(key=lambda row: row.top)
    table_rows = {id(row) for row in rows if row.ruled or _aligned(row, rows, height)}
    placed: list[tuple[float, TextBlock]] = []
    text_lines: list[dict[str, Any]] = []
    confidences: list[float] = []
    table = row_number = 0
    previous_was_table = False
    for row in rows:
        if id(row) in table_rows:
            table, row_number = (table, row_number + 1) if previous_was_table else (table + 1, 1)
            previous_was_table = True
            cells = tuple(row.text(i) for i in range(len(row.cells)))
            cell_confidence = tuple(row.confidence(i) for i in range(len(row.cells)))
            known = [c for c in cell_confidence if c is not None]
            block = TextBlock(
                text=" | ".join(cells),
                locator=f"page {page} table {table} row {row_number} {OCR_MARK}",
                kind="table_row",
                page=page,
                cells=cells,
                confidence=min(known) if known else None,
                cell_confidence=cell_confidence,
            )
            placed.append((row.top, block))
            continue
        previous_was_table = False
        cells = row.cells
        text_lines.append(
            {
                "text": " ".join(row.text(i) for i in range(len(cells))),
                "top": row.top,
                "bottom": max(line.bottom for cell in cells for line in cell),
                "x0": min(line.x0 for cell in cells for line in cell),
                "x1": max(line.x1 for cell in cells for line in cell),
                "table_after": len(placed),
            }
        )
        confidences.append(min(line.confidence for cell in cells for line in cell))
    placed.extend(_paragraph_blocks(text_lines, confidences, page, page_width))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _paragraph_blocks(
    text_lines: list[dict[str, Any]], confidences: list[float], page: int, page_width: float
) -> list[tuple[float, TextBlock]]:
    """Lines of text joined into paragraphs; a table between two lines always separates them."""
    if not text_lines:
        return []
    right = max(max(line["x1"] for line in text_lines), page_width - min(line["x0"] for line in text_lines))
    blocks = []
    start = 0
    for end in range(1, len(text_lines) + 1):
        if end < len(text_lines) and text_lines[end]["table_after"] == text_lines[start]["table_after"]:
            continue
        run = text_lines[start:end]
        for top, text, members in paragraphs(run, right):
            first = start + members[0] + 1
            block = TextBlock(
                text=text,
                locator=f"page {page} line {first} {OCR_MARK}",
                page=page,
                confidence=min(confidences[start + i] for i in members),
            )
            blocks.append((top, block))
        start = end
    return blocks


def _ruled_rows(
    lines: list[OcrLine], rules: tuple[list[Rule], list[Rule]], height: float
) -> tuple[list[_Row], list[OcrLine]]:
    """Rows of the ruled grid with the lines in their cells, and the lines outside every grid."""
    horizontal = sorted(rules[0], key=lambda rule: rule.at)
    vertical = rules[1]
    bands: list[tuple[float, float, list[float]]] = []
    for upper, lower in itertools.pairwise(horizontal):
        left, right = max(upper.start, lower.start), min(upper.end, lower.end)
        if lower.at - upper.at < height or right - left < height:
            continue
        middle = (upper.at + lower.at) / 2
        edges = sorted(
            rule.at
            for rule in vertical
            if rule.start <= middle <= rule.end and left - height <= rule.at <= right + height
        )
        if len(edges) >= 3:  # a left and a right border with at least one column rule between
            bands.append((upper.at, lower.at, edges))
    rows: list[_Row] = []
    loose: list[OcrLine] = []
    grid: dict[tuple[int, int], list[OcrLine]] = {}
    for line in lines:
        centre = (line.x0 + line.x1) / 2
        spot = next(
            (
                (b, next(i for i in range(len(edges) - 1) if edges[i] <= centre <= edges[i + 1]))
                for b, (top, bottom, edges) in enumerate(bands)
                if top <= line.middle <= bottom and edges[0] <= centre <= edges[-1]
            ),
            None,
        )
        if spot is None:
            loose.append(line)
        else:
            grid.setdefault(spot, []).append(line)
    for b, (top, _, edges) in enumerate(bands):
        cells = [grid.get((b, i), []) for i in range(len(edges) - 1)]
        if any(cells):
            rows.append(_Row(top, cells, ruled=True))
    return rows, loose


def _loose_rows(lines: list[OcrLine], height: float) -> list[_Row]:
    """Lines grouped into rows by their vertical middles, cells ordered by x."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda line: line.middle):
        if rows and abs(line.middle - rows[-1][0].middle) <= min(line.height, rows[-1][0].height) / 2:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [
        _Row(min(line.top for line in row), [[line] for line in sorted(row, key=lambda line: line.x0)])
        for row in rows
    ]


def _aligned(row: _Row, rows: list[_Row], height: float) -> bool:
    """Whether an unruled row of two or more cells lines up with another such row at most
    NEIGHBOUR_LINES line heights above or below it (two cells each)."""
    if row.ruled or len(row.cells) < 2:
        return False

    def anchors(r: _Row) -> list[tuple[float, float, float]]:
        edges = [(min(line.x0 for line in cell), max(line.x1 for line in cell)) for cell in r.cells]
        return [(left, right, (left + right) / 2) for left, right in edges]

    mine = anchors(row)
    tolerance = ALIGN_LINES * height
    for other in rows:
        near = abs(other.top - row.top) <= NEIGHBOUR_LINES * height
        if other is row or other.ruled or len(other.cells) < 2 or not near:
            continue
        theirs = anchors(other)
        matched = sum(
            any(any(abs(a - b) <= tolerance for a, b in zip(cell, o, strict=True)) for o in theirs)
            for cell in mine
        )
        if matched >= 2:
            return True
    return False
