"""The official self-evaluation forms, read by their template.

财政部's 项目支出绩效自评表 and 部门整体支出绩效自评表, their provincial variants and the 转移支付
区域绩效自评表 share a vocabulary of printed labels: a money block (年初预算数 | 全年预算数 | 全年执行数 |
分值 | 执行率 | 得分 over rows 年度资金总额 / 其中:当年财政拨款 / 上年结转资金 / 其他资金, with the unit in a
caption such as 项目资金(万元)) and a performance-indicator block (一级 / 二级 / 三级指标 | 年度指标值 |
实际完成值 | 分值 | 得分 | 偏差原因). A form arrives as a real table, as pipe-separated rows, one cell
per line, or cells run together with spaces or nothing between them: all are read the same way,
as one stream of tokens (`tokens`) in which the template's labels are recognised wherever they
stand, whatever spaces they contain.

- Money rows: the header says which columns exist and in which order; a row's figures are aligned to
  them (`align_money_row`), because empty cells vanish and cells may be glued together. Alignments
  are scored by what the form itself guarantees (执行数 ÷ 预算数 = 执行率, 得分 ≤ 分值); where two
  alignments fit equally well, only the figures they agree on are kept.
- Indicator rows: see `indicator_rows`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import accumulate, combinations, product

from pipelines.extract.kpi import figure_of_value, indicator_row, score_of
from pipelines.extract.matching import (
    DEPARTMENT,
    WAN_HEADER_CEILING,
    Matcher,
    clean_label,
    make_facts,
    unit_fits,
)
from pipelines.extract.numbers import UNITS as NUMBER_UNITS
from pipelines.extract.numbers import find_figures, to_canonical
from pipelines.extract.text import simplify
from pipelines.model import Document, Fact, PerformanceIndicator, TextBlock

# Printed labels of the forms: canonical label -> (kind, role). Matched wherever they stand,
# with any whitespace between their characters (年度 总体 目标, 绩 效 指 标).
FIELD, CAPTION, MONEY_COLUMN, MONEY_ROW, KPI_COLUMN, LEVEL1, LEVEL2, LEVEL_EITHER, TOTAL, SECTION = (
    "field", "caption", "money_column", "money_row", "kpi_column", "level1", "level2", "level_either",
    "total", "section",
)  # fmt: skip
LABELS: dict[str, tuple[str, str]] = {
    # identity fields (their values are read by identity extraction; here they end a block)
    "项目名称": (FIELD, "project"), "转移支付(项目)名称": (FIELD, "project"), "转移支付名称": (FIELD, "project"),
    "主管部门": (FIELD, "supervisor"), "省级主管部门": (FIELD, "supervisor"), "地方主管部门": (FIELD, "supervisor"),
    "实施单位": (FIELD, "body"), "资金使用单位": (FIELD, "body"), "部门(单位)名称": (FIELD, "body"),
    "单位名称": (FIELD, "body"), "填报单位": (FIELD, "body"), "部门名称": (FIELD, "body"),
    # captions of the money block
    "项目资金": (CAPTION, ""), "预算资金": (CAPTION, ""), "资金投入情况": (CAPTION, ""), "资金情况": (CAPTION, ""),
    "预算执行情况": (CAPTION, ""),
    # money columns
    "年初预算数": (MONEY_COLUMN, "initial"), "年初预算": (MONEY_COLUMN, "initial"),
    "全年预算数": (MONEY_COLUMN, "budget"), "调整后预算数": (MONEY_COLUMN, "budget"),
    "调整预算数": (MONEY_COLUMN, "budget"), "全年预算": (MONEY_COLUMN, "budget"),
    "年度预算数": (MONEY_COLUMN, "budget"), "预算数": (MONEY_COLUMN, "budget"),
    "全年执行数": (MONEY_COLUMN, "spent"), "预算执行数": (MONEY_COLUMN, "spent"), "全年执行": (MONEY_COLUMN, "spent"),
    "实际执行数": (MONEY_COLUMN, "spent"), "全年实际执行数": (MONEY_COLUMN, "spent"), "执行数": (MONEY_COLUMN, "spent"),
    "预算执行率": (MONEY_COLUMN, "rate"), "执行率": (MONEY_COLUMN, "rate"),
    "分值": (MONEY_COLUMN, "weight"), "权重": (MONEY_COLUMN, "weight"), "参考分值": (MONEY_COLUMN, "weight"),
    "得分": (MONEY_COLUMN, "score"),
    # money rows
    "年度资金总额": (MONEY_ROW, "department"), "资金总额": (MONEY_ROW, "department"), "总额": (MONEY_ROW, "department"),
    "年度财政资金总额": (MONEY_ROW, "department"),
    "当年财政拨款": (MONEY_ROW, "fiscal"), "本年财政拨款": (MONEY_ROW, "fiscal"), "财政拨款": (MONEY_ROW, "fiscal"),
    "财政资金": (MONEY_ROW, "fiscal"),
    "上年结转资金": (MONEY_ROW, "carry_over"), "上年结转": (MONEY_ROW, "carry_over"),
    "其他资金": (MONEY_ROW, "other_funds"), "单位资金": (MONEY_ROW, "other_funds"),
    "财政专户管理资金": (MONEY_ROW, "other_funds"), "中央财政资金": (MONEY_ROW, "other_funds"),
    "地方财政资金": (MONEY_ROW, "other_funds"), "中央财政": (MONEY_ROW, "other_funds"),
    "省级财政资金": (MONEY_ROW, "other_funds"), "市县财政资金": (MONEY_ROW, "other_funds"),
    # indicator columns (分值 / 权重 / 得分 are read by role in an indicator header)
    "一级指标": (KPI_COLUMN, "level1"), "二级指标": (KPI_COLUMN, "level2"), "三级指标": (KPI_COLUMN, "name"),
    "指标名称": (KPI_COLUMN, "name"),
    "年度指标值": (KPI_COLUMN, "target"), "预期指标值": (KPI_COLUMN, "target"), "指标值": (KPI_COLUMN, "target"),
    "年度目标值": (KPI_COLUMN, "target"), "年初目标值": (KPI_COLUMN, "target"), "目标值": (KPI_COLUMN, "target"),
    "实际完成值": (KPI_COLUMN, "actual"), "全年完成值": (KPI_COLUMN, "actual"), "全年实际值": (KPI_COLUMN, "actual"),
    "实际完成指标值": (KPI_COLUMN, "actual"), "实际值": (KPI_COLUMN, "actual"), "完成值": (KPI_COLUMN, "actual"),
    "偏差原因分析及改进措施": (KPI_COLUMN, "reason"), "未完成原因分析及改进措施": (KPI_COLUMN, "reason"),
    "未完成原因和改进措施": (KPI_COLUMN, "reason"), "未完成原因分析": (KPI_COLUMN, "reason"),
    "偏差原因分析": (KPI_COLUMN, "reason"), "偏差原因": (KPI_COLUMN, "reason"),
    "指标性质": (KPI_COLUMN, "comparator"), "度量单位": (KPI_COLUMN, "unit"), "计量单位": (KPI_COLUMN, "unit"),
    # levels of indicators
    "产出指标": (LEVEL1, ""), "效益指标": (LEVEL1, ""), "项目决策": (LEVEL1, ""), "项目管理": (LEVEL1, ""),
    "项目产出": (LEVEL1, ""), "项目效益": (LEVEL1, ""),
    "成本指标": (LEVEL_EITHER, ""), "满意度指标": (LEVEL_EITHER, ""),
    "数量指标": (LEVEL2, ""), "质量指标": (LEVEL2, ""), "时效指标": (LEVEL2, ""),
    "经济成本指标": (LEVEL2, ""), "社会成本指标": (LEVEL2, ""), "生态环境成本指标": (LEVEL2, ""),
    "经济效益指标": (LEVEL2, ""), "社会效益指标": (LEVEL2, ""), "生态效益指标": (LEVEL2, ""),
    "可持续影响指标": (LEVEL2, ""), "服务对象满意度指标": (LEVEL2, ""),
    # totals and sections that end a block
    "总分": (TOTAL, ""),
    "年度总体目标": (SECTION, ""), "总体目标完成情况": (SECTION, ""), "年初设定目标": (SECTION, ""),
    "全年实际完成情况": (SECTION, ""), "预期目标": (SECTION, ""), "实际完成情况": (SECTION, ""),
    "年度目标完成情况": (SECTION, ""), "绩效指标": (SECTION, ""), "资金管理情况": (SECTION, ""),
    "项目基本情况": (SECTION, ""), "情况说明": (SECTION, ""), "存在问题和改进措施": (SECTION, ""),
}  # fmt: skip
MONEY_ROLES_IN_KPI = {"weight": "weight", "score": "score"}
ENDS_TABLE = (TOTAL, FIELD, SECTION, MONEY_ROW, KPI_COLUMN, CAPTION)


def _label_pattern(label: str) -> str:
    """A label with any whitespace between its characters; its brackets full- or half-width."""
    parts = []
    for char in label:
        if char in "()":
            parts.append(r"[(（]" if char == "(" else r"[)）]")
        else:
            parts.append(re.escape(char))
    return r"\s*".join(parts)


LABEL_PATTERN = re.compile(
    "|".join(
        f"(?P<l{i}>{_label_pattern(label)})" for i, label in enumerate(sorted(LABELS, key=len, reverse=True))
    )
)
_LABEL_BY_GROUP = {f"l{i}": label for i, label in enumerate(sorted(LABELS, key=len, reverse=True))}
# Formula marks in headers, (A) (B) (B/A×100%), are not cells.
FORMULA = re.compile(
    r"[(（]\s*[A-Za-z](?:\s*[/÷]\s*[A-Za-z])?(?:\s*[×*xX]\s*100\s*%)?\s*[)）]|[(（][^()（）]*[*×÷][^()（）]*[)）]"
)
UNIT_MARK = re.compile(r"[(（]\s*(万元|元|亿元)\s*[)）]|单位\s*[:：]\s*(万元|元|亿元)")
POINTS = re.compile(r"^[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")  # (50分) after a level label
EMPTY_CELL = re.compile(r"^[-—–一/\\、]+$")
SEPARATORS = re.compile(r"\s*\|\s*|\s+")


@dataclass(frozen=True)
class Token:
    """A cell, a label or a piece of text of a form, in reading order."""

    text: str  # simplified (half-width, simplified characters), trimmed
    locator: str
    label: str | None = None  # the canonical label this token is, if it is one
    row: str | None = None  # in a real table: the row's locator, the cell's index, the row's width
    cell: int | None = None
    width: int | None = None
    raw: str = ""  # as printed

    @property
    def printed(self) -> str:
        return self.raw or self.text

    @property
    def kind(self) -> str | None:
        return LABELS[self.label][0] if self.label else None

    @property
    def role(self) -> str | None:
        return LABELS[self.label][1] if self.label else None


STRIPPED = " :：;；,，"


def _strip_span(text: str, start: int, end: int, chars: str = STRIPPED) -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _value_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the value tokens in text[start:end], split at pipes and whitespace (in a flattened
    form a space is where a cell ends); a unit mark (万元) is a token of its own."""
    spans: list[tuple[int, int]] = []
    position = start
    for separator in [*SEPARATORS.finditer(text, start, end), None]:
        piece_end = separator.start() if separator else end
        a, b = _strip_span(text, position, piece_end)
        position = separator.end() if separator else end
        if a >= b:
            continue
        cursor = a
        for unit in UNIT_MARK.finditer(text, a, b):
            before = _strip_span(text, cursor, unit.start(), " :：")
            if before[0] < before[1]:
                spans.append(before)
            spans.append((unit.start(), unit.end()))
            cursor = unit.end()
        rest = _strip_span(text, cursor, b, " :：")
        if rest[0] < rest[1]:
            spans.append(rest)
    return spans


def _scan(text: str) -> list[tuple[int, int, str, str | None]]:
    """(start, end, normalised text, label) of every label and value token of a text; the spans
    index the text as given (normalisation keeps every character in its place)."""
    simple = FORMULA.sub(lambda m: " " * len(m.group(0)), simplify(text))
    found: list[tuple[int, int, str, str | None]] = []
    start = 0
    for match in [*LABEL_PATTERN.finditer(simple), None]:
        stop = match.start() if match else len(simple)
        found.extend(
            (a, b, re.sub(r"\s+", " ", simple[a:b]), None) for a, b in _value_spans(simple, start, stop)
        )
        if match:
            label = _LABEL_BY_GROUP[match.lastgroup or ""]
            found.append((match.start(), match.end(), re.sub(r"\s+", "", match.group(0)), label))
            start = match.end()
    return found


def tokens_of_text(text: str, locator: str) -> list[Token]:
    """Labels and value tokens of one cell or paragraph."""
    return [Token(value, locator, label, raw=text[a:b].strip()) for a, b, value, label in _scan(text)]


def tokens(document: Document) -> list[Token]:
    """The document as one stream of tokens: table cells in order (empty cells dropped), and runs of
    other blocks read as one text (a label broken over lines, 产 / 出 / 指 / 标, is still a label),
    split into labels and values; each token keeps the locator of the block it starts in."""
    stream: list[Token] = []
    run: list[TextBlock] = []

    def flush() -> None:
        starts = list(accumulate((len(b.text) + 1 for b in run[:-1]), initial=0))
        text = "\n".join(b.text for b in run)
        for a, b, value, label in _scan(text):
            stream.append(
                Token(value, run[bisect_right(starts, a) - 1].locator, label, raw=text[a:b].strip())
            )
        run.clear()

    for block in document.blocks:
        if block.kind == "table_row":
            if run:
                flush()
            for index, cell in enumerate(block.cells):
                if cell and cell.strip():
                    stream.extend(
                        replace(t, row=block.locator, cell=index, width=len(block.cells))
                        for t in tokens_of_text(cell, f"{block.locator} cell {index + 1}")
                    )
        else:
            run.append(block)
    if run:
        flush()
    return stream


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
LEADING_FIGURES = re.compile(r"^\d[\d.,%]*(?=[\u4e00-\u9fff])")


MAX_RATE = Decimal(1000)


def _single_cell(run: str) -> bool:
    """Whether a run of digits reads as one cell: at most one decimal point, a % only at its end,
    and a rate not beyond any execution rate (303010100% is cells printed together)."""
    body = run.removesuffix("%")
    if "%" in body or body.count(".") > 1 or not NUMBER.fullmatch(body):
        return False
    return not run.endswith("%") or Decimal(body) <= MAX_RATE


def _numbers_of_run(run: str, max_pieces: int) -> list[list[Cell]]:
    """Ways to read a run of digits as a sequence of figures: the run itself when it reads as one
    cell, else every split into figures (a % ends the figure it follows). Separators are dropped."""
    run = run.replace(",", "")
    if _single_cell(run):
        percent = run.endswith("%")
        return [[Cell(Decimal(run.removesuffix("%")), percent, run)]]
    results: list[list[Cell]] = []

    def walk(rest: str, sequence: list[Cell]) -> None:
        if not rest:
            results.append(sequence)
            return
        if len(sequence) >= max_pieces:
            return
        for end in range(len(rest), 0, -1):
            head = rest[:end]
            if not NUMBER.fullmatch(head):
                continue
            tail = rest[end:]
            percent = tail.startswith("%")
            if percent:
                tail = tail[1:]
            walk(tail, [*sequence, Cell(Decimal(head), percent, head + ("%" if percent else ""))])

    walk(run, [])
    return results


def row_readings(values: list[str], max_pieces: int) -> list[list[Cell]]:
    """Every reading of a row's value tokens as a sequence of cells (a glued token may split)."""
    readings: list[list[Cell]] = [[]]
    for index, value in enumerate(values):
        text = value.replace(" ", "")
        if EMPTY_CELL.match(text):
            options = [[Cell(None, raw=text)]]
        elif FIGURE_RUN.match(text) and text[0].isdigit():
            options = _numbers_of_run(text, max_pieces)
        else:
            return []  # text in a money row: not a row of figures
        options = [[replace(cell, token=index) for cell in option] for option in options]
        readings = [r + o for r in readings for o in options if len(r) + len(o) <= max_pieces]
        if not readings:
            return []
    return readings


# What a missing cell costs an alignment: 年初预算数 and 得分 are often left empty, a budget rarely.
MISSING_COST = {"initial": 0.4, "score": 0.4, "spent": 1.0, "weight": 0.8, "rate": 0.8, "budget": 1.2}
RATE_TOLERANCE = Decimal("0.6")  # percentage points between a printed rate and spent / budget
USUAL_WEIGHT = Decimal(10)


def _fits(role: str, cell: Cell) -> bool:
    if cell.value is None:
        return True
    if role == "rate":
        return cell.percent and cell.value <= MAX_RATE
    if cell.percent:
        return False
    if role == "weight":  # whole points
        return cell.value <= 100 and cell.value % 1 == 0
    if role == "score":
        return cell.value <= 100
    return True


SPLIT_COST = 0.3  # per cell more than the row's tokens: a reading with fewer splits is likelier
DECIMALS_COST = 1.0  # per extra count of decimals among the amounts of a split reading


def _alignment_score(columns: list[str], assigned: dict[str, Cell], splits: int = 0) -> float:
    score = (
        -sum(MISSING_COST.get(role, 1.0) for role in columns if role not in assigned) - SPLIT_COST * splits
    )
    values = {role: cell.value for role, cell in assigned.items() if cell.value is not None}
    budget = values.get("budget", values.get("initial"))
    if values.get("rate") and budget and values.get("spent"):
        computed = values["spent"] / budget * 100
        score += 3 if abs(computed - values["rate"]) <= RATE_TOLERANCE else -3
    money = [values[r] for r in ("initial", "budget", "spent") if values.get(r)]
    if splits and money and max(money) > 3 * min(money):
        score -= 2  # cells split apart into amounts of different orders: an unlikely reading
    if splits:  # a form prints its amounts with the same number of decimals
        places = {
            len(assigned[r].raw.partition(".")[2]) for r in ("initial", "budget", "spent") if r in assigned
        }
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


def align_money_row(columns: list[str], values: list[str]) -> dict[str, Cell]:
    """The figures of a money row by column role, from the header's `columns` (initial, budget,
    spent, weight, rate, score in their printed order) and the row's value tokens.

    Cells keep their order; empty cells may have vanished anywhere; glued cells are split. Each
    reading and placement is scored (`_alignment_score`); of the best-scored ones, only the
    roles they agree on are returned.
    """
    best: list[dict[str, Cell]] = []
    best_score = float("-inf")
    for reading in row_readings(values, len(columns)):
        for places in combinations(range(len(columns)), len(reading)):
            assigned = {columns[p]: cell for p, cell in zip(places, reading, strict=True)}
            if not all(_fits(role, cell) for role, cell in assigned.items()):
                continue
            score = _alignment_score(columns, assigned, len(reading) - len(values))
            if score > best_score + 1e-9:
                best, best_score = [assigned], score
            elif abs(score - best_score) <= 1e-9:
                best.append(assigned)
    if not best:
        return {}
    agreed = {}
    for role, cell in best[0].items():
        if all(other.get(role) is not None and other[role].value == cell.value for other in best[1:]):
            agreed[role] = cell
    return agreed


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
}
UNITS = {
    "budget_total": "CNY",
    "budget_fiscal": "CNY",
    "expenditure_total": "CNY",
    "budget_execution_rate": "percent",
}
# Money printed without a unit anywhere: 万元 is the forms' usual unit, unless a figure is too large for it.
LARGEST_WAN_FIGURE = Decimal(100_000)


@dataclass
class MoneyBlock:
    """A money header in force: its columns in order and its unit."""

    columns: list[str]
    unit: str | None


def _unit_of(text: str) -> str | None:
    match = UNIT_MARK.search(text)
    return (match.group(1) or match.group(2)) if match else None


def _money_unit(block: MoneyBlock, cells: dict[str, Cell]) -> tuple[str, str | None]:
    money = [c.value for r, c in cells.items() if r in ("initial", "budget", "spent") and c.value is not None]
    largest = max(money) if money else Decimal(0)
    if block.unit == "万元" and largest >= WAN_HEADER_CEILING:
        return "元", f"unit 万元 of the form not applied: {largest} reads as yuan"
    if block.unit:
        return block.unit, None
    if largest >= LARGEST_WAN_FIGURE:
        return "元", "no unit printed; figures this large read as yuan"
    return "万元", "no unit printed; read as 万元, the forms' usual unit"


def money_facts(block: MoneyBlock, row: Token, values: list[Token]) -> list[Fact]:
    """Facts of one money row (see MONEY_FACTS); zero amounts are an unfilled form, not figures."""
    cells = align_money_row(block.columns, [v.text for v in values])
    if not cells:
        return []
    unit, note = _money_unit(block, cells)
    snippet = " | ".join([row.printed, *(v.printed for v in values)])
    amounts = {
        r: c.value for r, c in cells.items() if r in ("initial", "budget", "spent") and c.value is not None
    }
    if amounts and not any(amounts.values()):
        return []  # a row of zeros: a form left unfilled
    facts = []
    for role, cell in cells.items():
        target = MONEY_FACTS.get((row.role or "", role))
        if target is None or cell.value is None:
            continue
        code, scope = target
        if UNITS[code] == "CNY":
            if cell.value == 0:
                continue
            value = to_canonical(cell.value, unit, "CNY")
            raw = f"{cell.raw}{unit}" if block.unit == unit else f"{cell.raw} ({unit})"
            fact_note = note
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


def total_score_fact(total: Token, values: list[Token]) -> list[Fact]:
    """总分 | 100 | 98 (or 总分10098): the form's total score is the self-evaluation score."""
    texts = [v.text.replace(" ", "") for v in values]
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


def _score_cell(text: str) -> float | None:
    return score_of(text)


# ---------------------------------------------------------------------------------------------
# Indicator rows

VALUE_ROLES = ("comparator", "target", "unit", "actual", "weight", "score", "reason")
NUMERIC_ROLES = ("weight", "score")
ROW_FOUND, SKIPPED, TWO_TOKEN_NAME, REASON_KEPT, CELL_MISSING, VALUE_MISSING = (
    10.0,
    -1.0,
    -0.6,
    -0.2,
    -3.0,
    -2.0,
)
MAX_UNIT_CELL = 4  # characters of a 度量单位 cell (%, 次, 万元, 人次)
COMPARATOR_CELL = re.compile(r"^(?:[≥≤<>=]=?|大于等于|小于等于|大于|小于|等于|不低于|不高于|不少于|不超过)$")


@dataclass(frozen=True)
class KpiHeader:
    """The roles of an indicator table's columns after the 三级指标 name, in printed order; for a
    header that is one row of a real table, the column of each role and the row's width."""

    roles: tuple[str, ...]
    columns: dict[str, int] | None = None
    width: int | None = None


def _is_number(text: str) -> bool:
    return score_of(text) is not None


def _is_text(token: Token) -> bool:
    return token.label is None and not _is_number(token.text) and not EMPTY_CELL.match(token.text)


def _row_at(
    cells: list[Token],
    start: int,
    roles: tuple[str, ...],
    name_tokens: int,
    with_reason: bool,
    skip_value: bool,
):
    """A row starting at `start` with this many name tokens, or None: (tokens used, row cells by role,
    cost of missing cells)."""
    end = start + name_tokens
    if end > len(cells) or not all(_is_text(t) for t in cells[start:end]):
        return None
    row: dict[str, str] = {"name": " ".join(t.printed for t in cells[start:end])}
    cost = 0.0
    index = end
    for role in roles:
        if role == "reason" and not with_reason:
            continue
        if index >= len(cells):
            if role in ("weight", "score", "reason"):
                cost += CELL_MISSING
                continue
            return None
        cell = cells[index]
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
        if role == "unit" and (_is_number(cell.text) or len(cell.text) > MAX_UNIT_CELL):
            continue  # no unit cell printed
        if role == "reason" and not _is_text(cell):
            return None
        row[role] = cell.printed
        index += 1
    if "target" not in row and "actual" not in row:
        return None
    return index - start, row, cost


GLUED_FIGURE = re.compile(
    r"[≥≤<>]?\d+(?:\.\d+)?(?:%|[万亿千]?(?:"
    + "|".join(re.escape(u) for u in NUMBER_UNITS if u != "%")
    + r"))?"
)
EMPTY_SLOT = re.compile(r"^(?:指标\s*\d+\s*[:：]?)+$")  # an unfilled template row: 指标1:指标2:
TEMPLATE_SLOT = re.compile(r"指标\s*\d+\s*[:：]?")
COMPARATOR_AFTER_WORDS = re.compile(r"(?<=[\u4e00-\u9fff)）])(?=[≥≤])")
DOUBLED = re.compile(r"^(?P<name>.*?)(?P<value>[^\d]{2,})(?P=value)$")
POINT_PAIRS = re.compile(r"^(?P<weight>[1-9]\d?|100)(?P<score>\d{1,2}(?:\.\d+)?)$")


def _points(run: str) -> list[str]:
    """A bare run of digits glued from 分值 and 得分 (2018 -> 20 | 18), when it cannot be one score."""
    if Decimal(run) <= 100:
        return [run]
    match = POINT_PAIRS.match(run)
    if match and Decimal(match["score"]) <= Decimal(match["weight"]):
        return [match["weight"], match["score"]]
    return [run]


def unglue(token: Token) -> list[Token]:
    """A cell holding several cells run together (更新设备50件50件2020, 质量等合格合格2020): its name,
    its value figures with their units, its points, and a text value printed twice split in two.
    A cell with at most one figure, or a figure before its words (≥100百分比), is left whole."""
    if EMPTY_SLOT.match(token.text):
        return []
    text = TEMPLATE_SLOT.sub(lambda m: " " * len(m.group(0)), token.text)
    raw = token.raw if len(token.raw) == len(text) else text

    def piece(a: int, b: int) -> Token:
        a, b = _strip_span(text, a, b, " ")
        return Token(text[a:b], token.locator, raw=raw[a:b])

    comparator = COMPARATOR_AFTER_WORDS.search(text)
    if comparator:  # 项目总成本≤90万元: a name and a target whose space was lost at a line end
        rest = piece(comparator.start(), len(text))
        return [piece(0, comparator.start()), *unglue(replace(rest, text=rest.text))]
    figures = list(GLUED_FIGURE.finditer(text))
    if not figures or figures[0].start() == 0:
        return [token]  # a value (2021年12月完成, ≥100百分比), not a row run together
    if len(figures) < 2 and figures[-1].end() != len(text.rstrip()):
        return [token]
    pieces: list[Token] = []
    position = 0
    for match in [*figures, None]:
        a, b = _strip_span(text, position, match.start() if match else len(text), " ")
        if a < b:
            doubled = DOUBLED.match(text[a:b])
            if doubled and doubled["name"]:
                cut = a + len(doubled["name"])
                half = len(doubled["value"])
                pieces.extend([piece(a, cut), piece(cut, cut + half), piece(cut + half, b)])
            elif doubled:
                pieces.extend([piece(a, a + len(doubled["value"])), piece(a + len(doubled["value"]), b)])
            else:
                pieces.append(piece(a, b))
        if match is None:
            break
        figure = match.group(0)
        points = _points(figure) if figure.isdigit() else [figure]
        cursor = match.start()
        for part in points:
            pieces.append(piece(cursor, cursor + len(part)))
            cursor += len(part)
        position = match.end()
    return [p for p in pieces if p.text]


def segment_rows(cells: list[Token], header: KpiHeader) -> list[tuple[dict[str, str], Token]]:
    """The rows of the cells between two level labels: the segmentation with the most complete
    rows (a row is a name, then a cell per column role; a deviation-reason cell may be empty)."""
    best: dict[int, tuple[float, list[tuple[dict[str, str], Token]]]] = {len(cells): (0.0, [])}
    for start in range(len(cells) - 1, -1, -1):
        skip_score, skip_rows = best[start + 1]
        options = [(skip_score + SKIPPED, skip_rows)]
        for name_tokens, with_reason, skip_value in product((1, 2), (False, True), (False, True)):
            found = _row_at(cells, start, header.roles, name_tokens, with_reason, skip_value)
            if found is None:
                continue
            used, row, cost = found
            rest_score, rest_rows = best[start + used]
            gain = ROW_FOUND + cost + (name_tokens - 1) * TWO_TOKEN_NAME + (REASON_KEPT if with_reason else 0)
            options.append((rest_score + gain, [(row, cells[start]), *rest_rows]))
        best[start] = max(options, key=lambda option: option[0])
    return best[0][1]


def _kpi_header(stream: list[Token], start: int) -> tuple[KpiHeader, int] | None:
    """The indicator header starting at `start` (一级指标 | 二级指标 | 三级指标 | 年度指标值 ...), and
    the index after it."""
    roles: list[str] = []
    header: list[Token] = []
    index = start
    while index < len(stream) and stream[index].kind in (KPI_COLUMN, MONEY_COLUMN, SECTION):
        token = stream[index]
        role = token.role or ""
        if token.kind == MONEY_COLUMN and role not in MONEY_ROLES_IN_KPI:
            break
        if token.kind == KPI_COLUMN or token.kind == MONEY_COLUMN:
            roles.append(role)
            header.append(token)
        index += 1
    if "name" not in roles or not ({"target", "actual"} & set(roles)):
        return None
    after_name = tuple(r for r in roles[roles.index("name") + 1 :] if r in VALUE_ROLES)
    columns = None
    if header[0].row is not None and all(t.row == header[0].row for t in header):
        columns = {role: t.cell for role, t in zip(roles, header, strict=True) if t.cell is not None}
    return KpiHeader(after_name, columns, header[0].width), index


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
    if name is not None and name.label is not None:
        return False
    return all(_is_number(row[role]) for role in NUMERIC_ROLES if row.get(role))


def _table_row(header: KpiHeader, cells: list[Token]) -> dict[str, str]:
    """The cells of a real table's row by the header's columns (the row as wide as the header)."""
    by_column: dict[int, list[str]] = {}
    for token in cells:
        by_column.setdefault(token.cell or 0, []).append(token.label or token.printed)
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


def read_indicator_block(
    stream: list[Token], start: int, header: KpiHeader
) -> tuple[list[PerformanceIndicator], int]:
    """Indicator rows after a header at `start`, until a label that ends the table; the index after."""
    rows: list[PerformanceIndicator] = []
    level1 = level2 = None
    cells: list[Token] = []

    def flush() -> None:
        for row, first in segment_rows(cells, header):
            target = "".join(row.get(part, "") for part in ("comparator", "target", "unit")) or None
            rows.append(
                indicator_row(
                    name=row["name"], target=target, actual=row.get("actual"), locator=first.locator,
                    snippet=" | ".join(v for v in (level1, level2, *row.values()) if v),
                    level1=level1, level2=level2, weight=row.get("weight"), score=row.get("score"),
                    deviation_reason=row.get("reason"),
                )
            )  # fmt: skip
        cells.clear()

    index = start
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
                    target = "".join(row.get(part, "") for part in ("comparator", "target", "unit")) or None
                    rows.append(
                        indicator_row(
                            name=row["name"], target=target, actual=row.get("actual"), locator=token.row,
                            snippet=" | ".join(t.printed for t in row_cells), level1=level1, level2=level2,
                            weight=row.get("weight"), score=row.get("score"), deviation_reason=row.get("reason"),
                        )
                    )  # fmt: skip
                index = end
                continue
        if token.kind in (LEVEL1, LEVEL2, LEVEL_EITHER):
            flush()
            level, label = _level(stream, index, level1)
            if level == 1:
                level1, level2 = label, None
            else:
                level2 = label
        elif token.kind is None:
            if not POINTS.match(token.text):
                cells.extend(unglue(token))
        else:
            break
        index += 1
    flush()
    return rows, index


# ---------------------------------------------------------------------------------------------
# The whole form

LOOK_BACK = 3  # tokens before a money header where its caption's unit may stand
ROW_PREFIX = re.compile(r"^其中$")
MONEY_STARTS = ("initial", "budget", "spent", "rate")


def _unit_mark(token: Token) -> str | None:
    return _unit_of(token.text) if token.label is None and UNIT_MARK.fullmatch(token.text) else None


def _money_header(stream: list[Token], start: int) -> tuple[MoneyBlock, int] | None:
    """The money header starting at `start` (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分),
    with the unit of its caption, and the index after it."""
    labels: list[tuple[str, bool]] = []  # (role, followed by a unit mark)
    unit = None
    index = start
    while index < len(stream):
        token = stream[index]
        mark = _unit_mark(token)
        if mark:
            unit = unit or mark
            if labels:
                labels[-1] = (labels[-1][0], True)
        elif token.kind == MONEY_COLUMN:
            labels.append((token.role or "", False))
        elif token.kind != CAPTION:
            break
        index += 1
    # A budget label printed with a unit and followed by more budget columns is the block's caption
    # (年度预算数(万元) | 年初预算 | 调整后预算数 ...), not a column.
    roles = [
        role
        for position, (role, captioned) in enumerate(labels)
        if not (captioned and any(r in ("initial", "budget") for r, _ in labels[position + 1 :]))
    ]
    if len([r for r in roles if r in ("initial", "budget", "spent")]) < 1 or len(set(roles)) < 2:
        return None
    roles = list(dict.fromkeys(roles))  # a column printed twice (a split header) counts once
    for token in stream[max(0, start - LOOK_BACK) : start]:
        unit = unit or _unit_mark(token) or (_unit_of(token.text) if token.kind == CAPTION else None)
    return MoneyBlock(roles, unit), index


def _read_money_rows(stream: list[Token], start: int, block: MoneyBlock) -> tuple[list[Fact], int]:
    facts: list[Fact] = []
    index = start
    # Header cells this reader does not know (原因, 备注) may stand between the header and its rows.
    while index < min(start + LOOK_BACK, len(stream)) and stream[index].label is None:
        index += 1
    if index >= len(stream) or stream[index].kind != MONEY_ROW:
        index = start
    while index < len(stream):
        token = stream[index]
        mark = _unit_mark(token)
        if mark:
            block.unit = block.unit or mark
            index += 1
            continue
        if token.label is None and (ROW_PREFIX.match(token.text) or EMPTY_CELL.match(token.text)):
            index += 1
            continue
        if token.kind != MONEY_ROW:
            break
        values: list[Token] = []
        index += 1
        while index < len(stream) and stream[index].label is None and _unit_mark(stream[index]) is None:
            text = stream[index].text.replace(" ", "")
            glued = LEADING_FIGURES.match(text)
            if EMPTY_CELL.match(text) or (FIGURE_RUN.match(text) and text[0].isdigit()):
                values.append(stream[index])
            elif glued:  # the row's last figures run into the next label (303010100%其中)
                values.append(Token(glued.group(0), stream[index].locator))
                index += 1
                break
            else:
                break
            index += 1
        if values:
            facts.extend(money_facts(block, token, values))
    return facts, index


def _values_after(stream: list[Token], start: int) -> list[Token]:
    values = []
    for token in stream[start:]:
        if token.label is not None or not FIGURE_RUN.match(token.text.replace(" ", "")):
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
    after a money block or indicator table was read), it is left out, with a note.
    """
    stream = tokens(document)
    facts: list[Fact] = []
    indicators: list[PerformanceIndicator] = []
    notes: list[str] = []
    index = 0
    while index < len(stream):
        token = stream[index]
        if token.kind == FIELD and token.role == "project" and (facts or indicators):
            following = stream[index + 1].text if index + 1 < len(stream) else ""
            notes.append(
                f"a second project form ({token.text} {following}) was not read: one report, one project"
            )
            break
        if token.kind == MONEY_COLUMN and token.role in MONEY_STARTS:
            found = _money_header(stream, index)
            if found:
                block, after = found
                block_facts, index = _read_money_rows(stream, after, block)
                facts.extend(block_facts)
                continue
        if token.kind == KPI_COLUMN:
            header = _kpi_header(stream, index)
            if header:
                rows, index = read_indicator_block(stream, header[1], header[0])
                indicators.extend(rows)
                continue
        if token.kind == TOTAL:
            facts.extend(total_score_fact(token, _values_after(stream, index + 1)))
        elif token.label is None:
            facts.extend(_label_value_fact(stream, index, matcher))
        index += 1
    return FormContent(facts, indicators, notes)


def _label_value_fact(stream: list[Token], index: int, matcher: Matcher) -> list[Fact]:
    """A cell that is a dictionary alias followed by a cell that is one figure (人员编制 | 21, or
    计划安排资金 | (万元) | 715.18 one cell per line): that figure is the alias's indicator."""
    indicator = matcher.by_alias.get(clean_label(stream[index].text))
    if indicator is None:
        return []
    following = stream[index + 1 : index + 3]
    unit = _unit_mark(following[0]) if following else None
    if unit:
        following = following[1:]
    if not following or following[0].label is not None:
        return []
    figures = find_figures(following[0].text)
    if len(figures) != 1 or figures[0].raw != following[0].text.strip():
        return []
    figure = figures[0]
    if figure.unit and not unit_fits(figure, indicator):
        return []
    snippet = " | ".join(t.printed for t in stream[index : index + (3 if unit else 2)])
    return make_facts(indicator, figure, DEPARTMENT, False, following[0].locator, snippet, unit)


def indicator_facts(rows: list[PerformanceIndicator], matcher: Matcher) -> list[Fact]:
    """Core facts of indicator rows whose name is a dictionary indicator (读者满意度 -> satisfaction_rate):
    the achieved value, and the target, when the cell is one figure of a fitting unit."""
    facts: list[Fact] = []
    for row in rows:
        hits = matcher.hits(simplify(row.indicator))
        for text, is_target in ((row.actual_text, False), (row.target_text, True)):
            figure = figure_of_value(text) if text else None
            if figure is None:
                continue
            hit = next((h for h in hits if unit_fits(figure, h.indicator)), None)
            if hit is not None:
                facts.extend(
                    make_facts(hit.indicator, figure, DEPARTMENT, is_target, row.source_locator, row.snippet)
                )
    return facts
