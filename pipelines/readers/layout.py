"""Wrapped lines of a page joined into paragraphs, whether the lines come from a PDF's text layer or
from OCR (each line a dict with text, x0, x1, top and bottom)."""

from __future__ import annotations

import re
from typing import Any

from pipelines.extract.text import LIST_ITEM

# A line ending more than this many font sizes before the page's right text edge ends its paragraph,
# whatever its last character (headings, titles). Wraps before long numbers leave up to ~5.
SHORT_LINE_EMS = 8.0

SENTENCE_END = tuple("。；！？：;:!?")
_CLOSING_QUOTES = "”’」』\"'"

# Line breaking never wraps inside a run of Latin letters, digits and a trailing %, so a wrapped line
# that ends in one and a next line that starts with one were parted at a space the text layer drops
# (`132.9 10` / `10`: two cells, not 1010).
_UNBREAKABLE_END = re.compile(r"[0-9A-Za-z%]$")
_UNBREAKABLE_START = re.compile(r"^[0-9A-Za-z]")


def paragraphs(lines: list[dict[str, Any]], right_edge: float) -> list[tuple[float, str, list[int]]]:
    """Join wrapped lines into paragraphs (without a space between Chinese characters, with one
    between Latin or digit runs: `_wrap_space`); return (top, text, indexes of the lines joined)
    triples.

    A line continues the previous one unless the previous one ends a sentence (SENTENCE_END, maybe
    followed by a closing quote), stops short of the right text edge (by SHORT_LINE_EMS), or the
    line itself starts a heading or list item.
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
    """The space a wrap between two Latin or digit runs stood on; none between Chinese characters."""
    return " " if _UNBREAKABLE_END.search(text) and _UNBREAKABLE_START.match(following) else ""


def _continues(previous: dict[str, Any], line: dict[str, Any], right_edge: float) -> bool:
    font_size = previous["bottom"] - previous["top"]
    return (
        not previous["text"].rstrip(_CLOSING_QUOTES).endswith(SENTENCE_END)
        and previous["x1"] >= right_edge - SHORT_LINE_EMS * font_size
        and not LIST_ITEM.match(line["text"])
    )
