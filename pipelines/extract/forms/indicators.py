"""The performance-indicator block of a form: its header and its rows, however they were flattened."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise, product

from pipelines.extract.forms.money import NUMBER
from pipelines.extract.forms.tokens import (
    COLUMN_UNIT,
    EMPTY_CELL,
    ENDS_TABLE,
    KPI_COLUMN,
    LABELS,
    LEVEL1,
    LEVEL2,
    LEVEL_EITHER,
    MONEY_COLUMN,
    MONEY_ROLES_IN_KPI,
    POINTS,
    SECTION,
    TEMPLATE_PREFIX,
    WHOLE_CELL_LEVELS,
    Token,
    strip_span,
)
from pipelines.extract.kpi import PROGRESS_WORDS, UNIT_WORDS, comparator_of, indicator_row, score_of, value_of
from pipelines.extract.numbers import UNITS as NUMBER_UNITS
from pipelines.extract.text import PAGE_MARK
from pipelines.model import PerformanceIndicator

# ---------------------------------------------------------------------------------------------
# Indicator rows

VALUE_ROLES = (
    "comparator",
    "target",
    "unit",
    "adjusted",
    "actual",
    "ratio",
    "weight",
    "score",
    "core",
    "reason",
)
OPTIONAL_ROLES = ("adjusted", "ratio", "core")  # cells a row may leave empty, read only where they fit
NUMERIC_ROLES = ("weight", "score")
NONE_WORD_CHARS = 2
REASON_WITHOUT_DEVIATION = -1.2  # a reason kept for a row scored in full: less likely than text skipped
ROW_FOUND, SKIPPED, TWO_TOKEN_NAME, REASON_KEPT, CELL_MISSING, VALUE_MISSING = (
    10.0,
    -1.0,
    -0.6,
    -0.2,
    -3.0,
    -2.0,
)
MIN_NAME_CHARS = 4  # characters of an indicator's name before its one figure and a status (受损面积)
MIN_LEVEL_PREFIX = 4  # characters of a bare level word that starts a name (社会效益; not 数量, 质量)
MAX_UNIT_CELL = 4  # characters of a 度量单位 cell (%, 次, 万元, 人次)
SUB_ROW = re.compile(r"^其中")
LEVEL_WITH_POINTS = re.compile(r"指标\s*\d{2,3}\s*(?=[\u4e00-\u9fff])")  # a level's label and points glued
# Words after a figure (2小时内处置率), not a name's start; not words that begin names (内部刊物, 后勤保障,
# 前期工作).
NAME_CONTINUES = re.compile(r"^(?:以内|以上|以下|之内|之间|内(?!部|容|控|设|务)|后(?!勤|续|期)|前(?!期|置))")
COMPARATOR_CELL = re.compile(r"^(?:[≥≤<>=]=?|大于等于|小于等于|大于|小于|等于|不低于|不高于|不少于|不超过)$")


@dataclass(frozen=True)
class KpiHeader:
    """The roles of an indicator table's columns after the 三级指标 name, in printed order; for a
    header that is one row of a real table, the column of each role and the row's width."""

    roles: tuple[str, ...]
    columns: dict[str, int] | None = None
    width: int | None = None
    run_together: bool = False  # printed with nothing between its labels: so are its rows' cells
    numbered: bool = False  # a 序号 column before the names: each row starts with its number


def _is_number(text: str) -> bool:
    return score_of(text) is not None


# 0起, 3吨: a count in a unit the number rules do not know, a value and not a name.
COUNT_VALUE = re.compile(r"^\d+(?:\.\d+)?[\u4e00-\u9fff]$")


def _is_text(token: Token) -> bool:
    """A cell that may be (part of) a name: not a label, a number, an empty mark or a figure (100%)."""
    text = token.text
    return token.label is None and not (
        _is_number(text)
        or EMPTY_CELL.match(text)
        or GLUED_FIGURE.fullmatch(text)
        or RATE_VALUE.match(text)
        or COUNT_VALUE.match(text)
    )


# A value with a comparator or a unit per something (>=570元/人*月, 5830元/户): not a name.
RATE_VALUE = re.compile(
    r"^(?:(?:[≥≤<>]=?|=)\s*\d+(?:\.\d+)?[\u4e00-\u9fff%]{0,4}|\d+(?:\.\d+)?[\u4e00-\u9fff]{1,3}[/／][\u4e00-\u9fff*·]{1,4})$"
)


def _row_at(
    cells: list[Token],
    start: int,
    roles: tuple[str, ...],
    name_tokens: int,
    with_reason: bool,
    skip_value: bool,
    unit_parts: bool = False,
):
    """A row starting at `start` with this many name tokens, or None: (tokens used, row cells by role,
    cost of missing cells)."""
    end = start + name_tokens
    if end > len(cells) or not all(_is_text(t) for t in cells[start:end]):
        return None
    if any(TEMPLATE_SLOT.match(t.text) for t in cells[start + 1 : end]):
        return None  # 指标4.XX率 | 指标5:XX数: a template's numbered slot starts a name of its own
    if NAME_CONTINUES.match(cells[start].text):
        return None  # 内处置率 of 2小时内处置率: the rest of a name a figure was split out of
    if all(_column_word(t.text) for t in cells[start:end]):
        return None  # 正向 | 大于等于: a row's direction and comparator cells, not a name
    row: dict[str, str] = {"name": " ".join(t.printed for t in cells[start:end])}
    if LEVEL_WITH_POINTS.search(row["name"]):
        return None  # 管理指标30预算编审管理完整、准确率: levels and their points run into a name
    # 其中XX, or, where the points come first and cells are apart (`unit_parts`), a row whose first two
    # values are figures with units (猪养殖数量 | 80头 | 80头 under ★补助家畜家禽养殖数量 | 10 | 10): a part
    # of the row above, without points.
    part = SUB_ROW.match(row["name"]) is not None or (
        unit_parts
        and roles[:1] == ("weight",)
        and end + 1 < len(cells)
        and all(_figure_not_points(cell.text) for cell in cells[end : end + 2])
    )
    cost = 0.0
    index = end
    for role in roles:
        if role == "reason" and not with_reason:
            continue
        if index >= len(cells):
            if role in ("weight", "score", "reason"):
                cost += 0.0 if part and role in NUMERIC_ROLES else CELL_MISSING
                continue
            return None
        cell = cells[index]
        if role in OPTIONAL_ROLES:
            if _optional_fits(role, cells, index):
                index += 1
            continue
        if role == "comparator" and NATURE_CELL.match(cell.text):
            index += 1  # 定量指标: the 指标性质 cell, no comparator
            continue
        if role in ("target", "actual") and NAME_CONTINUES.match(cell.text) and len(cell.text) > 2:
            return None  # 2小时 | 内处置率: a name split at its figure, not a value
        if role in ("target", "actual") and TEMPLATE_SLOT.match(cell.text):
            return None  # the next row's numbered name (指标5:XX数), not a value
        if part and role in NUMERIC_ROLES and not _is_number(cell.text):
            continue  # a part's points are not printed
        if role in ("target", "actual") and _is_number(cell.text) and not row.get("target") and skip_value:
            if "comparator" in row:
                return None
            cost += VALUE_MISSING  # an empty value cell that vanished: the figures are weight and score
            continue
        if role in NUMERIC_ROLES and not _is_number(cell.text):
            if EMPTY_CELL.match(cell.text):
                index += 1
                continue
            return None
        if role == "comparator" and not COMPARATOR_CELL.match(cell.text):
            continue  # no comparator cell printed
        if role == "unit" and (
            _is_number(cell.text) or len(cell.text) > MAX_UNIT_CELL or NATURE_CELL.match(cell.text)
        ):
            continue  # no unit cell printed
        if role == "reason" and not (_is_text(cell) or EMPTY_CELL.match(cell.text)):
            return None  # a reason is words, or a dash for none
        row[role] = cell.printed
        index += 1
    if "target" not in row and "actual" not in row and not _points_only(row):
        return None
    return index - start, row, cost


def _figure_not_points(text: str) -> bool:
    """A figure with a unit (80头, 5.5亩, 95%): a value, never a row's points."""
    return not _is_number(text) and (COUNT_VALUE.match(text) or GLUED_FIGURE.fullmatch(text)) is not None


MAX_ROW_WEIGHT = 40  # points of one indicator row; more is a target or actual value
# 指标性质 as a municipality's form prints it (定量指标), or as a direction (正向: more is better, beside a
# 指标方向 column of comparators): no comparator.
NATURE_CELL = re.compile(r"^(?:定[量性](?:指标)?|[正反]向)$")
CORE_CELL = re.compile(r"^[是否]$")
ADJUSTED_FOLLOWERS = 2  # an adjusted target is followed by the actual value and the coefficient
PERCENT_CELL = re.compile(r"^\d+(?:\.\d+)?%$")


def _column_word(text: str) -> bool:
    """Whether a cell holds what a form's 指标性质 or 指标方向 column prints."""
    return bool(NATURE_CELL.match(text) or COMPARATOR_CELL.match(text))


def _target_text(row: dict[str, str]) -> str | None:
    """The target as printed with its comparator cell (≥) and unit cell (%) where the form gives
    them apart; 指标性质 printed as 定量指标 is no comparator, and a unit already printed stays once."""
    comparator = row.get("comparator", "")
    target, unit = row.get("target", ""), row.get("unit", "")
    text = ("" if NATURE_CELL.match(comparator) else comparator) + target
    if text and unit and not text.endswith(unit) and not EMPTY_CELL.match(unit):
        text += unit
    return text or None


def _optional_fits(role: str, cells: list[Token], index: int) -> bool:
    """Whether the cell at `index` is the optional column `role` (it may have vanished, empty):
    an adjusted target where two more value cells follow before the points, a coefficient (100%)
    just before the points, a core flag (是 / 否)."""
    text = cells[index].text
    if role == "core":
        return bool(CORE_CELL.match(text))
    if role == "ratio":
        return bool(PERCENT_CELL.match(text)) and index + 1 < len(cells) and _is_number(cells[index + 1].text)
    values = 0  # value cells after this one, up to the points
    for cell in cells[index + 1 :]:
        if _is_number(cell.text):
            break
        values += 1
    return values >= ADJUSTED_FOLLOWERS


def _points_only(row: dict[str, str]) -> bool:
    """A row whose value cells were left empty (指标1:工程质量合格 | 10 | 10): its two figures
    are its weight and score when they can be (score ≤ weight ≤ MAX_ROW_WEIGHT)."""
    weight, score = score_of(row.get("weight")), score_of(row.get("score"))
    return weight is not None and score is not None and score <= weight <= MAX_ROW_WEIGHT


GLUED_FIGURE = re.compile(
    r"(?:[≥≤<>]|不低于|不少于|不超过|不高于|小于|大于|低于|高于)?\d+(?:\.\d+)?(?![\d、])(?:[%‰]|[万亿千]?(?:"  # not 1、, a list item's number
    + "|".join(re.escape(u) for u in NUMBER_UNITS if u != "%")
    + r"))?"
)
# After a figure: a name written as sentences (走访老人30人;慰问家庭8户。), not cells run together.
NAME_AS_SENTENCES = re.compile(r"[;；。]")
EMPTY_SLOT = re.compile(r"^(?:指标\s*\d+\s*[:：]?)+$")  # an unfilled template row: 指标1:指标2:
# 指标1: before a name; not 指标1010, a value ending in 指标 with the points glued to it.
TEMPLATE_SLOT = re.compile(r"指标\s*\d{1,2}(?:\s*[:：]|(?=\s*[^\d\s:：])|$)")
COMPARATOR_AFTER_WORDS = re.compile(r"(?<=[\u4e00-\u9fff)）])(?=[≥≤])")
# A row without figures: a name, then a word value twice (高高, 合格合格) as its target and actual.
WORDED_ROW = re.compile(
    r"^(?P<name>\S.{2,}?)\s*(?P<value>[高好是否优良强]|合格|达标|完成|满意|良好|较好)(?P=value)$"
)
# A name, then its target word and the actual value: the same word (合格合格), or it qualified (及时较及时,
# 达标基本达标, 健全较健全).
DOUBLED = re.compile(r"^(?P<name>.*?)(?P<value>[^\d]{2,})(?:较|基本|部分|未|比较|不)?(?P=value)$")
POINT_PAIRS = re.compile(r"^(?P<weight>[1-9]\d?|100)(?P<score>\d{1,2}(?:\.\d+)?)$")


NAME_GOES_ON = re.compile(r"[内后前](?!完成)[\u4e00-\u9fff]{2}")  # 内扑灭率 after 6小时: the name goes on
AFTER_WORD = re.compile(r"(?<=[\u4e00-\u9fff])")  # a position right after a Chinese character


VALUE_PREFIX = re.compile(
    r"每[\u4e00-\u9fff]{1,2}|约|近|达到?|超过?|不少于|不低于|不超过|不高于"
    r"|(?:提升|提高|增长|增加|下降|降低|减少|增|降)了?|" + PROGRESS_WORDS
)
SHORT_UNIT = re.compile(r"[\u4e00-\u9fff]{1,2}")  # 米, 厘米, 起: a unit the number rules do not know


def _figures(text: str, points_first: bool) -> list[tuple[int, int]]:
    """Spans of the figures of a glued text, each with its unit: a known one, or one or two
    characters after both of two figures in a row (≥120米≥120米, 0件0件). With `points_first`, a 分值 glued to
    the value after it is a figure of its own when the rest is the value printed next (1035万元35万元:
    10 | 35万元 | 35万元) or when the whole cannot be a percentage (15100%: 15 | 100%)."""
    spans = [
        match.span()
        for match in GLUED_FIGURE.finditer(text)
        if not (AFTER_WORD.match(text, match.start()) and NAME_GOES_ON.match(text, match.end()))
    ]  # not the figure inside a name (森林火灾6小时内扑灭率)
    unit = ""
    for i, (start, end) in enumerate(spans):
        if not text[end - 1].isdigit():
            unit = ""
            continue
        if unit and text.startswith(unit, end):  # the twin of a figure given this unit (0件0件满意度)
            spans[i] = (start, end + len(unit))
            continue
        after = text[end : spans[i + 1][0]] if i + 1 < len(spans) else ""
        twin = i + 1 < len(spans) and text.startswith(after, spans[i + 1][1])
        unit = after if SHORT_UNIT.fullmatch(after) and twin else ""
        if unit:
            spans[i] = (start, spans[i + 1][0])
        elif before_status := UNIT_BEFORE_STATUS.match(text, end):
            spans[i] = (start, before_status.end())  # 0起达成预期指标: a unit, then the status
    if not points_first:
        return spans
    split: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(spans):
        figure = text[start:end]
        following = text[spans[i + 1][0] : spans[i + 1][1]] if i + 1 < len(spans) else ""
        digits = re.match(r"\d+", figure)
        cut = None
        if digits and len(digits.group(0)) > 1 and not figure.isdigit():
            for at in range(1, min(3, len(digits.group(0)) - 1) + 1):
                head, rest = figure[:at], figure[at:]
                if rest[0] == "0" or not 0 < int(head) <= 100:
                    continue
                if rest == following or (rest.endswith("%") and _percent(figure) >= 1000 >= _percent(rest)):
                    cut = at
                    break
        split.extend([(start, start + cut), (start + cut, end)] if cut else [(start, end)])
    return split


def _twin_values(text: str, figures: list[tuple[int, int]]) -> bool:
    """A text that is two figures with the same unit and nothing else (≥95%98%, 不少于800篇800篇): a
    target and its actual value glued, not one value (2021年12月 has two units)."""
    if len(figures) != 2 or figures[0] != (0, figures[1][0]) or figures[1][1] != len(text):
        return False
    units = [re.sub(r"^.*\d", "", text[a:b]) for a, b in figures]
    return bool(units[0]) and units[0] == units[1]


def _percent(figure: str) -> Decimal:
    """The number of a percentage (100% -> 100); 0 for any other figure."""
    number = figure.removesuffix("%")
    return Decimal(number) if number != figure and NUMBER.fullmatch(number) else Decimal(0)


def _points(run: str) -> list[str]:
    """A bare run of digits glued from 分值 and 得分 (2018 -> 20 | 18), when it cannot be one score;
    a run that starts with a zero is a 0 and what follows (00 -> 0 | 0)."""
    if len(run) > 1 and run[0] == "0":
        return ["0", *_points(run[1:])]  # 00: two zeros
    if Decimal(run) <= 100:
        return [run]
    match = POINT_PAIRS.match(run)
    if match and Decimal(match["score"]) <= Decimal(match["weight"]):
        return [match["weight"], match["score"]]
    return [run]


# A completion status the forms print in the actual-value or reason column (达成预期指标), with the
# cell before it run into it when a line wrap lost the space between them (效果明显达成预期指标), or
# the next row's name run into it in a table printed with nothing between its cells
# (达成预期指标监控系统维护率).
STATUS = re.compile(
    r"(?:未|部分|基本|全面|全部|完全|均|已|已经|总体|整体|圆满)?达[成到]预期(?:指标|目标)(?!值)"
)
UNIT_BEFORE_STATUS = re.compile(rf"[\u4e00-\u9fff]{{1,2}}?(?={STATUS.pattern})")  # 起 of 0起达成预期指标
QUESTION_END = re.compile(r"(?:是否|能否)已?$")  # 项目是否达成预期目标: a name's words, not a status
# 知晓度是否提高是: a name asking a question, then its answer (the row's value)
ANSWERED_QUESTION = re.compile(r"(?P<name>.*(?:是否|能否|有无).{2,})[是否有无]$")
MIN_GLUED_WORDS = 2  # characters of the cell before (or after) a status for it to be a cell of its own


def _split_status(token: Token) -> list[Token]:
    """A cell holding a status phrase run into the words of the cell before it (效果明显达成预期指标)
    or of the cell after it (达成预期指标监控系统维护率): the words and the status as separate cells.
    A name's question (是否达成…), words with a figure before the status, and a word or two around
    it are left whole."""
    text = token.text
    match = STATUS.search(text)  # the leftmost: with its modifier (基本达成预期目标)
    if match is None:
        return [token]
    start, end = match.span()
    head, tail = text[:start].strip(), text[end:].strip()
    if head and (len(head) < MIN_GLUED_WORDS or QUESTION_END.search(head) or any(c.isdigit() for c in head)):
        return [token]
    if (not head and not tail) or 0 < len(tail) < MIN_GLUED_WORDS:
        return [token]
    raw = token.raw if len(token.raw) == len(text) else text
    answered = ANSWERED_QUESTION.match(head)  # 公众知晓度是否明显提高是: the name, then its value 是
    cuts = [0, *([answered.end("name")] if answered else []), start, end, len(text)]
    pieces = [
        Token(text[a:b].strip(), token.locator, raw=raw[a:b].strip())
        for a, b in pairwise(cuts)
        if text[a:b].strip()
    ]
    return [*pieces[:-1], *_split_status(pieces[-1])] if tail else pieces


def unglue(token: Token, points_first: bool = False, figures_cut: bool = False) -> list[Token]:
    """A cell holding several cells run together (更新设备50件50件2020, 质量等合格合格2020): its name,
    its value figures with their units, its points, a text value printed twice split in two, and a
    completion status run into the words around it (`_split_status`), a name and a word value
    printed twice (安全性高高). A cell with at most one figure, or a figure before its words
    (≥100百分比), is otherwise left whole. `points_first`: the table prints 分值 just before the
    values (see `_figures`); `figures_cut`: its bare figures are already cut (`split_run`), none
    is split again into points."""
    return [
        cell for piece in _unglue_figures(token, points_first, figures_cut) for cell in _split_status(piece)
    ]


def _unglue_figures(token: Token, points_first: bool, figures_cut: bool) -> list[Token]:
    if EMPTY_SLOT.match(token.text):
        return []
    text = TEMPLATE_SLOT.sub(lambda m: " " * len(m.group(0)), token.text)
    raw = token.raw if len(token.raw) == len(text) else text

    def piece(a: int, b: int) -> Token:
        a, b = strip_span(text, a, b, " ")
        return Token(text[a:b], token.locator, raw=raw[a:b])

    comparator = COMPARATOR_AFTER_WORDS.search(text)
    if comparator and not any(c.isdigit() for c in text[: comparator.start()]):
        # 项目总成本≤90万元: a name and a target whose space was lost at a line end
        rest = piece(comparator.start(), len(text))
        return [
            piece(0, comparator.start()),
            *unglue(replace(rest, text=rest.text), points_first, figures_cut),
        ]
    figures = _figures(text, points_first)
    if figures and COMPARATOR_CELL.match(text[: figures[0][0]].strip()):
        return [token]  # <=0%: a value with its comparator
    if not figures and (worded := WORDED_ROW.match(text)):
        # 设备维护及安全性高高: a name, then a word value printed twice (target and actual)
        cut, half = worded.start("value"), len(worded["value"])
        return [piece(0, cut), piece(cut, cut + half), piece(cut + half, len(text))]
    if _twin_values(text, figures):
        return [piece(*figures[0]), piece(*figures[1])]  # 不少于800篇800篇: target and actual glued
    if not figures or figures[0][0] == 0 or NAME_AS_SENTENCES.search(text, figures[0][1]):
        return [token]  # a value (2021年12月完成, ≥100百分比) or a sentence, not a row run together
    if any(text[:a].rstrip().endswith((",", "，")) for a, _ in figures[1:]):
        return [token]  # 完成1部宣传片,2套方案: a value that lists its figures, not cells run together
    if any(text[b:].lstrip().startswith("、") for _, b in figures[:-1]):
        return [token]  # 台式电脑4台、笔记本电脑2台: a name (or value) listing things counted
    rest, name = text[figures[-1][1] :].strip(), text[: figures[0][0]].strip()
    if len(figures) < 2 and not rest and VALUE_PREFIX.fullmatch(name):
        return [token]  # 每亩300, 约50: a value whose words say what it counts, not a name and a figure
    # 项目完成及时性及时较及时77受进度影响拖延: a name and its word values, then the points
    worded = DOUBLED.match(name)
    points_after_words = bool(worded and worded["name"]) and text[figures[0][0] : figures[0][1]].isdigit()
    one_figure = len(figures) < 2 and rest and not points_after_words
    if one_figure and not (STATUS.fullmatch(rest) and len(name) >= MIN_NAME_CHARS):
        return [token]  # one figure with words after it (完成3次…), not a name, its value and a status
    pieces: list[Token] = []
    position = 0
    for span in [*figures, None]:
        a, b = strip_span(text, position, span[0] if span else len(text), " ")
        if a < b:
            doubled = DOUBLED.match(text[a:b])
            if doubled and doubled["name"]:
                cut = a + len(doubled["name"])
                half = len(doubled["value"])
                pieces.extend([piece(a, cut), piece(cut, cut + half), piece(cut + half, b)])
            elif doubled:
                pieces.extend([piece(a, a + len(doubled["value"])), piece(a + len(doubled["value"]), b)])
            elif (
                b - a == 2 and text[a] == text[a + 1] and pieces
            ):  # 是是, 高高 between figures: one word twice
                pieces.extend([piece(a, a + 1), piece(a + 1, b)])
            else:
                pieces.append(piece(a, b))
        if span is None:
            break
        figure = text[span[0] : span[1]]
        points = _points(figure) if figure.isdigit() and not figures_cut else [figure]
        cursor = span[0]
        for part in points:
            pieces.append(piece(cursor, cursor + len(part)))
            cursor += len(part)
        position = span[1]
    return [p for p in pieces if p.text]


def segment_rows(cells: list[Token], header: KpiHeader) -> list[tuple[dict[str, str], Token]]:
    """The rows of the cells between two level labels: the segmentation with the most complete
    rows (a row is a name, then a cell per column role; a deviation-reason cell may be empty)."""
    best: dict[int, tuple[float, list[tuple[dict[str, str], Token]]]] = {len(cells): (0.0, [])}
    for start in range(len(cells) - 1, -1, -1):
        skip_score, skip_rows = best[start + 1]
        options = [(skip_score + SKIPPED, skip_rows)]
        for name_tokens, with_reason, skip_value in product((1, 2), (False, True), (False, True)):
            found = _row_at(
                cells, start, header.roles, name_tokens, with_reason, skip_value, not header.run_together
            )
            if found is None:
                continue
            used, row, cost = found
            rest_score, rest_rows = best[start + used]
            reason = 0.0
            if with_reason:
                said = row.get("reason", "-")  # a dash or a word (无) for none is printed on any row
                expected = (
                    EMPTY_CELL.match(said) or len(said) <= NONE_WORD_CHARS or _deviates(row) is not False
                )
                reason = REASON_KEPT if expected else REASON_WITHOUT_DEVIATION
            gain = ROW_FOUND + cost + (name_tokens - 1) * TWO_TOKEN_NAME + reason
            options.append((rest_score + gain, [(row, cells[start]), *rest_rows]))
        best[start] = max(options, key=lambda option: option[0])
    return best[0][1]


def _deviates(row: dict[str, str]) -> bool | None:
    """Whether a row fell short (a score below its points, or an actual value short of its target);
    None when its points are not printed: a reason is written for a shortfall, so text after a row
    scored in full that met its target more likely starts the next row's name."""
    weight, score = score_of(row.get("weight")), score_of(row.get("score"))
    if weight is None or score is None:
        return None
    if score < weight:
        return True
    (target, _), (actual, _) = value_of(row.get("target")), value_of(row.get("actual"))
    if target is None and actual is None:
        return row.get("target") != row.get("actual")  # 健全 | 较健全: the words fell short
    if target is None or actual is None:
        return False
    at_most = (comparator_of(row.get("comparator")) or comparator_of(row.get("target"))) in ("<=", "<")
    return actual > target if at_most else actual < target


def kpi_header(stream: list[Token], start: int) -> tuple[KpiHeader, int] | None:
    """The indicator header starting at `start` (一级指标 | 二级指标 | 三级指标 | 年度指标值 ...), and
    the index after it."""
    roles: list[str] = []
    header: list[Token] = []
    second_halves: set[int] = set()  # where the rest of a label wrapped over two lines stands
    index = start
    while index < len(stream):
        token = stream[index]
        if index in second_halves:
            index += 1
            continue
        wrapped = _wrapped_label(stream, index) if token.label is None else None
        if wrapped is not None:
            roles.append(wrapped[0])
            header.append(token)
            second_halves.add(wrapped[1])
            index += 1
            continue
        if token.kind not in (KPI_COLUMN, MONEY_COLUMN, SECTION):
            if _unread_column(token, header, roles):
                index += 1  # 评分标准, 指标解释: a column of words in the header's own row
                continue
            if COLUMN_UNIT.match(token.text) and roles:
                index += 1  # 指标权重(分), 得分系数(%): a column's unit
                continue
            if _section_points(token, roles):
                roles.append("score")  # … | 实际完成指标值 | 50: the block's points head its score column
                header.append(token)
                index += 1
            if token.text in NOTE_COLUMNS and roles and token.label is None:
                roles.append("reason")  # …| 指标得分(分) | 说明: the last column, a row's remark
                header.append(token)
                index += 1
            break
        if token.kind == SECTION and token.label in SECTION_COLUMNS and roles:
            # A section's words heading a column of the indicator header (… | 绩效指标 | 实际完成情况 | …).
            role = SECTION_COLUMNS[token.label]
            if role not in roles and (role != "name" or "level2" in roles):
                roles.append(role)
                header.append(token)
            index += 1
            continue
        role = token.role or ""
        if token.kind == MONEY_COLUMN and role not in MONEY_ROLES_IN_KPI:
            break
        if token.kind == KPI_COLUMN or token.kind == MONEY_COLUMN:
            roles.append(role)
            header.append(token)
        index += 1
    if "name" not in roles or not ({"target", "actual"} & set(roles) or set(roles) >= SCORES_ONLY):
        return None
    after_name = _header_roles(roles)
    columns = None
    if header[0].row is not None and all(t.row == header[0].row for t in header):
        columns = {role: t.cell for role, t in zip(roles, header, strict=True) if t.cell is not None}
    run_together = sum(t.glued for t in header[1:]) * 2 > len(header) - 1
    numbered = start > 0 and stream[start - 1].text == ROW_NUMBER_COLUMN
    return KpiHeader(after_name, columns, header[0].width, run_together, numbered), index


def _unread_column(token: Token, header: list[Token], roles: list[str]) -> bool:
    """A cell of a real table's header row after the names' column that no label names (评分标准,
    评分依据, 指标解释): a column of words the rows' figures are not in, read past by column."""
    return (
        token.row is not None
        and bool(header)
        and token.row == header[0].row
        and "name" in roles
        and token.label is None
        and token.text not in NOTE_COLUMNS
        and not _is_number(token.text)
    )


ROW_NUMBER_COLUMN = "序号"
SCORES_ONLY = {"level1", "level2", "name", "score"}  # an evaluation's scoring table: names and scores


def _row_number(stream: list[Token], index: int, expected: int) -> bool:
    """Whether a token is a numbered table's row number: the next number, a name after it."""
    following = stream[index + 1] if index + 1 < len(stream) else None
    return stream[index].text == str(expected) and following is not None and _is_text(following)


NOTE_COLUMNS = ("说明", "备注")
SECTION_POINTS = re.compile(r"^(?:[1-9]\d?|100)$")


def _section_points(token: Token, roles: list[str]) -> bool:
    """A bare number right after a header's target and actual labels where it names no points
    column: the indicator block's points (a 区域绩效目标自评表 heads its score column with them)."""
    return (
        token.label is None
        and SECTION_POINTS.match(token.text) is not None
        and bool(roles)
        and roles[-1] == "actual"
        and "target" in roles
        and not {"weight", "score"} & set(roles)
    )


HEADER_REST = re.compile(r"^(?:[(（]\s*(?:分|%)\s*[)）])?(?:说明|备注)?")


def _after_header(token: Token) -> Token:
    """The first words after a run-together header without the header's unit mark and remark
    column run into them."""
    rest = HEADER_REST.match(token.text)
    cut = rest.end() if rest else 0
    return replace(token, text=token.text[cut:], raw="") if cut else token


# Section labels that head a column where they stand inside an indicator header.
SECTION_COLUMNS = {"绩效指标": "name", "实际完成情况": "actual"}
WRAP_SPAN = 8  # header cells within which the second line of a wrapped label stands
WRAPPED_HEAD_CHARS = 3


def _wrapped_label(stream: list[Token], index: int) -> tuple[str, int] | None:
    """A header label wrapped over two lines, its first half here and its second half on the header's
    second line (年度 实际 分值 得分 / 指标值 完成值): the whole label's role and where its second half is."""
    head = stream[index].text
    if len(head) > WRAPPED_HEAD_CHARS or stream[index].row is not None:
        return None
    for later in range(index + 1, min(index + WRAP_SPAN, len(stream))):
        tail = stream[later]
        whole = LABELS.get(head + tail.label) if tail.kind == KPI_COLUMN else None
        if whole is not None and whole[0] == KPI_COLUMN:
            return whole[1], later
    return None


def _header_roles(roles: list[str]) -> tuple[str, ...]:
    """The value columns after the name, in order. A header of two rows read one after the other
    (年度指标值 | 实际完成值 | 分值 | 得分, then 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位)
    has the second row's sub-columns where the first row's 年度指标值 spans them."""
    name = roles.index("name")
    after = [r for r in roles[name + 1 :] if r in VALUE_ROLES]
    levels = [i for i, r in enumerate(roles) if r in ("level1", "level2", "name")]
    before = [r for r in roles[: levels[0]] if r in VALUE_ROLES]
    if not before or set(before) & set(after) - {"target"}:
        return tuple(after)
    if "target" in before and "target" in after:
        at = before.index("target")
        return tuple(before[:at] + after + before[at + 1 :])
    return tuple(after + before)


def _fits_columns(row: dict[str, str], cells: list[Token], header: KpiHeader) -> bool:
    """Whether a table row's cells stand where its header says (a row shifted by merged or missing
    cells is read by sequence instead): levels in the level columns, a name, points as numbers."""
    at = {t.cell: t for t in cells}
    columns = header.columns or {}
    for role, kinds in (("level1", (LEVEL1, LEVEL_EITHER)), ("level2", (LEVEL2, LEVEL_EITHER))):
        token = at.get(columns.get(role))
        if token is not None and ((token.label and token.kind not in kinds) or _is_number(token.text)):
            return False
    name = at.get(columns.get("name"))
    if name is not None and name.label is not None and not _level_word_as_name(name, at, columns):
        return False
    if name is not None and not _is_text(name) and name.label is None:
        return False  # a figure or a dash where the name should be: the row is shifted
    levels = {columns.get("level1"), columns.get("level2")}
    for token in cells:
        if token.kind in (LEVEL1, LEVEL2, LEVEL_EITHER) and token.cell not in levels and token is not name:
            return False  # a level's label outside the level columns: cells shifted left
        if TEMPLATE_SLOT.match(token.text) and token.cell != columns.get("name"):
            return False  # 指标2: names a row's indicator wherever it is printed
    return all(_is_number(row[role]) for role in NUMERIC_ROLES if row.get(role))


def _level_word_as_name(name: Token, at: dict[int | None, Token], columns: dict[str, int]) -> bool:
    """A 三级指标 that is a level's word printed bare (满意度) under both level cells of its row."""
    levels = [at.get(columns.get(role)) for role in ("level1", "level2")]
    return _bare_level_word(name) and all(level is not None and level.label for level in levels)


def _bare_level_after_level2(stream: list[Token], index: int) -> bool:
    """A level's word printed bare (满意度) right after a 二级指标 label: the 三级指标's name."""
    token, before = stream[index], stream[index - 1] if index else None
    return _bare_level_word(token) and before is not None and before.kind in (LEVEL2, LEVEL_EITHER)


def _level1_starts_name(stream: list[Token], index: int) -> bool:
    """A 一级指标 word glued between a 二级指标 label and words (经济效益指标项目管理覆盖面): no level (a
    一级 never follows a 二级), the start of the row's name."""
    token = stream[index]
    before = stream[index - 1] if index else None
    following = stream[index + 1] if index + 1 < len(stream) else None
    return (
        token.kind == LEVEL1
        and before is not None
        and before.kind == LEVEL2
        and following is not None
        and following.glued
        and token.glued
        and following.label is None
    )


def _bare_level_word(token: Token) -> bool:
    """A level label printed without 指标 (满意度 for 满意度指标): a name where a name is expected."""
    return token.label is not None and token.text != token.label


def _table_row(header: KpiHeader, cells: list[Token]) -> dict[str, str]:
    """The cells of a real table's row by the header's columns (the row as wide as the header)."""
    name_column = (header.columns or {}).get("name")
    by_column: dict[int, list[str]] = {}
    for token in cells:
        text = token.printed if token.cell == name_column else token.label or token.printed
        by_column.setdefault(token.cell or 0, []).append(text)
    return {
        role: " ".join(by_column[column])
        for role, column in (header.columns or {}).items()
        if column in by_column
    }


def _level(stream: list[Token], index: int, level1: str | None) -> tuple[int, str]:
    """Whether a level label is a 一级 (1) or 二级 (2) indicator: 成本指标 and 满意度指标 are either,
    一级 when a 二级 label or a points mark (10分) follows, else 二级 under the current 一级."""
    token = stream[index]
    if token.kind == LEVEL1:
        return 1, token.label or ""
    if token.kind == LEVEL2:
        return 2, token.label or ""
    following = stream[index + 1] if index + 1 < len(stream) else None
    if following is not None and (following.kind in (LEVEL2, LEVEL_EITHER) or POINTS.match(following.text)):
        return 1, token.label or ""
    return (2 if level1 else 1), token.label or ""


def _joined(words: list[Token]) -> Token:
    """The words of a run-together table as one text: glued where they were printed together, a
    space where a line broke; a points mark after a level label, (50分), and page numbers left out."""
    text = raw = ""
    for token in words:
        if POINTS.match(token.text):
            continue
        gap = "" if token.glued or not text else " "
        mark = 0 if token.glued else len(PAGE_MARK.match(token.text)[0]) if PAGE_MARK.match(token.text) else 0
        text, raw = text + gap + token.text[mark:], raw + gap + token.printed[mark:]
    return Token(text, words[0].locator, raw=raw if len(raw) == len(text) else "")


def _repeated_caption(stream: list[Token], index: int) -> bool:
    """A section caption printed again where a page broke a table (绩效指标, then 效益指标 ...)."""
    following = stream[index + 1] if index + 1 < len(stream) else None
    return (
        stream[index].kind == SECTION
        and following is not None
        and following.kind in (LEVEL1, LEVEL2, LEVEL_EITHER)
    )


TABLE_END_CHARS = 6  # a paragraph this long after a table's rows is text again


def _leaves_table(token: Token) -> bool:
    """A table's rows (real, or pipe rows) end at a sentence printed outside them."""
    return token.in_text and token.label is None and len(token.text) >= TABLE_END_CHARS


# Figures of a row whose unit has a column of its own, printed bare and run together (28 | 10 | 8 | 10
# as 2810810): each is a number without a leading zero; a weight is whole and at most MAX_ROW_WEIGHT.
BARE_NUMBER = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d{1,3})?$")
ROW_UNIT = re.compile("(?:" + "|".join(map(re.escape, sorted(UNIT_WORDS, key=len, reverse=True))) + ")$")
FIGURE_KINDS = {"target": "value", "actual": "value", "weight": "weight", "score": "score"}


def _splits(run: str, parts: int) -> list[list[str]]:
    """Every way to cut a run of digits into that many numbers (no leading zeros)."""
    if parts == 1:
        return [[run]] if BARE_NUMBER.match(run) else []
    return [
        [run[:cut], *rest]
        for cut in range(1, len(run))
        if BARE_NUMBER.match(run[:cut])
        for rest in _splits(run[cut:], parts - 1)
    ]


# Longer runs are no row's figures (two values and a weight and score of 3 digits each leave room for
# values of 15 digits); every way of cutting one is tried, about (length / 2)^3 ways for a row of four.
MAX_RUN_CHARS = 40


def split_run(run: str, kinds: tuple[str, ...]) -> list[str] | None:
    """A row's bare figures run together, cut into its cells by kind (value, weight, score): the
    cuts where the weight is whole and at most MAX_ROW_WEIGHT and the score at most the weight;
    of those, a full score first, then the target and actual value nearest each other. None when
    nothing fits, two cuts fit equally well or the run is longer than MAX_RUN_CHARS."""
    if len(run) > MAX_RUN_CHARS:
        return None
    fitting = []
    for parts in _splits(run, len(kinds)):
        by_kind = dict(zip(kinds, parts, strict=True))  # the last value of each kind
        weight, score = by_kind.get("weight"), by_kind.get("score")
        if weight is not None and ("." in weight or not 0 < int(weight) <= MAX_ROW_WEIGHT):
            continue
        if score is not None and weight is not None and Decimal(score) > Decimal(weight):
            continue
        values = [Decimal(p) for p, kind in zip(parts, kinds, strict=True) if kind == "value"]
        spread = max(values) - min(values) if values else Decimal(0)
        fitting.append(((score != weight, spread), parts))
    fitting.sort(key=lambda fit: fit[0])
    if not fitting or (len(fitting) > 1 and fitting[0][0] == fitting[1][0]):
        return None
    return fitting[0][1]


BARE_RUN = re.compile(r"(?<![\d.])\d[\d.]*\d(?![\d.])")  # digits (and points) with no unit


def _cut_runs(text: str, header: KpiHeader) -> str:
    """The text of a run-together table with a unit column, each run of bare figures that cuts into
    one row's figures (`split_run`) printed as separate cells."""
    kinds = tuple(FIGURE_KINDS[role] for role in header.roles if role in FIGURE_KINDS)
    if len(kinds) < 2:
        return text

    def cut(match: re.Match[str]) -> str:
        figures = split_run(match.group(0), kinds)
        return f" {' '.join(figures)} " if figures else match.group(0)

    return BARE_RUN.sub(cut, text)


def _unit_cells(pieces: list[Token]) -> list[Token]:
    """A name run into its unit (面积万亩, 完成率%) before a bare figure: two cells."""
    cells: list[Token] = []
    for i, piece in enumerate(pieces):
        following = pieces[i + 1].text if i + 1 < len(pieces) else ""
        unit = ROW_UNIT.search(piece.text) if BARE_NUMBER.match(following) else None
        if unit and unit.start() >= MIN_NAME_CHARS:
            cut = unit.start()
            cells += [Token(piece.text[:cut], piece.locator), Token(piece.text[cut:], piece.locator)]
        else:
            cells.append(piece)
    return cells


def _unit_after_weight(header: KpiHeader) -> bool:
    """Whether the header prints a 计量单位 column right after the weight (指标权重 | 计量单位 | 指标值)."""
    roles = list(header.roles)
    after = roles.index("weight") + 1 if "weight" in roles else len(roles)
    return roles[after : after + 1] == ["unit"]


WEIGHT_THEN_UNIT = re.compile(r"^(?P<weight>[1-9]\d?)\s+(?P<unit>\S+)$")


def _weights_apart(cells: list[Token]) -> list[Token]:
    """A weight and the unit column's cell printed after it with a space (25 %, 30 亿元), read as one
    figure with its unit: the two cells again."""
    apart: list[Token] = []
    for cell in cells:
        match = WEIGHT_THEN_UNIT.match(cell.printed)
        if match and cell.label is None and match["unit"].replace("％", "%") in UNIT_WORDS:
            apart += [Token(match["weight"], cell.locator), Token(match["unit"], cell.locator)]
        else:
            apart.append(cell)
    return apart


def _units_rejoined(cells: list[Token]) -> list[Token]:
    """A unit standing alone after a figure (=42 | 个: OCR puts a space between a number and its unit)
    joined to it, where the table has no unit column of its own."""
    joined: list[Token] = []
    for cell in cells:
        before = joined[-1] if joined else None
        if (
            before is not None
            and cell.text in UNIT_WORDS
            and before.text[-1:].isdigit()
            and before.label is None
        ):
            joined[-1] = replace(before, text=before.text + cell.text, raw="")
        else:
            joined.append(cell)
    return joined


# A 二级指标 printed bare (社会效益, 可持续影响) where a run-together table's row starts: a level, then the name.
LEVEL_PREFIX = re.compile(
    "^(?:"
    + "|".join(word for word in WHOLE_CELL_LEVELS if len(word) >= MIN_LEVEL_PREFIX)
    + ")(?=[\u4e00-\u9fff]{2})"
)


def _level_prefix(token: Token) -> list[Token]:
    """A cell of a run-together table that starts with a level's bare word (社会效益重大森林火灾): the
    level as a label, and the name after it."""
    match = LEVEL_PREFIX.match(token.text)
    if match is None or token.label is not None:
        return [token]
    cut = match.end()
    raw = token.raw if len(token.raw) == len(token.text) else token.text
    level = Token(token.text[:cut], token.locator, label=WHOLE_CELL_LEVELS[token.text[:cut]], raw=raw[:cut])
    return [level, Token(token.text[cut:], token.locator, raw=raw[cut:])]


# Two equal digits where a run-together row's points stand: its one-digit 分值 and 得分 (full marks).
FULL_MARKS = re.compile(r"^([1-9])\1$")


def _full_marks_apart(cells: list[Token]) -> list[Token]:
    """A run-together table's 99 after a row's values and before words or the end (100%90%99管理不够到位):
    分值 9 and 得分 9, printed with nothing between them; a lone number there is no row's two points."""
    apart: list[Token] = []
    for index, cell in enumerate(cells):
        following = cells[index + 1] if index + 1 < len(cells) else None
        lone = (
            FULL_MARKS.match(cell.text)
            and index >= 2
            and not any(_is_number(c.text) for c in cells[index - 2 : index])
            and (following is None or not _is_number(following.text))
        )
        if lone:
            apart.extend(replace(cell, text=cell.text[0], raw=cell.text[0]) for _ in range(2))
        else:
            apart.append(cell)
    return apart


def _reason_apart(cells: list[Token]) -> list[Token]:
    """Words after a run-together row's score that a line break divides (宣传指导不到位 群众满意度): its
    deviation reason and the next row's name may stand on either side; each part a cell, the rows'
    segmentation decides (a name broken over two lines is joined again there)."""
    apart: list[Token] = []
    for index, cell in enumerate(cells):
        parts = cell.text.split()
        if index and _is_number(cells[index - 1].text) and len(parts) == 2 and _is_text(cell):
            apart.extend(Token(part, cell.locator, raw=part) for part in parts)
        else:
            apart.append(cell)
    return apart


# An evaluation's scoring table (一级指标 | 二级指标 | 三级指标 | 得分): each name's points in brackets
# after it (绩效目标合理性(4分), 预算配置(10)).
POINTS_IN_NAME = re.compile(r"[(（]\s*(\d{1,3}(?:\.\d+)?)\s*分?\s*[)）]$")
MAX_PENDING_NAMES = 3  # a 一级, a 二级 and a 三级 name before a score; more is text after the table
SENTENCE_MARK = re.compile(r"[。，,;；：:]")


def read_score_table(
    stream: list[Token], start: int, header: KpiHeader
) -> tuple[list[PerformanceIndicator], int]:
    """The rows of a scoring table without target and actual columns (三级指标 | [分值 |] 得分), a cell
    at a time: a name followed by its figures is a row (its weight in a 分值 cell or printed in the
    name, (4分)); names followed by another name are the levels above the rows after them. A row
    whose score exceeds its weight is left out. The index after the table. A header that is a real
    table's row has its rows read by column (`_score_rows_by_column`)."""
    if header.columns and (by_column := _score_rows_by_column(stream, start, header))[0]:
        return by_column
    rows: list[PerformanceIndicator] = []
    level1 = level2 = None
    names: list[Token] = []
    index = start
    while index < len(stream):
        token = stream[index]
        if not BARE_NUMBER.match(token.text) and (
            GLUED_FIGURE.fullmatch(token.text) or RATE_VALUE.match(token.text)
        ):
            return [], start  # a value (95%, ≥10个): a table with value columns its header did not name
        if names and token.glued and not BARE_NUMBER.match(token.text):
            # 绩效指标 | 明确性(6分), 项目支出 | 执行率 | (3分): labels' words printed in a name
            names[-1] = replace(names[-1], text=names[-1].text + token.text, raw="")
            index += 1
            continue
        if BARE_NUMBER.match(token.text) and names:
            figures = []
            while (
                index < len(stream)
                and BARE_NUMBER.match(stream[index].text)
                and len(figures) < len(header.roles)
            ):
                figures.append(stream[index].text)
                index += 1
            *levels, name = names
            if len(levels) >= 2:
                level1, level2 = _level_text(levels[-2]), _level_text(levels[-1])
            elif levels:
                level2 = _level_text(levels[0])
            in_name = POINTS_IN_NAME.search(name.text)
            weight = figures[0] if len(figures) == 2 else (in_name.group(1) if in_name else None)
            score = figures[-1]
            if weight is None or Decimal(score) <= Decimal(weight):
                rows.append(
                    indicator_row(
                        name=name.printed, target=None, actual=None, locator=name.locator,
                        snippet=" | ".join(v for v in (level1, level2, name.printed, *figures) if v),
                        level1=level1, level2=level2, weight=weight, score=score,
                    )
                )  # fmt: skip
            names = []
            continue
        ends = token.kind in ENDS_TABLE and not _glued_words_after(stream, index)
        if (
            ends
            or BARE_NUMBER.match(token.text)
            or SENTENCE_MARK.search(token.text)
            or len(names) == MAX_PENDING_NAMES
        ):
            break
        names.append(replace(token, label=None))
        index += 1
    return rows, index - len(names)


def _score_rows_by_column(
    stream: list[Token], start: int, header: KpiHeader
) -> tuple[list[PerformanceIndicator], int]:
    """The rows of a scoring table that is a real table, each as wide as its header, read by the
    header's columns (columns of words between them are passed over); a level cell left empty
    (merged over the rows below it) keeps the level above. Until a row of another width or a label
    that ends the table (总分); the index after."""
    rows: list[PerformanceIndicator] = []
    level1 = level2 = None
    index = start
    while index < len(stream) and stream[index].row is not None and stream[index].width == header.width:
        end = index + 1
        while end < len(stream) and stream[end].row == stream[index].row:
            end += 1
        cells = stream[index:end]
        if any(t.kind in ENDS_TABLE for t in cells):
            break
        row = _table_row(header, cells)
        level1 = _level_text_of(row.get("level1")) or level1
        level2 = _level_text_of(row.get("level2")) or (level2 if "level1" not in row else None)
        name, score = row.get("name"), row.get("score")
        in_name = POINTS_IN_NAME.search(name or "")
        weight = row.get("weight") or (in_name.group(1) if in_name else None)
        figures = [f for f in (weight, score) if f]
        scored = name and score and all(BARE_NUMBER.match(f) for f in figures)
        if scored and (weight is None or Decimal(score) <= Decimal(weight)):
            rows.append(
                indicator_row(
                    name=name, target=None, actual=None, locator=cells[0].row or cells[0].locator,
                    snippet=" | ".join(t.printed for t in cells), level1=level1, level2=level2,
                    weight=weight, score=score,
                )
            )  # fmt: skip
        index = end
    return rows, index


def _level_text_of(text: str | None) -> str | None:
    """A level cell's name without its points (投入 (20分): 投入); None for an empty cell."""
    return POINTS_IN_NAME.sub("", text).strip() or None if text else None


def _glued_words_after(stream: list[Token], index: int) -> bool:
    following = stream[index + 1] if index + 1 < len(stream) else None
    return following is not None and following.glued and not BARE_NUMBER.match(following.text)


def _level_text(token: Token) -> str:
    """A level's name without its points (投入(20分): 投入)."""
    return _level_text_of(token.printed) or ""


def read_indicator_block(
    stream: list[Token], start: int, header: KpiHeader
) -> tuple[list[PerformanceIndicator], int]:
    """Indicator rows after a header at `start`, until a label that ends the table; the index after."""
    if not {"target", "actual"} & set(header.roles):
        return read_score_table(stream, start, header)
    rows: list[PerformanceIndicator] = []
    level1 = level2 = None
    cells: list[Token] = []

    words: list[Token] = []  # text of a run-together table since the last level label

    def flush() -> None:
        nonlocal level2
        if words:
            joined, unit_column = _joined(words), "unit" in header.roles
            if unit_column:
                joined = replace(joined, text=_cut_runs(joined.text, header), raw="")
            unglued = unglue(joined, points_first, figures_cut=unit_column)
            pieces = [cell for piece in unglued for cell in _level_prefix(piece)]
            cells.extend(_unit_cells(pieces) if "unit" in header.roles else pieces)
            words.clear()
        pending: list[Token] = []
        for cell in [*cells, None]:
            if cell is not None and cell.kind not in (LEVEL1, LEVEL2, LEVEL_EITHER):
                pending.append(cell)
                continue
            add_rows(pending)
            pending = []
            if cell is not None:
                level2 = cell.label
        cells.clear()

    weights_then_units = _unit_after_weight(header)

    def add_rows(cells: list[Token]) -> None:
        cells = _weights_apart(cells) if weights_then_units else cells
        if header.run_together and header.roles[-2:] in (("weight", "score"), ("score", "reason")):
            cells = _full_marks_apart(cells)
        if header.run_together and header.roles[-1] == "reason":
            cells = _reason_apart(cells)
        if "unit" not in header.roles:
            cells = _units_rejoined(cells)
        for row, first in segment_rows(cells, header):
            target = _target_text(row)
            rows.append(
                indicator_row(
                    name=row["name"], target=target, actual=row.get("actual"), locator=first.locator,
                    snippet=" | ".join(v for v in (level1, level2, *row.values()) if v),
                    level1=level1, level2=level2, weight=row.get("weight"), score=row.get("score"),
                    deviation_reason=row.get("reason"),
                )
            )  # fmt: skip

    points_first = (
        "weight" in header.roles
        and "target" in header.roles
        and header.roles.index("weight") < header.roles.index("target")
    )
    index, next_number, name_head = start, 1, ""
    tabular = start > 0 and not stream[start - 1].in_text  # a header in a table or in pipe rows
    while index < len(stream):
        token = stream[index]
        starts_row = token.row is not None and (index == 0 or stream[index - 1].row != token.row)
        if header.columns and starts_row and token.width == header.width:
            end = index + 1
            while end < len(stream) and stream[end].row == token.row:
                end += 1
            row_cells = stream[index:end]
            if any(t.kind in ENDS_TABLE for t in row_cells):
                break  # 总分, a section or a new form: the table has ended
            row = _table_row(header, row_cells)
            if _fits_columns(row, row_cells, header):
                # A row of the header's own table, its cells where the header says: read by column.
                flush()
                level1 = row.get("level1", level1)
                level2 = row.get("level2", None if "level1" in row else level2)
                if row.get("name"):
                    target = _target_text(row)
                    rows.append(
                        indicator_row(
                            name=row["name"], target=target, actual=row.get("actual"), locator=token.row,
                            snippet=" | ".join(t.printed for t in row_cells), level1=level1, level2=level2,
                            weight=row.get("weight"), score=row.get("score"), deviation_reason=row.get("reason"),
                        )
                    )  # fmt: skip
                index = end
                continue
        if _level1_starts_name(stream, index):
            # 经济效益指标项目管理覆盖面…: 项目管理 begins the row's name
            if header.run_together and token.in_text:
                words.append(replace(token, label=None))
            else:
                name_head = token.text
            index += 1
            continue
        if token.kind in (LEVEL1, LEVEL2, LEVEL_EITHER) and not _bare_level_after_level2(stream, index):
            flush()
            level, label = _level(stream, index, level1)
            if level == 1:
                level1, level2 = label, None
            else:
                level2 = label
        elif (token.kind in ENDS_TABLE and not _repeated_caption(stream, index)) or (
            tabular and _leaves_table(token)
        ):
            break
        elif header.run_together and token.in_text and token.kind not in ENDS_TABLE:
            # A space in a run-together table is a line broken inside a cell; the header's last
            # cells may have run into the first row: (分)说明天然林管护完成率…
            words.append(_after_header(token) if index == start else token)
        elif header.numbered and _row_number(stream, index, next_number):
            flush()  # 序号 | 三级指标 | 年度指标值: a row's number ends the row before it
            next_number += 1
        elif not POINTS.match(token.text) and token.kind not in ENDS_TABLE:
            # Words that are labels elsewhere (项目支出 in 项目支出进度, 得分 in 得分率) are text here,
            # part of the cell they were printed in (XX投资总额: 总额 is no cell of its own).
            if token.label is not None and token.glued and cells and _is_text(cells[-1]):
                cells[-1] = replace(cells[-1], text=cells[-1].text + token.text, raw="")
            else:
                named = replace(token, text=name_head + token.text, raw="") if name_head else token
                cells.extend(unglue(replace(named, label=None), points_first))
        name_head = ""
        index += 1
    flush()
    return rows, index


# ---------------------------------------------------------------------------------------------
# A row that stands alone: its template prefix, its name, its four cells

PREFIXED_NAME = re.compile(rf"^{TEMPLATE_PREFIX}\s*")  # 指标7:建立预防接种证
ROW_CELLS = 4  # 年度指标值 | 实际完成值 | 分值 | 得分
MAX_TEXT_VALUE = 8  # characters of a value cell without a figure (及时, 达到预期)


def _indicator_value_cell(token: Token) -> bool:
    """A 指标值 or 完成值 cell: a figure, or a short word that is neither a label nor a name's start."""
    text = token.text
    return token.label is None and (
        any(c.isdigit() for c in text) or (len(text) <= MAX_TEXT_VALUE and not PREFIXED_NAME.match(text))
    )


def _wrapped_name(token: Token) -> bool:
    """The rest of a name wrapped in its cell: words without a figure, no label, no prefix."""
    text = token.text
    return _is_text(token) and not any(c.isdigit() for c in text) and not PREFIXED_NAME.match(text)


# Two cells run together at a PDF line wrap: a name and its target (…控制数3807人), a value and the
# points after it (203人2).
NAME_THEN_FIGURE = re.compile(
    r"^(?P<head>.*[\u4e00-\u9fff)）])(?P<tail>\d+(?:\.\d+)?(?:%|[\u4e00-\u9fff]{1,2})?)$"
)
VALUE_THEN_POINTS = re.compile(r"^(?P<head>.*\d(?:%|[\u4e00-\u9fff]{1,2}))(?P<tail>\d+(?:\.\d+)?)$")


def _rejoined(name: str, cells: list[Token]) -> tuple[str, list[Token]]:
    """A prefixed row's name and cells with one cell too few: the two cells a line wrap ran together
    split again, the name's trailing figure first, else a value's trailing points."""
    if len(cells) != ROW_CELLS - 1:
        return name, cells
    if (glued := NAME_THEN_FIGURE.match(name)) and len(glued["head"]) >= MIN_GLUED_WORDS:
        return glued["head"], [Token(glued["tail"], cells[0].locator), *cells]
    for i, cell in enumerate(cells[:2]):
        if glued := VALUE_THEN_POINTS.match(cell.text):
            parts = [Token(glued["head"], cell.locator), Token(glued["tail"], cell.locator)]
            return name, [*cells[:i], *parts, *cells[i + 1 :]]
    return name, cells


def read_prefixed_row(stream: list[Token], start: int) -> tuple[PerformanceIndicator, int] | None:
    """A row named with the template's prefix at `start` (指标7:建立预防接种证 | 221人 | 221人 | 2 | 2)
    where no indicator header was read: a form whose header cells were scattered when it was flattened.

    The name (its prefixed cell, and one more cell without a figure when the name wrapped) must be
    followed by exactly four cells (three, when a line wrap ran two together: `_rejoined`) and then
    by the next prefixed name, a printed label or the end:
    a target and an actual value, then a weight and a score (score ≤ weight ≤ MAX_ROW_WEIGHT).
    Anything else (fewer or more cells, scores that do not fit) is left out: in a scrambled form,
    cells beside a name need not be that name's."""
    first = stream[start]
    name = PREFIXED_NAME.sub("", first.text)
    index = start + 1
    if not name and index < len(stream) and _is_text(stream[index]):
        name, index = stream[index].text, index + 1
    if index < len(stream) and _wrapped_name(stream[index]):
        name, index = f"{name} {stream[index].text}", index + 1
    end = index
    while end < len(stream) and stream[end].label is None and not PREFIXED_NAME.match(stream[end].text):
        end += 1
    name, cells = _rejoined(name, stream[index:end])
    if not name or len(cells) != ROW_CELLS or not all(_indicator_value_cell(c) for c in cells[:2]):
        return None
    weight, score = score_of(cells[2].text), score_of(cells[3].text)
    if weight is None or score is None or not 0 < weight <= MAX_ROW_WEIGHT or score > weight:
        return None
    row = indicator_row(
        name=name, target=cells[0].text, actual=cells[1].text, locator=first.locator,
        snippet=" | ".join(t.printed for t in stream[start:end]), weight=cells[2].text, score=cells[3].text,
    )  # fmt: skip
    return row, end


LEVELS = (LEVEL1, LEVEL2, LEVEL_EITHER)
# One value with its figure: ≥90%, 已完成100%, 95%及以上, 12个; not two glued (100%100%10) or a sentence.
LONE_VALUE = re.compile(
    r"^(?:[≥≤<>=]=?|不低于|不少于|不高于|不超过|大于|小于|高于|低于|达到|已完成|完成)?\s*\d+(?:\.\d+)?\s*"
    r"(?:[%‰]|[\u4e00-\u9fff]{1,3})?(?:及以上|以上|以下|以内)?$"
)


# Where a name should be, a value or a date: the row's cells shifted (a figure inside a name is fine:
# 查处国道5类违法行为).
SHIFTED_NAME = re.compile(r"^\s*[\d≥≤<>=]|(?:19|20)\d{2}\s*年|\d\s*月")


def read_level_row(stream: list[Token], start: int) -> tuple[PerformanceIndicator, int] | None:
    """A row under its level labels where no indicator header was read (a fragment of a form whose
    header is on a page not kept): 满意度指标 | 服务对象满意度指标 | 学生满意度 | 95% | 96% [| 10 | 10].

    After the labels, a name, then two value cells with a figure each and, optionally, a weight and
    a score that fit; then a label or the end. Anything else is left out."""
    levels: list[Token] = []
    index = start
    while index < len(stream) and stream[index].kind in LEVELS:
        levels.append(stream[index])
        index += 1
    if index >= len(stream) or not levels or not _is_text(stream[index]):
        return None
    if SHIFTED_NAME.search(stream[index].text):
        return None  # a date or a figure where the name should be (2020年12月完成): cells shifted
    name = stream[index]
    end = index + 1
    while end < len(stream) and stream[end].label is None and end - index <= ROW_CELLS:
        end += 1
    cells = stream[index + 1 : end]
    if (end < len(stream) and stream[end].label is None) or len(cells) not in (2, ROW_CELLS):
        return None
    if not all(LONE_VALUE.match(cell.text) for cell in cells[:2]):
        return None
    weight = score = None
    if len(cells) == ROW_CELLS:
        weight, score = score_of(cells[2].text), score_of(cells[3].text)
        if weight is None or score is None or not 0 < weight <= MAX_ROW_WEIGHT or score > weight:
            return None
    first, last = levels[0], levels[-1]  # 满意度指标 | 服务对象满意度指标: a 一级, then a 二级
    level1 = first.label if len(levels) > 1 or first.kind == LEVEL1 else None
    level2 = last.label if len(levels) > 1 or last.kind != LEVEL1 else None
    row = indicator_row(
        name=name.printed, target=cells[0].text, actual=cells[1].text, locator=name.locator,
        snippet=" | ".join(t.printed for t in stream[start:end]), level1=level1, level2=level2,
        weight=cells[2].text if weight is not None else None, score=cells[3].text if score is not None else None,
    )  # fmt: skip
    return row, end
