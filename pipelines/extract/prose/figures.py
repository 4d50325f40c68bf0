"""Which figure an alias introduces in a sentence.

The first figure after the alias whose unit the indicator accepts, unless something in between says
the figure is another thing's (another alias, a change or carry-over word such as 增加 or 结转, a
comma, an indicator's weight); an allocation word (下达, 安排) reaches its amount across a fund's name;
with a money unit declared (单位:万元), a two-decimal amount printed bare right after a money alias.
Rates as formulas (执行率=支出/预算×100%=93.6%) take the result; lists with 分别 pair aliases and
figures one to one or not at all; a figure adjusted during the year (由…调整为…) counts as adjusted;
an earlier year's figure beside a later year's is a comparison (`earlier_years`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from pipelines.extract.matching import MONEY_UNIT_HINT, AliasHit, unit_fits
from pipelines.extract.numbers import Figure
from pipelines.extract.regions import place_name_starts

# Between an alias and its figure, these words mean the figure is something else.
GAP_STOPS = (
    "结转",
    "结余",
    "增加",
    "减少",
    "追加",
    "增长",
    "下降",
    "同比",
    "比上年",
    "较上年",
    "占",
    "多",
    "少",
    "差",
    "到位",  # 项目资金到位50万元: funds received, not the budget
    "三公",  # 预算安排的三公经费总额为12万元: the 三公 expenses' figure, not the budget's
    "其中",  # 离退休人员62(其中:离休人员8人…): a figure after 其中 is a part's, whatever came before
)
MAX_GAP = 14
# An alias whose subject is the three official expenses (“三公”经费共支出12万元, 三公经费总支出, 三公经费财政拨款
# 支出决算为): that expense's figure, not the body's.
THREE_OFFICIAL_EXPENSES = re.compile(r"三公[”\"’']?\s*经费[^,，。；;:：]{0,8}$")
SUBJECT_CHARS = 16
# A minus sign printed against the figure (年内调整预算数-159.39万元): a decrease, never a total.
MINUS_BEFORE = re.compile(r"(?:^|[^\d\s])[-－−]$")
PART_OF = re.compile(
    r"中(?![央心国共学小医期药级等])[\u4e00-\u9fff]{2,}"
)  # X中Y: of X, its part Y (not 中央 …)
INDICATOR_WEIGHT = re.compile(r"\s*指标\s*(?:权重|分值|占比?)?\s*(?:为|是)?\s*")
# Money passed down names its fund before the amount (下达我县中央专项彩票公益金…补助资金200万元): an
# allocation word (下达, 下拨, 安排) reaches its figure across a fund's name that ends in a fund word.
ALLOCATION = re.compile(r"下达|下拨|安排$")
FUND_NAME_GAP = re.compile(
    r"[^,，。；;:：、《》]{0,45}?(?:资金|经费|补助|补贴|公益金|专款|转移支付)"
    r"(?:[(（][^()（）]{1,12}[)）])?(?:[,，]?\s*(?:共计|合计)|共|为|计)?\s*"
)  # …救灾资金(水利部分),共计6800万元: a bracketed part of the fund's name, its sum after a comma
PLACE_CHARS = 12  # a place name's longest form, for the recipient a fund's name may start with
OUR_AREA = re.compile(
    r"我[省市州县区旗镇乡]"
)  # 下达我市: the report's own area; a place named after it is a part
BARE_AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}")
NOT_AFTER_AMOUNT = ("、", ".", "%", ")", "万", "亿")
OTHER_THAN_INCOME = re.compile(r"支出|预算|结转|结余")
DATE_UNITS = ("年", "月", "日")
# Measure words of anything: a figure in them belongs to an alias only when nothing but a linking word
# stands between the two.
CLOSE_UNITS = ("个",)
CLOSE_GAP = re.compile(r"[为是共计有达到:\s]*")
# A money unit declared after a label, right before its bare figure (计划投资额(万元)110.00).
UNIT_BEFORE = re.compile(rf"(?:{MONEY_UNIT_HINT.pattern})\s*[:：]?\s*$")
SENTENCE_END = re.compile(r"[。；;!?！？\n]")  # where a sentence of running text ends
BRACKET_SPAN = re.compile(r"[(（][^()（）]*(?:[)）]|$)")
# A rate given as a formula, and the ×100% inside it.
FORMULA = re.compile(r"[/÷]")
TIMES = re.compile(r"[×*xX]\s*$")
RESPECTIVELY = re.compile(r"分别")
LIST_REACH = 60
YEAR = re.compile(r"(?<!\d)(20\d\d)年")
ADJUSTED_TO = re.compile(
    r"[,\s]*(?:年中|年内|年底|经|后)?(?:调整|调增|调减|追加|增加|核减|变更)后?(?:为|至|到)\s*"
)
LIST_JOINT = re.compile(r"[和、及与]")


def _comma_passed(text: str, skipped: list[Figure], figure: Figure) -> bool:
    """Whether a figure after a comma still belongs to the alias: only when a date stood before the comma
    (截至2023年底,共37人) or the figure pairs with the one just before (新书9001种,10234册)."""
    if not skipped:
        return False
    if all(other.unit in DATE_UNITS for other in skipped):
        return True
    return not text[skipped[-1].end : figure.start].strip(" ,、")


def _bare_amount(hit: AliasHit, figure: Figure, gap: str, text: str) -> bool:
    """An amount with two decimals and no unit right after a money alias (本年收入合计 520.00)."""
    return (
        hit.indicator.unit == "CNY"
        and figure.unit == ""
        and not gap.strip(" :：)）")  # (a label's stray closing bracket: XX资金总额): 300.00)
        and bool(BARE_AMOUNT.fullmatch(figure.raw))
        and not text.startswith(NOT_AFTER_AMOUNT, figure.end)
    )


def _figure_for(
    hit: AliasHit, text: str, figures: list[Figure], limit: int, money_unit: str | None = None
) -> Figure | None:
    """The figure an alias introduces, or None (`figures` in order of their start). With a money unit
    declared for the text (单位:万元), an amount printed bare right after a money alias is one too (a
    statement table flattened into a line: 本年收入合计  520.00  本年支出合计  515.00)."""
    if hit.indicator.unit == "CNY" and THREE_OFFICIAL_EXPENSES.search(
        text, max(0, hit.start - SUBJECT_CHARS), hit.start
    ):
        return None
    skipped: list[Figure] = []
    for index in range(bisect_left(figures, hit.end, key=lambda f: f.start), len(figures)):
        figure = figures[index]
        if figure.start >= limit:
            break
        gap = text[hit.end : figure.start]
        for other in skipped:
            gap = gap.replace(text[other.start : other.end], "")
        fund_named = bool(ALLOCATION.search(hit.alias)) and bool(FUND_NAME_GAP.fullmatch(gap))
        if (
            fund_named
            and OUR_AREA.search(hit.alias)
            and place_name_starts(gap[:PLACE_CHARS], below_province=True)[:1] == [0]
        ):
            # 下达我市宣汉县文化馆…补助40万元: one place's share of what our area was given (a province's
            # name starts a fund's own name: 下达我县某某省体育强省专项资金…)
            return None
        if (len(gap) > MAX_GAP and not fund_named) or any(stop in gap for stop in GAP_STOPS):
            return None
        if MINUS_BEFORE.search(gap) and hit.indicator.min_value >= 0:
            return None
        if hit.lead and not CLOSE_GAP.fullmatch(gap):
            return None  # 在职党员20人: a bare word's figure stands right after it
        if hit.indicator.code.startswith("expenditure") and "预算" in gap:  # 基本支出预算 is a budget
            return None
        if INDICATOR_WEIGHT.fullmatch(gap):
            return None  # 预算执行率指标10%, 满意度指标10分: an indicator's weight, not its figure
        if PART_OF.match(gap) and not fund_named:  # 安排中和检查站经费: a fund named after 中和
            return None  # 基本支出中人员经费221万元: the figure of a part named after 中
        if gap.rstrip().endswith("各"):
            return None  # 2个中心,编制各12人: each one's figure, not the whole's
        if hit.indicator.code.startswith("income") and OTHER_THAN_INCOME.search(gap):
            return None  # 财政拨款支出预算为432万元 is a budget, 财政拨款支出 spending
        if "," in gap and not fund_named and not _comma_passed(text, skipped, figure):
            return None
        if money_unit and not skipped and _bare_amount(hit, figure, gap, text):
            return figure
        if skipped and not skipped[-1].unit and not text[skipped[-1].end : figure.start].strip():
            return None  # 职工 2 3 人: one number split by a space, or two; either way not 3
        if not figure.unit and hit.indicator.unit == "CNY" and (declared := UNIT_BEFORE.search(gap)):
            return replace(figure, unit=declared.group(1))  # 计划投资额(万元)110.00: the label's unit
        if unit_fits(figure, hit.indicator):
            if figure.unit in CLOSE_UNITS and not CLOSE_GAP.fullmatch(gap):
                return None  # 个 is any thing's measure word: only right after its alias (编制为64个)
            return figure
        skipped.append(figure)
    return None


def _clause_end(clause_starts: list[int], position: int, length: int) -> int:
    """Where the clause holding `position` ends (its punctuation included)."""
    index = bisect_right(clause_starts, position)
    return clause_starts[index] if index < len(clause_starts) else length


def _between(figures: list[Figure], start: int, end: int) -> list[Figure]:
    return figures[
        bisect_left(figures, start, key=lambda f: f.start) : bisect_left(figures, end, key=lambda f: f.start)
    ]


def _is_formula(hit: AliasHit, text: str, end: int) -> bool:
    """A rate stated as a formula (执行率=实际支出/预算数×100%=95.2%, 执行率(支出/预算)为95.2%)."""
    return hit.indicator.unit == "percent" and bool(FORMULA.search(text, hit.end, end))


def _formula_result(hit: AliasHit, text: str, figures: list[Figure], end: int) -> Figure | None:
    """The result of a formula: its last percentage that is not the ×100% inside it."""
    results = [
        f
        for f in _between(figures, hit.end, end)
        if unit_fits(f, hit.indicator) and not TIMES.search(text, max(hit.end, f.start - 3), f.start)
    ]
    return results[-1] if results else None


def _respectively(hits: list[AliasHit], text: str, figures: list[Figure], clause_starts: list[int]):
    """Lists stated with 分别 (基本支出和项目支出分别为310万元和190万元): hit index -> its figure, or None
    for every hit of a list whose figures do not pair up one to one. A list longer than LIST_REACH
    characters on either side of 分别 pairs nothing."""
    settled: dict[int, Figure | None] = {}
    for word in RESPECTIVELY.finditer(text):
        before = bisect_right(clause_starts, word.start())
        start = clause_starts[before - 1] if before else 0
        end = _clause_end(clause_starts, word.start(), len(text))
        reach_start, reach_end = max(start, word.start() - LIST_REACH), min(end, word.end() + LIST_REACH)
        first = bisect_left(hits, reach_start, key=lambda hit: hit.start)
        last = bisect_left(hits, word.start(), key=lambda hit: hit.start)
        listed = [i for i in range(first, last) if hits[i].end <= word.start()]
        # the items of the list (资金到位率和执行率: two items, one of them no alias)
        joints = [m.start() for m in LIST_JOINT.finditer(text, reach_start, word.start())]
        if not listed or not joints:
            continue
        low = bisect_left(figures, word.end(), key=lambda f: f.start)
        high = bisect_left(figures, reach_end, key=lambda f: f.start)
        beyond = bisect_left(figures, end, key=lambda f: f.start)
        items = [bisect_left(joints, hits[i].start) for i in listed]
        fits = (
            reach_start == start
            and high == beyond
            and high - low == len(joints) + 1
            and all(
                unit_fits(figures[low + item], hits[i].indicator)
                for i, item in zip(listed, items, strict=True)
            )
        )
        for i, item in zip(listed, items, strict=True):
            settled[i] = figures[low + item] if fits else None
    return settled


def _adjusted(hit: AliasHit, figure: Figure, text: str, figures: list[Figure]) -> Figure:
    """The figure as changed during the year where the text says so (全年预算数由年初的400万元调整为
    450万元): the final one counts."""
    change = ADJUSTED_TO.match(text, figure.end)
    if change:
        following = _between(figures, change.end(), change.end() + 1)
        if following and unit_fits(following[0], hit.indicator):
            return following[0]
    return figure


def choose(
    sentence: str,
    hits: list[AliasHit],
    figures: list[Figure],
    clause_starts: list[int],
    money_unit: str | None,
):
    """The figure each alias introduces (hit index -> figure), where it has one."""
    settled = _respectively(hits, sentence, figures, clause_starts)
    chosen: dict[int, Figure] = {}
    for i, hit in enumerate(hits):
        if i in settled:
            figure = settled[i]
        else:
            end = _clause_end(clause_starts, hit.end, len(sentence))
            if _is_formula(hit, sentence, end):
                # the aliases inside the formula (实际支出/预算数) state no figure of their own
                inside = bisect_left(hits, end, key=lambda other: other.start)
                settled.update(dict.fromkeys(range(i + 1, inside)))
                figure = _formula_result(hit, sentence, figures, end)
            else:
                limit = hits[i + 1].start if i + 1 < len(hits) else len(sentence)
                figure = _figure_for(hit, sentence, figures, limit, money_unit)
                if figure is not None:
                    figure = _adjusted(hit, figure, sentence, figures)
        if figure is not None:
            chosen[i] = figure
    return chosen


def earlier_years(
    sentence: str, hits: list[AliasHit], chosen: dict[int, Figure], clause_starts: list[int]
) -> set[int]:
    """Figures of a code the sentence also states for a later year (2022年接待读者8万人次,2023年接待读者
    9.5万人次): the earlier year's is a comparison, not the year's figure."""
    years = [(m.start(), int(m.group(1))) for m in YEAR.finditer(sentence)]
    if len(years) < 2:
        return set()
    by_code: dict[str, list[tuple[int, int]]] = {}
    for i in chosen:
        hit = hits[i]
        before = bisect_right(clause_starts, hit.start)
        clause_start = clause_starts[before - 1] if before else 0
        index = bisect_left(years, (hit.start,))
        if index and years[index - 1][0] >= clause_start:
            by_code.setdefault(hit.indicator.code, []).append((i, years[index - 1][1]))
    stale: set[int] = set()
    for stated in by_code.values():
        latest = max(year for _, year in stated)
        stale.update(i for i, year in stated if year < latest)
    return stale
