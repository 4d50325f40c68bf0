"""Numbers as printed in Chinese reports: 512.34万元, 1.2亿元, 3万多人次, 二百余册, 91.5%, ≥95%.

`find_figures` finds every figure in a string with its span, value, unit and qualifier;
`to_canonical` converts a figure's value to the indicator's canonical unit (yuan, percent, count).
Values are Decimal so that 512.34万元 is exactly 5123400.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from pipelines.model import Qualifier

# Full-width ASCII (digits, letters, punctuation), the ideographic space, and comparison signs
# printed with look-alikes (≧ ≦ for ≥ ≤, a box-drawing ═ for =), one character for one so that
# offsets into the normalised text are offsets into the original text.
HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {
    0x3000: 0x20, ord("≧"): ord("≥"), ord("≦"): ord("≤"), ord("═"): ord("="),
    ord("﹦"): ord("="), ord("﹤"): ord("<"), ord("﹥"): ord(">"),  # small form variants
}  # fmt: skip


def translation_table(mapping: dict[int, int]) -> list[int]:
    """`mapping` as a list indexed by code point (every other character maps to itself) for
    `str.translate`: a missing key of a dict costs a KeyError per character, an index does not
    (characters past the list's end, which the mapping does not hold, stay as they are)."""
    table = list(range(max(mapping, default=0) + 1))
    for code, target in mapping.items():
        table[code] = target
    return table


_HALF_WIDTH_TABLE = translation_table(HALF_WIDTH)


def to_half_width(text: str) -> str:
    """Map full-width digits, letters and punctuation to ASCII (and ≧ ≦ ═ to ≥ ≤ =), keeping the
    length unchanged."""
    return text.translate(_HALF_WIDTH_TABLE)


MONEY_FACTORS = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10_000),
    "亿元": Decimal(100_000_000),
}
_MAGNITUDES = {"千": Decimal(1000), "万": Decimal(10_000), "亿": Decimal(100_000_000)}

# Units a figure may carry. Units of no indicator are listed too, so that 11662种 is read as
# "11662 of unit 种" and not mistaken for a bare number.
UNITS = sorted(
    [
        "万元",
        "亿元",
        "千元",
        "元",
        "人次",
        "册次",
        "场次",
        "人",
        "名",
        "册",
        "个",
        "张",
        "本",
        "场",
        "次",
        "期",
        "%",
        "分",
        "种",
        "项",
        "家",
        "所",
        "平方米",
        "天",
        "年",
        "月",
        "日",
        "份",
        "件",
        "幅",
        "小时",
        "TB",
        "GB",
        "户",
        "村",
        "篇",
        "批",
        "台",
        "套",
        "座",
        "处",
        "间",
        "条",
        "部",
        "辆",
    ],
    key=len,
    reverse=True,
)

# A unit character that starts a word instead (本年, 本单位: the figure before it has no unit).
_NOT_A_UNIT_BEFORE = {"本": "(?![年单馆级部次项期月院局届])"}
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千]+"
_PREFIX = r"(?P<pre>不低于|不少于|不超过|不高于|超过|高于|大于|低于|小于|多于|约|近|逾|≥|≤|>=|<=|>|<)?"
_FIGURE = re.compile(
    _PREFIX
    + r"\s*(?P<num>"
    + _ARABIC
    + "|"
    + _CHINESE
    + r")\s*(?P<more1>多|余)?(?P<mag>万|亿|千)?(?P<more2>多|余)?\s*(?P<unit>"
    + "|".join(re.escape(u) + _NOT_A_UNIT_BEFORE.get(u, "") for u in UNITS)
    + r")?(?P<post>以上|以下|以内|之上|左右|余|多)?"
)

_PREFIX_QUALIFIERS: dict[str, Qualifier] = {
    "不低于": "at_least", "不少于": "at_least", "超过": "at_least", "高于": "at_least",
    "大于": "at_least", "多于": "at_least", "逾": "at_least", "≥": "at_least", ">=": "at_least", ">": "at_least",
    "不超过": "at_most", "不高于": "at_most", "低于": "at_most", "小于": "at_most", "≤": "at_most",
    "<=": "at_most", "<": "at_most", "约": "approx", "近": "approx",
}  # fmt: skip
_POST_QUALIFIERS: dict[str, Qualifier] = {
    "以上": "at_least", "之上": "at_least", "以下": "at_most", "以内": "at_most",
    "左右": "approx", "余": "approx", "多": "approx",
}  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """A number found in text: `value` already multiplied by 万/亿 when those stand before the unit."""

    start: int
    end: int
    value: Decimal
    unit: str  # "" when the figure has no unit
    qualifier: Qualifier
    raw: str
    chinese_numeral: bool = False
    scaled: bool = False  # multiplied by a 万 / 亿 printed without any unit (资金29.6万)


@cache
def _cn2an() -> Callable[[str, str], float | int]:
    """cn2an's converter, imported on first use: its import compiles regexes for about 0.3 s, which
    a run whose files print no Chinese numeral never pays."""
    import cn2an

    return cn2an.cn2an


def parse_number(digits: str) -> Decimal | None:
    """Arabic digits (with thousands separators) or a pure Chinese numeral to a Decimal."""
    text = digits.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    try:
        return Decimal(str(_cn2an()(text, "smart")))
    except (ValueError, KeyError):
        return None


# A cell or sentence is read by several rules (a table row by the form's rules and the table rules):
# the results of the latest texts up to this length are kept (so much memory at most, whatever the
# documents), for the next rule that reads the same text.
CACHED_TEXTS = 4096
CACHED_TEXT_CHARS = 400


def find_figures(text: str) -> list[Figure]:
    """Every figure in `text` (already half-width), in order, with its qualifier.

    A lone Chinese numeral without unit or magnitude (一 in 一是) is not a figure, nor is a number glued
    onto the decimals of another (530.1 in 32.530.1: cells run together in a copied form).
    """
    return list(_kept_figures(text) if len(text) <= CACHED_TEXT_CHARS else _figures(text))


def _figures(text: str) -> tuple[Figure, ...]:
    """The figures of `find_figures`."""
    figures: list[Figure] = []
    for match in _FIGURE.finditer(text):
        num = match["num"]
        at = match.start("num")
        if at >= 2 and text[at - 1] == "." and text[at - 2].isdigit():
            continue
        chinese = not num[0].isdigit()
        unit = match["unit"] or ""
        if chinese and not (unit or match["mag"]):
            continue
        if chinese and len(num) == 1 and num in "十百千" and not unit:
            continue
        value = parse_number(num)
        if value is None:
            continue
        magnitude = match["mag"]
        if magnitude and unit == "元":
            unit = magnitude + "元"
        elif magnitude:
            value *= _MAGNITUDES[magnitude]
        qualifier: Qualifier = "exact"
        if match["pre"]:
            qualifier = _PREFIX_QUALIFIERS[match["pre"]]
        if match["more1"] or match["more2"]:
            qualifier = "approx"
        if match["post"]:
            qualifier = _POST_QUALIFIERS[match["post"]]
        start = match.start("pre") if match["pre"] else match.start("num")
        scaled = bool(magnitude) and not unit
        figures.append(
            Figure(start, match.end(), value, unit, qualifier, match.group(0).strip(), chinese, scaled)
        )
    return tuple(figures)


_kept_figures = lru_cache(maxsize=CACHED_TEXTS)(_figures)


def to_canonical(value: Decimal, unit: str, canonical_unit: str) -> Decimal:
    """Convert a figure to the canonical unit of its indicator (money to yuan; others unchanged)."""
    if canonical_unit == "CNY":
        return value * MONEY_FACTORS.get(unit, Decimal(1))
    return value


RATIO_PLACES = 2  # a rate printed as a ratio with fewer decimals (0.1 for 14.46 %) is too coarse to load


def printed_decimals(raw: str) -> int:
    """How many decimals a figure is printed with (0.97 -> 2, 1 -> 0)."""
    return len(raw.partition(".")[2])


def percent_of_ratio(raw: str, ratio: Decimal) -> tuple[Decimal, str]:
    """A rate printed as a ratio (0.958) as the percent it means, with the note that says so."""
    percent = ratio * 100
    return percent, f"ratio {raw} read as {percent.normalize():f}%"
