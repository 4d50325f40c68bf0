"""Performance-indicator rows (绩效指标: 一级 / 二级 / 三级指标, 指标值, 实际完成值, 分值, 得分) as records.

`indicator_row` turns the cells of one row, as printed, into a `PerformanceIndicator`: the name
without template prefixes (指标1:) or markers (★), each value's figure in canonical units, the
comparator of the target (≥95% -> ">=", 不低于 -> ">="), weight and score as numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from pipelines.extract.numbers import (
    CACHED_TEXT_CHARS,
    CACHED_TEXTS,
    UNITS,
    Figure,
    find_figures,
    to_canonical,
)
from pipelines.extract.text import simplify
from pipelines.model import Comparator, PerformanceIndicator

NAME_PREFIX = re.compile(
    r"^\s*(?:指标\s*\d+\s*[:：.、]?|具体指标(?:\s*[:：]|\s)\s*(?=\S))\s*"
)  # 指标1:, 具体指标 (a placeholder cell)
MARKERS = re.compile(r"[★☆*※▲△●◆]")
# Units of a performance value and the canonical unit they give; anything else is a count.
VALUE_UNITS = {"%": "percent", "元": "CNY", "千元": "CNY", "万元": "CNY", "亿元": "CNY", "分": "point"}
COMPARATORS: dict[str, Comparator] = {
    "≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "大于等于": ">=", "以上": ">=",
    "≤": "<=", "<=": "<=", "不高于": "<=", "不超过": "<=", "小于等于": "<=", "以下": "<=", "以内": "<=",
    ">": ">", "大于": ">", "高于": ">", "超过": ">", "<": "<", "小于": "<", "低于": "<", "=": "=", "等于": "=",
}  # fmt: skip
_COMPARATOR = re.compile("|".join(re.escape(c) for c in sorted(COMPARATORS, key=len, reverse=True)))
MAX_SCORE = 100


# A completion status (达成预期指标) inside a name: the cells of a row run together read as one name.
STATUS_IN_NAME = re.compile(r"达[成到](?:预期|年度)?(?:指标|目标)")


# A cell that may stand where a name is expected but names nothing: no words at all (%(百分比)), or a
# completion status (单项指标完成情况 | 完成), after which the row's points follow.
WORDS = re.compile(r"[\u4e00-\u9fff]")
STATUS_CELL = re.compile(r"^(?:已|未|基本|部分|全部)?(?:完成|达成|达到)$")
# A form's own words (a header's or a footnote's) where a name is expected: 说明, 注, 评分标准 | 指标分值.
FORM_WORDS = frozenset(
    {
        "说明",
        "注",
        "备注",
        "填表说明",
        "评分标准",
        "评分细则",
        "指标分值",
        "分值",
        "得分",
        "指标",
        "三级指标",
        "指标值",
        "合计",
        "总分",
    }
)
NOT_A_WORD = re.compile(r"[\s…．.、:：()（）]+")
# A unit as a form's 度量单位 cell prints it: the figures' units and a few more of forms (areas, lengths).
UNIT_WORDS = frozenset(UNITS) | {"百分比", "万亩", "亩", "公里", "公顷", "吨", "株"}


def names_nothing(cell: str) -> bool:
    """Whether a cell read as an indicator's name cannot be one (see STATUS_CELL), is a unit cell
    alone (万元, 件: a 度量单位 column read where the name should be) or only a form's own words."""
    bare = cell.strip(" ()（）/")
    words = [word for word in NOT_A_WORD.split(cell) if word]
    return (
        WORDS.search(cell) is None
        or STATUS_CELL.match(cell) is not None
        or bare in UNIT_WORDS
        or all(word in FORM_WORDS for word in words)
    )


def misread(row: PerformanceIndicator) -> bool:
    """Whether a row's name holds another cell's words (a completion status) or no word at all (（), so
    the row is unreliable."""
    return STATUS_IN_NAME.search(simplify(row.indicator)) is not None or names_nothing(row.indicator)


MAX_UNIT_CHARS = 3
# Words before a value telling the work's progress (已完成100%: a monitoring form's 实施进度 column).
PROGRESS_WORDS = r"(?:已经?)?完成了?"


def _without_unit_cell(name: str) -> str:
    """A name without a 度量单位 cell run into its end, a unit per unit (设备维护成本元/次, 补助标准元/人)."""
    head, slash, denominator = name.rpartition("/")
    if not slash or denominator not in UNIT_WORDS:
        return name
    for size in range(1, MAX_UNIT_CHARS + 1):
        if head[-size:] in UNIT_WORDS and len(WORDS.findall(head[:-size])) >= 2:
            return head[:-size].rstrip()
    return name


def clean_indicator_name(name: str) -> str:
    """The 三级指标 name as printed, without a template's prefix (指标1:), markers, a unit cell run
    into its end and surrounding spaces; a list number printed in the cell (1、, (2)) is part of the
    name as printed and stays."""
    return _without_unit_cell(NAME_PREFIX.sub("", MARKERS.sub("", name)).strip(" :："))


def comparator_of(text: str | None) -> Comparator | None:
    """The comparison a target states: ≥ / 不低于 / 以上 -> ">=", ≤ / 不超过 -> "<=", = ..."""
    if not text:
        return None
    match = _COMPARATOR.search(simplify(text))
    return COMPARATORS[match.group(0)] if match else None


def value_of(text: str | None) -> tuple[float | None, str | None]:
    """The one figure of a value cell in canonical units, with that unit; (None, None) when the cell
    holds no figure or several (a range, a sentence)."""
    if not text:
        return None, None
    figures = [f for f in find_figures(simplify(text)) if not f.chinese_numeral]
    if len(figures) != 1:
        return None, None
    figure = figures[0]
    unit = VALUE_UNITS.get(figure.unit, figure.unit or None)
    value = to_canonical(figure.value, figure.unit, "CNY") if unit == "CNY" else figure.value
    return float(value), unit


def score_of(text: str | None) -> float | None:
    """A 分值 or 得分 cell as a number (0 to 100), else None (a short cell's answer is kept: a cell is
    tried as a score by every segmentation of its row)."""
    if text is None:
        return None
    return _kept_score(text) if len(text) <= CACHED_TEXT_CHARS else _score(text)


def _score(text: str) -> float | None:
    cell = simplify(text).strip()
    figures = find_figures(cell)
    if len(figures) != 1 or figures[0].unit not in ("", "分") or figures[0].raw != cell:
        return None
    if figures[0].qualifier != "exact":
        return None  # >=9: a target value (cut short), never points
    value = figures[0].value
    return float(value) if Decimal(0) <= value <= MAX_SCORE else None


_kept_score = lru_cache(maxsize=CACHED_TEXTS)(_score)


def _figure_text(text: str | None) -> str | None:
    cleaned = (text or "").strip()
    return cleaned or None


def indicator_row(
    *,
    name: str,
    target: str | None,
    actual: str | None,
    locator: str,
    snippet: str,
    level1: str | None = None,
    level2: str | None = None,
    weight: str | None = None,
    score: str | None = None,
    deviation_reason: str | None = None,
) -> PerformanceIndicator:
    """One row of a performance-indicator table from its cells as printed (see the module docstring).

    The unit is the actual value's, else the target's; a target without a figure of its own keeps
    its text only.
    """
    target_value, target_unit = value_of(target)
    actual_value, actual_unit = value_of(actual)
    return PerformanceIndicator(
        level1=_figure_text(level1),
        level2=_figure_text(level2),
        indicator=clean_indicator_name(name),
        target_text=_figure_text(target),
        actual_text=_figure_text(actual),
        target_value=target_value,
        actual_value=actual_value,
        unit=actual_unit or target_unit,
        comparator=comparator_of(target),
        weight=score_of(weight),
        score=score_of(score),
        deviation_reason=_figure_text(deviation_reason),
        source_locator=locator,
        snippet=snippet,
    )


def figure_of_value(text: str) -> Figure | None:
    """The single Arabic figure of a value cell, for turning a dictionary row into a core fact."""
    figures = [f for f in find_figures(simplify(text)) if not f.chinese_numeral]
    return figures[0] if len(figures) == 1 else None


# An indicator row told as a list item (1.XX覆盖率,年初目标值≥90%,实际完成值92%,自评得分20分;) or as a
# sentence of its own (XX满意度,年初目标值≥95%,实际完成值93.50%,扣1分): its name, target, achieved value,
# and its points and score where told.
PROSE_ROW = re.compile(
    r"^\s*(?P<number>\d{1,2}\s*[.、．]|[(（]\d{1,2}[)）])?\s*(?P<name>[^,，;；:：。]{2,40}?)\s*[,，:：]\s*"
    r"(?:年初|年度|初)?(?:目标值|指标值)\s*[:：为是]?\s*(?P<target>[^,，;；。]+?)\s*[,，]\s*"
    r"(?:实际)?完成(?:值|情况)?\s*[:：为是]?\s*(?P<actual>[^,，;；。]+?)\s*"
    r"(?:[,，]\s*(?:分值|权重)\s*[:：为是]?\s*(?P<weight>\d+(?:\.\d+)?)\s*分?\s*)?"
    r"(?:[,，]\s*(?:自评)?得分\s*[:：为是]?\s*(?P<score>\d+(?:\.\d+)?)\s*分?\s*)?"
    r"(?:[,，]\s*扣\s*\d+(?:\.\d+)?\s*分)?[;；。]?\s*$"
)


def indicator_in_prose(text: str, locator: str) -> tuple[PerformanceIndicator, bool] | None:
    """The indicator a paragraph tells with its target and achieved value (see PROSE_ROW), and whether
    it is a numbered list item: a numbered list of indicators is their table told as a list, a sentence
    of its own only gives its figure."""
    match = PROSE_ROW.match(simplify(text))
    if match is None:
        return None
    row = indicator_row(
        name=match["name"], target=match["target"], actual=match["actual"], locator=locator,
        snippet=text.strip(), weight=match["weight"], score=match["score"],
    )  # fmt: skip
    return row, match["number"] is not None
