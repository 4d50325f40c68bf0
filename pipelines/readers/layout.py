"""Wrapped lines of a page joined into paragraphs, whether the lines come from a PDF's text layer or
from OCR (each line a dict with text, x0, x1, top and bottom)."""

from __future__ import annotations

import re
from typing import Any

from pipelines.extract.text import LIST_ITEM

# A wrapped line ends short of the page's right text edge by less than what the next line starts
# with would have needed: a Chinese character (with one pulled down to keep punctuation off a line's
# start, and a space the wrap stood on: ROOM_EMS) or, more, a whole run of Latin letters and digits,
# which is never split. A line ending shorter than that ends its paragraph, whatever its last
# character (headings, titles, a signature after a line of text).
ROOM_EMS = 3.0  # in font sizes
LATIN_EMS = 0.6  # the width of a Latin letter or digit, in font sizes
# What a line starts with that could not have been parted: a Latin or digit run, maybe after one
# Chinese character and the punctuation bound to both (话:0838-7211924 moves down whole), maybe in
# brackets and with toned letters (a pinyin gloss, (xiāng), moves down whole).
_LEADING_RUN = re.compile(
    r"^[\u4e00-\u9fff]?[:：,，.。、;；)）]*(?P<run>[(（]?[0-9A-Za-z\u00c0-\u024f.,%/:_\-]{1,40}[)）]?)"
)

SENTENCE_END = tuple("。；！？：;:!?")
_CLOSING_QUOTES = "”’」』\"'"

# Line breaking never wraps inside a run of Latin letters, digits and a trailing %, so a wrapped line
# that ends in one and a next line that starts with one were parted at a space the text layer drops
# (`132.9 10` / `10`: two cells, not 1010).
_UNBREAKABLE_END = re.compile(r"[0-9A-Za-z%]$")
_UNBREAKABLE_START = re.compile(r"^[0-9A-Za-z]")
# A line ending in such a run printed after a space (`稳步提升 6`) ends in a cell of its own: the next
# line is parted from it by a space too (`6 科普宣传栏内容更新`: a row's score, then the next row's name).
_CELL_END = re.compile(r"\s[0-9A-Za-z.%]+$")


def paragraphs(lines: list[dict[str, Any]], right_edge: float) -> list[tuple[float, str, list[int]]]:
    """Join wrapped lines into paragraphs (without a space between Chinese characters, with one
    between Latin or digit runs: `_wrap_space`); return (top, text, indexes of the lines joined)
    triples.

    A line continues the previous one unless the previous one ends a sentence (SENTENCE_END, maybe
    followed by a closing quote), stops short of the right text edge by more than the line's start
    would have needed (ROOM_EMS, LATIN_EMS), or the line itself starts a heading or list item.
    """
    joined: list[tuple[float, str, list[int]]] = []
    previous: dict[str, Any] | None = None
    for index, line in enumerate(lines):
        if previous is not None and _continues(previous, line, right_edge):
            top, text, members = joined[-1]
            joined[-1] = (top, text + _wrap_space(text, line["text"]) + line["text"], [*members, index])
        else:
            joined.append((line["top"], line["text"], [index]))
        previous = line
    return joined


def _wrap_space(text: str, following: str) -> str:
    """The space a wrap between two Latin or digit runs, or after a figure standing alone, stood on;
    none between Chinese characters."""
    if _CELL_END.search(text):
        return " "
    return " " if _UNBREAKABLE_END.search(text) and _UNBREAKABLE_START.match(following) else ""


def _continues(previous: dict[str, Any], line: dict[str, Any], right_edge: float) -> bool:
    font_size = previous["bottom"] - previous["top"]
    run = _LEADING_RUN.match(line["text"])
    room = ROOM_EMS + (LATIN_EMS * len(run["run"]) if run else 0.0)
    return (
        not previous["text"].rstrip(_CLOSING_QUOTES).endswith(SENTENCE_END)
        and previous["x1"] >= right_edge - room * font_size
        and not LIST_ITEM.match(line["text"])
    )
