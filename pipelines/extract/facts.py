"""Every figure of the indicator dictionary a document states, in reading order, and the rows of its
performance-indicator tables.

Blocks go to table extraction when they are table rows (real, or flattened into a text line) and to
prose extraction otherwise; see `tables.py` and `prose/`. A figure repeated word for word counts once.
"""

from __future__ import annotations

from dataclasses import replace

from pipelines.extract.forms import indicator_facts, read_forms
from pipelines.extract.kpi import indicator_in_prose, misread
from pipelines.extract.matching import MONEY_UNIT_HINT, Context, Matcher
from pipelines.extract.prose import prose_facts
from pipelines.extract.prose.money import BUDGET_CODE, FISCAL_BUDGET, INCOME_CODES, see_budget_split
from pipelines.extract.prose.targets import HEADING, see_heading
from pipelines.extract.tables import TableState, row_cells, table_row_facts
from pipelines.extract.text import join_page_breaks, simplify
from pipelines.indicators import Indicator, default_dictionary
from pipelines.model import DEPARTMENT, Content, Document, Fact, PerformanceIndicator

PROJECT_KINDS = ("project", "transfer")
CELL = " cell "  # in a locator: the cell of a table row (line 12 cell 6)
# A paragraph this long, or a heading, ends a table flattened into text lines.
LONG_PROSE = 40


# The last matcher built for each report kind, with its dictionary (the same one nearly always).
_MATCHERS: dict[bool, tuple[dict[str, Indicator], Matcher]] = {}


def matcher_for(indicators: dict[str, Indicator], project_report: bool) -> Matcher:
    """The alias matcher of a dictionary, built once while the dictionary is the same object (its
    pattern of every alias is the costliest part of a short report's extraction)."""
    built = _MATCHERS.get(project_report)
    if built is None or built[0] is not indicators:
        built = _MATCHERS[project_report] = (indicators, Matcher(indicators, project_report=project_report))
    return built[1]


def _table_key(locator: str) -> str:
    first = locator.split("+", 1)[0]  # a row joined across a page break keeps its first table
    return first.rsplit(" row ", 1)[0] if " row " in first else "text"


def extract_facts(
    document: Document, indicators: dict[str, Indicator] | None = None, report_kind: str | None = None
) -> list[Fact]:
    """Facts of every known indicator in the document."""
    return list(extract_content(document, indicators, report_kind).facts)


def extract_content(
    document: Document, indicators: dict[str, Indicator] | None = None, report_kind: str | None = None
) -> Content:
    """Facts of every known indicator and the rows of performance-indicator tables. In a project or
    transfer report (`report_kind`), the project's budget and spending are the report's totals."""
    matcher = matcher_for(indicators or default_dictionary(), report_kind in PROJECT_KINDS)
    context = Context()
    state = TableState()
    facts: list[Fact] = []
    told: list[PerformanceIndicator] = []  # indicator rows told as list items of the prose
    said: list[PerformanceIndicator] = []  # indicators told in sentences of their own: their figures only
    document = join_page_breaks(document)
    for block in document.blocks:
        key = _table_key(block.locator) if block.kind == "table_row" else "text"
        if key != state.key:
            state = TableState(key=key)
        cells = row_cells(block, matcher, state)
        if cells is not None:
            facts.extend(table_row_facts(block, cells, matcher, state, context))
            continue
        if HEADING.match(block.text) or len(block.text.strip()) >= LONG_PROSE:
            state.kind = None
        simple = simplify(block.text)
        hint = MONEY_UNIT_HINT.search(simple)
        if hint:
            context.money_unit = hint.group(1)
        see_heading(block.text, context)
        if (in_prose := indicator_in_prose(block.text, block.locator)) is not None:
            row, listed = in_prose
            (told if listed else said).append(row)
        facts.extend(prose_facts(block.text, block.locator, matcher, context))
        see_budget_split(simple, context)  # within this block, only what follows 按支出性质分
    form = read_forms(document, matcher)
    # A row whose name holds a completion status is cells run together, not an indicator: left out.
    form_rows = [row for row in form.indicators if not misread(row)]
    table_rows = [row for row in context.indicators if not misread(row)]
    rows = form_rows or table_rows or told
    stated = form.facts + indicator_facts(form_rows or ([] if table_rows else told + said), matcher)
    # What a form states by its template wins over what sentence and table rules read of the same
    # figure, and over table rules' readings of another cell of a row the form has read.
    taken = {(f.indicator_code, f.scope, f.is_target) for f in stated}
    rows_read = {f.source_locator.split(CELL)[0] for f in form.facts}
    facts = stated + [
        f
        for f in facts
        if (f.indicator_code, f.scope, f.is_target) not in taken
        and not (CELL in f.source_locator and f.source_locator.split(CELL)[0] in rows_read)
        # a form's money block has no income: its 当年财政拨款 row is budget and spending, never income
        and not (f.indicator_code in INCOME_CODES and f.source_locator in rows_read)
    ]
    facts = _with_fund_total(facts, context)
    if matcher.project_report and not any(f.indicator_code == BUDGET_CODE for f in form.facts):
        facts = _fiscal_budget_as_total(facts)
    if matcher.project_report:
        facts = _fund_sum_as_budget(facts, context)
    return Content(tuple(_first_statements(facts)), tuple(rows))


def _fiscal_budget_as_total(facts: list[Fact]) -> list[Fact]:
    """A project's or fund's budget told only as its fiscal money, in prose (本项目财政拨款为…万元,
    项目财政资金总额…万元): also its budget, where no total is told. Not a form's fiscal row (a form
    has a total row of its own, however it is filled), nor fiscal budgets that disagree."""
    achieved = [f for f in facts if not f.is_target]
    if any(f.indicator_code == BUDGET_CODE for f in achieved):
        return facts
    fiscal = [f for f in achieved if f.indicator_code == FISCAL_BUDGET and CELL not in f.source_locator]
    if not fiscal or len({round(f.value, 2) for f in fiscal}) > 1:
        return facts
    note = "the project's fiscal money, the only budget its report tells"
    return [*facts, replace(fiscal[0], indicator_code=BUDGET_CODE, scope=DEPARTMENT, note=note)]


def _fund_sum_as_budget(facts: list[Fact], context: Context) -> list[Fact]:
    """A project's or fund's money told as a sum (补助资金共计…万元, `context.fund_sum`): its budget, where
    nothing else in the report names one."""
    if any(f.indicator_code == BUDGET_CODE and not f.is_target for f in facts):
        return facts
    note = "the fund's money told as a sum, the only budget its report tells"
    return facts + [replace(f, note=note) for f in context.fund_sum]


def _with_fund_total(facts: list[Fact], context: Context) -> list[Fact]:
    """A project report's budget told only as a fund's total before its parts, or told elsewhere as
    one of those parts (中央下达资金800万元 …; 收到资金共1200万元,其中:中央资金800万元 …): the total."""
    budgets = [
        f for f in facts if f.indicator_code == BUDGET_CODE and f.scope == DEPARTMENT and not f.is_target
    ]
    totals = {round(f.value, 2) for f in context.fund_total}
    if not all(round(f.value, 2) in context.fund_parts | totals for f in budgets):
        return facts
    parts = [f for f in budgets if round(f.value, 2) not in totals]
    kept = [f for f in facts if f not in parts]
    return kept if len(parts) < len(budgets) else kept + context.fund_total


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
