"""Figures of the indicator dictionary from a document's text blocks.

Prose: a sentence is cut at 。；;!?; inside it each alias of the dictionary takes the first figure
that follows it with a unit the indicator accepts, unless something in between says the figure
is not the alias's (another alias, a change word such as 增加 or 结转). Words such as 财政拨款 or
其他资金, or an alias with no figure of its own right before another alias (基本支出的全年预算数),
set the scope of the figures after them in the same sentence.

Tables: a header row whose cells are aliases (年初预算数 | 全年预算数 | 全年执行数 | 执行率) gives
the meaning of the figure cells in the rows below it; the row label (年度资金总额, 其中：财政拨款)
gives the scope; a caption or header saying 万元 gives the money unit. A label cell followed by a
figure cell (自评总分 | 99.68) is a fact too.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from pipelines.extract.numbers import Figure, find_figures, to_canonical, to_half_width
from pipelines.indicators import Indicator, default_dictionary
from pipelines.model import Document, Fact, TextBlock

DEPARTMENT = "department"
# Scopes under which a figure is a department-level value of its code (shown in v_indicator_values).
REPORTED_SCOPES = frozenset({DEPARTMENT, "fiscal", "initial"})

# Words (not aliases) that set the scope of the figures after them in a sentence or table row.
SCOPE_WORDS = {
    "一般公共预算": "fiscal",
    "财政拨款": "fiscal",
    "财政资金": "fiscal",
    "其他资金": "other_funds",
    "上年结转": "carry_over",
    "政府性基金": "government_funds",
    "全部资金": DEPARTMENT,
    "部门整体": DEPARTMENT,
    "资金总额": DEPARTMENT,
}
# An alias with no figure of its own, standing right before another alias, scopes it.
ALIAS_SCOPES = {
    "income_fiscal": "fiscal",
    "budget_fiscal": "fiscal",
    "expenditure_basic": "basic",
    "expenditure_project": "project",
}
# Aliases that carry a scope of their own.
ALIAS_OWN_SCOPES = {"年初预算数": "initial"}


def combine_scopes(scope: str, alias: str) -> str:
    """The scope of a figure: its sentence's or row's scope, refined by the alias's own (年初 -> initial)."""
    own = ALIAS_OWN_SCOPES.get(alias)
    if own is None:
        return scope
    return own if scope == DEPARTMENT else f"{scope}+{own}"


# Codes that are by definition the fiscal-appropriation part of a total code.
FISCAL_CODES = {"budget_fiscal": "budget_total", "income_fiscal": "income_total"}
# (code, scope) pairs that are another code's department figure as well.
SCOPE_REMAP = {
    ("expenditure_total", "basic"): ("expenditure_basic", DEPARTMENT),
    ("expenditure_total", "project"): ("expenditure_project", DEPARTMENT),
}
FISCAL_TWINS = {total: fiscal for fiscal, total in FISCAL_CODES.items()}

# Between an alias and its figure, these words mean the figure is something else.
GAP_STOPS = (
    "结转",
    "结余",
    "增加",
    "减少",
    "增长",
    "下降",
    "同比",
    "比上年",
    "较上年",
    "占",
    "多",
    "少",
    "差",
)
MAX_GAP = 14
TARGET_WORDS = ("目标", "计划", "力争", "预期", "指标值", "拟")
COMPLETION_WORDS = ("完成", "实现", "实际")
SENTENCE_END = re.compile(r"[。；;!?！？\n]")
CLAUSE_END = re.compile(r"[，,。；;:：!?！？\n]")
HEADING = re.compile(
    r"^\s*(?:(?P<l1>[一二三四五六七八九十]+、)|(?P<l2>[(（][一二三四五六七八九十\d]+[)）])|(?P<l3>\d+\s*[、.．](?!\d)))"
)
MONEY_UNIT_HINT = re.compile(r"(?:单位[:：]\s*|[(（])(万元|亿元|元)[)）]?")
BRACKETED = re.compile(r"[(（][^()（）]*[)）]")


@dataclass(frozen=True)
class AliasHit:
    start: int
    end: int
    indicator: Indicator
    alias: str


@dataclass
class _Matcher:
    """All aliases of the dictionary, longest first, for scanning sentences."""

    indicators: dict[str, Indicator]
    by_alias: dict[str, Indicator] = field(init=False)
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.by_alias = {}
        for indicator in self.indicators.values():
            for alias in indicator.aliases:
                self.by_alias.setdefault(alias, indicator)
        ordered = sorted(self.by_alias, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(a) for a in ordered))

    def hits(self, text: str) -> list[AliasHit]:
        found = []
        for match in self.pattern.finditer(text):
            indicator = self.by_alias[match.group(0)]
            before = text[max(0, match.start() - 4) : match.start()]
            if any(before.endswith(word) for word in indicator.not_after):
                continue
            found.append(AliasHit(match.start(), match.end(), indicator, match.group(0)))
        return found


def _unit_fits(figure: Figure, indicator: Indicator) -> bool:
    if figure.unit in ("年", "月", "日"):
        return False
    if indicator.unit == "CNY":
        return figure.unit in indicator.units or (figure.unit == "" and "" in indicator.units)
    return figure.unit in indicator.units


def _figure_for(hit: AliasHit, text: str, figures: list[Figure], limit: int) -> Figure | None:
    """The figure an alias introduces, or None."""
    skipped: list[Figure] = []
    for figure in figures:
        if figure.start < hit.end:
            continue
        if figure.start >= limit:
            break
        gap = text[hit.end : figure.start]
        for other in skipped:
            gap = gap.replace(text[other.start : other.end], "")
        if len(gap) > MAX_GAP or any(stop in gap for stop in GAP_STOPS):
            return None
        if any(mark in gap for mark in "，,") and not skipped:
            return None
        if _unit_fits(figure, hit.indicator):
            return figure
        skipped.append(figure)
    return None


@dataclass
class _Context:
    """What earlier blocks tell about the next ones: target sections and table headers."""

    target_levels: dict[int, bool] = field(default_factory=dict)
    table_key: str | None = None
    header: list[tuple[int, AliasHit]] | None = None
    table_money_unit: str | None = None
    recent_money_unit: str | None = None

    def in_target_section(self) -> bool:
        return any(self.target_levels.values())

    def see_heading(self, text: str) -> None:
        match = HEADING.match(text)
        if not match or len(text) > 40:
            return
        level = 1 if match["l1"] else 2 if match["l2"] else 3
        for deeper in [lvl for lvl in self.target_levels if lvl >= level]:
            del self.target_levels[deeper]
        is_target = any(w in text for w in TARGET_WORDS) and not any(w in text for w in COMPLETION_WORDS)
        self.target_levels[level] = is_target


def _is_target(clause_text: str, context: _Context) -> bool:
    if any(word in clause_text for word in TARGET_WORDS) and not any(
        word in clause_text for word in COMPLETION_WORDS
    ):
        return True
    return context.in_target_section()


def _scope_marks(text: str, hits: list[AliasHit], figures: list[Figure]) -> list[tuple[int, str]]:
    """Positions in a sentence where a scope starts."""
    marks = []
    for word, scope in SCOPE_WORDS.items():
        marks.extend((m.start(), scope) for m in re.finditer(re.escape(word), text))
    for hit, following in itertools.pairwise(hits):
        scope = ALIAS_SCOPES.get(hit.indicator.code)
        between = text[hit.end : following.start]
        if scope and len(between) <= 2 and not any(hit.end <= f.start < following.start for f in figures):
            marks.append((hit.start, scope))
    return sorted(marks)


def _facts_for(
    indicator: Indicator,
    figure: Figure,
    scope: str,
    is_target: bool,
    block: TextBlock,
    snippet: str,
    money_unit: str | None = None,
) -> list[Fact]:
    """The fact(s) one figure states: its code under its scope, plus any code it also is."""
    unit = figure.unit or (money_unit if indicator.unit == "CNY" else "") or ""
    value = to_canonical(figure.value, unit, indicator.unit)
    code = indicator.code
    codes = [(code, scope)]
    if (code, scope) in SCOPE_REMAP:
        codes = [SCOPE_REMAP[(code, scope)]]
    elif code in FISCAL_CODES:
        codes = [(code, "fiscal"), (FISCAL_CODES[code], "fiscal")]
    elif scope == "fiscal" and code in FISCAL_TWINS:
        codes.append((FISCAL_TWINS[code], "fiscal"))
    raw = figure.raw if figure.unit or not unit else f"{figure.raw} ({unit})"
    return [
        Fact(
            indicator_code=fact_code,
            value=float(value),
            unit=default_dictionary()[fact_code].unit
            if fact_code in default_dictionary()
            else indicator.unit,
            qualifier=figure.qualifier,
            is_target=is_target,
            scope=fact_scope,
            source_locator=block.locator,
            snippet=snippet,
            raw_text=raw,
        )
        for fact_code, fact_scope in codes
    ]


def _prose_facts(block: TextBlock, matcher: _Matcher, context: _Context) -> list[Fact]:
    text = to_half_width(block.text)
    facts: list[Fact] = []
    start = 0
    for end_match in [*SENTENCE_END.finditer(text), None]:
        end = end_match.end() if end_match else len(text)
        sentence = text[start:end]
        snippet = block.text[start:end].strip()
        start = end
        if not sentence.strip():
            continue
        hits = matcher.hits(sentence)
        if not hits:
            continue
        figures = find_figures(sentence)
        marks = _scope_marks(sentence, hits, figures)
        for i, hit in enumerate(hits):
            limit = hits[i + 1].start if i + 1 < len(hits) else len(sentence)
            figure = _figure_for(hit, sentence, figures, limit)
            if figure is None:
                continue
            earlier = [mark_scope for position, mark_scope in marks if position < hit.start]
            scope = combine_scopes(earlier[-1] if earlier else DEPARTMENT, hit.alias)
            clause_start = max((m.end() for m in CLAUSE_END.finditer(sentence, 0, hit.start)), default=0)
            is_target = _is_target(sentence[clause_start : figure.start], context)
            facts.extend(_facts_for(hit.indicator, figure, scope, is_target, block, snippet))
    return facts


def _clean_label(cell: str) -> str:
    return re.sub(r"[\s:：*]", "", BRACKETED.sub("", to_half_width(cell)))


def _figure_cell(cell: str) -> Figure | None:
    """The figure a table cell holds when the cell is just a figure (stray marks allowed)."""
    text = to_half_width(cell).strip().rstrip("?？").strip()
    if not text:
        return None
    figures = find_figures(text)
    if len(figures) == 1 and len(text) - len(figures[0].raw) <= 1:
        return figures[0]
    return None


def _row_scope(label: str) -> str:
    for word, scope in SCOPE_WORDS.items():
        if word in label:
            return scope
    return DEPARTMENT


def _table_key(locator: str) -> str:
    return locator.rsplit(" row ", 1)[0]


def _table_facts(block: TextBlock, matcher: _Matcher, context: _Context) -> list[Fact]:
    key = _table_key(block.locator)
    if key != context.table_key:
        context.table_key, context.header = key, None
        context.table_money_unit = context.recent_money_unit
    cells = list(block.cells)
    unit_hint = MONEY_UNIT_HINT.search(to_half_width(block.text))
    if unit_hint:
        context.table_money_unit = unit_hint.group(1)
    labels = [_clean_label(c) for c in cells]
    header = [(i, matcher.by_alias[lab]) for i, lab in enumerate(labels) if lab in matcher.by_alias]
    figure_cells = [_figure_cell(c) for c in cells]
    if len(header) >= 2 and not any(figure_cells):
        context.header = [(i, AliasHit(0, len(labels[i]), indicator, labels[i])) for i, indicator in header]
        return []
    facts: list[Fact] = []
    snippet = block.text.strip()
    first_figure = next((i for i, f in enumerate(figure_cells) if f), None)
    if first_figure is None:
        return _prose_facts(block, matcher, context)
    row_label = " ".join(cells[:first_figure])
    scope = _row_scope(row_label)
    if context.header:
        # Ordinal alignment: the n-th alias column of the header over the n-th cell after the label.
        data_cells = figure_cells[first_figure:]
        for (_, hit), figure in zip(context.header, data_cells, strict=False):
            if figure is None or not _unit_fits_table(figure, hit.indicator):
                continue
            fact_scope = combine_scopes(scope, hit.alias)
            is_target = context.in_target_section()
            facts.extend(
                _facts_for(
                    hit.indicator, figure, fact_scope, is_target, block, snippet, context.table_money_unit
                )
            )
        return facts
    for i, figure in enumerate(figure_cells):
        if figure is None or i == 0 or labels[i - 1] not in matcher.by_alias:
            continue
        indicator = matcher.by_alias[labels[i - 1]]
        if _unit_fits_table(figure, indicator):
            facts.extend(
                _facts_for(indicator, figure, scope, context.in_target_section(), block, snippet,
                           context.table_money_unit)
            )  # fmt: skip
    return facts


def _unit_fits_table(figure: Figure, indicator: Indicator) -> bool:
    """In a table the unit usually sits in the header: a bare number fits any indicator."""
    return figure.unit == "" or _unit_fits(figure, indicator)


def extract_facts(document: Document, indicators: dict[str, Indicator] | None = None) -> list[Fact]:
    """Every figure of a known indicator stated in the document, in reading order."""
    matcher = _Matcher(indicators or default_dictionary())
    context = _Context()
    facts: list[Fact] = []
    for block in document.blocks:
        if block.kind == "table_row":
            facts.extend(_table_facts(block, matcher, context))
            continue
        context.table_key = None
        unit_hint = MONEY_UNIT_HINT.search(to_half_width(block.text))
        context.recent_money_unit = unit_hint.group(1) if unit_hint else None
        context.see_heading(block.text)
        facts.extend(_prose_facts(block, matcher, context))
    return _first_statements(facts)


def _first_statements(facts: list[Fact]) -> list[Fact]:
    """A figure repeated word for word (same code, scope, target flag and value) counts once."""
    seen: set[tuple[str, str, bool, float]] = set()
    kept = []
    for fact in facts:
        key = (fact.indicator_code, fact.scope, fact.is_target, fact.value)
        if key not in seen:
            seen.add(key)
            kept.append(fact)
    return kept
