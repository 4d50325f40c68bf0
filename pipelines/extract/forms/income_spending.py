"""Budget blocks of provincial templates that the money block's reader does not read.

The block that sets income beside spending (some provinces' 部门(单位)整体绩效自评表):

    预算收入(万元) | 预算支出(万元)
    收入科目 | 预算数 | 执行数 | 支出科目 | 预算数 | 执行数
    财政拨款收入 | 2378.74 | 2321.9 | 人员经费 | 2036.64 | 2036.64
    ...
    合计 | 2,378.74 | 2,321.90 | 合计 | 2,378.74 | 2,378.74

The 合计 row gives the budget and spending (the spending side) and the income received (the income
side's 执行数); the 财政拨款收入 row the fiscal budget and the fiscal income received.

The split of 财政部's 部门整体支出绩效自评表 by the money's source (按收入性质分: 其中:一般公共预算: 1325.68 ...):
its 一般公共预算 row is the fiscal budget.

The allocation block of Fujian's 部门整体支出绩效自评表 (资金结构(万元), the cells often in yuan all the same):

    年初部门预算安排金额① | 历年结余结转② | 年中调整金额③ | 小计④ | 年度拨付金额⑤ | 支出实现率⑥ | 本年度结余金额⑦ | 资金结余率⑧
    财政资金小计 | 1200000 | 150000 | 0 | 1350000 | 1242000 | 92% | 108000 | 8%
    合 计 | …

(a variant folds 历年结余结转 into its first column): the 合计 row's 小计 is the budget, 年度拨付金额 the
spending, 支出实现率 the rate; the 财政资金小计 row's 小计 the fiscal budget. A row is read only when its
figures are as many as the columns and add up (小计 = the columns before it, the rate = spending ÷ 小计).

The cost-control block of a 整体支出绩效评价基础数据表 (经费控制情况(万元) | 2022年决算数 | 2023年预算数 |
2023年决算数): its 项目支出 row's last figure is the year's project spending.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from pipelines.extract.forms.money import unit_for_figures, unit_mark
from pipelines.extract.forms.tokens import MONEY_COLUMN, MONEY_ROW, TOTAL, Token
from pipelines.extract.numbers import to_canonical
from pipelines.model import Fact

INCOME_SIDE, SPENDING_SIDE = "收入科目", "支出科目"
HEADER_ROLES = ("budget", "spent", None, "budget", "spent")  # after 收入科目
UNIT_LOOK_BACK = 6  # tokens before the header where 预算收入(万元) gives the unit
BLOCK_TOKENS = 80  # tokens after the header within which its rows stand
# (side, column) -> (code, scope): the sides of the 合计 row, and of the 财政拨款收入 row
TOTAL_FACTS = {("spending", 0): ("budget_total", "department"), ("spending", 1): ("expenditure_total", "department"),
               ("income", 1): ("income_total", "department")}  # fmt: skip
FISCAL_FACTS = {0: ("budget_fiscal", "fiscal"), 1: ("income_fiscal", "fiscal")}


def read_income_and_spending(stream: list[Token], start: int) -> tuple[list[Fact], int] | None:
    """Facts of the block whose header starts at `start` (收入科目), and the index after its 合计 row;
    None when the header is not this block's or its unit or 合计 row is not found."""
    header = stream[start : start + 1 + len(HEADER_ROLES)]
    if len(header) <= len(HEADER_ROLES) or header[0].text != INCOME_SIDE or header[3].text != SPENDING_SIDE:
        return None
    if any(
        role and (t.kind != MONEY_COLUMN or t.role != role)
        for t, role in zip(header[1:], HEADER_ROLES, strict=True)
    ):
        return None
    unit = _unit_before(stream, start, UNIT_LOOK_BACK)
    if unit is None:
        return None
    end = start + len(header)
    facts: list[Fact] = []
    window = stream[end : end + BLOCK_TOKENS]
    for offset, token in enumerate(window):
        if token.kind == MONEY_ROW and token.role == "fiscal" and not facts:
            after = (
                offset + 2
                if window[offset + 1 : offset + 2] and window[offset + 1].text == "收入"
                else offset + 1
            )
            figures = _figures(window[after : after + 2])  # 财政拨款 | 收入: the label printed in two
            for column, (code, scope) in FISCAL_FACTS.items():
                if len(figures) >= 2:
                    facts.append(_fact(code, scope, figures[column], unit, token))
        if token.kind == TOTAL:
            income = _figures(window[offset + 1 : offset + 3])
            second = offset + 3
            if len(income) == 2 and second < len(window) and window[second].kind == TOTAL:
                spending = _figures(window[second + 1 : second + 3])
                if len(spending) == 2:
                    for (side, column), (code, scope) in TOTAL_FACTS.items():
                        figure = (income if side == "income" else spending)[column]
                        facts.append(_fact(code, scope, figure, unit, token))
                    return facts, end + second + 3
            return None
    return None


def _figures(tokens: list[Token]) -> list[tuple[Decimal, Token]]:
    """The leading tokens that are amounts (2,378.74), up to the first that is not."""
    figures = []
    for token in tokens:
        try:
            figures.append((Decimal(token.text.replace(",", "").replace(" ", "")), token))
        except InvalidOperation:
            break
    return figures


def _unit_before(stream: list[Token], start: int, look_back: int) -> str | None:
    """The unit a block's caption prints within `look_back` tokens before its header at `start`."""
    return next((m for t in reversed(stream[max(0, start - look_back) : start]) if (m := unit_mark(t))), None)


def _fact(code: str, scope: str, figure: tuple[Decimal, Token], unit: str, row: Token) -> Fact:
    value, token = figure
    return Fact(
        indicator_code=code, value=float(to_canonical(value, unit, "CNY")), unit="CNY", qualifier="exact",
        is_target=False, scope=scope, source_locator=token.locator, snippet=f"{row.printed} | {token.printed}",
        raw_text=f"{token.text}{unit}",
    )  # fmt: skip


# 财政部's 部门整体支出绩效自评表 splits its 年度资金总额 by the money's source (按收入性质分: 其中:一般公共预算:
# 1325.68 | 政府性基金拨款 | …) beside its nature (按支出性质分: 其中:基本支出 | 项目支出).
BY_SOURCE = "按收入性质分"
SPLIT_TOKENS = 8  # tokens after 按收入性质分 within which its 一般公共预算 row stands
FUND_ROW = "政府性基金"  # the split's other fiscal row (政府性基金拨款)
AMOUNT_WITH_UNIT = re.compile(r"^[:：]?\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)?$")


def read_by_source(stream: list[Token], start: int, unit: str | None) -> list[Fact]:
    """The fiscal budget of a department form's split by source: the 一般公共预算 row's amount, in
    its own unit or the form's (年度预算申请(万元)), where it is the whole fiscal part: 财政拨款 is
    一般公共预算 and 政府性基金 together, so with an amount on the 政府性基金 row it is left out (the
    sum is not printed). The split by nature (基本支出, 项目支出) is left out: it splits the budget
    in some forms and the spending in others."""
    block = stream[start + 1 : start + 1 + 2 * SPLIT_TOKENS]
    if any(_amount(after) for token, after in pairwise(block) if FUND_ROW in token.text):
        return []
    for offset, token in enumerate(stream[start + 1 : start + 1 + SPLIT_TOKENS], start + 1):
        if token.kind == MONEY_ROW and token.role == "fiscal" and offset + 1 < len(stream):
            figure = _amount_figure(stream[offset + 1])
            if figure is None or not (figure["unit"] or unit):
                return []
            amount = Decimal(figure["amount"].replace(",", ""))
            return [
                _fact("budget_fiscal", "fiscal", (amount, stream[offset + 1]), figure["unit"] or unit, token)
            ]
    return []


def _amount_figure(token: Token) -> re.Match[str] | None:
    """A split row's amount cell (`:118.82`, `拨款:118.82`, `118.82万元`) with its unit, if it holds one."""
    return AMOUNT_WITH_UNIT.match(token.text.removeprefix("拨款"))


def _amount(token: Token) -> Decimal:
    """A split row's amount, 0 where the cell holds none."""
    figure = _amount_figure(token)
    return Decimal(figure["amount"].replace(",", "")) if figure else Decimal(0)


# The 经费控制情况 block of a 整体支出绩效评价基础数据表: last year's 决算, this year's 预算 and 决算.
COST_CONTROL = "经费控制情况"
YEAR_COLUMNS = re.compile(r"(\d{4})年决算数(\d{4})年预算数(\d{4})年决算数")
HEADER_TOKENS = 10  # tokens after the caption that hold the unit and the year columns
PROJECT_ROW = "项目支出"


def read_cost_control(stream: list[Token], start: int) -> list[Fact]:
    """项目支出 | 874.20 | 308.17 | 1025.20 under 上年决算数 | 本年预算数 | 本年决算数: the year's project
    spending is the last figure (the first is last year's, the second a budget)."""
    head = stream[start + 1 : start + 1 + HEADER_TOKENS]
    columns = YEAR_COLUMNS.search("".join(t.text.replace(" ", "") for t in head))
    if not columns or not int(columns[1]) + 1 == int(columns[2]) == int(columns[3]):
        return []
    unit = next((m for t in head if (m := unit_mark(t))), None) or next(
        (u for t in head for u in ("万元", "元") if u in t.text), None
    )
    if unit is None:
        return []
    for offset, token in enumerate(stream[start : start + BLOCK_TOKENS]):
        if token.text.strip(" :：") == PROJECT_ROW:
            at = start + offset
            figures = _figures(stream[at + 1 : at + 4])
            if len(figures) == 3:
                return [_fact("expenditure_project", "department", figures[2], unit, token)]
            return []
    return []


ALLOCATION_HEADER = "年初部门预算安排金额"
# The block's columns by the words of their labels, in the order the form prints them.
ALLOCATION_COLUMNS = (
    ("initial", re.compile(r"^年初部门预算安排金额")),
    ("carry_over", re.compile(r"^历年结余结转")),
    ("adjusted", re.compile(r"^年中调整金额")),
    ("budget", re.compile(r"^小计")),
    ("spent", re.compile(r"^年度拨付金额")),
    ("rate", re.compile(r"^支出实现率")),
    ("balance", re.compile(r"^本?年?度?结余金额")),
    ("balance_rate", re.compile(r"^资金结余率")),
)
ALLOCATION_TOKENS = 120  # tokens after the header within which its rows stand
ALLOCATION_UNIT_LOOK_BACK = 10
FIGURE_CELL = re.compile(r"^(?P<number>\d[\d,]*(?:\.\d+)?)%?$")
ALLOCATION_SUM_TOLERANCE = Decimal("0.005")
ALLOCATION_RATE_TOLERANCE = Decimal(1)  # percentage points: 92% printed for 91.6
ALLOCATION_ROWS = {"total": (("budget_total", "budget", "department"), ("expenditure_total", "spent", "department")),
                   "fiscal": (("budget_fiscal", "budget", "fiscal"),)}  # fmt: skip
FISCAL_SUBTOTAL = "财政资金小计"
TOTAL_ROW = "合计"


def read_allocation_block(stream: list[Token], start: int) -> list[Fact]:
    """Facts of a Fujian allocation block whose header starts at `start` (see the module docstring)."""
    columns: list[str] = []
    index = start
    while index < min(len(stream), start + ALLOCATION_TOKENS):
        role = next((r for r, label in ALLOCATION_COLUMNS if label.match(stream[index].text)), None)
        if role is None and columns and _row_label(stream, index):
            break
        if role is not None and role not in columns:
            columns.append(role)
        index += 1
    if not {"budget", "spent", "rate"} <= set(columns):
        return []
    unit = _unit_before(stream, start, ALLOCATION_UNIT_LOOK_BACK) or "万元"
    facts: list[Fact] = []
    while index < min(len(stream), start + ALLOCATION_TOKENS):
        kind, after = _row_label(stream, index) or (None, index + 1)
        if kind is None:
            index += 1
            continue
        cells = stream[after : after + len(columns)]
        values = [FIGURE_CELL.match(t.text.replace(" ", "")) for t in cells]
        if len(cells) == len(columns) and all(values):
            row = {
                role: (Decimal(v["number"].replace(",", "")), t)
                for role, v, t in zip(columns, values, cells, strict=True)
            }
            if _adds_up(row):
                row_unit = unit_for_figures(unit, max(v for v, _ in row.values()))
                facts.extend(
                    _fact(code, scope, row[role], row_unit, stream[index])
                    for code, role, scope in ALLOCATION_ROWS[kind]
                )
                if kind == "total":
                    facts.append(_rate_fact(row["rate"], stream[index]))
        index = after
    return facts


def _row_label(stream: list[Token], index: int) -> tuple[str, int] | None:
    """The kind of the row whose label starts at `index` (total, fiscal) and the index after its label."""
    text = stream[index].text.replace(" ", "")
    following = stream[index + 1].text if index + 1 < len(stream) else ""
    if text == TOTAL_ROW:
        return "total", index + 1
    if text == "合" and following == "计":
        return "total", index + 2
    if text == FISCAL_SUBTOTAL:
        return "fiscal", index + 1
    if text + following == FISCAL_SUBTOTAL:
        return "fiscal", index + 2
    return None


def _adds_up(row: dict[str, tuple[Decimal, Token]]) -> bool:
    """小计 the sum of the columns before it, the rate spending ÷ 小计 (in percent)."""
    value = {role: number for role, (number, _) in row.items()}
    parts = sum(value[r] for r in ("initial", "carry_over", "adjusted") if r in value)
    budget, spent = value["budget"], value["spent"]
    if budget <= 0 or abs(parts - budget) > budget * ALLOCATION_SUM_TOLERANCE:
        return False
    return abs(spent / budget * 100 - value["rate"]) <= ALLOCATION_RATE_TOLERANCE


def _rate_fact(rate: tuple[Decimal, Token], row: Token) -> Fact:
    value, token = rate
    return Fact(
        indicator_code="budget_execution_rate", value=float(value), unit="percent", qualifier="exact",
        is_target=False, scope="department", source_locator=token.locator,
        snippet=f"{row.printed} | {token.printed}", raw_text=token.text,
    )  # fmt: skip
