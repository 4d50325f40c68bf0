"""Text normalisation before matching, keeping a map back to the original characters.

- full-width ASCII to half-width (８６．７３％ -> 86.73%), traditional to simplified characters
  (one character for one, from OpenCC's character table), so aliases match either script;
- whitespace next to a Chinese character is dropped (本年 支出 -> 本年支出), whitespace between two
  numbers is kept (29 29 stays two numbers), whitespace after the decimal point of a number that
  follows a word is dropped (预算35. 3万元 -> 35.3万元; a list's 1. 3个 at a line's start stays); pinyin glosses after a character are dropped
  (預(yù)算數(shù) -> 预算数);
- page markers of document-sharing sites that split a number across lines (本年支出123 / 3、2.23万元)
  are removed by joining the two blocks.

`NormalText.original(start, end)` gives back the original text of a normalised span, for snippets.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from pipelines.extract.numbers import CACHED_TEXT_CHARS, CACHED_TEXTS, HALF_WIDTH, translation_table
from pipelines.model import Document, TextBlock

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s")  # the characters str.isspace() is true of
_VISIBLE = re.compile(r"\S")
# A pinyin gloss after a character: (yù), (shù), (zhí) - lower-case letters with at least one vowel.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_PINYIN_GLOSS = re.compile(
    rf"(?<=[\u3400-\u9fff\uf900-\ufaff])\s*\((?=[a-z{_TONED}]*[aeiouv{_TONED}])[a-z{_TONED}]{{1,6}}\)"
)
_ANY_WIDTH_GLOSS = re.compile(
    rf"(?<=[\u3400-\u9fff\uf900-\ufaff])\s*[(（](?=[a-z{_TONED}]*[aeiouv{_TONED}])[a-z{_TONED}]{{1,6}}[)）]"
)
# A block that ends inside a number, and a next block that starts with a page marker then digits.
_ENDS_IN_DIGIT = re.compile(r"\d$")
_PAGE_MARKER = re.compile(r"^\d{1,3}、\s*(?=\d)")
PAGE_MARK = re.compile(r"^\d{1,2}、")  # a document-sharing site's page number (2、) where a line starts
# A line that is only a page number: 3, - 3 -, 第3页, 第 3 页 共 9 页.
_PAGE_NUMBER = re.compile(r"[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*共\s*\d{1,4}\s*页)?[-—–\s]*")
# A cell that is a figure: digits, with a comparator, a percent sign or a unit of one or two
# characters (≥200, 95%, 10, 9月前, 3.5万元); a row whose cell is one is a row of its own.
_FIGURE_CELL = re.compile(r"[^\u4e00-\u9fff]*\d[^\u4e00-\u9fff]*(?:[\u4e00-\u9fff]{1,2}[^\u4e00-\u9fff]*)?")
# Text that starts a heading or list item: 一、 （一） (1) 1、 1. 1． 第一章 ① •; "2.3万" is no heading.
LIST_ITEM = re.compile(
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
# The rest of a number a page break cut: digits, then perhaps a percent sign or a short unit.
_NUMBER_END = re.compile(r"[\d.,]+\s*(?:%|[\u4e00-\u9fff]{1,2})?")


def _unit(char: str) -> str:
    """A label's character as a pattern: its brackets full- or half-width."""
    return {"(": r"[(（]", ")": r"[)）]"}.get(char) or re.escape(char)


OPENERS, CLOSERS = "(（", ")）"


def without_unpaired_brackets(value: str) -> str:
    """`value` without the brackets at its ends that have no partner in it, and without a closing
    bracket at its start or an opening one at its end (a name cut from a longer line: XX局), (XX中心)."""
    while value:
        opened = sum(value.count(c) for c in OPENERS)
        closed = sum(value.count(c) for c in CLOSERS)
        if value[0] in CLOSERS or (value[0] in OPENERS and opened > closed):
            value = value[1:]
        elif value[-1] in OPENERS or (value[-1] in CLOSERS and closed > opened):
            value = value[:-1]
        else:
            break
    return value


def label_trie_pattern(labels: list[str]) -> str:
    """One pattern of every label, with any whitespace between its characters, as a trie: the
    labels that share a beginning share its pattern, so a position is tried character by character
    instead of once per label. At any position at most one path can match (characters are never
    whitespace), and a longer label is tried before the shorter one it extends: the match is the
    longest label there, as an alternation of the labels longest first would find."""
    trie: dict = {}
    for label in labels:
        node = trie
        for char in label:
            node = node.setdefault(char, {})
        node[""] = {}  # a label ends here

    def pattern(node: dict, first: bool) -> str:
        branches = [
            ("" if first else r"\s*") + _unit(char) + pattern(child, False)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and "" not in node else "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return pattern(trie, True)


WHITESPACE = re.compile(r"\s+")


def label_of(matched: str) -> str:
    """The label a `label_trie_pattern` match is (whitespace dropped, brackets half-width)."""
    return WHITESPACE.sub("", matched).replace("（", "(").replace("）", ")")


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[int, int]:
    """OpenCC's traditional -> simplified character table, single characters only."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        return {}
    table_file = Path(spec.origin).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, int] = {}
    for line in table_file.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        target = simplified.split(" ")[0]
        if len(traditional) == 1 and len(target) == 1:
            table[ord(traditional)] = ord(target)
    return table


def without_glosses(text: str) -> str:
    """The text with its pinyin glosses dropped (預(yù)算 -> 預算)."""
    return _ANY_WIDTH_GLOSS.sub("", text) if "(" in text or "（" in text else text


@lru_cache(maxsize=1)
def _simplify_table() -> list[int]:
    """Full-width ASCII to half-width, then traditional to simplified characters, as one table."""
    traditional = _traditional_to_simplified()
    return translation_table(
        traditional | {code: traditional.get(half, half) for code, half in HALF_WIDTH.items()}
    )


def simplify(text: str) -> str:
    """Half-width ASCII and simplified characters, one character for one (a short text's result is
    kept: a block's text and its cells are simplified by several rules)."""
    return _kept_simple(text) if len(text) <= CACHED_TEXT_CHARS else text.translate(_simplify_table())


@lru_cache(maxsize=CACHED_TEXTS)
def _kept_simple(text: str) -> str:
    return text.translate(_simplify_table())


def simplifies(char: str) -> bool:
    """Whether `simplify` changes this character (without keeping a result per character)."""
    table, code = _simplify_table(), ord(char)
    return code < len(table) and table[code] != code


@dataclass(frozen=True)
class NormalText:
    """Normalised text and, for each of its characters, the index of the original character."""

    text: str
    origin: tuple[int, ...]
    source: str

    def original(self, start: int, end: int) -> str:
        """The original text behind the normalised span [start, end)."""
        if start >= end or start >= len(self.origin):
            return ""
        return self.source[self.origin[start] : self.origin[min(end, len(self.origin)) - 1] + 1]


def _decimal_point_after_word(kept: list[str]) -> bool:
    """Whether the kept characters end in a number's decimal point (35.) whose digits follow a
    Chinese character or a colon: a figure in a sentence, not a list's number."""
    if len(kept) < 3 or kept[-1] != "." or not kept[-2].isdigit():
        return False
    start = len(kept) - 2
    while start > 0 and kept[start - 1].isdigit():
        start -= 1
    return start > 0 and (bool(_CJK.match(kept[start - 1])) or kept[start - 1] in ":：")


def normalise(source: str) -> NormalText:
    """See the module docstring; whitespace runs touching a Chinese character are dropped, and so are
    pinyin glosses after a character (預(yù)算 -> 预算)."""
    simple = simplify(source)
    glossed = {i for m in _PINYIN_GLOSS.finditer(simple) for i in range(m.start(), m.end())}
    if not glossed and not _SPACE.search(simple):  # nothing to drop (most table cells and lines)
        return NormalText(simple, tuple(range(len(simple))), source)
    kept: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(simple):
        if i in glossed:
            continue
        if ch.isspace():
            before = kept[-1] if kept else ""
            next_visible = _VISIBLE.search(simple, i + 1)  # not a copy of the rest per space
            after = next_visible.group(0) if next_visible else ""
            if not before or not after or _CJK.match(before) or _CJK.match(after) or before.isspace():
                continue
            if after.isdigit() and _decimal_point_after_word(kept):
                continue
            ch = " "
        kept.append(ch)
        origin.append(i)
    return NormalText("".join(kept), tuple(origin), source)


def join_page_breaks(document: Document) -> Document:
    """The document with what a page break cut in two joined back together: paragraphs whose number
    a sharing site's page marker split (本年支出123 / 3、2.23万元), and table rows that a page break cut
    (`continues_row`). A joined block is located ``first+second``."""
    blocks: list[TextBlock] = []
    for number, block in enumerate(document.blocks):
        previous = blocks[-1] if blocks else None
        opens_page = number > 0 and document.blocks[number - 1].page != block.page
        if (
            previous is not None
            and block.kind == previous.kind == "paragraph"
            and _ENDS_IN_DIGIT.search(previous.text.rstrip())
            and _PAGE_MARKER.match(block.text.lstrip())
        ):
            joined = previous.text.rstrip() + _PAGE_MARKER.sub("", block.text.lstrip(), count=1)
            blocks[-1] = TextBlock(joined, f"{previous.locator}+{block.locator}", "paragraph", previous.page)
            continue
        cut = _last_row_before(blocks) if opens_page else None
        if cut is not None and continues_row(blocks[cut], block):
            blocks[cut] = _joined_row(blocks[cut], block)
            continue
        blocks.append(block)
    if len(blocks) == len(document.blocks):
        return document
    return replace(document, blocks=tuple(blocks))


def continues_row(previous: TextBlock, block: TextBlock) -> bool:
    """Whether `block`, the first table row of a page, is the rest of `previous`, the last row of the
    page before, cut by the page break: as many cells, text only in cells the cut row fills, no item
    number opening it (2.项目实施内容 starts a row), and no figure of its own (a figure starts a new
    row) except the end of a number the cut row's cell ends with (10 | 0 -> 100, 98 | % -> 98%), in a
    row that leaves the cut row's last cell (a score, short enough to fit) empty."""
    if not (
        previous.kind == block.kind == "table_row"
        and previous.page is not None
        and block.page == previous.page + 1
        and len(previous.cells) == len(block.cells)
    ):
        return False
    filled = [i for i, cell in enumerate(block.cells) if cell and cell.strip()]
    cut = [i for i, cell in enumerate(previous.cells) if cell and cell.strip()]
    if not filled or not set(filled) <= set(cut) or LIST_ITEM.match(block.cells[filled[0]]):
        return False
    figures = [i for i in filled if _FIGURE_CELL.fullmatch(simplify(block.cells[i]).strip())]
    return not figures or (
        cut[-1] not in filled
        and all(
            _NUMBER_END.fullmatch(simplify(block.cells[i]).strip())
            and previous.cells[i].rstrip()[-1:].isdigit()
            for i in figures
        )
    )


def _last_row_before(blocks: list[TextBlock]) -> int | None:
    """Index of the last block if it is a table row, looking past page-number lines after it."""
    index = len(blocks) - 1
    while (
        index >= 0
        and blocks[index].kind == "paragraph"
        and _PAGE_NUMBER.fullmatch(blocks[index].text.strip())
    ):
        index -= 1
    return index if index >= 0 and blocks[index].kind == "table_row" else None


def _joined_row(first: TextBlock, rest: TextBlock) -> TextBlock:
    """One row from a row cut by a page break: each cell's text followed by its continuation."""
    cells = tuple((a or "") + (b or "") for a, b in zip(first.cells, rest.cells, strict=True))
    confidences = [c for c in (first.confidence, rest.confidence) if c is not None]
    cell_confidence: tuple[float | None, ...] = ()
    if first.cell_confidence or rest.cell_confidence:
        pairs = zip(
            first.cell_confidence or (None,) * len(cells),
            rest.cell_confidence or (None,) * len(cells),
            strict=True,
        )
        cell_confidence = tuple(min((c for c in pair if c is not None), default=None) for pair in pairs)
    return TextBlock(
        text=" | ".join(cells),
        locator=f"{first.locator}+{rest.locator}",
        kind="table_row",
        page=first.page,
        cells=cells,
        confidence=min(confidences) if confidences else None,
        cell_confidence=cell_confidence,
    )
