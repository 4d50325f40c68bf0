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

from pipelines.extract.matching import (
    ALIAS_SCOPES,
    DEPARTMENT,
    Context,
    Matcher,
    combine_scopes,
    make_facts,
    unit_fits,
)
from pipelines.extract.numbers import find_figures
from pipelines.extract.prose.figures import choose, earlier_years
from pipelines.extract.prose.money import (
    ADJUSTED,
    ALLOCATION_CODES,
    BUDGET_CODE,
    BUDGET_SPLITS,
    BUDGETED_SPENDING,
    BY_NATURE,
    FINANCE,
    INCOME_CODES,
    INITIAL,
    MONEY_TOTAL,
    ONE_ITEM_CODES,
    SPENDING_CODE,
    MoneyHeads,
    names_one_item,
    scope_marks,
)
from pipelines.extract.prose.parts import POST_CODE, POSTS_FILLED, STAFF_CODE, STAFF_KIND, STAFFING, Parts
from pipelines.extract.prose.services import SERVICE, VENUE_SELF, Services
from pipelines.extract.prose.targets import SIGN_COMPARATORS, labelled_target, states_target, told_as_done
from pipelines.extract.text import NormalText, normalise
from pipelines.model import Fact

# In the clause before an alias, these make the figure a change against another year, not a level.
CHANGE_WORDS = ("较上年", "比上年", "同比", "较去年", "比去年", "增加", "减少", "增长", "下降")
# Indicators whose label may stand alone in a paragraph with its figure in the next one.
LABEL_CATEGORIES = (STAFFING, "evaluation")  # 人员编制 | 37; (一)自评得分 | 100分。
LIST_MARKER = re.compile(r"^(?:\d{1,2}\s*[、.．]|[(（]?[一二三四五六七八九十\d]{1,2}[)）、])\s*")
MAX_CELL = 20
SCORE_CODE = "self_eval_score"
# One indicator's row told as a sentence: its target or actual value stated (目标值≥90%, 完成值92%), not
# indicators named in general (对照…各项指标值进行打分,自评得分100分).
INDICATOR_ROW_WORDS = re.compile(r"(?:目标值|指标值|完成值)\s*(?:为|是|:|：)?\s*[≥≤><=＞＜]?\s*\d")
SENTENCE_END = re.compile(r"[。；;!?！？\n]")
CLAUSE_END = re.compile(r"[，,。；;:：!?！？\n]")
# After a figure: the figure is a condition of a rule (未达到90%的需说明原因, 超过5%的应报告).
CONDITION_AFTER = re.compile(r"\s*(?:以上|以下|及以上|及以下)?\s*的\s*[,，]?\s*(?:需|须|应|要|必须|需要)")


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


def prose_facts(text: str, locator: str, matcher: Matcher, context: Context) -> list[Fact]:
    """Facts stated in one paragraph (or one long table cell)."""
    normal = normalise(text)
    context.venue = context.venue or bool(VENUE_SELF.search(normal.text))
    facts: list[Fact] = _label_value(normal, locator, matcher, context)
    paragraph_target = labelled_target(normal.text)
    if not matcher.pattern.search(normal.text):
        return facts  # no alias anywhere in the paragraph: none in any of its sentences
    start = 0
    for end_match in [*SENTENCE_END.finditer(normal.text), None]:
        end = end_match.end() if end_match else len(normal.text)
        sentence = normal.text[start:end]
        offset, start = start, end
        hits = matcher.hits(sentence, clause_leads=True)
        if not hits:
            continue
        figures = find_figures(sentence)
        clause_starts = [m.end() for m in CLAUSE_END.finditer(sentence)]
        chosen = choose(sentence, hits, figures, clause_starts, context.money_unit)
        marks = scope_marks(sentence, hits, chosen)
        parts = Parts(sentence, hits)
        heads = MoneyHeads(sentence, hits)
        services = Services(sentence, figures)
        snippet = normal.original(offset, end).strip()
        sentence_target = labelled_target(sentence)
        stale = earlier_years(sentence, hits, chosen, clause_starts)
        adjusted = any(
            hits[i].indicator.code == BUDGET_CODE and ADJUSTED.search(hits[i].alias) for i in chosen
        )
        for i, figure in chosen.items():
            if i in stale or CONDITION_AFTER.match(sentence, figure.end):
                continue  # 执行率未达到90%的需说明原因: a rule's threshold, not a figure of the year
            hit = hits[i]
            before = bisect_right(clause_starts, hit.start)
            clause_start = clause_starts[before - 1] if before else 0
            if any(word in sentence[clause_start : hit.start] for word in CHANGE_WORDS):
                continue
            earlier = bisect_left(marks, hit.start, key=lambda mark: mark[0])
            scoped = earlier and hit.indicator.category == FINANCE  # funds scope money, not scores or staff
            scope = combine_scopes(marks[earlier - 1][1] if scoped else DEPARTMENT, hit.alias)
            final_budget = hit.indicator.code == BUDGET_CODE and bool(ADJUSTED.search(hit.alias))
            if scope == DEPARTMENT and not final_budget and (parts.is_part(hit) or parts.counts_retired(hit)):
                continue  # (the year's final budget after the parts of the first is no part)
            if (
                hit.indicator.code == STAFF_CODE
                and STAFF_KIND.search(sentence, hit.end, figure.start)
                and len(set(STAFF_KIND.findall(sentence))) > 1
            ):
                continue  # 在职在编行政人员3人,参公1人,工勤人员1人: one kind of the staff, not all of them
            if hit.indicator.category == SERVICE and not services.own(hit, figure, clause_start, context):
                continue
            if hit.indicator.code in ONE_ITEM_CODES and names_one_item(
                sentence[clause_start : hit.start], hit.alias
            ):
                continue
            indicator = hit.indicator
            if indicator.code == SCORE_CODE and INDICATOR_ROW_WORDS.search(sentence, 0, hit.start):
                continue  # 1.XX覆盖率,目标值≥90%,完成值92%,自评得分20分: one indicator's score
            if hit.alias in POSTS_FILLED and any(
                hits[j].indicator.code == STAFF_CODE and hits[j].alias not in POSTS_FILLED for j in chosen
            ):
                indicator = matcher.indicators.get(POST_CODE, indicator)  # 实有编制数40人,在职人数36人: posts
            if indicator.code == SPENDING_CODE and BUDGETED_SPENDING.search(sentence, 0, hit.start):
                if BUDGET_CODE not in matcher.indicators:
                    continue
                indicator = matcher.indicators[BUDGET_CODE]
            if indicator.code in INCOME_CODES and heads.income_budgeted(hit, clause_starts, sentence):
                continue  # 部门预算收入956万元,其中财政拨款收入930万元: budgeted, not received
            if (
                indicator.code == BUDGET_CODE
                and scope == DEPARTMENT
                and adjusted
                and not ADJUSTED.search(hit.alias)
            ):
                scope = INITIAL  # 预算总额956万元,调整后预算981万元: the adjusted one is the year's
            if indicator.code in BUDGET_SPLITS and not figure.unit and not heads.any_before(hit.start):
                continue  # 基本支出:900.47, a form's cell on its own line: a budget's part or spending?
            if indicator.code in BUDGET_SPLITS and (
                heads.budget_governs(hit.start) or context.by_nature or BY_NATURE in sentence[: hit.start]
            ):
                # 年初预算数500万元,其中基本支出300万元: the basic part of the budget, not spending
                part = ALIAS_SCOPES[indicator.code]
                scope = part if scope == DEPARTMENT else f"{scope}+{part}"
                if BUDGET_SPLITS[indicator.code] not in matcher.indicators:
                    continue
                indicator = matcher.indicators[BUDGET_SPLITS[indicator.code]]
            # A budget is the year's allocation wherever it is told, also under a heading about goals
            # (绩效目标分解下达情况: 下达预算X万元); only its own clause can make it a plan.
            # A figure after a comparison sign (满意度≥95%) is written as an indicator's target value;
            # an achieved figure is told in words (达到95%以上).
            is_target = (
                figure.raw.lstrip().startswith(SIGN_COMPARATORS)
                or states_target(sentence[clause_start : figure.start])
                or (
                    (
                        paragraph_target
                        or sentence_target
                        or (context.in_target_section() and not told_as_done(sentence[: figure.start]))
                    )
                    and indicator.code not in ALLOCATION_CODES
                )
            )
            made = make_facts(indicator, figure, scope, is_target, locator, snippet, context.money_unit)
            if indicator.unit == "CNY" and MONEY_TOTAL.search(sentence, clause_start, figure.start):
                facts = _without_parts(facts, made)
            facts.extend(made)
    return facts


def _without_parts(facts: list[Fact], totals: list[Fact]) -> list[Fact]:
    """`facts` without the amounts a sum told after them adds up (same code, scope and target flag)."""
    summed = {(f.indicator_code, f.scope, f.is_target) for f in totals}
    return [f for f in facts if (f.indicator_code, f.scope, f.is_target) not in summed]
