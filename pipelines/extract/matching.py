"""What prose and table extraction share: the alias matcher, scopes, and turning a figure into facts.

Scopes: a figure belongs to the whole department unless a word such as 财政拨款 or 其他资金, a row
label, or an alias such as 年初预算数 says otherwise. Every fact keeps its scope; some scopes make a
figure another code's department value too (the 全年执行数 of 基本支出 is expenditure_basic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.extract.numbers import Figure, to_canonical
from pipelines.indicators import FISCAL_CODES, FISCAL_TWINS, Indicator, default_dictionary
from pipelines.model import DEPARTMENT, Fact, PerformanceIndicator

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
    "整体": DEPARTMENT,  # 基本支出执行率100%,整体预算执行率97%: the whole again
    "资金总额": DEPARTMENT,
    "总金额": DEPARTMENT,
}
# An alias with no figure of its own scopes the aliases after it (基本支出的全年预算数).
ALIAS_SCOPES = {
    "income_fiscal": "fiscal",
    "budget_fiscal": "fiscal",
    "expenditure_basic": "basic",
    "expenditure_project": "project",
}
# Aliases that carry a scope of their own.
ALIAS_OWN_SCOPES = {"年初预算数": "initial", "年初预算": "initial", "年初批复预算": "initial"}
# (code, scope) pairs that are another code's department figure.
SCOPE_REMAP = {
    ("expenditure_total", "basic"): ("expenditure_basic", DEPARTMENT),
    ("expenditure_total", "project"): ("expenditure_project", DEPARTMENT),
}
BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
MONEY_UNIT_HINT = re.compile(r"(?:单位[:：]\s*|[(（])(万元|亿元|元)[)）]?")
# A 万元 header over a figure this large (100亿元 and more) is taken to be wrong: the figure is yuan.
WAN_HEADER_CEILING = 1_000_000


def combine_scopes(scope: str, alias: str) -> str:
    """The scope of a figure: its sentence's or row's scope, refined by the alias's own (年初 -> initial)."""
    own = ALIAS_OWN_SCOPES.get(alias)
    if own is None:
        return scope
    return own if scope == DEPARTMENT else f"{scope}+{own}"


def scope_of_label(label: str) -> str:
    """The scope a row label or a sentence prefix names (其中：财政拨款 -> fiscal)."""
    for word, scope in SCOPE_WORDS.items():
        if word in label:
            return scope
    return DEPARTMENT


LABEL_MARKS = re.compile(r"[\s:：*]")


def clean_label(cell: str) -> str:
    """A header or label cell without brackets, spaces and colons: 全年(调整)预算数 -> 全年预算数."""
    return LABEL_MARKS.sub("", BRACKETED.sub("", cell))


@dataclass(frozen=True)
class AliasHit:
    start: int
    end: int
    indicator: Indicator
    alias: str
    lead: bool = False  # a bare word (^在职) that names the indicator only leading a clause


# What may stand before an alias written ^收入 in the dictionary: the start of the text, a clause
# boundary, or a list marker after one (1. / (一) / 一是 / ①).
CLAUSE_LEAD = re.compile(
    r"(?:^|[,;:。\s()（）])(?:其中\s*[,:：]?\s*)?"
    r"(?:\d{1,2}\s*[、.．]|[(（]?[一二三四五六七八九十\d]{1,2}[)）、]|[一二三四五六七八九十]是|[①-⑩])?$"
)
# A body's name (or its kind) right before a bare word makes the word that body's (卫生院支出为430万元).
BODY_BEFORE = re.compile(r"(?:院|局|馆|校|园|中心|站|所|镇|乡|街道|委|会|队)$")
YEAR_END_BEFORE = re.compile(r"年[末底]$")  # 2017年末在职21人: the staff at the year's end
# The item before in a list of figures (在职12人、退休14人; 在职12人(含借调3人)、退休14人): a bare word
# after it leads its own item.
ITEM_BEFORE = re.compile(r"\d\s*(?:人|名|万元|元|%)\s*(?:[(（][^()（）]{0,30}[)）])?\s*、$")
LEAD_MARK = "^"
PROJECT_MARK = "@"  # @项目预算: an alias only in a project or transfer report, where the project is the whole


@dataclass
class Matcher:
    """All aliases of the dictionary, longest first. An alias written ^收入 in the dictionary is a bare
    word that names the indicator only as the label of a clause or list item (1.收入:615.40万元,
    其中在职14人), with its figure right after it, and only in running text (`hits(...,
    clause_leads=True)`); it is no table header. One written @项目预算 is an alias only in the running
    text of a project or transfer report, over any other reading of the words."""

    indicators: dict[str, Indicator]
    project_report: bool = False  # a project or transfer report: its project's words name its totals
    by_alias: dict[str, Indicator] = field(init=False)
    leads: dict[str, Indicator] = field(init=False)
    in_project: dict[str, Indicator] = field(init=False)
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.by_alias = {}
        self.leads = {}
        self.in_project = {}
        for indicator in self.indicators.values():
            for alias in indicator.aliases:
                if alias.startswith(PROJECT_MARK):
                    if self.project_report:
                        self.in_project.setdefault(alias[len(PROJECT_MARK) :], indicator)
                elif alias.startswith(LEAD_MARK):
                    self.leads.setdefault(alias[len(LEAD_MARK) :], indicator)
                else:
                    self.by_alias.setdefault(alias, indicator)
        ordered = sorted({*self.by_alias, *self.leads, *self.in_project}, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(a) for a in ordered))

    def hits(self, text: str, clause_leads: bool = False) -> list[AliasHit]:
        """Alias occurrences in `text`, except after a word that negates them (增加 基本支出)."""
        found: list[AliasHit] = []
        for match in self.pattern.finditer(text):
            alias = match.group(0)
            if alias in self.in_project and found and found[-1].end == match.start():
                continue  # 实际支出项目资金50万元: the project's words are what the alias before counts
            indicator = self.in_project.get(alias) if clause_leads else None
            indicator = indicator or self.by_alias.get(alias)
            lead = indicator is None
            if indicator is None:
                if alias not in self.leads:
                    continue  # a project report's word outside running text
                indicator = self.leads[alias]
                if not clause_leads or not (
                    CLAUSE_LEAD.search(text, max(0, match.start() - 9), match.start())
                    or BODY_BEFORE.search(text, max(0, match.start() - 2), match.start())
                    or YEAR_END_BEFORE.search(text, max(0, match.start() - 2), match.start())
                    or ITEM_BEFORE.search(text, max(0, match.start() - 40), match.start())
                ):
                    continue
            if _negated(text, match.start(), indicator.not_after):
                continue
            found.append(AliasHit(match.start(), match.end(), indicator, alias, lead))
        return found


def _negated(text: str, start: int, words: tuple[str, ...]) -> bool:
    """Whether a negating word ends where the alias at `start` begins, or runs into it (上年度支出:
    上年度 takes the alias 年度支出's first characters)."""
    before = text[max(0, start - 4) : start]
    for word in words:
        if before.endswith(word):
            return True
        for overlap in range(1, len(word)):
            if before.endswith(word[:overlap]) and text.startswith(word[overlap:], start):
                return True
    return False


def unit_fits(figure: Figure, indicator: Indicator) -> bool:
    """Whether a figure's printed unit is one the indicator accepts."""
    if figure.unit in ("年", "月", "日"):
        return False
    if indicator.unit == "CNY" and figure.scaled:
        return True  # 资金29.6万: an amount in 万 with 元 left out, already in yuan
    return figure.unit in indicator.units


@dataclass
class Context:
    """What earlier blocks tell about later ones (target sections, the money unit of a table), and
    the performance-indicator rows found so far."""

    target_levels: dict[int, bool] = field(default_factory=dict)
    money_unit: str | None = None
    indicators: list[PerformanceIndicator] = field(default_factory=list)  # rows of performance tables
    venue: bool = False  # the text has spoken of the body as a venue (本馆, 我馆, 馆内 ...)
    label: tuple[Indicator, str] | None = None  # a paragraph that is only a label (人员编制): its indicator
    by_nature: bool = False  # inside a form's budget split by nature (按支出性质分: 基本支出 / 项目支出)
    fund_total: list[Fact] = field(default_factory=list)  # a project's budget told before its parts
    fund_parts: set[float] = field(default_factory=set)  # those parts, in yuan
    fund_sum: list[Fact] = field(default_factory=list)  # a project's fund told as a sum (资金合计…万元)
    fund_rated: bool = False  # a fund's money and spending checked by a rate read (later ones are parts)

    def in_target_section(self) -> bool:
        return any(self.target_levels.values())


def make_facts(
    indicator: Indicator,
    figure: Figure,
    scope: str,
    is_target: bool,
    locator: str,
    snippet: str,
    money_unit: str | None = None,
    note: str | None = None,
) -> list[Fact]:
    """The fact(s) one figure states: its code under its scope, plus any code it also is."""
    unit = figure.unit
    if indicator.unit == "CNY" and figure.scaled:
        unit = "元"  # 29.6万 is already 296000 yuan
    elif indicator.unit == "CNY" and not unit:
        unit = money_unit or "元"
        if unit == "万元" and figure.value >= WAN_HEADER_CEILING:
            unit = "元"
            note = f"unit 万元 of the table not applied: {figure.raw} reads as yuan"
    value = to_canonical(figure.value, unit, indicator.unit)
    code = indicator.code
    codes = [(code, scope)]
    if (code, scope) in SCOPE_REMAP:
        codes = [SCOPE_REMAP[(code, scope)]]
    elif code in FISCAL_CODES:
        codes = [(code, scope if scope.startswith("fiscal") else "fiscal")]
    elif scope.startswith("fiscal") and code in FISCAL_TWINS:
        codes = [(FISCAL_TWINS[code], scope)]  # the fiscal part of a total is its fiscal code, once
    raw = (
        figure.raw
        if figure.unit or figure.scaled
        else f"{figure.raw} ({unit})"
        if indicator.unit == "CNY"
        else figure.raw
    )
    dictionary = default_dictionary()
    return [
        Fact(
            indicator_code=fact_code,
            value=float(value),
            unit=dictionary[fact_code].unit if fact_code in dictionary else indicator.unit,
            qualifier=figure.qualifier,
            is_target=is_target,
            scope=fact_scope,
            source_locator=locator,
            snippet=snippet,
            raw_text=raw,
            note=note,
        )
        for fact_code, fact_scope in codes
    ]
