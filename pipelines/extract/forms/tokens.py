"""The forms' printed labels, and a document as one stream of tokens (see `tokens`)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from pipelines.extract.text import WHITESPACE, label_of, label_trie_pattern, simplify, without_glosses
from pipelines.model import Document, TextBlock

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
    "预算执行情况": (CAPTION, ""), "年度预算申请": (CAPTION, ""),
    # money columns
    "年初预算数": (MONEY_COLUMN, "initial"), "年初预算": (MONEY_COLUMN, "initial"),
    "年初预算资金总额": (MONEY_COLUMN, "initial"), "实际投入资金额": (MONEY_COLUMN, "spent"),  # Chongqing's form
    "全年预算数": (MONEY_COLUMN, "budget"), "调整后预算数": (MONEY_COLUMN, "budget"),
    "调整预算数": (MONEY_COLUMN, "budget"), "全年预算": (MONEY_COLUMN, "budget"),
    "年度预算数": (MONEY_COLUMN, "budget"), "预算数": (MONEY_COLUMN, "budget"),
    "全年执行数": (MONEY_COLUMN, "spent"), "预算执行数": (MONEY_COLUMN, "spent"), "全年执行": (MONEY_COLUMN, "spent"),
    "实际执行数": (MONEY_COLUMN, "spent"), "全年实际执行数": (MONEY_COLUMN, "spent"), "执行数": (MONEY_COLUMN, "spent"),
    "支出数": (MONEY_COLUMN, "spent"), "决算数": (MONEY_COLUMN, "spent"), "实际投入": (MONEY_COLUMN, "spent"),
    "计划投入": (MONEY_COLUMN, "budget"), "批复预算数": (MONEY_COLUMN, "budget"), "批复预算": (MONEY_COLUMN, "budget"),
    "预算执行率": (MONEY_COLUMN, "rate"), "执行率": (MONEY_COLUMN, "rate"),
    "分值": (MONEY_COLUMN, "weight"), "权重": (MONEY_COLUMN, "weight"), "参考分值": (MONEY_COLUMN, "weight"),
    "指标权重": (MONEY_COLUMN, "weight"), "指标得分": (MONEY_COLUMN, "score"),
    "得分": (MONEY_COLUMN, "score"), "自评得分": (MONEY_COLUMN, "score"), "评价得分": (MONEY_COLUMN, "score"),
    # money rows
    "年度资金总额": (MONEY_ROW, "department"), "资金总额": (MONEY_ROW, "department"), "总额": (MONEY_ROW, "department"),
    "年度财政资金总额": (MONEY_ROW, "department"),
    "当年财政拨款": (MONEY_ROW, "fiscal"), "本年财政拨款": (MONEY_ROW, "fiscal"), "财政拨款": (MONEY_ROW, "fiscal"),
    "财政资金": (MONEY_ROW, "fiscal"), "一般预算内拨款": (MONEY_ROW, "fiscal"), "预算内拨款": (MONEY_ROW, "fiscal"),
    "上年结转资金": (MONEY_ROW, "carry_over"), "上年结转": (MONEY_ROW, "carry_over"),
    "其他资金": (MONEY_ROW, "other_funds"), "单位资金": (MONEY_ROW, "other_funds"),
    "财政专户管理资金": (MONEY_ROW, "other_funds"), "中央财政资金": (MONEY_ROW, "other_funds"),
    "地方财政资金": (MONEY_ROW, "other_funds"), "中央财政": (MONEY_ROW, "other_funds"),
    "省级财政资金": (MONEY_ROW, "other_funds"), "市县财政资金": (MONEY_ROW, "other_funds"),
    # a level's share of the money (自治区财政资金 | 570.17): a part, not the fiscal row
    **{f"{level}财政资金": (MONEY_ROW, "other_funds") for level in (
        "省", "自治区", "市", "市级", "州", "盟市", "县", "县级", "区", "区级", "旗县", "乡镇")},
    "一般公共预算": (MONEY_ROW, "fiscal"), "政府性基金": (MONEY_ROW, "other_funds"),
    "国有资本经营预算": (MONEY_ROW, "other_funds"),
    "基本支出": (MONEY_ROW, "basic"), "项目支出": (MONEY_ROW, "project"),
    # indicator columns (分值 / 权重 / 得分 are read by role in an indicator header)
    "一级指标": (KPI_COLUMN, "level1"), "二级指标": (KPI_COLUMN, "level2"), "三级指标": (KPI_COLUMN, "name"),
    "指标名称": (KPI_COLUMN, "name"), "指标内容": (KPI_COLUMN, "name"), "绩效指标名称": (KPI_COLUMN, "name"),
    "预期目标值": (KPI_COLUMN, "target"), "绩效目标值": (KPI_COLUMN, "target"), "计划目标值": (KPI_COLUMN, "target"),
    "年末完成值": (KPI_COLUMN, "actual"), "绩效实际值": (KPI_COLUMN, "actual"),
    "标准分值": (MONEY_COLUMN, "weight"), "指标分值": (MONEY_COLUMN, "weight"),
    "年度指标值": (KPI_COLUMN, "target"), "预期指标值": (KPI_COLUMN, "target"), "指标值": (KPI_COLUMN, "target"),
    "年度目标值": (KPI_COLUMN, "target"), "年初目标值": (KPI_COLUMN, "target"), "目标值": (KPI_COLUMN, "target"),
    "实际完成值": (KPI_COLUMN, "actual"), "全年完成值": (KPI_COLUMN, "actual"), "全年实际值": (KPI_COLUMN, "actual"),
    # a municipality's department form: 年初指标值 | 调整指标值 | 全年完成值 | 得分系数(%) | … | 是否核心指标
    "年初指标值": (KPI_COLUMN, "target"), "调整指标值": (KPI_COLUMN, "adjusted"),
    "得分系数": (KPI_COLUMN, "ratio"), "是否核心指标": (KPI_COLUMN, "core"),
    "实际完成指标值": (KPI_COLUMN, "actual"), "实际值": (KPI_COLUMN, "actual"), "完成值": (KPI_COLUMN, "actual"),
    "实施进度": (KPI_COLUMN, "actual"),  # a monitoring form's column: where the indicator stands
    "全年实际完成值": (KPI_COLUMN, "actual"), "年度实际完成值": (KPI_COLUMN, "actual"),
    "偏差原因分析及改进措施": (KPI_COLUMN, "reason"), "未完成原因分析及改进措施": (KPI_COLUMN, "reason"),
    "未完成原因和改进措施": (KPI_COLUMN, "reason"), "未完成原因分析": (KPI_COLUMN, "reason"),
    "未完成原因及改进措施": (KPI_COLUMN, "reason"), "未完成原因及拟采取的改进措施": (KPI_COLUMN, "reason"),
    "偏差原因分析": (KPI_COLUMN, "reason"), "偏差原因": (KPI_COLUMN, "reason"), "偏差及原因分析": (KPI_COLUMN, "reason"),
    "产生差异的原因及改进措施": (KPI_COLUMN, "reason"),
    "指标性质": (KPI_COLUMN, "comparator"), "指标方向": (KPI_COLUMN, "comparator"),
    "度量单位": (KPI_COLUMN, "unit"), "计量单位": (KPI_COLUMN, "unit"),
    # levels of indicators
    "产出指标": (LEVEL1, ""), "效益指标": (LEVEL1, ""), "项目决策": (LEVEL1, ""), "项目管理": (LEVEL1, ""),
    "项目产出": (LEVEL1, ""), "项目效益": (LEVEL1, ""),
    "成本指标": (LEVEL_EITHER, ""), "满意度指标": (LEVEL_EITHER, ""),
    "数量指标": (LEVEL2, ""), "质量指标": (LEVEL2, ""), "时效指标": (LEVEL2, ""),
    "经济成本指标": (LEVEL2, ""), "社会成本指标": (LEVEL2, ""), "生态环境成本指标": (LEVEL2, ""),
    "经济效益指标": (LEVEL2, ""), "社会效益指标": (LEVEL2, ""), "生态效益指标": (LEVEL2, ""),
    "可持续影响指标": (LEVEL2, ""), "服务对象满意度指标": (LEVEL2, ""), "长效管理指标": (LEVEL2, ""),
    "产出数量": (LEVEL2, ""), "产出质量": (LEVEL2, ""), "产出时效": (LEVEL2, ""), "产出成本": (LEVEL2, ""),
    # totals and sections that end a block
    "总分": (TOTAL, ""), "合计": (TOTAL, "sum"),  # 合计 | 100 | 96: the full marks first, then the score
    "年度总体目标": (SECTION, ""), "总体目标完成情况": (SECTION, ""), "年初设定目标": (SECTION, ""),
    "全年实际完成情况": (SECTION, ""), "预期目标": (SECTION, ""), "实际完成情况": (SECTION, ""),
    "年度目标完成情况": (SECTION, ""), "绩效指标": (SECTION, ""), "资金管理情况": (SECTION, ""),
    "项目基本情况": (SECTION, ""), "情况说明": (SECTION, ""), "存在问题和改进措施": (SECTION, ""),
}  # fmt: skip
MONEY_ROLES_IN_KPI = {"weight": "weight", "score": "score"}
ENDS_TABLE = (TOTAL, FIELD, SECTION, KPI_COLUMN)  # what ends an indicator table


LABEL_PATTERN = re.compile(label_trie_pattern(list(LABELS)))


# Formula marks in headers, (A) (B) (B/A×100%) (20分*执行率) (全年执行数/全年预算数), are not cells,
# nor (B/A1, B/A) or (A whose bracket a scan lost; a template's placeholder inside a name, (≥**平方米), is no formula.
FORMULA = re.compile(
    r"[(（]\s*[A-Za-z](?:\s*[/÷]\s*[A-Za-z])?(?:\s*[×*xX]\s*100\s*%)?\s*[)）]"
    r"|[(（]\s*[A-Za-z]\s*[/÷]\s*[A-Za-z]\s*[1l|]?(?=[\s\u4e00-\u9fff]|$)"  # (B/A1: its closing bracket misread or lost
    r"|(?<=[\u4e00-\u9fff])[A-Z](?:\s*[/÷]\s*[A-Z])?\s*[)）]"  # 执行数B), 执行率B/A): the opening bracket lost
    r"|[(（]\s*[A-Z](?=\s|$)"  # 年初目标值(A at a cell's end: the closing bracket lost
    r"|[(（][^()（）*×÷]+[*×÷][^()（）*×÷]+[)）]"
    r"|[(（][^()（）/]*[\u4e00-\u9fff]{2}\s*/\s*[\u4e00-\u9fff]{2}[^()（）/]*[)）]"  # (全年执行数/全年预算数)
)
# A unit in brackets, the closing one sometimes lost at a line's end ((万元 | 年初预算数).
UNIT_MARK = re.compile(r"[(（]\s*(万元|元|亿元)\s*(?:[)）]|(?=\s|$))|单位\s*[:：]\s*(万元|元|亿元)")
POINTS = re.compile(r"^[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")  # (50分) after a level label
# A column's unit printed after its label: 执行率(%), 得分(分).
COLUMN_UNIT = re.compile(r"^[(（]\s*(?:分|%)\s*[)）]$")
EMPTY_CELL = re.compile(r"^[-—–一/\\、]+$")
# A pipe, or whitespace: in a flattened form a space is where a cell ends; not between a figure and
# its unit (3359.62 万, 83.5 %: a scan's or a typesetter's spacing inside one cell).
UNIT_AFTER_SPACE = r"(?:万元|万|亿元|元|%)(?=\s|\||$)"
SEPARATORS = re.compile(rf"\s*\|\s*|\s++(?!{UNIT_AFTER_SPACE})|(?<![\d.])\s++")
SPACED_UNIT = re.compile(rf"(?<=[\d.])\s+(?={UNIT_AFTER_SPACE})")
TEMPLATE_PREFIX = r"指标\s*\d{1,2}\s*[:：]"  # 指标7: before a row's name, the template's numbering
# A template's row prefix run against the figure before it (…2 2指标8:适龄儿童…: the space lost at a
# PDF line wrap): a cell ends there.
PREFIX_AFTER_FIGURE = re.compile(rf"(?<=[\d%])(?={TEMPLATE_PREFIX})")
# An amount with decimals and its unit run against the next cell's figure (620.82万元100 100% 10: the
# space lost at a PDF line's end): a cell ends after the unit.
AMOUNT_BEFORE_FIGURE = re.compile(r"(?<![\d.])\d+\.\d{1,6}万?元(?=\d)")


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
    in_text: bool = False  # from a paragraph that is not a table row, with or without pipes
    glued: bool = False  # printed right after the token before it, nothing between them

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


def strip_span(text: str, start: int, end: int, chars: str = STRIPPED) -> tuple[int, int]:
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
        a, b = strip_span(text, position, piece_end)
        position = separator.end() if separator else end
        if a >= b:
            continue
        cuts = sorted(
            [cut.start() for cut in PREFIX_AFTER_FIGURE.finditer(text, a, b)]
            + [amount.end() for amount in AMOUNT_BEFORE_FIGURE.finditer(text, a, b)]
        )
        for low, high in zip([a, *cuts], [*cuts, b], strict=True):
            spans.extend(_unit_spans(text, low, high))
    return spans


def _unit_spans(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The spans of one piece of text: a unit mark (万元) a token of its own."""
    spans: list[tuple[int, int]] = []
    cursor = a
    for unit in UNIT_MARK.finditer(text, a, b):
        before = strip_span(text, cursor, unit.start(), " :：")
        if before[0] < before[1]:
            spans.append(before)
        spans.append((unit.start(), unit.end()))
        cursor = unit.end()
    rest = strip_span(text, cursor, b, " :：")
    if rest[0] < rest[1]:
        spans.append(rest)
    return spans


def _scan(text: str) -> list[tuple[int, int, str, str | None]]:
    """(start, end, normalised text, label) of every label and value token of a text; the spans
    index the text as given (normalisation keeps every character in its place)."""
    simple = FORMULA.sub(lambda m: " " * len(m.group(0)), simplify(text))
    found: list[tuple[int, int, str, str | None]] = []
    start = 0
    for match in [*(m for m in LABEL_PATTERN.finditer(simple) if not _starts_a_rate_name(simple, m)), None]:
        stop = match.start() if match else len(simple)
        for a, b in _value_spans(simple, start, stop):
            value = SPACED_UNIT.sub("", WHITESPACE.sub(" ", simple[a:b]))
            found.append((a, b, value, WHOLE_CELL_LEVELS.get(value.replace(" ", ""))))
        if match:
            label = label_of(match.group(0))
            found.append((match.start(), match.end(), WHITESPACE.sub("", match.group(0)), label))
            start = match.end()
    return found


# A money caption or row label run into the words of a rate (预算资金拨款率, 项目资金到位率): an indicator's
# name, not a label before it.
RATE_WORDS = re.compile(r"[\u4e00-\u9fff]{1,8}率")


def _starts_a_rate_name(text: str, match: re.Match[str]) -> bool:
    """Whether a money label found in `text` starts a rate's name instead: words ending in 率 follow it
    with nothing between them, and they are no label of their own (财政拨款 | 执行率 in a header)."""
    kind = LABELS[label_of(match.group(0))][0]
    return (
        kind in (CAPTION, MONEY_ROW)
        and RATE_WORDS.match(text, match.end()) is not None
        and LABEL_PATTERN.match(text, match.end()) is None
    )


# Level names printed without 指标 are labels only as a whole cell (社会效益 | 服务质量 ...), never
# inside a name (图书数量).
WHOLE_CELL_LEVELS = {
    "产出": "产出指标", "效益": "效益指标", "数量": "数量指标", "质量": "质量指标", "时效": "时效指标",
    "成本": "成本指标", "经济效益": "经济效益指标", "社会效益": "社会效益指标", "生态效益": "生态效益指标",
    "可持续影响": "可持续影响指标", "服务对象满意度": "服务对象满意度指标", "满意度": "满意度指标",
}  # fmt: skip


def tokens_of_text(
    text: str, locator: str, row: str | None = None, cell: int | None = None, width: int | None = None
) -> list[Token]:
    """Labels and value tokens of one cell (of a real table's `row`, in its place) or paragraph."""
    return [
        Token(value, locator, label, row, cell, width, raw=text[a:b].strip())
        for a, b, value, label in _scan(text)
    ]


def _pipe_cells(text: str) -> bool:
    """Whether a block is cells of pipe rows: a row (a | b) or one cell of it on a line of its own (| a)."""
    return text.count("|") >= 2 or text.lstrip().startswith("|")


def tokens(document: Document) -> list[Token]:
    """The document as one stream of tokens: table cells in order (empty cells dropped), and runs of
    other blocks read as one text (a label broken over lines, 产 / 出 / 指 / 标, is still a label),
    without pinyin glosses, split into labels and values; each token keeps the locator of the block it starts in."""
    stream: list[Token] = []
    run: list[TextBlock] = []

    def flush() -> None:
        texts = [without_glosses(b.text) for b in run]
        starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        text = "\n".join(texts)
        in_text = [not _pipe_cells(b.text) for b in run]  # once per block: a block may be one huge line
        end = -1
        for a, b, value, label in _scan(text):
            index = bisect_right(starts, a) - 1
            raw = text[a:b].strip()
            stream.append(
                Token(value, run[index].locator, label, raw=raw, in_text=in_text[index], glued=a == end)
            )
            end = b
        run.clear()

    for block in document.blocks:
        if block.kind == "table_row":
            if run:
                flush()
            for index, cell in enumerate(block.cells):
                if cell and cell.strip():
                    locator = f"{block.locator} cell {index + 1}"
                    stream.extend(
                        tokens_of_text(without_glosses(cell), locator, block.locator, index, len(block.cells))
                    )
        else:
            run.append(block)
    if run:
        flush()
    return stream
