"""Figures in running text.

A sentence is cut at 。；;!?; inside it each alias takes the first figure after it whose unit the
indicator accepts, unless something in between says the figure is another thing's (another alias,
a change or carry-over word such as 增加 or 结转). Scope words (财政拨款, 其他资金 ...) and aliases
with no figure of their own (基本支出 in 基本支出的全年预算数) scope the figures after them in the
sentence (money figures only). A clause with 目标 / 计划 / 力争, a section whose heading is about goals,
or a text led by such a label (年度绩效目标: ...) states targets.

Phrasings with a rule of their own:
- rates as formulas (执行率=支出/预算×100%=93.6%) take the result; lists with 分别 pair aliases and
  figures one to one or not at all; a figure adjusted during the year (由…调整为…) counts as adjusted;
- a part is no department figure: a figure after 其中 of a code the sentence already stated, one
  kind of post next to another (行政编制 / 事业编制), one project's or fund's figure (免费开放项目支出,
  某某项目执行率), an earlier year's figure beside a later year's;
- 基本支出 / 项目支出 after a budget word split the budget (budget_total of scope basic / project);
  budgeted income (预算收入) is no income; a budget beside an adjusted budget is the initial one;
- service figures of several bodies (局及其下属各单位), online visits, audiences (观众) where nothing says
  the body is a venue, and one kind of activity among several counted apart are not the body's;
- a form printed one cell per paragraph (人员编制 / 37) gives its staff figures; with a money unit
  declared (单位:万元), a two-decimal amount printed bare right after a money alias is its figure.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from pipelines.extract.matching import (
    ALIAS_SCOPES,
    DEPARTMENT,
    SCOPE_WORDS,
    AliasHit,
    Context,
    Matcher,
    combine_scopes,
    make_facts,
    unit_fits,
)
from pipelines.extract.numbers import Figure, find_figures
from pipelines.extract.text import NormalText, normalise
from pipelines.model import Fact

# Between an alias and its figure, these words mean the figure is something else.
GAP_STOPS = (
    "结转",
    "结余",
    "增加",
    "减少",
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
)
MAX_GAP = 14
INDICATOR_WEIGHT = re.compile(r"\s*指标\s*(?:权重|分值|占比?)?\s*(?:为|是)?\s*")
# Money passed down names its fund before the amount (下达我县中央专项彩票公益金…补助资金200万元): an
# allocation word (下达, 安排) reaches its figure across a fund's name that ends in a fund word.
ALLOCATION = re.compile(r"下达|安排$")
FUND_NAME_GAP = re.compile(
    r"[^,，。；;:：、《》]{0,45}?(?:资金|经费|补助|补贴|公益金|专款|转移支付)(?:共计|合计|共|为|计)?\s*"
)
BARE_AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}")
NOT_AFTER_AMOUNT = ("、", ".", "%", ")", "万", "亿")
OTHER_THAN_INCOME = re.compile(r"支出|预算|结转|结余")
DATE_UNITS = ("年", "月", "日")
# Measure words of anything: a figure in them belongs to an alias only when nothing but a linking word
# stands between the two.
CLOSE_UNITS = ("个",)
CLOSE_GAP = re.compile(r"[为是共计有达到:\s]*")
SIGN_COMPARATORS = ("≥", "≤", ">", "<", "＞", "＜")
TARGET_WORDS = ("目标", "计划", "力争", "预期", "预计", "指标值", "拟")
QUOTED_TITLE = re.compile(r"《[^《》]*》")
DONE = re.compile(r"实际完成|已完成|已发放|已支付|已拨付|共完成|累计完成")
NOT_A_PLAN = re.compile(r"计划生育|计划单列")  # family planning, a city with separate budget status: no plans
# In the clause before an alias, these make the figure a change against another year, not a level.
CHANGE_WORDS = ("较上年", "比上年", "同比", "较去年", "比去年", "增加", "减少", "增长", "下降")
COMPLETION_WORDS = ("完成", "实现", "实际")
OF_WHICH = re.compile("其中")
BRACKET_SPAN = re.compile(r"[(（][^()（）]*(?:[)）]|$)")
# Kinds of posts: where a sentence names two, each is one part of the establishment.
POST_KINDS = re.compile(r"参照公务员管理的?事业编|参公事业编|行政编|事业编|工勤|参公|参照公务员")
POST_KIND_ALIASES = ("事业编制",)
STAFF_KIND = re.compile(r"行政|事业|工勤|参公|编外|聘用|临聘|合同制")
POST_CODE = "staff_authorized"
STAFFING = "staffing"
STAFF_CODE, RETIRED_CODE = "staff_actual", "staff_retired"
# Posts filled (实有编制数): the staff in post, unless the sentence counts the staff in post apart.
POSTS_FILLED = ("实有编制数", "实有编制")
KIND_BEFORE = re.compile(r"(?:行政|事业|工勤|参公|管理)$")
FINANCE = "finance"
# Indicators whose label may stand alone in a paragraph with its figure in the next one.
LABEL_CATEGORIES = (STAFFING, "evaluation")  # 人员编制 | 37; (一)自评得分 | 100分。
LIST_MARKER = re.compile(r"^(?:\d{1,2}\s*[、.．]|[(（]?[一二三四五六七八九十\d]{1,2}[)）、])\s*")
MAX_CELL = 20
# Service figures: whose they are.
SERVICE = "service"
SEVERAL_BODIES = re.compile(r"及其?(?:下属|所属)|(?:下属|所属)各|各乡镇|各街道|各(?:县|市|区)(?:市|区)?")
AREA = re.compile(r"全(?:县|市|区|省|州|盟|旗|镇|乡|域)")
AUDIENCE = re.compile(r"游客|观众")
ONLINE = re.compile(r"线上|网上|在线|网络|云端|数字|远程|直播")
VENUE_WORDS = re.compile(r"馆|影院|剧院|剧场")
VENUE_SELF = re.compile(r"[本我该全]馆|馆内|场馆|[本该]影院|[本该]剧院")
EVENT_UNITS = ("场", "场次", "期", "次")
EVENT_TOTAL = re.compile(r"共|合计|总计|累计|各类|各项")
# A sum told after its parts (甲项目40万元;乙项目25万元。共计下达65万元): the amounts of that code
# before it in the paragraph were its parts.
SCORE_CODE = "self_eval_score"
INDICATOR_ROW_WORDS = re.compile(r"目标值|指标值|完成值")
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
INITIAL = "initial"
# 基本支出 / 项目支出 after a budget word split the budget: they are that budget's parts.
BY_NATURE = "按支出性质分"
AFTER_MONEY_BLOCK = ("总体目标", "绩效指标", "一级指标")
BUDGET_SPLITS = {"expenditure_basic": "budget_total", "expenditure_project": "budget_total"}
BUDGET_WORDS = re.compile(r"(?<!一般公共)预算(?!执行|单位)|安排")
SPENDING_WORDS = re.compile(r"(?<!预算)(?<!预算总)支出|决算|执行|实际|支付|使用|开支|花费")
# Spending in a budget's words (部门预算总支出729.95万元): the budget, not what was spent.
BUDGETED_SPENDING = re.compile(r"预算总?$")
SPENDING_CODE = "expenditure_total"
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
SENTENCE_END = re.compile(r"[。；;!?！？\n]")
CLAUSE_END = re.compile(r"[，,。；;:：!?！？\n]")
HEADING = re.compile(
    r"^\s*(?:(?P<l1>[一二三四五六七八九十]+、)|(?P<l2>[(（][一二三四五六七八九十\d]+[)）])|(?P<l3>\d+\s*[、.．](?!\d)))"
)
MAX_HEADING = 40
LEAD_LABEL = re.compile(rf"[^,;:。!?\n]{{1,{MAX_HEADING}}}:")
SCOPE_PATTERN = re.compile("|".join(re.escape(w) for w in sorted(SCOPE_WORDS, key=len, reverse=True)))


def states_target(clause: str) -> bool:
    """A clause naming a goal or plan and no achievement (a 绩效目标自评表 title names no goal, nor
    does a notice's title: 《关于下达XX资金及绩效目标的通知》)."""
    clause = NOT_A_PLAN.sub("", QUOTED_TITLE.sub("", clause.replace("目标自评", "")))
    return any(w in clause for w in TARGET_WORDS) and not any(w in clause for w in COMPLETION_WORDS)


def told_as_done(text: str) -> bool:
    """Words that tell what was done (实际完成改造264户,发放补助资金278.8万元), also in a section whose
    heading is about goals (一、绩效目标情况); a text labelled as a goal (资金目标:) stays one."""
    return bool(DONE.search(text)) and not states_target(text)


def labelled_target(text: str) -> bool:
    """A text led by a label about goals ((三)年度绩效目标: ...): what follows the label are targets."""
    label = LEAD_LABEL.match(text)
    return bool(label) and states_target(label.group(0))


def see_budget_split(text: str, context: Context) -> None:
    """Track a form's budget split by nature (年度预算申请 … 按支出性质分: 基本支出 / 项目支出): its parts
    are the budget's, not spending; the split ends where the form's goals or indicators begin."""
    if BY_NATURE in text:
        context.by_nature = True
    elif HEADING.match(text) or any(word in text for word in AFTER_MONEY_BLOCK):
        context.by_nature = False


def see_heading(text: str, context: Context) -> None:
    """Track headings: a heading about goals makes its section's figures targets."""
    match = HEADING.match(text)
    if not match or len(text) > MAX_HEADING:
        return
    level = 1 if match["l1"] else 2 if match["l2"] else 3
    for deeper in [lvl for lvl in context.target_levels if lvl >= level]:
        del context.target_levels[deeper]
    context.target_levels[level] = states_target(text)


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
    skipped: list[Figure] = []
    for index in range(bisect_left(figures, hit.end, key=lambda f: f.start), len(figures)):
        figure = figures[index]
        if figure.start >= limit:
            break
        gap = text[hit.end : figure.start]
        for other in skipped:
            gap = gap.replace(text[other.start : other.end], "")
        fund_named = bool(ALLOCATION.search(hit.alias)) and bool(FUND_NAME_GAP.fullmatch(gap))
        if (len(gap) > MAX_GAP and not fund_named) or any(stop in gap for stop in GAP_STOPS):
            return None
        if hit.lead and not CLOSE_GAP.fullmatch(gap):
            return None  # 在职党员20人: a bare word's figure stands right after it
        if hit.indicator.code.startswith("expenditure") and "预算" in gap:  # 基本支出预算 is a budget
            return None
        if INDICATOR_WEIGHT.fullmatch(gap):
            return None  # 预算执行率指标10%, 满意度指标10分: an indicator's weight, not its figure
        if hit.indicator.code.startswith("income") and OTHER_THAN_INCOME.search(gap):
            return None  # 财政拨款支出预算为432万元 is a budget, 财政拨款支出 spending
        if "," in gap and not _comma_passed(text, skipped, figure):
            return None
        if money_unit and not skipped and _bare_amount(hit, figure, gap, text):
            return figure
        if skipped and not skipped[-1].unit and not text[skipped[-1].end : figure.start].strip():
            return None  # 职工 2 3 人: one number split by a space, or two; either way not 3
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


def _choose(
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


def _earlier_years(
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


def _scope_marks(text: str, hits: list[AliasHit], chosen: dict[int, Figure]) -> list[tuple[int, str]]:
    """Positions in a sentence where a scope starts."""
    marks = [(m.start(), SCOPE_WORDS[m.group(0)]) for m in SCOPE_PATTERN.finditer(text)]
    for i, hit in enumerate(hits):
        scope = ALIAS_SCOPES.get(hit.indicator.code)
        if scope and i not in chosen and i + 1 < len(hits):
            marks.append((hit.start, scope))
    marks.sort()
    for start, end in (m.span() for m in BRACKET_SPAN.finditer(text)):
        if any(start < position < end for position, _ in marks):
            outside = [scope for position, scope in marks if position < start]
            marks.append((end, outside[-1] if outside else DEPARTMENT))  # (含上年结转20万元): inside only
    return sorted(marks)


def names_one_item(before: str, alias: str) -> bool:
    """Whether the words before an alias name one project or fund (免费开放项目支出, 图书购置项目执行率,
    某某专项资金执行率): its figure is that item's, not the department's nor the whole report's."""
    stem = before
    if not alias.startswith(ITEM_WORDS):
        item = next((word for word in ITEM_WORDS if before.endswith(word)), None)
        if item is None:
            return False
        stem = before[: -len(item)]
    if not stem or not _CJK_CHAR.match(stem[-1]):
        return False  # 项目支出 / 项目执行率 opening a clause: the report's own
    return not stem.endswith(NEUTRAL_BEFORE_ITEM)


class _Parts:
    """What makes a figure one part of a whole in a sentence: a figure after 其中 of a code the sentence
    already stated (编制总数34人(其中行政编制23人、事业编制11人)), or one kind of post next to another
    kind (行政编制18名, 事业编制6名), or a kind of post among the parts of a headcount: no scope word
    says which part, so it is no department figure.
    A headcount whose parts after 其中 are the staff in post and the retired (共有职工96人,其中在职职工
    81人,退休人员15人) counts the retired: the part in post is the staff figure, not the whole.
    Brackets after a headcount hold its parts as 其中 does (实有人数48人(在职26人,离退休22人)), up to
    their closing bracket (brackets after money may hold the adjusted figure instead)."""

    def __init__(self, sentence: str, hits: list[AliasHit]) -> None:
        self.of_which = [m.start() for m in OF_WHICH.finditer(sentence)]
        self.brackets = [m.span() for m in BRACKET_SPAN.finditer(sentence)]
        self.first: dict[str, int] = {}
        for hit in hits:
            self.first.setdefault(hit.indicator.code, hit.start)
        self.kinds = {m.group(0) for m in POST_KINDS.finditer(sentence)}
        self.sentence = sentence
        self.hits = hits

    def _retired_inside(self, of_which: int, end: int | None = None) -> bool:
        """Whether the parts after the 其中 at `of_which` (up to `end`) are staff in post and retired staff."""
        after = {
            hit.indicator.code for hit in self.hits if of_which < hit.start < (end or len(self.sentence))
        }
        return {STAFF_CODE, RETIRED_CODE} <= after

    def _bracket(self, position: int) -> tuple[int, int] | None:
        return next(((start, end) for start, end in self.brackets if start < position < end), None)

    def counts_retired(self, hit: AliasHit) -> bool:
        """A staff figure that is the whole of a headcount with retired staff among its parts."""
        if hit.indicator.code != STAFF_CODE:
            return False
        index = bisect_left(self.of_which, hit.start)
        if index < len(self.of_which) and self._retired_inside(self.of_which[index]):
            return True
        following = next((span for span in self.brackets if span[0] > hit.end), None)
        return (
            following is not None
            and not any(hit.end < other.start < following[0] for other in self.hits)
            and self._retired_inside(*following)
        )

    def is_part(self, hit: AliasHit) -> bool:
        bracket = self._bracket(hit.start)
        if bracket and hit.indicator.category == STAFFING and self.first[hit.indicator.code] < bracket[0]:
            return not (hit.indicator.code == STAFF_CODE and self._retired_inside(*bracket))
        index = bisect_left(self.of_which, hit.start)
        if index and self.first[hit.indicator.code] < self.of_which[index - 1]:
            return not (hit.indicator.code == STAFF_CODE and self._retired_inside(self.of_which[index - 1]))
        if (
            index
            and hit.indicator.code == POST_CODE
            and self.first.get(STAFF_CODE, len(self.sentence)) < self.of_which[index - 1]
        ):
            return True  # 现有人数14人,其中行政人员10人、事业编制人员4人: a kind of staff, not the posts
        if hit.indicator.code != POST_CODE or len(self.kinds) < 2:
            return False
        return hit.alias in POST_KIND_ALIASES or bool(
            KIND_BEFORE.search(self.sentence, max(0, hit.start - 2), hit.start)
        )


# After a figure: the figure is a condition of a rule (未达到90%的需说明原因, 超过5%的应报告).
CONDITION_AFTER = re.compile(r"\s*(?:以上|以下|及以上|及以下)?\s*的\s*[,，]?\s*(?:需|须|应|要|必须|需要)")


class _MoneyHeads:
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


class _Services:
    """Whether a service figure (visitors, loans, events ...) is the body's own: not one of several
    bodies' or an area's (局及其下属各单位, 各乡镇文化站 …, 全县接待游客), not tourists or an audience
    (游客, 线下观众) where nothing says the body is a venue, and, for events, not one kind of activity
    among several counted apart (接待研学团队20余场, 开展科普讲座8场) unless its clause says it is a
    total (共, 各类 ...)."""

    def __init__(self, sentence: str, figures: list[Figure]) -> None:
        self.sentence = sentence
        several = SEVERAL_BODIES.search(sentence)
        self.several_from = several.start() if several else len(sentence)
        self.venue = bool(VENUE_WORDS.search(sentence))
        of_which = sentence.find("其中")
        self.events = [f for f in figures if f.unit in EVENT_UNITS and (of_which < 0 or f.start < of_which)]

    def own(self, hit: AliasHit, figure: Figure, clause_start: int, context: Context) -> bool:
        if self.several_from < hit.start or AREA.search(self.sentence, clause_start, hit.start):
            return False
        said = self.sentence[hit.start : figure.start]
        if AUDIENCE.search(said) and not (self.venue or context.venue):
            return False
        if hit.indicator.code == "visitors" and ONLINE.search(self.sentence, clause_start, figure.start):
            return False  # visits are in person unless the text says otherwise (线上服务读者)
        if hit.indicator.code == "events" and len(self.events) > 1:
            return bool(EVENT_TOTAL.search(self.sentence, clause_start, figure.start))
        return True


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
        chosen = _choose(sentence, hits, figures, clause_starts, context.money_unit)
        marks = _scope_marks(sentence, hits, chosen)
        parts = _Parts(sentence, hits)
        heads = _MoneyHeads(sentence, hits)
        services = _Services(sentence, figures)
        snippet = normal.original(offset, end).strip()
        sentence_target = labelled_target(sentence)
        stale = _earlier_years(sentence, hits, chosen, clause_starts)
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
