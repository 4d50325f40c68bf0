"""Figures in tables: real ones (docx, PDF), and tables flattened into text lines (cells split by
``|`` or by runs of spaces).

- A budget header (cells that are aliases: 年初预算数 | 全年预算数 | 全年执行数 | 执行率) gives the
  meaning of the figure cells in the rows below; the row label (年度资金总额, 其中：财政拨款) gives the
  scope; 万元 in a caption, header or label gives the money unit; a rate printed as a ratio (0.958)
  is read as a percentage, and the fact says so.
- A performance-indicator header (三级指标 | 年度指标值 | 实际完成值 ...) makes each row a
  performance indicator (`pipelines.extract.kpi`); a row whose name holds a dictionary alias also
  gives that code's target and achieved facts.
- A label cell followed by a figure cell (自评总分 | 99.68) is a fact, except a rate's label followed by
  a bare number that may be the row's weight (预算执行率 | 8); a long text cell is prose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.extract.forms.indicators import COMPARATOR_CELL, MAX_ROW_WEIGHT
from pipelines.extract.forms.tokens import LABELS, LEVEL1, LEVEL2, LEVEL_EITHER
from pipelines.extract.kpi import clean_indicator_name, indicator_row, names_nothing
from pipelines.extract.matching import (
    DEPARTMENT,
    MONEY_UNIT_HINT,
    Context,
    Matcher,
    clean_label,
    combine_scopes,
    make_facts,
    scope_of_label,
    unit_fits,
)
from pipelines.extract.numbers import RATIO_PLACES, Figure, find_figures, percent_of_ratio, printed_decimals
from pipelines.extract.prose import prose_facts
from pipelines.extract.text import simplify
from pipelines.indicators import Indicator
from pipelines.model import Fact, TextBlock

KPI_NAME = ("三级指标", "指标名称", "绩效指标内容")
KPI_TARGET = ("年度指标值", "预期指标值", "年初目标值", "目标值", "指标值", "计划值", "预期目标")
KPI_ACTUAL = ("实际完成值", "实际完成指标值", "实际完成", "实际值", "完成值")
MIN_PROSE_CELL = 12
KPI_VALUE_EXTRA = 2  # characters a performance value may carry besides its figure (覆盖 in 100%覆盖)
RATIO_CEILING = 1.5
OF_WHICH, PART = "其中", "part"
LEVEL_KINDS = (LEVEL1, LEVEL2, LEVEL_EITHER)


@dataclass
class TableState:
    """The header in force for the rows of one table (or one run of flattened rows)."""

    key: str | None = None
    kind: str | None = None  # "budget" or "kpi"
    # budget tables: (indicator or None, header label) per column, from the first alias column on
    columns: list[tuple[Indicator | None, str]] = field(default_factory=list)
    kpi_target_first: bool = True
    kpi_columns: tuple[int, int, int] | None = None  # (target column, actual column, header width)


def _figure_cell(cell: str) -> Figure | None:
    """The figure a cell holds when the cell is just a figure (a stray mark allowed)."""
    text = simplify(cell).strip().rstrip("?？").strip()
    if not text:
        return None
    figures = find_figures(text)
    if len(figures) == 1 and len(text) - len(figures[0].raw) <= 1:
        return figures[0]
    return None


def _kpi_value(cell: str) -> Figure | None:
    """A performance value: one figure with at most a word around it (100%覆盖, ≥360天)."""
    text = simplify(cell).strip()
    figures = find_figures(text)
    if (
        len(figures) == 1
        and len(text) - len(figures[0].raw) <= KPI_VALUE_EXTRA
        and not figures[0].chinese_numeral
    ):
        return figures[0]
    return None


def row_cells(block: TextBlock, matcher: Matcher, state: TableState) -> list[str] | None:
    """The cells of a block that is a table row, or None for prose."""
    if block.kind == "table_row":
        return list(block.cells)
    text = block.text.strip()
    if text.count("|") >= 2:
        return [cell.strip() for cell in text.split("|")]
    tokens = text.split()
    if len(tokens) < 3:
        return None
    if _header(tokens, matcher) is not None:
        return tokens
    if state.kind and sum(_figure_cell(t) is not None or _kpi_value(t) is not None for t in tokens) >= 2:
        return tokens
    return None


def _header(cells: list[str], matcher: Matcher) -> TableState | None:
    """The header a row is, if it is one."""
    labels = [clean_label(simplify(c)) for c in cells]
    if any(_figure_cell(c) for c in cells):
        return None
    if any(any(w in lab for w in KPI_NAME) for lab in labels):
        targets = [i for i, lab in enumerate(labels) if any(w in lab for w in KPI_TARGET)]
        actuals = [i for i, lab in enumerate(labels) if any(w in lab for w in KPI_ACTUAL)]
        if targets and actuals:
            return TableState(
                kind="kpi",
                kpi_target_first=targets[0] < actuals[0],
                kpi_columns=(targets[0], actuals[0], len(cells)),
            )
    columns = [matcher.by_alias.get(lab) for lab in labels]
    aliased = [i for i, indicator in enumerate(columns) if indicator]
    if len(aliased) >= 2:
        return TableState(
            kind="budget", columns=[(columns[i], labels[i]) for i in range(aliased[0], len(labels))]
        )
    return None


def _indicator_row(cells: list[str]) -> bool:
    """A row of a performance-indicator table: a level label (产出指标, 质量指标 ...) or a comparator cell."""
    for cell in cells:
        text = simplify(cell).replace(" ", "")
        token = LABELS.get(text)
        if (token and token[0] in LEVEL_KINDS) or COMPARATOR_CELL.match(text):
            return True
    return False


def _cell_locator(block: TextBlock, index: int) -> str:
    return f"{block.locator} cell {index + 1}"


# A bare amount with no unit stated anywhere: one of seven digits is yuan, 520.30 may be yuan or 万元.
SMALLEST_BARE_YUAN = 100_000


def _unit_unknown(indicator: Indicator, figure: Figure, context: Context) -> bool:
    """Whether a money figure's unit cannot be told (printed bare, no unit declared, too small to be
    yuan for sure): left out rather than read at a scale that may be ten thousand times wrong."""
    return (
        indicator.unit == "CNY"
        and not figure.unit
        and not figure.scaled
        and context.money_unit is None
        and figure.value < SMALLEST_BARE_YUAN
    )


def _budget_row(block: TextBlock, cells: list[str], state: TableState, context: Context) -> list[Fact]:
    figures = [_figure_cell(c) for c in cells]
    first = next((i for i, f in enumerate(figures) if f), None)
    if first is None:
        return []
    if sum(f is not None for f in figures) > len(state.columns):
        return []  # more figures than the header has columns: which is whose cannot be told by place
    label = simplify(" ".join(cells[:first]))
    scope = scope_of_label(label)
    if scope == DEPARTMENT and label.lstrip().startswith(OF_WHICH):
        scope = PART  # 其中:上级补助资金: a part of the total whose kind no scope word names
    facts: list[Fact] = []
    snippet = " | ".join(c for c in cells if c.strip())
    for offset, (column, figure) in enumerate(zip(state.columns, figures[first:], strict=False)):
        indicator, alias = column
        if indicator is None or figure is None:
            continue
        note = None
        if indicator.unit == "percent" and not figure.unit and figure.value <= RATIO_CEILING:
            if printed_decimals(figure.raw) < RATIO_PLACES:
                continue  # 0.1, 1: a ratio rounded too far, or a percent without its sign: left out
            percent, note = percent_of_ratio(figure.raw, figure.value)
            figure = Figure(figure.start, figure.end, percent, "%", figure.qualifier, figure.raw)
        if figure.unit and not unit_fits(figure, indicator):
            continue
        if indicator.unit == "CNY" and figure.value == 0:
            continue  # an amount of 0: a cell left unfilled, as in the forms (money.money_facts)
        if _unit_unknown(indicator, figure, context):
            continue
        facts.extend(
            make_facts(
                indicator, figure, combine_scopes(scope, alias), context.in_target_section(),
                _cell_locator(block, first + offset), snippet, context.money_unit, note,
            )
        )  # fmt: skip
    return facts


def _kpi_code(name: str, figure: Figure, matcher: Matcher) -> Indicator | None:
    """The dictionary indicator a performance indicator's name means, if its unit fits."""
    for hit in matcher.hits(name):
        if unit_fits(figure, hit.indicator):
            return hit.indicator
    return None


def _kpi_row(
    block: TextBlock, cells: list[str], state: TableState, matcher: Matcher, context: Context
) -> list[Fact]:
    """Record the row as a performance indicator; a row whose name is a dictionary indicator also
    gives that indicator's facts (target and achieved)."""
    values = [_kpi_value(c) for c in cells]
    if state.kpi_columns and len(cells) == state.kpi_columns[2]:
        # A full row: the header says where the target and achieved values are.
        columns = sorted(state.kpi_columns[:2])
        first = columns[0]
        names = [c for c in cells[:first] if c.strip()]
        name_cell = names[-1] if names else ""
    else:
        # A row with merged or missing cells: target and achieved stand side by side, after the name;
        # a pair right after two equal text cells (良好 | 良好 | 10 | 10) is a pair of scores.
        first = next((i for i in range(1, len(values) - 1) if values[i] and values[i + 1]), None)
        if first is None or (first >= 2 and cells[first - 1].strip() == cells[first - 2].strip()):
            return []
        columns = [first, first + 1]
        name_cell = cells[first - 1]
    name = clean_indicator_name(clean_label(simplify(name_cell)))
    if _figure_cell(name) or names_nothing(name):
        return []  # no words (a unit cell, %(百分比)), a figure, or a completion status: no name
    snippet = " | ".join(c for c in cells if c.strip())
    target_index, actual_index = columns if state.kpi_target_first else columns[::-1]
    context.indicators.append(
        indicator_row(
            name=name, target=cells[target_index], actual=cells[actual_index],
            locator=block.locator, snippet=snippet,
        )
    )  # fmt: skip
    facts: list[Fact] = []
    for index in columns:
        figure = values[index]
        indicator = _kpi_code(name, figure, matcher) if figure else None
        if indicator is not None:
            is_target = index == target_index
            facts.extend(
                make_facts(indicator, figure, DEPARTMENT, is_target, _cell_locator(block, index), snippet)
            )
    return facts


def _label_value_pairs(block: TextBlock, cells: list[str], matcher: Matcher, context: Context) -> list[Fact]:
    facts: list[Fact] = []
    labels = [clean_label(simplify(c)) for c in cells]
    snippet = " | ".join(c for c in cells if c.strip())
    for i in range(1, len(cells)):
        indicator = matcher.by_alias.get(labels[i - 1])
        figure = _figure_cell(cells[i])
        if indicator and figure and (not figure.unit or unit_fits(figure, indicator)):
            if indicator.unit == "percent" and not figure.unit and figure.value <= MAX_ROW_WEIGHT:
                continue  # 预算执行率 | 8: a rate without its % sign that may be the row's weight
            facts.extend(
                make_facts(
                    indicator, figure, DEPARTMENT, context.in_target_section(), _cell_locator(block, i), snippet,
                    context.money_unit,
                )
            )  # fmt: skip
    return facts


def table_row_facts(
    block: TextBlock, cells: list[str], matcher: Matcher, state: TableState, context: Context
) -> list[Fact]:
    """Facts of one table row, updating the table's header state."""
    hint = MONEY_UNIT_HINT.search(simplify(block.text))
    if hint:
        context.money_unit = hint.group(1)
    header = _header(cells, matcher)
    if header is not None:
        state.kind, state.columns, state.kpi_target_first, state.kpi_columns = (
            header.kind,
            header.columns,
            header.kpi_target_first,
            header.kpi_columns,
        )
        return []
    if state.kind == "budget" and _indicator_row(cells):
        state.kind = None  # the money rows have ended: an indicator table follows (its header scrambled)
    if state.kind == "budget":
        facts = _budget_row(block, cells, state, context)
    elif state.kind == "kpi":
        facts = _kpi_row(block, cells, state, matcher, context)
    else:
        facts = _label_value_pairs(block, cells, matcher, context)
    if not facts:
        for i, cell in enumerate(cells):
            if len(cell.strip()) >= MIN_PROSE_CELL and _figure_cell(cell) is None:
                facts.extend(prose_facts(cell, _cell_locator(block, i), matcher, context))
    return facts
