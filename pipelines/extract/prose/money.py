"""Money in running text: whose figure it is and which one.

Scope words (财政拨款, 其他资金 ...) and aliases with no figure of their own (基本支出 in 基本支出的全年
预算数) scope the money figures after them in the sentence (`scope_marks`); 基本支出 / 项目支出 after a
budget word split the budget (budget_total of scope basic / project), also inside a form's split by
nature (`see_budget_split`); budgeted income (预算收入) is no income (`MoneyHeads`); a budget beside an
adjusted budget is the initial one (ADJUSTED); one project's or fund's figure (免费开放项目支出, 某某项目
执行率) is not the department's (`names_one_item`). A project or transfer report may tell its budget
without an alias: as the checked sum of its funds (`sum_of_funds`) or as a fund passed on whole
(`fund_passed_whole`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from pipelines.extract.matching import (
    ALIAS_SCOPES,
    DEPARTMENT,
    SCOPE_WORDS,
    AliasHit,
    Context,
    Matcher,
    make_facts,
)
from pipelines.extract.numbers import MONEY_FACTORS, Figure, to_canonical
from pipelines.extract.prose.figures import BRACKET_SPAN, SENTENCE_END
from pipelines.extract.prose.parts import OF_WHICH
from pipelines.extract.prose.targets import HEADING
from pipelines.model import Fact

FINANCE = "finance"
# A sum told after its parts (甲项目40万元;乙项目25万元。共计下达65万元): the amounts of that code
# before it in the paragraph were its parts.
MONEY_TOTAL = re.compile(r"共计|合计|总计|累计|共下达|共安排|共拨付")
# Codes whose alias after a project's or fund's name (免费开放项目支出) is that item's figure.
ONE_ITEM_CODES = ("expenditure_project", "budget_execution_rate")
ITEM_WORDS = ("项目", "专项资金", "资金", "经费")
# Words before 项目 / 资金 that name no particular item (其中项目支出, 财政资金执行率, 本年项目支出).
NEUTRAL_BEFORE_ITEM = (
    "其中", "本年", "全年", "年度", "当年", "拨款", "财政", "部门", "单位", "整体", "全部", "所有", "各",
    "的", "及", "和", "与", "是", "为", "年", "中",
)  # fmt: skip
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
INCOME_CODES = ("income_total", "income_fiscal")
BUDGET_CODE = "budget_total"
ALLOCATION_CODES = (BUDGET_CODE, "budget_fiscal")
ADJUSTED = re.compile(r"调整|实际下达")  # the year's final budget: others in its sentence were the first
# An adjustment told after a budget, in words no alias holds (收入预算为1116万元,经调整,全年预算安排收入为1449万元):
# that budget was the first one.
ADJUSTED_LATER = re.compile(r"经调整|调整后|调整为")
INITIAL = "initial"
# 基本支出 / 项目支出 after a budget word split the budget: they are that budget's parts.
BY_NATURE = "按支出性质分"
AFTER_MONEY_BLOCK = ("总体目标", "绩效指标", "一级指标")
BUDGET_SPLITS = {"expenditure_basic": "budget_total", "expenditure_project": "budget_total"}
BUDGET_WORDS = re.compile(r"(?<!一般公共)预算(?!执行|单位)|安排")
SPENDING_WORDS = re.compile(r"(?<!预算)(?<!预算总)支出|决算|执行|实际|支付|使用|开支|花费")
# Spending in a budget's words (部门预算总支出729.95万元): the budget, not what was spent.
BUDGETED_SPENDING = re.compile(r"预算总?$")
# The budget's alias 预算支出 (预算支出95.2万元), except in 一般公共预算支出: spending of that budget.
BUDGETED_SPENDING_ALIAS, PUBLIC_BUDGET = "预算支出", "公共"
# A part of the year's money stated before a bare 支出 in its sentence (追加预算82.25万元,支出7.48万元;
# 安排专项资金5.6万元,支出1.51万元): that spending is the part's.
BARE_SPENDING = ("支出",)
PART_MONEY_BEFORE = re.compile(
    r"(?:追加|专项)[\u4e00-\u9fff]{0,6}?\d+(?:\.\d+)?\s*(?:万元|元|亿元)[,，、]?\s*$"
)
SPENDING_CODE = "expenditure_total"
CARRY_OVER = "carry_over"
THIS_YEARS_CLAUSE = re.compile(
    r"[,，;；]\s*(?:(?:19|20)\d{2}|本|当)年(?!底|末)"
)  # a clause of the year's own money
SCOPE_PATTERN = re.compile("|".join(re.escape(w) for w in sorted(SCOPE_WORDS, key=len, reverse=True)))
# Where all the money came from (经费来源为财政补助收入, 全部为财政资金): said of the whole, no scope of
# the figures after it.
SOURCE_TOLD = re.compile(r"(?:来源为|来源于|来源是|全部为|均为|全部是|全部来源于)$")
# An alias of a whole (本年总收入, 支出合计) after other scopes' figures: the body's whole again
# (本年财政拨款80万元,事业收入30万元,本年总收入110万元).
WHOLE_ALIAS = re.compile(r"总|合计")
# A scope word that is itself the alias of income with its own figure (财政拨款95.2万元) scopes that
# figure only: money told after it in the sentence is the body's.
SCOPES_ONLY_ITS_FIGURE = ("income_fiscal",)
DIGIT = re.compile(r"\d")


def see_budget_split(text: str, context: Context) -> None:
    """Track a form's budget split by nature (年度预算申请 … 按支出性质分: 基本支出 / 项目支出): its parts
    are the budget's, not spending; the split ends where the form's goals or indicators begin."""
    if BY_NATURE in text:
        context.by_nature = True
    elif HEADING.match(text) or any(word in text for word in AFTER_MONEY_BLOCK):
        context.by_nature = False


def scope_marks(text: str, hits: list[AliasHit], chosen: dict[int, Figure]) -> list[tuple[int, str]]:
    """Positions in a sentence where a scope starts."""
    marks = [
        (m.start(), SCOPE_WORDS[m.group(0)])
        for m in SCOPE_PATTERN.finditer(text)
        if not SOURCE_TOLD.search(text, 0, m.start())
    ]
    for i, hit in enumerate(hits):
        scope = ALIAS_SCOPES.get(hit.indicator.code)
        if scope and i not in chosen and i + 1 < len(hits) and not SOURCE_TOLD.search(text, 0, hit.start):
            marks.append((hit.start, scope))
    marks.sort()
    for i, hit in enumerate(hits):
        if (
            i in chosen
            and hit.indicator.code in SCOPES_ONLY_ITS_FIGURE
            and any(p == hit.start for p, _ in marks)
        ):
            marks.append((chosen[i].end, DEPARTMENT))  # 财政拨款95.2万元,预算支出95.2万元: the whole's budget
    marks.sort()
    for i, hit in enumerate(hits):
        before = [(position, scope) for position, scope in marks if position < hit.start]
        if i in chosen and WHOLE_ALIAS.search(hit.alias) and before and before[-1][1] != DEPARTMENT:
            digits = [m.end() for m in DIGIT.finditer(text, before[-1][0], hit.start)]
            if digits:  # a figure stood between its scope word and it: the whole again after that figure
                marks.append((digits[-1], DEPARTMENT))
    marks.sort()
    for clause in THIS_YEARS_CLAUSE.finditer(text):
        before = [scope for position, scope in marks if position <= clause.start()]
        if before and before[-1] == CARRY_OVER:
            marks.append((clause.start(), DEPARTMENT))  # 上年结转2万元,2021年下达3万元: this year's again
    marks.sort()
    for start, end in (m.span() for m in BRACKET_SPAN.finditer(text)):
        if any(start < position < end for position, _ in marks):
            outside = [scope for position, scope in marks if position < start]
            marks.append((end, outside[-1] if outside else DEPARTMENT))  # (含上年结转20万元): inside only
    return sorted(marks)


def names_one_item(before: str, alias: str, project_report: bool = False) -> bool:
    """Whether the words before an alias name one project or fund (免费开放项目支出, 图书购置项目执行率,
    某某专项资金执行率): its figure is that item's, not the department's nor the whole report's. In a
    project or transfer report, item words alone opening the clause (项目资金执行率) are its own."""
    stem = before
    if not alias.startswith(ITEM_WORDS):
        item = next((word for word in ITEM_WORDS if before.endswith(word)), None)
        if item is None:
            return False
        stem = before[: -len(item)]
    if project_report:
        while item := next((word for word in ITEM_WORDS if stem.endswith(word)), None):
            stem = stem[: -len(item)]
    if not stem or not _CJK_CHAR.match(stem[-1]):
        return False  # 项目支出 / 项目执行率 opening a clause: the report's own
    return not stem.endswith(NEUTRAL_BEFORE_ITEM)


# The fiscal part of whatever money the sentence is about: the budget's only under a budget head
# (年初预算数305.54万元,其中:一般公共预算拨款305.54万元), else left out (income or spending).
FISCAL_PART_ALIASES = ("一般公共预算拨款",)


class MoneyHeads:
    """Whether the money words before a point of a sentence are about a budget (预算, 安排) or about
    spending (支出, 决算, 执行 ...): 基本支出 / 项目支出 figures split whichever came last."""

    def __init__(self, sentence: str, hits: list[AliasHit]) -> None:
        own = [(h.start, h.end) for h in hits if h.indicator.code in BUDGET_SPLITS]
        self.budget = [m.start() for m in BUDGET_WORDS.finditer(sentence)]
        self.spending = []
        for m in SPENDING_WORDS.finditer(sentence):
            index = bisect_right(own, (m.start(), len(sentence)))
            if not (index and own[index - 1][0] <= m.start() < own[index - 1][1]):
                self.spending.append(m.start())  # 支出 inside 基本支出 itself is no head

    def budget_governs(self, position: int, since: int = 0) -> bool:
        """Whether the last money word before `position` (and after `since`) is a budget word."""
        budget = bisect_left(self.budget, position)
        spending = bisect_left(self.spending, position)
        last_budget = self.budget[budget - 1] if budget else -1
        last_spending = self.spending[spending - 1] if spending else -1
        return last_budget > last_spending and last_budget >= since

    def any_before(self, position: int) -> bool:
        """Whether any money word, budget or spending, stands before `position`."""
        return bool(self.budget and self.budget[0] < position) or bool(
            self.spending and self.spending[0] < position
        )

    def income_budgeted(self, hit: AliasHit, clause_starts: list[int], sentence: str) -> bool:
        """An income figure in a clause about a budget (部门预算收入X万元, 其中财政拨款收入Y万元)."""
        index = bisect_right(clause_starts, hit.start)
        start = clause_starts[index - 1] if index else 0
        if sentence.startswith("其中", start) and index:
            start = clause_starts[index - 2] if index > 1 else 0  # 其中 continues the clause before
        return self.budget_governs(hit.start, start)


FISCAL_INCOME, FISCAL_BUDGET, INCOME_WORD = "income_fiscal", "budget_fiscal", "收入"
PAYING = "拨付|使用|兑付|发放"  # verbs of money paid out, with 支付
# A payment verb right before a budget's alias (已支付项目资金, 使用项目资金): the money paid out of it.
PAID_BEFORE = re.compile(rf"(?:(?<!转移)支付|{PAYING})$")
# Between a fund's name and its figure: the money was paid out (项目资金已拨付270万元), spending.
PAID_AFTER = re.compile(rf"\s*(?:目前|现)?\s*(?:已|均已|已经)\s*(?:全部|累计)?\s*(?:支付|{PAYING})\s*$")
# Money a finance bureau passes down (县财政局于…拨付资金150万元): what the body was given, not spent.
PASSED_DOWN = re.compile(r"拨付|下拨")
FINANCE_GIVER = re.compile(r"财政(?:局|厅|部)")


# The funds of a project or fund told one by one, then their sum (省级拨付40万元,中央拨付12万元,上年结余3.5万元,
# 共计55.5万元): the sum is the year's budget, where the amounts before it add up to it and no word
# of spending stands among them.
SUM_WORD = re.compile(r"(?:共计|合计|总计)\s*(?:为|是)?\s*$")
FUND_WORDS = re.compile(r"下达|拨付|下拨|安排|补助|资金|预算|争取")
SPENT_WORDS = re.compile(r"支出|使用|支付|执行|完成|发放|兑付")
SUM_TOLERANCE = 0.005


def sum_of_funds(
    text: str, figures: list[Figure], matcher: Matcher, locator: str, snippet: str
) -> list[Fact]:
    """The budget a project or transfer report states as the sum of its funds told before it."""
    budget = matcher.indicators.get(BUDGET_CODE)
    if budget is None:
        return []
    money = [f for f in figures if f.unit in MONEY_FACTORS]
    for index, total in enumerate(money):
        parts = money[:index]
        if len(parts) < 2 or not SUM_WORD.search(text, 0, total.start):
            continue
        before = text[: total.start]
        if SPENT_WORDS.search(before) or not FUND_WORDS.search(before):
            return []
        values = [float(to_canonical(f.value, f.unit, "CNY")) for f in (*parts, total)]
        if abs(sum(values[:-1]) - values[-1]) <= SUM_TOLERANCE * values[-1]:
            return make_facts(budget, total, DEPARTMENT, False, locator, snippet)
    return []


# A fund's amount told with all of it passed on or spent (…补助资金820万元,全部在规定时限内及时下达拨付;
# …资金1250万元全部执行到位, …专项资金92.4万元,全额拨付到位): the fund's budget, and where all of it was executed, its spending too.
FUND_BEFORE = re.compile(r"(?:资金|经费)\s*(?:共计|合计)?\s*$")
ALL_OF_IT = re.compile(
    r"\s*[,，]?\s*(?:已|均)?(?:全部|全额|足额)(?:在[^,，。;；]{0,12})?(?:及时)?(?P<verb>下达|拨付|分配|执行|支出)"
)
SPENT_VERBS = ("执行", "支出")


def fund_passed_whole(
    text: str, figures: list[Figure], matcher: Matcher, locator: str, snippet: str
) -> list[Fact]:
    """The budget (and spending) a project or transfer report tells as a fund passed on whole."""
    for figure in figures:
        if figure.unit not in MONEY_FACTORS or not FUND_BEFORE.search(text, 0, figure.start):
            continue
        if OF_WHICH.search(text, 0, figure.start):
            return []  # …,其中XX资金20万元全部拨付: a part passed on whole
        if whole := ALL_OF_IT.match(text, figure.end):
            codes = [BUDGET_CODE] + ([SPENDING_CODE] if whole["verb"] in SPENT_VERBS else [])
            return [
                fact
                for code in codes
                if code in matcher.indicators
                for fact in make_facts(matcher.indicators[code], figure, DEPARTMENT, False, locator, snippet)
            ]
    return []


# A fund's total told before its parts (纳入绩效评价的资金共43485.32万元,其中:中央资金10401.21万元,地方资金
# 33084.11万元): where nothing else in a project or transfer report names its budget, the total whose
# parts after 其中 add up to it. Not a total inside brackets, of money spent, or with spent parts.
THEN_PARTS = re.compile(r"\s*[,，;；。:：]?\s*其中\s*[,，:：]?")
FUND_TOLD = re.compile(r"资金|经费|投资|预算")
MAX_PARTS = 12


def total_before_parts(text: str, figures: list[Figure]) -> tuple[Figure, list[Figure]] | None:
    """The first money figure of a paragraph about a fund that its parts after 其中 add up to, and
    those parts."""
    money = [f for f in figures if f.unit in MONEY_FACTORS]
    for index, total in enumerate(money):
        then = THEN_PARTS.match(text, total.end)
        if then is None:
            continue
        sentence_start = max((m.end() for m in SENTENCE_END.finditer(text, 0, total.start)), default=0)
        before = text[sentence_start : total.start]
        if not FUND_TOLD.search(before) or SPENT_WORDS.search(before):
            continue
        whole = float(to_canonical(total.value, total.unit, "CNY"))
        added = 0.0
        for count, part in enumerate(money[index + 1 : index + 1 + MAX_PARTS], start=index + 2):
            if SPENT_WORDS.search(text, then.end(), part.start):
                break
            added += float(to_canonical(part.value, part.unit, "CNY"))
            if abs(added - whole) <= SUM_TOLERANCE * whole:
                return total, money[index + 1 : count]
            if added > whole:
                break
    return None


# Spending told in bare words after a budget, checked by the rate the sentence states (年度预算800万元,
# 执行520万元,执行率65%; 批复支出预算1200.00万元,实际执行支出预算1140.00万元,执行率为95%).
SPENT_IN_CLAUSE = re.compile(r"执行|支出|支付|使用|拨付|决算")


def spending_by_rate(
    text: str,
    figures: list[Figure],
    budget: Figure,
    rate: Figure,
    taken: set[int],
    clause_start: Callable[[int], int],
) -> Figure | None:
    """The money figure after a budget, in a clause of spending words and taken by no alias, that is
    the budget times the sentence's execution rate (to the rate's printed precision); `clause_start`
    gives where the clause of a position starts."""
    whole = float(to_canonical(budget.value, budget.unit or "元", "CNY"))
    exponent = rate.value.as_tuple().exponent
    tolerance = 0.5 * 10 ** (exponent if isinstance(exponent, int) else 0) + 0.01
    for figure in figures:
        if figure.unit not in MONEY_FACTORS or figure.start <= budget.end or figure.start in taken:
            continue
        if not SPENT_IN_CLAUSE.search(text, max(budget.end, clause_start(figure.start)), figure.start):
            continue
        spent = float(to_canonical(figure.value, figure.unit, "CNY"))
        if whole > 0 and abs(spent / whole * 100 - float(rate.value)) <= tolerance:
            return figure
    return None


# A fund's own money: a money figure right after the fund's name (补助资金合计800万元), with no spending
# or part word (已支出, 其中, 到位, 结余) before it in its clause; told as a sum (合计, 共计), or checked by
# the sentence's rate with its spending (收到补助资金合计800万元,已支出520万元,资金支付率65%).
FUND_NAMED_BEFORE = re.compile(
    r"(?:资金|经费)(?:[(（][^()（）]{1,20}[)）])?\s*(?:共计|合计|总计|总额|共)?\s*(?:为|是)?\s*[:：]?\s*$"
)
FUND_SUM_BEFORE = re.compile(
    r"(?:资金|经费)(?:[(（][^()（）]{1,20}[)）])?\s*(?:共计|合计|总计|总额)\s*(?:为|是)?\s*[:：]?\s*$"
)
NOT_THE_FUNDS_OWN = re.compile(r"其中|到位|结余|结转|收入")


def _funds_own(text: str, figure: Figure, clause_start: Callable[[int], int], named: re.Pattern) -> bool:
    """Whether `figure` is money right after a fund's name as `named` reads it, with no spending or part
    word before it in its clause."""
    if figure.unit not in MONEY_FACTORS:
        return False
    start = clause_start(figure.start)
    return (
        named.search(text, start, figure.start) is not None
        and SPENT_IN_CLAUSE.search(text, start, figure.start) is None
        and NOT_THE_FUNDS_OWN.search(text, start, figure.start) is None
    )


def fund_sum(text: str, figures: list[Figure], clause_start: Callable[[int], int]) -> Figure | None:
    """The first money figure told as a fund's sum (…补助资金共计4470万元)."""
    return next((f for f in figures if _funds_own(text, f, clause_start, FUND_SUM_BEFORE)), None)


def fund_and_spending_by_rate(
    text: str,
    figures: list[Figure],
    rate: Figure,
    taken: set[int],
    clause_start: Callable[[int], int],
) -> tuple[Figure, Figure] | None:
    """A fund's own money before the sentence's rate, taken by no alias, and the spending after it that
    is it times that rate (`spending_by_rate`)."""
    for figure in figures:
        if figure.start in taken or figure.start > rate.start:
            continue
        if not _funds_own(text, figure, clause_start, FUND_NAMED_BEFORE):
            continue
        spent = spending_by_rate(text, figures, figure, rate, taken, clause_start)
        if spent is not None:
            return figure, spent
    return None
