"""The money block of a form: its header, its rows aligned to the header, its facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from heapq import merge
from itertools import combinations, product
from math import comb

from pipelines.extract.forms.tokens import (
    CAPTION,
    COLUMN_UNIT,
    EMPTY_CELL,
    MONEY_COLUMN,
    MONEY_ROW,
    POINTS,
    UNIT_MARK,
    Token,
)
from pipelines.extract.matching import (
    WAN_HEADER_CEILING,
)
from pipelines.extract.numbers import RATIO_PLACES, percent_of_ratio, printed_decimals, to_canonical
from pipelines.model import Fact

# ---------------------------------------------------------------------------------------------
# Money rows


@dataclass(frozen=True)
class Cell:
    """A figure of a money row (or an empty cell printed as a dash)."""

    value: Decimal | None  # None: a printed empty cell (—, /)
    percent: bool = False
    raw: str = ""
    token: int = 0  # which of the row's value tokens it was read from


NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,6})?")
FIGURE_RUN = re.compile(r"^[\d.,%]+$")
CELL_WITH_UNIT = re.compile(r"^(\d[\d.,]*)(万元|元|亿元|万)$")
CELL_UNITS = {"万": "万元"}  # 3359.62万: 万元 with 元 left out
ENUMERATION = re.compile(r"^\d{1,2}[.、]$")  # a list item's number (1.), not a figure
LEADING_FIGURES = re.compile(r"^\d[\d.,%]*(?=[\u4e00-\u9fff])")
# Figures and printed empty cells run together (100.00%//, —100%—): each piece is a cell.
# Possessive (`*+`, `++`): a run of digits is one figure and a run of dashes one cell, not the many
# ways of cutting it into several that a failed match would try one by one (26 digits: seconds).
FIGURES_AND_DASHES = re.compile(r"(?:\d[\d.,%]*+|[-—–/\\]++)+")
FIGURE_OR_DASHES = re.compile(r"\d[\d.,%]*|[-—–/\\]+")


MAX_RATE = Decimal(1000)


def _single_cell(run: str) -> bool:
    """Whether a run of digits reads as one cell: at most one decimal point, a % only at its end,
    and a rate not beyond any execution rate (303010100% is cells printed together)."""
    body = run.removesuffix("%")
    if "%" in body or body.count(".") > 1 or not NUMBER.fullmatch(body):
        return False
    return not run.endswith("%") or Decimal(body) <= MAX_RATE


# A run split more ways than this is not split: real forms' glued cells give up to about 16,000 splits
# (four cells glued: 1357.241357.241357.2410100%), 28 digits with no point in them 400,000. A row whose
# readings would take more than MAX_PLACEMENTS placements in the columns is not read (real rows: up to
# about 11,000). Left unbounded, both grow steeply with the run: seconds a row at 20 digits, hours at 40.
MAX_READINGS = 20_000
MAX_PLACEMENTS = 60_000


def _figure_ends(run: str, start: int) -> list[tuple[int, int]]:
    """Where a figure starting at `start` may end, longest first, with where the next one starts (past
    a % that ends it)."""
    return [
        (end, end + run.startswith("%", end))
        for end in range(len(run), start, -1)
        if NUMBER.fullmatch(run, start, end)
    ]


def _split_count(run: str, max_pieces: int) -> int:
    """How many ways `_numbers_of_run` would split `run` into at most `max_pieces` figures (counted,
    not listed)."""
    ways = [[0] * (max_pieces + 1) for _ in range(len(run) + 1)]  # ways[start][pieces left]
    ways[len(run)] = [1] * (max_pieces + 1)
    for start in range(len(run) - 1, -1, -1):
        ends = _figure_ends(run, start)
        for pieces in range(1, max_pieces + 1):
            ways[start][pieces] = sum(ways[following][pieces - 1] for _, following in ends)
    return ways[0][max_pieces]


@lru_cache(maxsize=1024)  # a row is aligned by the form's rules and the table rules alike
def _numbers_of_run(run: str, max_pieces: int, split_single: bool = False) -> tuple[tuple[Cell, ...], ...]:
    """Ways to read a run of digits as a sequence of figures: the run itself when it reads as one
    cell (and, with `split_single`, its splits too), else every split into figures (a % ends the
    figure it follows); no split when there are more than MAX_READINGS. Separators are dropped."""
    run = run.replace(",", "")
    results: list[tuple[Cell, ...]] = []
    if _single_cell(run):
        percent = run.endswith("%")
        results.append((Cell(Decimal(run.removesuffix("%")), percent, run),))
        if not split_single:
            return tuple(results)
    if _split_count(run, max_pieces) > MAX_READINGS:
        return tuple(results)
    splits: dict[tuple[int, int], list[tuple[Cell, ...]]] = {}  # (start, pieces left) -> its readings

    def split(start: int, pieces: int) -> list[tuple[Cell, ...]]:
        """The readings of run[start:] in at most `pieces` figures, longest first figure first (each
        rest of the run is split once, however many ways lead to it)."""
        if start == len(run):
            return [()]
        if pieces <= 0:
            return []
        if (start, pieces) not in splits:
            found: list[tuple[Cell, ...]] = []
            for end, following in _figure_ends(run, start):
                head, percent = run[start:end], following > end
                cell = Cell(Decimal(head), percent, head + ("%" if percent else ""))
                found.extend((cell, *rest) for rest in split(following, pieces - 1))
            splits[(start, pieces)] = found
        return splits[(start, pieces)]

    results.extend(split(0, max_pieces))
    return (
        (results[0], *(r for r in results[1:] if len(r) > 1)) if split_single and results else tuple(results)
    )


def row_readings(values: list[str], max_pieces: int, split_single: bool = False) -> list[list[Cell]]:
    """Every reading of a row's value tokens as a sequence of cells (a glued token may split; with
    `split_single`, even one that reads as one figure); none when there are more than MAX_READINGS
    or when their placements in `max_pieces` columns would be more than MAX_PLACEMENTS."""
    readings: list[list[Cell]] = [[]]
    for index, value in enumerate(values):
        text = value.replace(" ", "")
        if EMPTY_CELL.match(text):
            options = ((Cell(None, raw=text),),)
        elif FIGURE_RUN.match(text) and text[0].isdigit():
            options = _numbers_of_run(text, max_pieces, split_single)
        else:
            return []  # text in a money row: not a row of figures
        sizes = [0] * (max_pieces + 1)  # how many options have so many cells
        for option in options:
            if len(option) <= max_pieces:
                sizes[len(option)] += 1
        room = [sum(sizes[: free + 1]) for free in range(max_pieces + 1)]  # options of at most so many
        if not 0 < sum(room[max_pieces - len(r)] for r in readings) <= MAX_READINGS:
            return []
        by_cells: list[list[tuple[int, list[Cell]]]] = [[] for _ in range(max_pieces + 1)]
        for order, option in enumerate(options):  # options by their number of cells, in order
            if len(option) <= max_pieces:
                by_cells[len(option)].append(
                    (order, [Cell(c.value, c.percent, c.raw, index) for c in option])
                )
        readings = [
            r + o
            for r in readings
            for _, o in merge(*by_cells[: max_pieces - len(r) + 1], key=lambda o: o[0])
        ]
    if sum(comb(max_pieces, len(r)) for r in readings) > MAX_PLACEMENTS:
        return []
    return readings


# What a missing cell costs an alignment: 年初预算数 and 得分 are often left empty, a budget rarely;
# a column of the template's own that this reader does not know (统筹整合资金数) often.
ROW_NUMBER, OTHER = "row_number", "other"  # the 行次 column; a column of unknown meaning (other1, other2 ...)
MISSING_COST = {"initial": 0.4, "score": 0.4, "spent": 1.0, "weight": 0.8, "rate": 0.8, "budget": 1.2}
OTHER_MISSING_COST = 0.5
MAX_ROW_NUMBER = 99
RATE_TOLERANCE = Decimal("0.6")  # percentage points between a printed rate and spent / budget
USUAL_WEIGHT = Decimal(10)


def _fits(role: str, cell: Cell) -> bool:
    if cell.value is None or role.startswith(OTHER):
        return True
    if role == ROW_NUMBER:
        return not cell.percent and cell.value % 1 == 0 and 0 < cell.value <= MAX_ROW_NUMBER
    if role == "rate":  # without its % sign only where the row's amounts confirm it (`_rate_confirmed`)
        return cell.value <= MAX_RATE
    if cell.percent:
        return False
    if role == "weight":  # whole points
        return cell.value <= 100 and cell.value % 1 == 0
    if role == "score":
        return cell.value <= 100
    return True


def _rate_confirmed(assigned: dict[str, Cell]) -> bool:
    """A rate printed without its % sign (执行率 | 20) is one only where spent / budget gives it."""
    rate = assigned.get("rate")
    if rate is None or rate.value is None or rate.percent:
        return True
    budget = assigned.get("budget") or assigned.get("initial")
    spent = assigned.get("spent")
    if budget is None or spent is None or not budget.value or spent.value is None:
        return False
    return _rate_agrees(budget.value, spent.value, rate.value) or _fraction_agrees(
        budget.value, spent.value, rate
    )


def _rate_agrees(budget: Decimal, spent: Decimal, rate: Decimal) -> bool:
    """Whether spent / budget gives the printed rate (percentage points within RATE_TOLERANCE)."""
    return abs(spent / budget * 100 - rate) <= RATE_TOLERANCE


def _fraction_agrees(budget: Decimal, spent: Decimal, rate: Cell) -> bool:
    """Whether a rate printed as a fraction (执行率 | 0.97, | 0.1) is spent / budget rounded to its
    printed decimals."""
    places = printed_decimals(rate.raw)
    if rate.percent or rate.value is None or rate.value > 1 or not places:
        return False
    return (spent / budget).quantize(Decimal(1).scaleb(-places)) == rate.value


AMOUNT_ROLES = ("initial", "budget", "spent")
CEILING_SLACK = Decimal("1.005")
SPLIT_COST = 0.3  # per cell more than the row's tokens: a reading with fewer splits is likelier
DECIMALS_COST = 1.0  # per extra count of decimals among the amounts of a split reading


def _alignment_score(columns: list[str], assigned: dict[str, Cell], splits: int = 0) -> float:
    score = -sum(_missing_cost(role) for role in columns if role not in assigned) - SPLIT_COST * splits
    values = {role: cell.value for role, cell in assigned.items() if cell.value is not None}
    budget = values.get("budget", values.get("initial"))
    if values.get("rate") and budget and values.get("spent"):
        agrees = _rate_agrees(budget, values["spent"], values["rate"])
        score += 3 if agrees or _fraction_agrees(budget, values["spent"], assigned["rate"]) else -3
    money = [values[r] for r in ("initial", "budget", "spent") if values.get(r)]
    if splits and money and max(money) > 3 * min(money):
        score -= 2  # cells split apart into amounts of different orders: an unlikely reading
    if splits and any(values.get(r) == 0 for r in ("initial", "budget", "spent")):
        score -= 2  # a zero amount split off a run (2020 as 2 | 0 | 2 | 0): an unlikely reading
    if splits:  # a form prints its amounts with the same number of decimals
        places = {printed_decimals(assigned[r].raw) for r in ("initial", "budget", "spent") if r in assigned}
        score -= DECIMALS_COST * (len(places) - 1) if places else 0
    if "weight" in values and "score" in values:
        score += 0.5 if values["score"] <= values["weight"] else -2
    elif values.get("score", 0) > USUAL_WEIGHT * 2:
        score -= 1  # a score without its weight, larger than any weight the forms give this block
    if values.get("weight") == USUAL_WEIGHT:
        score += 0.3
    elif values.get("weight", 0) > USUAL_WEIGHT * 2:
        score -= 1  # the money block of a form weighs 10 points, sometimes 5 or 20, not more
    return score


def _missing_cost(role: str) -> float:
    return OTHER_MISSING_COST if role.startswith(OTHER) else MISSING_COST.get(role, 1.0)


def align_money_row(columns: list[str], values: list[str], ceiling: Decimal | None = None) -> dict[str, Cell]:
    """The figures of a money row by column role, from the header's `columns` (initial, budget,
    spent, weight, rate, score in their printed order) and the row's value tokens.

    Cells keep their order; empty cells may have vanished anywhere; glued cells are split. Each
    reading and placement is scored (`_alignment_score`); of the best-scored ones, only the
    roles they agree on are returned. A part of the year's money (其中:财政拨款) has a `ceiling`, the
    total row's largest amount: a reading above it is no reading (2020 under a total of 20 is 20 | 20
    printed together).
    """
    best = _best_alignments(columns, values, ceiling, split_single=False)
    if not best and ceiling is not None:  # no reading fits under the total: split what read as one
        best = _best_alignments(columns, values, ceiling, split_single=True)
    if not best and len(values) == len(columns) + 1:
        best = _without_a_cell_twice(columns, values, ceiling)
    if not best:
        return {}
    agreed = {}
    for role, cell in best[0].items():
        if all(other.get(role) is not None and other[role].value == cell.value for other in best[1:]):
            agreed[role] = cell
    return agreed


def _without_a_cell_twice(
    columns: list[str], values: list[str], ceiling: Decimal | None
) -> list[dict[str, Cell]]:
    """A row with one cell more than its header where an amount is printed twice in a row (35.2 | 35.2 |
    35.2 | 35.2 under 年初 | 全年 | 执行): its readings without one of the twins, kept only where spent /
    budget then gives the printed rate."""
    found: list[dict[str, Cell]] = []
    for i in range(1, len(values)):
        if values[i] == values[i - 1]:
            found.extend(_best_alignments(columns, values[:i] + values[i + 1 :], ceiling, split_single=False))
    return [assigned for assigned in found if _rate_printed_and_agrees(assigned)]


def _rate_printed_and_agrees(assigned: dict[str, Cell]) -> bool:
    """Whether a placement has a budget, spending and a rate printed with its % sign that they give."""
    budget, spent, rate = assigned.get("budget"), assigned.get("spent"), assigned.get("rate")
    if budget is None or spent is None or rate is None or not rate.percent:
        return False
    if not budget.value or spent.value is None or rate.value is None:
        return False
    return _rate_agrees(budget.value, spent.value, rate.value)


def _best_alignments(
    columns: list[str], values: list[str], ceiling: Decimal | None, split_single: bool
) -> list[dict[str, Cell]]:
    """The best-scored placements of the row's readings in the columns (ties all kept)."""
    best: list[dict[str, Cell]] = []
    best_score = float("-inf")
    for reading in row_readings(values, len(columns), split_single):
        for places in combinations(range(len(columns)), len(reading)):
            assigned = {columns[p]: cell for p, cell in zip(places, reading, strict=True)}
            if not all(_fits(role, cell) for role, cell in assigned.items()) or not _rate_confirmed(assigned):
                continue
            if ceiling is not None and any(
                c.value is not None and c.value > ceiling * CEILING_SLACK
                for r, c in assigned.items()
                if r in AMOUNT_ROLES
            ):
                continue
            score = _alignment_score(columns, assigned, len(reading) - len(values))
            if score > best_score + 1e-9:
                best, best_score = [assigned], score
            elif abs(score - best_score) <= 1e-9:
                best.append(assigned)
    return best


# ---------------------------------------------------------------------------------------------
# Facts of the money block

# (row scope, column role) -> (indicator code, fact scope)
MONEY_FACTS = {
    ("department", "budget"): ("budget_total", "department"),
    ("department", "initial"): ("budget_total", "initial"),
    ("department", "spent"): ("expenditure_total", "department"),
    ("department", "rate"): ("budget_execution_rate", "department"),
    ("fiscal", "budget"): ("budget_fiscal", "fiscal"),
    ("fiscal", "initial"): ("budget_fiscal", "fiscal+initial"),
    ("fiscal", "spent"): ("expenditure_total", "fiscal"),
    ("fiscal", "rate"): ("budget_execution_rate", "fiscal"),
    ("carry_over", "budget"): ("budget_total", "carry_over"),
    ("carry_over", "spent"): ("expenditure_total", "carry_over"),
    ("other_funds", "budget"): ("budget_total", "other_funds"),
    ("other_funds", "spent"): ("expenditure_total", "other_funds"),
    ("basic", "budget"): ("budget_total", "basic"),
    ("basic", "spent"): ("expenditure_basic", "department"),
    ("basic", "rate"): ("budget_execution_rate", "basic"),
    ("project", "budget"): ("budget_total", "project"),
    ("project", "spent"): ("expenditure_project", "department"),
    ("project", "rate"): ("budget_execution_rate", "project"),
}
UNITS = {
    "budget_total": "CNY",
    "budget_fiscal": "CNY",
    "expenditure_total": "CNY",
    "expenditure_basic": "CNY",
    "expenditure_project": "CNY",
    "budget_execution_rate": "percent",
}
# Money printed without a unit anywhere: 万元 is the forms' usual unit, unless a figure is too large for it.
LARGEST_WAN_FIGURE = Decimal(100_000)


@dataclass
class MoneyBlock:
    """A money header in force: its columns in order and its unit."""

    columns: list[str]
    unit: str | None
    ceiling: Decimal | None = None  # the total row's largest amount, over its parts' rows


def _unit_of(text: str) -> str | None:
    match = UNIT_MARK.search(text)
    return (match.group(1) or match.group(2)) if match else None


def unit_for_figures(unit: str, largest: Decimal) -> str:
    """A block's printed unit, or 元 where 万元 is printed over figures too large for it (1200000)."""
    return "元" if unit == "万元" and largest >= WAN_HEADER_CEILING else unit


def _money_unit(block: MoneyBlock, cells: dict[str, Cell]) -> tuple[str, str | None]:
    money = [c.value for r, c in cells.items() if r in ("initial", "budget", "spent") and c.value is not None]
    largest = max(money) if money else Decimal(0)
    if block.unit and unit_for_figures(block.unit, largest) != block.unit:
        return "元", f"unit 万元 of the form not applied: {largest} reads as yuan"
    if block.unit:
        return block.unit, None
    if largest >= LARGEST_WAN_FIGURE:
        return "元", "no unit printed; figures this large read as yuan"
    return "万元", "no unit printed; read as 万元, the forms' usual unit"


def money_facts(
    block: MoneyBlock, row: Token, values: list[Token], ceiling: Decimal | None = None
) -> list[Fact]:
    """Facts of one money row (see MONEY_FACTS); zero amounts are an unfilled form, not figures."""
    cells = align_money_row(block.columns, [v.text for v in values], ceiling)
    if row.role == "department":
        amounts = [c.value for r, c in cells.items() if r in AMOUNT_ROLES and c.value is not None]
        block.ceiling = max(amounts) if amounts else None
    if not cells:
        return []
    unit, note = _money_unit(block, cells)
    snippet = " | ".join([row.printed, *(v.printed for v in values)])
    amounts = {
        r: c.value for r, c in cells.items() if r in ("initial", "budget", "spent") and c.value is not None
    }
    if amounts and not any(amounts.values()):
        return []  # a row of zeros: a form left unfilled
    # A total of fiscal money only (年度财政资金总额) is the fiscal figure too.
    row_scopes = [row.role or ""] + (
        ["fiscal"] if row.role == "department" and "财政" in (row.label or "") else []
    )
    facts = []
    for (role, cell), row_scope in product(cells.items(), row_scopes):
        target = MONEY_FACTS.get((row_scope, role))
        if target is None or cell.value is None:
            continue
        code, scope = target
        if UNITS[code] == "CNY":
            if cell.value == 0:
                continue
            value = to_canonical(cell.value, unit, "CNY")
            raw = f"{cell.raw}{unit}" if block.unit == unit else f"{cell.raw} ({unit})"
            fact_note = note
        elif role == "rate" and _rate_contradicted(cell, amounts):
            continue  # 100% printed beside 3800 spent of 4700: which of them is wrong cannot be told
        elif role == "rate" and _as_fraction(cell, amounts):
            if printed_decimals(cell.raw) < RATIO_PLACES:
                continue  # 0.1 for 94 / 650: a rate rounded too far to load
            value, fact_note = percent_of_ratio(cell.raw, cell.value)
            raw = cell.raw
        else:
            value = cell.value
            raw, fact_note = cell.raw, None
        facts.append(
            Fact(
                indicator_code=code, value=float(value), unit=UNITS[code], qualifier="exact", is_target=False,
                scope=scope, source_locator=values[cell.token].locator, snippet=snippet, raw_text=raw,
                note=fact_note,
            )
        )  # fmt: skip
    return facts


def _rate_contradicted(cell: Cell, amounts: dict[str, Decimal]) -> bool:
    """Whether a rate printed as a percent is neither spent / budget nor spent / initial budget of
    its own row (a rate capped at 100% where more than the budget was spent is no contradiction)."""
    spent = amounts.get("spent")
    budgets = [amounts[r] for r in ("budget", "initial") if amounts.get(r)]
    if not cell.percent or cell.value is None or spent is None or not budgets:
        return False
    if cell.value == 100 and spent >= budgets[0]:
        return False
    return not any(_rate_agrees(budget, spent, cell.value) for budget in budgets)


def _as_fraction(cell: Cell, amounts: dict[str, Decimal]) -> bool:
    """Whether a row's rate cell is printed as a fraction of its amounts (0.97), not as a percent."""
    budget, spent = amounts.get("budget") or amounts.get("initial"), amounts.get("spent")
    if not budget or spent is None or cell.value is None:
        return False
    return not _rate_agrees(budget, spent, cell.value) and _fraction_agrees(budget, spent, cell)


def total_score_fact(total: Token, values: list[Token], needs_full_marks: bool = False) -> list[Fact]:
    """总分 | 100 | 98 (or 总分10098): the form's total score is the self-evaluation score. A sum
    row (合计) must print both the full marks and the score: its one figure is the weights' sum."""
    texts = [v.text.replace(" ", "") for v in values]
    if needs_full_marks and len(texts) < 2:
        return []
    if len(texts) == 1 and texts[0].startswith("100") and NUMBER.fullmatch(texts[0][3:] or "x"):
        texts = ["100", texts[0][3:]]  # 总分10098: the full marks and the score printed together
    readings = row_readings(texts, 2)
    candidates = []
    for reading in readings:
        numbers = [c.value for c in reading if c.value is not None and not c.percent]
        if len(numbers) == 2 and numbers[0] == 100 and numbers[1] <= 100:
            candidates.append(numbers[1])
        elif len(numbers) == 1 and len(reading) == 1 and numbers[0] <= 100 and len(texts) == 1:
            candidates.append(numbers[0])
    if len(set(candidates)) != 1:
        return []
    score = candidates[0]
    return [
        Fact(
            indicator_code="self_eval_score", value=float(score), unit="point", qualifier="exact",
            is_target=False, scope="department", source_locator=values[0].locator,
            snippet=" | ".join([total.text, *(v.text for v in values)]), raw_text=str(score),
        )
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The whole form

PART_ROWS = ("fiscal", "carry_over", "other_funds", "basic", "project")  # rows that are parts of the total
# A sum row (合计) in a money block before any total row: the total of the parts above it (一般预算内
# 拨款 | 40 | 38 | 95%, 合计 | 40 | 38 | 95%); after one, a score line's (合计 | 100 | 96).
SUM_ROW, TOTAL_ROW = "合计", "资金总额"
LOOK_BACK = 3  # tokens before a money header where its caption's unit may stand
ROW_PREFIX = re.compile(r"^其中$")
ROW_GROUP_CHARS = 8
MONEY_STARTS = ("initial", "budget", "spent", "rate")


def unit_mark(token: Token) -> str | None:
    return _unit_of(token.text) if token.label is None and UNIT_MARK.fullmatch(token.text) else None


SCRAMBLED_SPAN = 10  # tokens before a money header where a scrambled form may print its total row's label


def _row_labels_before(stream: list[Token], header_at: int) -> list[Token]:
    """The row labels (年度资金总额, 其中:当年财政拨款 ...) a few cells before the money header, none of
    those cells a figure, in order, the first the total row's; none when there is no total row."""
    labels: list[Token] = []
    for token in reversed(stream[max(0, header_at - SCRAMBLED_SPAN) : header_at]):
        if FIGURE_RUN.match(token.text.replace(" ", "")):
            break
        if token.kind == MONEY_ROW:
            labels.insert(0, token)
    return labels if labels and labels[0].role == "department" else []


def _money_cell(text: str) -> bool:
    """A money row's cell: a run of figures, or a printed empty cell (—, /)."""
    return bool(EMPTY_CELL.match(text) or (FIGURE_RUN.match(text) and text[0].isdigit()))


def _value_run(stream: list[Token], start: int) -> int:
    """How many tokens from `start` on are figures or printed empty cells."""
    end = start
    while end < len(stream) and stream[end].label is None:
        text = stream[end].text.replace(" ", "")
        if not _money_cell(text):
            break
        end += 1
    return end - start


MAX_OTHER_COLUMNS = 4  # header cells this reader does not know, in a row, between two it knows
OTHER_COLUMN = re.compile(r"^[\u4e00-\u9fff()（）、]{2,16}$")
RATE_WORDS = re.compile(r"执行$")  # 预算执行 (E/C×100%): the execution rate's column, its formula left out


def money_header(stream: list[Token], start: int) -> tuple[MoneyBlock, int] | None:
    """The money header starting at `start` (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分),
    with the unit of its caption, and the index after it. A provincial template's columns this
    reader does not know (统筹整合资金数, 全年到位资金) are kept as columns of unknown meaning when
    known ones follow them; a 行次 column before the first is the rows' numbers."""
    labels: list[tuple[str, bool]] = []  # (role, followed by a unit mark)
    if start and stream[start - 1].text == "行次":
        labels.append((ROW_NUMBER, False))
    unknown: list[Token] = []  # header cells not known, since the last known one
    unit = None
    index = start
    while index < len(stream):
        token = stream[index]
        mark = unit_mark(token)
        if mark:
            unit = unit or mark
            if labels and not unknown:
                labels[-1] = (labels[-1][0], True)
        elif token.kind == MONEY_COLUMN:
            labels.extend((f"{OTHER}{len(labels) + i}", False) for i in range(len(unknown)))
            unknown.clear()
            labels.append((token.role or "", False))
        elif (
            token.label is None
            and token.glued
            and labels
            and not unknown
            and (OTHER_COLUMN.match(token.text) or COLUMN_UNIT.match(token.text))
        ):
            pass  # the rest of a label printed together with it (全年执行 | 资金, 执行率 | (%))
        elif (
            token.label is None
            and labels
            and len(unknown) < MAX_OTHER_COLUMNS
            and OTHER_COLUMN.match(token.text)
        ):
            unknown.append(token)
        elif token.kind != CAPTION and not (labels and POINTS.match(token.text)):
            break  # (a column's full marks, 分值(10分), are part of its label)
        index += 1
    if unknown and RATE_WORDS.search(unknown[0].text) and all(r != "rate" for r, _ in labels):
        labels.append(("rate", False))
        unknown = unknown[1:]
    index -= len(unknown)  # header cells after the last known one are not its columns
    # A budget label printed with a unit and followed by more budget columns is the block's caption
    # (年度预算数(万元) | 年初预算 | 调整后预算数 ...), not a column.
    roles = [
        role
        for position, (role, captioned) in enumerate(labels)
        if not (captioned and any(r in ("initial", "budget") for r, _ in labels[position + 1 :]))
    ]
    known = {r for r in roles if r != ROW_NUMBER and not r.startswith(OTHER)}
    if not known & {"initial", "budget", "spent"} or len(known) < 2:
        return None
    roles = list(dict.fromkeys(roles))  # a column printed twice (a split header) counts once
    if "weight" in roles and "score" not in roles:
        roles.append("score")  # full marks go with a score: its label lost, its cells still print
    for token in stream[max(0, start - LOOK_BACK) : start]:
        unit = unit or unit_mark(token) or (_unit_of(token.text) if token.kind == CAPTION else None)
    return MoneyBlock(roles, unit), index


def read_money_rows(
    stream: list[Token], start: int, block: MoneyBlock, header_at: int | None = None
) -> tuple[list[Fact], int]:
    """The facts of the rows after a money header (the header's first token at `header_at`)."""
    facts: list[Fact] = []
    index = _first_row(stream, start)
    # Figures right after the header: cells out of order put the rows' labels before the header. A
    # run of figures longer than one row is theirs, a row's width of cells each (a row's cells glued
    # together count as one: the last row takes what is left); one row's run is the total row's.
    orphans = _row_labels_before(stream, header_at) if header_at is not None else []
    width = len(block.columns)
    rows = -(-_value_run(stream, index) // width)
    orphans = orphans[:rows] if rows > 1 else orphans[:1]
    total_read = False
    while index < len(stream):
        token = stream[index]
        if token.label == SUM_ROW and not total_read:
            token = replace(token, label=TOTAL_ROW)  # 合计 after the parts: the year's total money
        cap = None  # how many cells the row may take
        if orphans and FIGURE_RUN.match(token.text.replace(" ", "")):
            token, index = orphans.pop(0), index - 1
            cap = width if orphans else None
        else:
            orphans = []
        mark = unit_mark(token)
        if mark:
            block.unit = block.unit or mark
            index += 1
            continue
        if token.label is None and (ROW_PREFIX.match(token.text) or EMPTY_CELL.match(token.text)):
            index += 1
            continue
        soon = stream[index + 1 : index + 3]
        if (
            token.label is None
            and len(token.text) <= ROW_GROUP_CHARS
            and any(t.kind == MONEY_ROW for t in soon)
        ):
            index += 1  # a heading of a group of rows (按收入性质分, 按支出性质分)
            continue
        if token.kind != MONEY_ROW:
            break
        total_read = total_read or token.role == "department"
        values: list[Token] = []
        index += 1
        if index < len(stream) and (label_unit := unit_mark(stream[index])):  # 年度资金总额(万元)
            block.unit = block.unit or label_unit
            index += 1
        while index < len(stream) and stream[index].label is None and unit_mark(stream[index]) is None:
            if cap is not None and len(values) == cap:
                break  # a row whose label stood before the header: its cells are counted
            text = stream[index].text.replace(" ", "")
            glued = LEADING_FIGURES.match(text)
            if ENUMERATION.match(text):
                break  # 1. starts a note below the row, not a cell
            with_unit = CELL_WITH_UNIT.match(text)
            if with_unit:  # 4753.66万元: a cell printed with its unit
                unit = CELL_UNITS.get(with_unit.group(2), with_unit.group(2))
                block.unit = block.unit or unit
                if block.unit == unit:
                    values.append(replace(stream[index], text=with_unit.group(1)))
                    index += 1
                    continue
                break
            if _money_cell(text):
                values.append(stream[index])
            elif FIGURES_AND_DASHES.fullmatch(text):
                values.extend(Token(piece, stream[index].locator) for piece in FIGURE_OR_DASHES.findall(text))
            elif glued:  # the row's last figures run into the next label (303010100%其中)
                values.append(Token(glued.group(0), stream[index].locator))
                index += 1
                break
            else:
                break
            index += 1
        if values:
            parts = token.role in PART_ROWS
            facts.extend(money_facts(block, token, values, block.ceiling if parts else None))
        if values and index < len(stream) and ENUMERATION.match(stream[index].text.replace(" ", "")):
            index = _after_note(stream, index)
        elif values:
            index = _after_method(stream, index, values[-1])
    return facts, index


NOTE_KINDS = (MONEY_COLUMN, CAPTION, None)  # a row's method note words: column labels, plain words


def _same_row(token: Token, cell: Token) -> bool:
    """Whether a token stands in the row of a row's cell: its table row, or its line of text."""
    return token.row == cell.row if cell.row is not None else token.locator == cell.locator


def _after_method(stream: list[Token], start: int, last_cell: Token) -> int:
    """The index after a row's last cell that explains its scoring (得分计算方法: 执行率*该指标分值, …)
    when the next row follows it: words in the row's own table row or line, no figure among them."""
    end = start
    while end < len(stream) and _same_row(stream[end], last_cell) and stream[end].kind in NOTE_KINDS:
        if any(char.isdigit() for char in stream[end].text):
            return start
        end += 1
    return end if end > start and end < len(stream) and stream[end].kind == MONEY_ROW else start


COLUMN_NUMBERS = "列次"  # 列次 | 0 | 1 | 2 …: the columns' numbers, a line between a header and its rows


def _first_row(stream: list[Token], start: int) -> int:
    """Where the rows after a header start: header cells this reader does not know (原因, 备注) and a
    line of column numbers may stand between them; `start` when no row label follows."""
    index, skipped = start, 0
    while index < len(stream) and stream[index].label is None:
        if stream[index].text == COLUMN_NUMBERS:
            index += 1
            while index < len(stream) and stream[index].text.isdigit():
                index += 1
            skipped = 0
            continue
        if skipped == LOOK_BACK or FIGURE_RUN.match(stream[index].text.replace(" ", "")):
            return start
        index, skipped = index + 1, skipped + 1
    first = stream[index] if index < len(stream) else None
    return index if first is not None and (first.kind == MONEY_ROW or first.label == SUM_ROW) else start


def _after_note(stream: list[Token], start: int) -> int:
    """The index after a numbered note printed in a row's last cell (1.预算执行率=预算执行数/调整后预算数,
    …; 2. …): the note's line or cell, when the form's rows go on after it."""
    end = start
    while end < len(stream) and stream[end].locator == stream[start].locator:
        end += 1
    following = stream[end : end + 2]
    if following and ROW_PREFIX.match(following[0].text):  # 其中 | 财政资金
        following = following[1:]
    return end if following and following[0].kind == MONEY_ROW else start
