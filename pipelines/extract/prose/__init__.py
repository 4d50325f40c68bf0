"""Figures in running text.

A sentence is cut at 。；;!?; inside it each alias takes the first figure after it whose unit the
indicator accepts, unless something in between says the figure is another thing's (`figures.py`).
Whether that figure is the body's achieved figure of the year is then decided by families of rules,
one module each:
- `targets.py`: a clause with 目标 / 计划 / 力争, a section whose heading is about goals, or a text led
  by such a label (年度绩效目标: ...) states targets;
- `money.py`: scope words (财政拨款, 其他资金 ...) scope the money figures after them; 基本支出 / 项目支出
  after a budget word split the budget; budgeted income is no income; a budget beside an adjusted
  budget is the initial one; one project's or fund's figure (免费开放项目支出) is not the department's;
- `parts.py`: a part is no whole: a figure after 其中 of a code the sentence already stated, one
  kind of post next to another (行政编制 / 事业编制);
- `services.py`: service figures of several bodies, online visits, audiences where nothing says the
  body is a venue, one kind of activity among several.
Here: the sentence loop, a change against another year (较上年增加), a rule's threshold
(未达到90%的需说明原因), a sum told after its parts, and a form printed one cell per paragraph
(人员编制 / 37).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from pipelines.extract.matching import (
    ALIAS_SCOPES,
    DEPARTMENT,
    AliasHit,
    Context,
    Matcher,
    combine_scopes,
    make_facts,
    unit_fits,
)
from pipelines.extract.numbers import Figure, find_figures, to_canonical
from pipelines.extract.prose.figures import ALLOCATION, SENTENCE_END, choose, earlier_years
from pipelines.extract.prose.money import (
    ADJUSTED,
    ADJUSTED_LATER,
    ALLOCATION_CODES,
    BARE_SPENDING,
    BUDGET_CODE,
    BUDGET_SPLITS,
    BUDGETED_SPENDING,
    BUDGETED_SPENDING_ALIAS,
    BY_NATURE,
    FINANCE,
    FINANCE_GIVER,
    FISCAL_BUDGET,
    FISCAL_INCOME,
    FISCAL_PART_ALIASES,
    INCOME_CODES,
    INCOME_WORD,
    INITIAL,
    MONEY_TOTAL,
    ONE_ITEM_CODES,
    PAID_AFTER,
    PAID_BEFORE,
    PART_MONEY_BEFORE,
    PASSED_DOWN,
    PUBLIC_BUDGET,
    SPENDING_CODE,
    MoneyHeads,
    fund_and_spending_by_rate,
    fund_passed_whole,
    fund_sum,
    names_one_item,
    scope_marks,
    spending_by_rate,
    sum_of_funds,
    total_before_parts,
)
from pipelines.extract.prose.parts import (
    AUTHORISED_BEFORE,
    OF_WHICH,
    POST_CODE,
    POSTS_FILLED,
    STAFF_CODE,
    STAFF_KIND,
    STAFFING,
    Parts,
)
from pipelines.extract.prose.services import SERVICE, VENUE_SELF, Services
from pipelines.extract.prose.targets import (
    SIGN_COMPARATORS,
    TARGET_WORD,
    labelled_target,
    states_target,
    status_told,
    told_as_done,
)
from pipelines.extract.text import NormalText, normalise
from pipelines.indicators import Indicator
from pipelines.model import FISCAL, Fact

# In the clause before an alias, these make the figure a change against another year, not a level.
CHANGE_WORDS = ("较上年", "比上年", "同比", "较去年", "比去年", "增加", "减少", "增长", "下降")
# Indicators whose label may stand alone in a paragraph with its figure in the next one.
LABEL_CATEGORIES = (STAFFING, "evaluation")  # 人员编制 | 37; (一)自评得分 | 100分。
LIST_MARKER = re.compile(r"^(?:\d{1,2}\s*[、.．]|[(（]?[一二三四五六七八九十\d]{1,2}[)）、])\s*")
MAX_CELL = 20
SCORE_CODE = "self_eval_score"
RATE_CODE = "budget_execution_rate"
# One indicator's row told as a sentence: its target or actual value stated (目标值≥90%, 完成值92%), not
# indicators named in general (对照…各项指标值进行打分,自评得分100分).
INDICATOR_ROW_WORDS = re.compile(r"(?:目标值|指标值|完成值)\s*(?:为|是|:|：)?\s*[≥≤><=＞＜]?\s*\d")
CLAUSE_END = re.compile(r"[，,。；;:：!?！？\n]")
# After a figure: the figure is a condition of a rule (未达到90%的需说明原因, 超过5%的应报告).
CONDITION_AFTER = re.compile(r"\s*(?:以上|以下|及以上|及以下)?\s*的\s*[,，]?\s*(?:需|须|应|要|必须|需要)")
# After a staffing figure: things counted, not posts or people (编制12个绩效目标指标: 编制 as a verb).
THINGS_COUNTED = re.compile(r"\s*(?:绩效|目标|指标|项目|任务|方案|计划|文件|制度|报告|预算)")
# Before an income alias: people or a collective the money reached (带动贫困户总收入, 村集体年收入, 人均收入).
BENEFICIARIES = re.compile(
    r"(?:贫困户|脱贫户|监测户|农户|农民|村民|群众|居民|村集体|集体经济|受益户|人均|户均)$"
)
# Before a score alias: one area's or group's indicators scored (XX管理方面,指标评价得分N), not the report.
INDICATORS_SCORED = re.compile(r"(?<!绩效)(?<!总体)指标$")


def _label_value(normal: NormalText, locator: str, matcher: Matcher, context: Context) -> list[Fact]:
    """A form printed one cell per paragraph: a paragraph that is only a staff label (人员编制) and the
    next one only its figure (37). The label is remembered in `context` for the next paragraph."""
    pending, context.label = context.label, None
    cell = normal.text.strip().rstrip(":").strip()
    if len(cell) > MAX_CELL:
        return []
    indicator = matcher.by_alias.get(LIST_MARKER.sub("", cell))
    if indicator is not None and indicator.category in LABEL_CATEGORIES:
        context.label = (indicator, normal.source.strip())
        return []
    figures = find_figures(cell)
    if pending is None or len(figures) != 1 or figures[0].raw != cell.rstrip("。."):
        return []
    label, label_text = pending
    figure = figures[0]
    if figure.unit and not unit_fits(figure, label):
        return []
    if figure.unit == "" and (figure.value != figure.value.to_integral_value() or figure.chinese_numeral):
        return []
    snippet = f"{label_text} | {normal.source.strip()}"
    return make_facts(label, figure, DEPARTMENT, context.in_target_section(), locator, snippet)


@dataclass
class _Sentence:
    """One sentence of a paragraph and what the rule families read of it once (see `prose_facts`)."""

    text: str
    hits: list[AliasHit]
    figures: list[Figure]
    clause_starts: list[int]
    chosen: dict[int, Figure]  # hit index -> the figure its alias took
    matcher: Matcher
    context: Context
    in_target: bool  # the paragraph or the sentence is led by a target label (年度绩效目标: ...)

    def __post_init__(self) -> None:
        self.marks = scope_marks(self.text, self.hits, self.chosen)
        self.parts = Parts(self.text, self.hits)
        self.heads = MoneyHeads(self.text, self.hits)
        self.services = Services(self.text, self.figures)
        self.stale = earlier_years(self.text, self.hits, self.chosen, self.clause_starts)
        budgets = [self.hits[i] for i in self.chosen if self.hits[i].indicator.code == BUDGET_CODE]
        self.initial_before = _initial_before(self.text, budgets)

    def clause_start(self, position: int) -> int:
        return _clause_start(self.clause_starts, position)


def _clause_start(clause_starts: list[int], position: int) -> int:
    """Where the clause holding `position` starts (`clause_starts`: where each clause after the first does)."""
    before = bisect_right(clause_starts, position)
    return clause_starts[before - 1] if before else 0


# An earlier sentence's budget said to be the year's first (2021年初…收入预算…万元).
YEAR_START = re.compile(r"年初")


def _initial_before_adjusted(facts: list[Fact], adjusted_snippet: str) -> list[Fact]:
    """Budgets of earlier sentences of the paragraph told as the year's first (年初) are the initial
    ones where a later sentence tells the adjusted budget (…收入预算500万元。年中调整预算620万元)."""
    return [
        replace(f, scope=INITIAL)
        if f.indicator_code == BUDGET_CODE
        and f.scope == DEPARTMENT
        and not f.is_target
        and f.snippet != adjusted_snippet
        and YEAR_START.search(f.snippet)
        else f
        for f in facts
    ]


def _initial_before(text: str, budgets: list[AliasHit]) -> int:
    """Where the sentence's initial budgets end: an adjusted budget told by its alias makes every other
    budget of the sentence the initial one; an adjustment told in other words between two budgets
    (收入预算为1116万元,经调整,全年预算安排收入为1449万元) the budgets before it; else none (0)."""
    if any(ADJUSTED.search(hit.alias) for hit in budgets):
        return len(text)
    later = ADJUSTED_LATER.search(text, budgets[0].end) if budgets else None
    return later.start() if later and budgets[-1].start > later.start() else 0


def prose_facts(text: str, locator: str, matcher: Matcher, context: Context) -> list[Fact]:
    """Facts stated in one paragraph (or one long table cell)."""
    normal = normalise(text)
    context.venue = context.venue or bool(VENUE_SELF.search(normal.text))
    facts: list[Fact] = _label_value(normal, locator, matcher, context)
    paragraph_target = labelled_target(normal.text)
    aliased = bool(matcher.pattern.search(normal.text))  # none in the paragraph: none in its sentences
    if not aliased and not matcher.project_report:
        return facts
    if matcher.project_report and not context.fund_total:
        _fund_total(normal, locator, matcher, context)
    start = 0
    batches: list[Fact] = []  # budgets told as money allocated (下达, 上级安排), one per sentence
    for end_match in [*SENTENCE_END.finditer(normal.text), None]:
        end = end_match.end() if end_match else len(normal.text)
        text_of_sentence = normal.text[start:end]
        offset, start = start, end
        hits = matcher.hits(text_of_sentence, clause_leads=True) if aliased else []
        if not hits and not matcher.project_report:
            continue
        figures = find_figures(text_of_sentence)
        clause_starts = [m.end() for m in CLAUSE_END.finditer(text_of_sentence)]
        in_target = bool(paragraph_target or labelled_target(text_of_sentence))
        if matcher.project_report:  # (a budget is the year's allocation also under a heading about goals)
            snippet = normal.original(offset, end).strip()
            summed = sum_of_funds(text_of_sentence, figures, matcher, locator, snippet)
            passed = fund_passed_whole(text_of_sentence, figures, matcher, locator, snippet)
            facts = _without_parts(facts, summed) + summed + passed
            if not context.fund_sum and not in_target:
                context.fund_sum = _fund_sum(
                    text_of_sentence, figures, clause_starts, context, matcher, locator, snippet
                )
        if not hits:
            continue
        chosen = choose(text_of_sentence, hits, figures, clause_starts, context.money_unit)
        sentence = _Sentence(
            text_of_sentence, hits, figures, clause_starts, chosen, matcher, context, in_target
        )
        snippet = normal.original(offset, end).strip()
        read: dict[str, Figure] = {}  # code -> the figure of the body's (or its initial) year it took
        read_fiscal: dict[str, Figure] = {}  # code -> the figure of the fiscal money's scope it took
        for i, figure in chosen.items():
            reading = _reading(sentence, hits[i], figure, i in sentence.stale)
            if reading is None:
                continue
            indicator, scope, is_target = reading
            if scope in (DEPARTMENT, INITIAL) and not is_target:
                read.setdefault(indicator.code, figure)
            elif scope == FISCAL and not is_target:
                read_fiscal.setdefault(indicator.code, figure)
            made = make_facts(indicator, figure, scope, is_target, locator, snippet, context.money_unit)
            if indicator.code == BUDGET_CODE and scope == DEPARTMENT and ADJUSTED.search(hits[i].alias):
                facts = _initial_before_adjusted(facts, snippet)
            clause_start = sentence.clause_start(hits[i].start)
            if _fiscal_money(sentence, indicator, hits[i], figure, scope, is_target):
                made += make_facts(indicator, figure, FISCAL, False, locator, snippet, context.money_unit)
            if indicator.unit == "CNY" and MONEY_TOTAL.search(text_of_sentence, clause_start, figure.start):
                facts = _without_parts(facts, made)  # (a sum of what was passed down is no batch)
            elif indicator.code == BUDGET_CODE and scope == DEPARTMENT and ALLOCATION.search(hits[i].alias):
                batches.extend(f for f in made if not f.is_target)
            facts.extend(made)
        facts.extend(_spent_by_rate(sentence, read, read_fiscal, locator, snippet))
    return _without_batches(facts, [f for f in batches if f in facts])


# A project's money said to be all fiscal right after its figure (…万元,全部为县级财政资金).
ALL_FISCAL_AFTER = re.compile(
    r"\s*[,，]?\s*(?:全部|均)(?:为|是|来源于|来自)[^,，。；;]{0,6}财政(?:资金|拨款)"
)


def _fiscal_money(
    sentence: _Sentence, indicator: Indicator, hit: AliasHit, figure: Figure, scope: str, is_target: bool
) -> bool:
    """Whether a project's or fund's budget (`indicator` as read) is said to be all fiscal money right
    after its figure (then it is the fiscal budget too); not a part (其中 before it in its clause)."""
    if not sentence.matcher.project_report or indicator.code != BUDGET_CODE or is_target:
        return False
    if (
        scope not in (DEPARTMENT, INITIAL)
        or "其中" in sentence.text[sentence.clause_start(hit.start) : figure.start]
    ):
        return False
    return ALL_FISCAL_AFTER.match(sentence.text, figure.end) is not None


def _spent_by_rate(
    sentence: _Sentence, read: dict[str, Figure], read_fiscal: dict[str, Figure], locator: str, snippet: str
) -> list[Fact]:
    """Spending in bare words after the sentence's budget, checked by its execution rate (see
    `spending_by_rate`), where no alias gave the sentence's spending: of the body's budget, else of
    a fiscal budget with its own rate (年度财政资金预算800万元,执行520万元,执行率65%), then in its scope;
    with no budget read but a rate, a fund's money and its spending that the rate checks (`_fund_by_rate`)."""
    spending = sentence.matcher.indicators.get(SPENDING_CODE)
    if spending is None or SPENDING_CODE in read or SPENDING_CODE in read_fiscal:
        return []
    if BUDGET_CODE not in read and BUDGET_CODE not in read_fiscal and RATE_CODE in read:
        return _fund_by_rate(sentence, read[RATE_CODE], locator, snippet)
    if BUDGET_CODE in read and RATE_CODE in read:
        scope, budget, rate = DEPARTMENT, read[BUDGET_CODE], read[RATE_CODE]
    elif BUDGET_CODE not in read and BUDGET_CODE in read_fiscal and RATE_CODE in read_fiscal:
        scope, budget, rate = FISCAL, read_fiscal[BUDGET_CODE], read_fiscal[RATE_CODE]
    else:
        return []
    taken = {figure.start for figure in sentence.chosen.values()}
    figure = spending_by_rate(sentence.text, sentence.figures, budget, rate, taken, sentence.clause_start)
    if figure is None:
        return []
    return make_facts(spending, figure, scope, False, locator, snippet, sentence.context.money_unit)


def _fund_sum(
    text: str,
    figures: list[Figure],
    clause_starts: list[int],
    context: Context,
    matcher: Matcher,
    locator: str,
    snippet: str,
) -> list[Fact]:
    """A project's or fund's money told as a sum (see `fund_sum`), kept aside in `context`: the budget
    where nothing else in the report names one."""
    budget = matcher.indicators.get(BUDGET_CODE)
    if budget is None or context.in_target_section():
        return []
    figure = fund_sum(text, figures, lambda at: _clause_start(clause_starts, at))
    if figure is None:
        return []
    return make_facts(budget, figure, DEPARTMENT, False, locator, snippet, context.money_unit)


def _fund_by_rate(sentence: _Sentence, rate: Figure, locator: str, snippet: str) -> list[Fact]:
    """A project's or fund's budget and spending told with no budget word, where the sentence's rate
    checks them (see `fund_and_spending_by_rate`); only the report's first such pair."""
    matcher = sentence.matcher
    if not matcher.project_report or BUDGET_CODE not in matcher.indicators or sentence.context.fund_rated:
        return []
    taken = {figure.start for figure in sentence.chosen.values()}
    found = fund_and_spending_by_rate(sentence.text, sentence.figures, rate, taken, sentence.clause_start)
    if found is None:
        return []
    sentence.context.fund_rated = True  # the first is the fund's; later ones its parts'
    unit = sentence.context.money_unit
    budget, spent = found
    return [
        *make_facts(matcher.indicators[BUDGET_CODE], budget, DEPARTMENT, False, locator, snippet, unit),
        *make_facts(matcher.indicators[SPENDING_CODE], spent, DEPARTMENT, False, locator, snippet, unit),
    ]


def _fund_total(normal: NormalText, locator: str, matcher: Matcher, context: Context) -> None:
    """A project's or fund's total told before its parts in this paragraph (see `total_before_parts`),
    kept aside in `context`: it counts where nothing else in the report names the budget, or where
    what else does is one of its parts."""
    budget = matcher.indicators.get(BUDGET_CODE)
    if budget is None or OF_WHICH.search(normal.text) is None:
        return  # no parts told: the sentences' own figures are found below, not the paragraph's twice
    found = total_before_parts(normal.text, find_figures(normal.text))
    if found is None:
        return
    total, parts = found
    start = max((m.end() for m in SENTENCE_END.finditer(normal.text, 0, total.start)), default=0)
    end = SENTENCE_END.search(normal.text, total.end)
    snippet = normal.original(start, end.end() if end else len(normal.text)).strip()
    context.fund_total = make_facts(budget, total, DEPARTMENT, False, locator, snippet)
    context.fund_parts = {round(float(to_canonical(p.value, p.unit, "CNY")), 2) for p in parts}


def _without_batches(facts: list[Fact], batches: list[Fact]) -> list[Fact]:
    """Without the budgets a paragraph tells as several sums allocated (3月下达第一批资金A万元, 8月下达第二批B万元):
    each is a part of the year's money. A first sum as large as the others together is their total,
    told before its parts (下达预算资金A万元, …下达我局B万元 with A ≥ B): it alone is kept."""
    if len({f.value for f in batches}) < 2:
        return facts
    first, *rest = batches
    parts = set(rest) if first.value >= sum(f.value for f in rest) else set(batches)
    return [f for f in facts if f not in parts]


def _reading(
    sentence: _Sentence, hit: AliasHit, figure: Figure, stale: bool
) -> tuple[Indicator, str, bool] | None:
    """What the figure an alias took is: (indicator, scope, is_target) of the body's year, or None
    when it is another thing's (a threshold, a change, a part, another body's, one item's ...)."""
    text = sentence.text
    if stale or CONDITION_AFTER.match(text, figure.end):
        return None  # 执行率未达到90%的需说明原因: a rule's threshold, not a figure of the year
    clause_start = sentence.clause_start(hit.start)
    if any(word in text[clause_start : hit.start] for word in CHANGE_WORDS):
        return None
    scope = _scope(sentence, hit)
    if _not_the_bodys(sentence, hit, figure, clause_start, scope):
        return None
    retargeted = _retargeted(sentence, hit, figure, scope)
    if retargeted is None:
        return None
    indicator, scope = retargeted
    return indicator, scope, _is_target(sentence, hit, indicator, figure, clause_start)


def _scope(sentence: _Sentence, hit: AliasHit) -> str:
    """The money scope a figure is of: the last scope word before its alias (funds scope money, not
    scores or staff), combined with the alias's own."""
    earlier = bisect_left(sentence.marks, hit.start, key=lambda mark: mark[0])
    scoped = earlier and hit.indicator.category == FINANCE
    return combine_scopes(sentence.marks[earlier - 1][1] if scoped else DEPARTMENT, hit.alias)


def _not_the_bodys(sentence: _Sentence, hit: AliasHit, figure: Figure, clause_start: int, scope: str) -> bool:
    """Whether the figure is a part, one kind of staff, things a staffing word counts, another body's
    service, one item's money, beneficiaries' income or one indicator's (or area's) score, not the
    body's figure of the year."""
    text, code = sentence.text, hit.indicator.code
    final_budget = code == BUDGET_CODE and bool(ADJUSTED.search(hit.alias))
    if (
        scope == DEPARTMENT
        and not final_budget
        and (sentence.parts.is_part(hit) or sentence.parts.counts_retired(hit))
    ):
        return True  # (the year's final budget after the parts of the first is no part)
    if (
        code == STAFF_CODE
        and STAFF_KIND.search(text, hit.end, figure.start)
        and len(set(STAFF_KIND.findall(text))) > 1
    ):
        return True  # 在职在编行政人员3人,参公1人,工勤人员1人: one kind of the staff, not all of them
    if hit.indicator.category == SERVICE and not sentence.services.own(
        hit, figure, clause_start, sentence.context
    ):
        return True
    if code in ONE_ITEM_CODES and names_one_item(
        text[clause_start : hit.start], hit.alias, sentence.matcher.project_report
    ):
        return True
    if hit.indicator.category == STAFFING and THINGS_COUNTED.match(text, figure.end):
        return True
    if code in INCOME_CODES and BENEFICIARIES.search(text[clause_start : hit.start]):
        return True
    if code == SCORE_CODE and INDICATORS_SCORED.search(text[clause_start : hit.start]):
        return True
    # 1.XX覆盖率,目标值≥90%,完成值92%,自评得分20分: one indicator's score
    return code == SCORE_CODE and bool(INDICATOR_ROW_WORDS.search(text, 0, hit.start))


def _retargeted(
    sentence: _Sentence, hit: AliasHit, figure: Figure, scope: str
) -> tuple[Indicator, str] | None:
    """The indicator and scope the figure is of, where the words around it say another than its
    alias's (posts, not staff; a budget, not spending; a budget's part); None when it is none."""
    text, matcher, hits, heads = sentence.text, sentence.matcher, sentence.hits, sentence.heads
    indicator = hit.indicator
    if hit.alias == BUDGETED_SPENDING_ALIAS and text[: hit.start].endswith(PUBLIC_BUDGET):
        return None  # 一般公共预算支出: spending of the general public budget, not a budget
    if hit.alias in FISCAL_PART_ALIASES and not heads.budget_governs(hit.start):
        return None  # 支出…其中:一般公共预算拨款X万元: the fiscal part of spending or income, not the budget
    if hit.alias in POSTS_FILLED and any(
        hits[j].indicator.code == STAFF_CODE and hits[j].alias not in POSTS_FILLED for j in sentence.chosen
    ):
        indicator = matcher.indicators.get(POST_CODE, indicator)  # 实有编制数40人,在职人数36人: posts
    if indicator.code == STAFF_CODE and AUTHORISED_BEFORE.search(text, max(0, hit.start - 6), hit.start):
        indicator = matcher.indicators.get(POST_CODE, indicator)  # 核定编制在职人员36人: the posts authorised
    if (
        indicator.code == SPENDING_CODE
        and hit.alias in BARE_SPENDING
        and PART_MONEY_BEFORE.search(text, 0, hit.start)
    ):
        return None  # 追加预算82.25万元,支出7.48万元: the spending of that part, not the year's
    if matcher.project_report and indicator.code == FISCAL_INCOME and INCOME_WORD not in hit.alias:
        # 本年度财政拨款40.5万元 in a project or transfer report: the fiscal money it was given
        indicator = matcher.indicators.get(FISCAL_BUDGET, indicator)
    if indicator.code == BUDGET_CODE and (
        PAID_BEFORE.search(text, max(0, hit.start - 4), hit.start)
        or PAID_AFTER.match(text[hit.end : figure.start])
    ):
        # 已支付项目资金148.2万元, 项目资金已拨付270万元: money paid out
        indicator = matcher.indicators.get(SPENDING_CODE, indicator)
    elif (
        indicator.code == SPENDING_CODE
        and PASSED_DOWN.search(hit.alias)
        and FINANCE_GIVER.search(text, sentence.clause_start(hit.start), hit.start)
    ):
        # 县财政局…拨付资金150万元: what the body was given
        indicator = matcher.indicators.get(BUDGET_CODE, indicator)
    if indicator.code == SPENDING_CODE and BUDGETED_SPENDING.search(text, 0, hit.start):
        if BUDGET_CODE not in matcher.indicators:
            return None
        indicator = matcher.indicators[BUDGET_CODE]
    if indicator.code in INCOME_CODES and heads.income_budgeted(hit, sentence.clause_starts, text):
        return None  # 部门预算收入956万元,其中财政拨款收入930万元: budgeted, not received
    if (
        indicator.code == BUDGET_CODE
        and scope == DEPARTMENT
        and hit.start < sentence.initial_before
        and not ADJUSTED.search(hit.alias)
    ):
        scope = INITIAL  # 预算总额956万元,调整后预算981万元: the adjusted one is the year's
    if indicator.code in BUDGET_SPLITS and not figure.unit and not heads.any_before(hit.start):
        return None  # 基本支出:900.47, a form's cell on its own line: a budget's part or spending?
    if indicator.code in BUDGET_SPLITS and (
        heads.budget_governs(hit.start) or sentence.context.by_nature or BY_NATURE in text[: hit.start]
    ):
        # 年初预算数500万元,其中基本支出300万元: the basic part of the budget, not spending
        part = ALIAS_SCOPES[indicator.code]
        scope = part if scope == DEPARTMENT else f"{scope}+{part}"
        if BUDGET_SPLITS[indicator.code] not in matcher.indicators:
            return None
        indicator = matcher.indicators[BUDGET_SPLITS[indicator.code]]
    return indicator, scope


def _is_target(
    sentence: _Sentence, hit: AliasHit, indicator: Indicator, figure: Figure, clause_start: int
) -> bool:
    """Whether the figure is a target, not an achievement.

    A budget is the year's allocation wherever it is told, also under a heading about goals
    (绩效目标分解下达情况: 下达预算X万元); only its own clause can make it a plan, not the words of
    its alias (计划投资 is the budget). A figure after a comparison sign (满意度≥95%) is written as an
    indicator's target value; an achieved figure is told in words (达到95%以上)."""
    text, context = sentence.text, sentence.context
    alias = TARGET_WORD.sub("", text[hit.start : hit.end])  # 计划投资: the alias's own words plan nothing
    clause = text[clause_start : hit.start] + alias + text[hit.end : figure.start]
    if figure.raw.lstrip().startswith(SIGN_COMPARATORS):
        return True
    if status_told(text, figure.end):
        return False  # 投入-成本目标-预算执行率81.25%,未完成: the figure reached, its status told
    return states_target(clause) or (
        (sentence.in_target or (context.in_target_section() and not told_as_done(text[: figure.start])))
        and indicator.code not in ALLOCATION_CODES
    )


def _without_parts(facts: list[Fact], totals: list[Fact]) -> list[Fact]:
    """`facts` without the amounts a sum told after them adds up (same code, scope and target flag)."""
    summed = {(f.indicator_code, f.scope, f.is_target) for f in totals}
    return [f for f in facts if (f.indicator_code, f.scope, f.is_target) not in summed]
