"""The official self-evaluation forms, read by their template.

财政部's 项目支出绩效自评表 and 部门整体支出绩效自评表, their provincial variants and the 转移支付
区域绩效自评表 share a vocabulary of printed labels: a money block (年初预算数 | 全年预算数 | 全年执行数 |
分值 | 执行率 | 得分 over rows 年度资金总额 / 其中:当年财政拨款 / 上年结转资金 / 其他资金, with the unit in a
caption such as 项目资金(万元)) and a performance-indicator block (一级 / 二级 / 三级指标 | 年度指标值 |
实际完成值 | 分值 | 得分 | 偏差原因). A form arrives as a real table, as pipe-separated rows, one cell
per line, or cells run together with spaces or nothing between them: all are read the same way,
as one stream of tokens (`tokens.py`) in which the template's labels are recognised wherever they
stand, whatever spaces they contain.

- `money.py`: the header says which columns exist and in which order; a row's figures are aligned
  to them (`align_money_row`), because empty cells vanish and cells may be glued together.
  Alignments are scored by what the form itself guarantees (执行数 ÷ 预算数 = 执行率, 得分 ≤ 分值);
  where two alignments fit equally well, only the figures they agree on are kept.
- `indicators.py`: rows of a real table are read by the header's columns; flattened rows by the
  segmentation with the most complete rows; cells run together are first split (`unglue`).
- Here: the whole form (`read_forms`), a label cell with its figure on the next line, and the core
  facts of indicator rows that are dictionary indicators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipelines.extract.forms.income_spending import (
    ALLOCATION_HEADER,
    BY_SOURCE,
    COST_CONTROL,
    INCOME_SIDE,
    read_allocation_block,
    read_by_source,
    read_cost_control,
    read_income_and_spending,
)
from pipelines.extract.forms.indicators import (
    LEVELS,
    MAX_ROW_WEIGHT,
    PREFIXED_NAME,
    kpi_header,
    read_indicator_block,
    read_level_row,
    read_prefixed_row,
)
from pipelines.extract.forms.money import (
    ENUMERATION,
    FIGURE_RUN,
    LEADING_FIGURES,
    MONEY_STARTS,
    money_header,
    read_money_rows,
    total_score_fact,
    unit_mark,
)
from pipelines.extract.forms.tokens import FIELD, KPI_COLUMN, MONEY_COLUMN, POINTS, TOTAL, Token, tokens
from pipelines.extract.kpi import PROGRESS_WORDS, figure_of_value
from pipelines.extract.matching import DEPARTMENT, AliasHit, Matcher, clean_label, make_facts, unit_fits
from pipelines.extract.numbers import find_figures
from pipelines.extract.text import simplify
from pipelines.indicators import Indicator
from pipelines.model import Document, Fact, PerformanceIndicator

POINTS_UNIT = re.compile(r"^[(（]分[)）]")  # the label's unit: 自评总分(分)


def _values_after(stream: list[Token], start: int) -> list[Token]:
    """The figure cells from `start` on; the figures a run of them ends with when words follow
    without a break (10091注:1.)."""
    values = []
    for token in stream[start:]:
        text = token.text.replace(" ", "")
        if not values and POINTS.match(text):
            continue  # 总分(100分) | 96: the full marks in the label
        if not values and (unit := POINTS_UNIT.match(text)):
            if not text[unit.end() :]:
                continue  # 总分 | (分) | 96
            token, text = replace(token, text=text[unit.end() :]), text[unit.end() :]  # 总分(分)97.93
        if token.label is not None or ENUMERATION.match(token.text):
            break
        if not FIGURE_RUN.match(text):
            glued = LEADING_FIGURES.match(text)
            if glued:
                values.append(Token(glued.group(0), token.locator))
            break
        values.append(token)
    return values


@dataclass(frozen=True)
class FormContent:
    """What the form of a document states: money facts and indicator rows; and what was left out."""

    facts: list[Fact]
    indicators: list[PerformanceIndicator]
    notes: list[str]


def read_forms(document: Document, matcher: Matcher) -> FormContent:
    """The money block, indicator table and total score of the document's form.

    A report is one body, year and project: when a second project form follows the first (a 项目名称
    after a money block or indicator table was read), it is left out, with a note. In a project or
    transfer report, indicator rows before the first 项目名称 with no money figure read yet are the
    tail of a form cut off above (a page that starts inside the previous form): the named form after
    them is the report's and is read.
    """
    stream = tokens(document)
    money_unit: str | None = None  # the last unit declared outside a money block (单位:万元)
    facts: list[Fact] = []
    indicators: list[PerformanceIndicator] = []
    notes: list[str] = []
    index = 0
    headers_seen = 0  # the end of the last run of header cells read without figures
    named = False  # a 项目名称 field has been read
    while index < len(stream):
        token = stream[index]
        if token.kind == FIELD and token.role == "project":
            tail = not named and not facts and matcher.project_report
            if (facts or indicators) and not tail:
                following = stream[index + 1].text if index + 1 < len(stream) else ""
                notes.append(
                    f"a second project form ({token.text} {following}) was not read: one report, one project"
                )
                break
            named = True
        if token.text == COST_CONTROL:
            facts.extend(read_cost_control(stream, index))
        if token.text.startswith(ALLOCATION_HEADER):
            facts.extend(read_allocation_block(stream, index))
        if token.text.startswith(BY_SOURCE):
            facts.extend(read_by_source(stream, index, money_unit))
        if token.text == INCOME_SIDE:
            found_block = read_income_and_spending(stream, index)
            if found_block:
                block_facts, index = found_block
                facts.extend(block_facts)
                continue
        if token.kind == MONEY_COLUMN and token.role in MONEY_STARTS:
            found = money_header(stream, index)
            if found:
                block, after = found
                block_facts, index = read_money_rows(stream, after, block, index)
                facts.extend(block_facts)
                continue
        if token.kind == KPI_COLUMN:
            header = kpi_header(stream, index)
            if header:
                rows, index = read_indicator_block(stream, header[1], header[0])
                indicators.extend(rows)
                continue
        if token.label is None and PREFIXED_NAME.match(token.text):
            prefixed = read_prefixed_row(stream, index)
            if prefixed and prefixed[0].indicator not in {row.indicator for row in indicators}:
                indicators.append(prefixed[0])
                index = prefixed[1]
                continue
        if token.kind in LEVELS and (index == 0 or stream[index - 1].kind not in LEVELS):
            level_row = read_level_row(stream, index)
            if level_row and level_row[0].indicator not in {row.indicator for row in indicators}:
                indicators.append(level_row[0])
                index = level_row[1]
                continue
        if token.kind == TOTAL:
            facts.extend(total_score_fact(token, _values_after(stream, index + 1), token.role == "sum"))
        elif token.label is None:
            money_unit = unit_mark(token) or money_unit
            facts.extend(_label_value_fact(stream, index, matcher, money_unit))
            if index >= headers_seen:  # a header row starts at its first cell, not inside one
                header_facts, after = _header_row_facts(stream, index, matcher)
                if header_facts:
                    facts.extend(header_facts)
                    index = after
                    continue
                headers_seen = after
        index += 1
    return FormContent(facts, indicators, notes)


def _label_value_fact(
    stream: list[Token], index: int, matcher: Matcher, money_unit: str | None
) -> list[Fact]:
    """A cell that is a dictionary alias followed by a cell that is one figure (人员编制 | 21, or
    计划安排资金 | (万元) | 120.50 one cell per line): that figure is the alias's indicator. A bare
    amount needs a unit: the label's own (万元), else the last one declared (单位:万元)."""
    indicator = matcher.by_alias.get(clean_label(stream[index].text))
    if indicator is None:
        return []
    following = stream[index + 1 : index + 3]
    unit = unit_mark(following[0]) if following else None
    if unit:
        following = following[1:]
    if not following or following[0].label is not None:
        return []
    row = [t for t in stream[max(0, index - MAX_HEADER_CELLS) : index] if t.locator == stream[index].locator]
    if row and following[0].locator != stream[index].locator:
        return []  # the last cell of a row of headers (人员编制 | 在职人员 | 离退休人员), not a label of the next row
    after = index + (3 if unit else 2)  # the token after the figure's
    if after < len(stream) and stream[after].text.startswith("年"):
        return []  # 编制数 | 2023 年实际在职人数: a year beginning the next cell, not a figure
    figures = find_figures(following[0].text)
    if len(figures) != 1 or figures[0].raw != following[0].text.strip():
        return []
    figure = figures[0]
    if figure.unit and not unit_fits(figure, indicator):
        return []
    if indicator.unit == "CNY" and not figure.unit:
        unit = unit or money_unit
        if unit is None:
            return []
    snippet = " | ".join(t.printed for t in stream[index : index + (3 if unit else 2)])
    return make_facts(indicator, figure, DEPARTMENT, False, following[0].locator, snippet, unit)


MAX_HEADER_CELLS = 6
MAX_HEADER_CHARS = 14
HEADER_TAIL = re.compile(r"^(?:数|人数|总数|[(（]人[)）])?$")  # what may follow a staff word in its header
YEAR_CELL = re.compile(r"^(?:19|20)\d{2}$")


def _header_row_facts(stream: list[Token], index: int, matcher: Matcher) -> tuple[list[Fact], int]:
    """A row of staff headers then the row of their figures, one cell per line (编制数 | 2023年实际在职
    人数 | 控制率 | 46 | 50 | 108.70%): each header that names a staff indicator gets the figure in its
    place. Figures must match the headers one for one; only trailing ratio headers (控制率) may be
    left without one. Returns the facts and the index after the figures; without facts, the index
    after the run of header cells."""
    if _staff_indicator(stream[index].text, matcher) is None:
        return [], index + 1
    headers: list[tuple[str, str]] = []  # (text, printed)
    position = index
    while position < len(stream) and len(headers) <= MAX_HEADER_CELLS:
        token = stream[position]
        if token.label is not None or FIGURE_RUN.match(token.text.replace(" ", "")):
            if (
                YEAR_CELL.match(token.text)
                and position + 1 < len(stream)
                and stream[position + 1].text.startswith("年")
            ):
                following = stream[position + 1]  # 2023 年实际在职人数: one header printed with a space
                headers.append((token.text + following.text, f"{token.printed} {following.printed}"))
                position += 2
                continue
            break
        headers.append((token.text, token.printed))
        position += 1
    figures = _values_after(stream, position)
    staff = [_staff_indicator(text, matcher) for text, _ in headers]
    if len(headers) < 2 or not figures:
        return [], position
    unmatched = headers[len(figures) :]
    if len(figures) > len(headers) or any(not text.endswith("率") for text, _ in unmatched):
        return [], position
    facts: list[Fact] = []
    for (_, printed), indicator, value in zip(headers, staff, figures, strict=False):
        if indicator is None:
            continue
        found = find_figures(value.text)
        if (
            len(found) != 1
            or found[0].raw != value.text.strip()
            or found[0].unit not in ("", *indicator.units)
        ):
            return [], position
        snippet = " | ".join([printed, value.printed])
        facts.extend(make_facts(indicator, found[0], DEPARTMENT, False, value.locator, snippet))
    return facts, position + len(figures)


def _staff_indicator(text: str, matcher: Matcher) -> Indicator | None:
    """The staff indicator a header names (编制数, 2023年实际在职人数), if it is a header's length and
    names exactly one."""
    label = clean_label(text)
    if len(label) > MAX_HEADER_CHARS:
        return None
    hits = matcher.hits(label)
    codes = {hit.indicator.code for hit in hits}
    if len(codes) != 1 or hits[0].indicator.category != "staffing":
        return None
    if not HEADER_TAIL.match(label[hits[-1].end :]):
        return None  # …决算编制说明: a title that mentions the word, not a header naming the figure
    return hits[0].indicator


# A bare figure in a rate's value cell is the rate in percent up to 100, above what a row weighs
# (20 | 20 run together after a 满意度 name may be its weight and score).
MAX_PERCENT_CELL = 100


# A value cell telling the work's progress, not the measure (a 满意度 row's 已完成100%).
PROGRESS = re.compile(rf"\s*{PROGRESS_WORDS}\s*\d")


def indicator_facts(rows: list[PerformanceIndicator], matcher: Matcher) -> list[Fact]:
    """Core facts of indicator rows whose name is a dictionary indicator (读者满意度 -> satisfaction_rate):
    the achieved value, and the target, when the cell is one figure of a fitting unit (a rate's cell
    may leave out its % sign)."""
    facts: list[Fact] = []
    for row in rows:
        hits = matcher.hits(simplify(row.indicator))
        for text, is_target in ((row.actual_text, False), (row.target_text, True)):
            figure = figure_of_value(text) if text and not PROGRESS.match(text) else None
            if figure is None:
                continue
            hit = next((h for h in hits if unit_fits(figure, h.indicator)), None)
            bare = next((h for h in hits if h.indicator.unit == "percent"), None) if hit is None else None
            if bare is not None and not figure.unit and MAX_ROW_WEIGHT < figure.value <= MAX_PERCENT_CELL:
                hit, figure = bare, replace(figure, unit="%")  # 学生满意度 | ≥95 | 100: the column's percent
            if hit is not None and not _other_rate(hit.indicator.code, row) and not _others_money(hit, row):
                facts.extend(
                    make_facts(hit.indicator, figure, DEPARTMENT, is_target, row.source_locator, row.snippet)
                )
    return facts


MAX_MONEY_NAME_EXTRA = 4  # characters of a money row's name beyond its alias (项目总收入 is the project's)


def _others_money(hit: AliasHit, row: PerformanceIndicator) -> bool:
    """A money row whose name says more than its alias (特色产业带动增加受益农户收入(总收入)): an amount of
    someone else's (the farmers', the visitors'), not the body's own."""
    return hit.indicator.unit == "CNY" and len(row.indicator) - (hit.end - hit.start) > MAX_MONEY_NAME_EXTRA


BUDGET_WORDS = ("预算", "资金", "经费")
EXECUTION_RATE = "budget_execution_rate"


def _other_rate(code: str, row: PerformanceIndicator) -> bool:
    """A row of an execution rate that names no budget, money or funds in its name or its 二级 label
    (政府采购管理 | 执行率): the rate of something else, not the budget's."""
    named = f"{row.level2 or ''}{row.indicator}"
    return code == EXECUTION_RATE and not any(word in named for word in BUDGET_WORDS)
