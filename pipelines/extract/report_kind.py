"""What kind of report a document is, and which project or fund it is about.

- `transfer`: a fund passed down and spent or managed by the reporting body (转移支付 forms, 区域绩效自评表,
  中央补助地方 ... 专项资金);
- `project`: one named project of the body (项目支出绩效自评表 / 自评报告, 项目绩效自评);
- `department`: the whole body's budget and spending (部门整体支出), and any report that says nothing else.

The kind is read from the report's title lines (the first heading that names a kind decides: a
department report's title may go on to mention a project form appended to it), else from the
header's 项目名称 / 转移支付(项目)名称 field; a title that names no kind but a project in brackets on
its last line (…2019年度绩效自评报告 / (XX推广项目)), or over a first heading 一、项目概况, is a
project's; over 一、绩效目标分解下达情况, a transfer's. The project is that field's value as printed
(with a budget code printed in the field kept), else the name the title gives before 项目支出绩效 /
专项资金绩效 (with a fund's batch, 资金(第八批)), or the one the opening sentence evaluates
(对XX补助经费项目实施情况开展了自评), else a name in brackets: after the title (…自评报告(XX项目)) or
before its 转移支付 (XX局(中央XX资金—XX补助)转移支付…); None for department reports.
"""

from __future__ import annotations

import re
from typing import cast

from pipelines.extract.header_fields import (
    FUND_STOPS,
    LABEL_RE,
    STOP_LABELS,
    Field,
    content_lines,
    header_fields,
    spaced_label,
    value_after,
)
from pipelines.extract.text import PAGE_MARK, without_unpaired_brackets
from pipelines.model import ReportKind

TITLE_ZONE_LINES = 10  # first non-empty lines read as possible titles
HEADING_CHARS = 60  # of each of them: a whole form flattened onto one line starts with its title
TITLE_WORDS = re.compile(r"报告|表|自评|评价|情况")
PROSE_START = re.compile(r"^(?:根据|按照|依据|为了?|经|现将|现已|通过|在|我|本)")
# The opening sentence of a prose report names it: 现将XX局2022年XX资金项目绩效自评报告如下.
REPORTED_AS = re.compile(r"现将(?P<title>[^。;；]{4,80}?)(?:报告|汇报)如下")
QUOTED = re.compile(r"《[^》]{0,80}》")
SENTENCE_END = re.compile(r"[。，,；;！？!?]")
SECTION_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十]+\s*[)）]|第[一二三四五六七八九十]+[章部节])"
)
# Phrases that name a kind, by kind; in a title line the earliest one decides.
KIND_PHRASES: tuple[tuple[ReportKind, str], ...] = (
    ("transfer", r"转移支付|区域\(?项目\)?绩效|区域绩效|补助地方|对地方(?:转移|补助)"),
    (
        "project",
        r"项目支出(?:部门)?(?:绩效|评价|自评)|项目绩效(?:目标)?(?:自评|评价)|项目自评|工程绩效(?:自评|评价)|项目资金\s*(?:重点)?绩效(?:自评|评价)"
        r"|项目\s*(?:19|20)\d{2}\s*年度?\s*绩效(?:自评|评价)"  # …工程项目2020年度绩效自评报告
        r"|(?<!补助)经费的?绩效(?:自评|评价)"  # …保种经费的绩效自评报告: a body's own fund for one task
        r"|补贴(?:事后)?绩效(?:自评|评价)",  # 2023年高龄补贴事后绩效评价报告: a subsidy paid out, not a body
    ),
    (
        "department",
        r"整体支出|部门整体|单位整体|整体(?:和|及|与)项目支出",
    ),  # 整体和项目支出: the whole body's
)
# Funds passed down by definition (central funds and the funds that link poverty relief to rural
# revitalisation, 衔接资金): a title naming one is a transfer's, even where it says 项目绩效.
PASSED_DOWN = re.compile(r"中央[\u4e00-\u9fff]{0,12}(?:资金|经费)|衔接[\u4e00-\u9fff]{0,10}资金")
# The report's opening says the money was passed down from above (上级财政下达, 中央下达).
PASSED_DOWN_TOLD = re.compile(r"(?:上级|中央)(?:财政)?(?:部门)?(?:已|共|累计)?下达")
# A fund's name before 绩效自评 in a title, with no kind phrase: a fund passed down (…补助资金2022年度
# 绩效自评报告, 2023年度XX发展资金绩效评价表); not the body's own budget (部门预算资金) or a
# project's money (…项目资金).
FUND_TITLE = re.compile(
    r"(?:专项资金|补助资金|补助经费|转移资金|"
    + PASSED_DOWN.pattern
    + r"|(?:19|20)\d{2}\s*年度?[\u4e00-\u9fff、]{2,30}(?<!项目|预算|财政|部门|单位|整体)资金"
    + r")(?:[(（][^()（）]{1,30}[)）]|[”\"」』])?"  # (普通公路水路建设) or a closing quote after the fund's name
    + r"(?:项目)?(?:支出)?(?:\s*(?:19|20)\d{2}\s*年度?)?的?(?:绩效|自评)"
)
# The first section heading that names a kind, in a report whose title says none: 一、项目概况 / 项目基本情况
# (or 1.项目资金到位情况分析, the first part of its 资金投入情况) opens a project's report; 一、绩效目标分解下达情况
# or, under 一、基本情况, (一)转移支付概况 (the outlines of 财政部's transfer self-evaluation report) a
# transfer's, and so does 一、XX资金下达情况 (a fund passed down: 一、中央专项彩票公益金下达情况); 一、部门(单位)基本情况
# a department's.
BODY_HEADING = re.compile(
    r"(?m)^\s*(?:[一1][、.．]|[(（][一1][)）])\s*(?:(?P<project>项目(?:基本)?(?:概况|情况|简介)|项目资金到位情况)"
    r"|(?P<transfer>绩效目标分解下达情况|转移支付(?:基本)?(?:概况|情况)|[\u4e00-\u9fff]{2,30}?(?:资金|公益金)(?:分配)?下达情况)"
    r"|(?P<department>(?:部门|单位)(?:基本)?(?:概况|情况)))"
)  # each group named after the kind it says
# What the opening sentence says was evaluated: 开展(并完成了)…绩效自评.
OPENING_EVALUATION = re.compile(r"(?:开展|完成|进行)[^。；;]{0,60}?绩效(?:自评|评价)")
OPENING_CHARS = 300
FORM_HEADER_SPAN = 300  # characters from a 项目名称 label within which the form's unit fields follow
FIELD_ZONE = 1500  # characters from the start within which a 项目名称 field says what the report is
# A project's name ends at the next field label, at another section label, or at a fund word
# (项目资金) only when whitespace stands before it.
PROJECT_CUT = re.compile(
    "|".join(
        [
            LABEL_RE.pattern,
            *(spaced_label(label) for label in STOP_LABELS if label not in FUND_STOPS),
            r"\s(?:" + "|".join(map(spaced_label, FUND_STOPS)) + ")",
        ]
    )
)
# Title-derived names: the words before the kind phrase, after the body's name and the year (or
# after 关于 where the title is a body's report on a fund: XX局关于XX补助资金支出绩效的自评报告). A year
# printed as YYYY年 right before the name is the name's own (2021年森林抚育项目: projects are named by their
# year); YYYY年度 is the report's period.
PROJECT_END = r"(?:项目|专项资金|补助资金|资金|经费|工程|补贴)"  # the last word of a project's or fund's name
BATCH = (
    r"(?:[(（][第一二三四五六七八九十\d]{1,4}批(?:次)?[)）])?"  # a fund's batch after its name: 资金(第八批)
)
DETAIL = r"(?:[(（][\u4e00-\u9fff、]{2,20}[)）])?"  # what a fund is for, after its name: 专项资金(公路建设)
TITLE_PROJECT = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2}\s*年)(?!度)|(?:19|20)\d{2}\s*年度|关于)(?P<name>[\u4e00-\u9fff（）()、]{2,40}?"
    + PROJECT_END
    + BATCH
    + DETAIL
    + r")(?:支出)?的?(?:事后)?(?:绩效|自评)"
)
# A title that is a project's name and the kind's words, no year before it (XX乡XX站提升改造项目绩效自评报告;
# the year after it: XX经费项目2017年度绩效自评报告; a transfer's words after it: XX补助资金转移支付区域(项目)
# 绩效目标自评表). A sharing site's page number (1、) before it is no part of it (PAGE_MARK).
TITLE_PROJECT_ALONE = re.compile(
    r"^(?:(?:19|20)\d{2}(?![\d年]))?(?P<name>[\u4e00-\u9fff（）()、]{2,40}?" + PROJECT_END + BATCH + r")"
    r"(?:转移支付)?(?:区域)?(?:[(（]项目[)）])?(?:(?:19|20)\d{2}年度?)?(?:支出)?的?(?:事后)?(?:绩效|自评)"
)
# A fund named in brackets after the body, before the kind phrase: XX局(中央XX资金—XX补助)转移支付2022年度
# 绩效自评报告.
TITLE_BRACKET_FUND = re.compile(
    r"[(（](?P<name>[\u4e00-\u9fff—－-]{0,30}(?:资金|经费)[\u4e00-\u9fff—－-]{0,20})[)）]\s*(?:转移支付|项目支出)"
)
# The opening sentence of a report without a title names what it evaluates: 对2023年XX补助经费项目实施情况
# 开展了自评.
EVALUATED = re.compile(
    r"对(?P<year>(?:19|20)\d{2}\s*年(?!度))?(?:(?:19|20)\d{2}\s*年度)?(?P<name>[\u4e00-\u9fff]{2,40}?"
    + PROJECT_END
    + BATCH
    + r")(?:项目)?(?:实施情况|资金使用情况|执行情况)?的?(?:开展|进行)了?(?:绩效)?自评"
)
# A project named in brackets after the title's kind phrase: 项目绩效自评报告(春节慰问经费项目).
TITLE_BRACKET_PROJECT = re.compile(
    r"(?:报告|自评表|评价表)\s*[(（](?P<name>(?:[\u4e00-\u9fff0-9、“”‘’]|[(（][\u4e00-\u9fff]{1,6}[)）]){2,40}?"
    + PROJECT_END
    + r")[)）]"  # a bracket inside the name too: …文化馆(站)免费开放补助经费
)
# A project named in quotes in the title: XX办公室2017年度“国内侨务工作”项目绩效评价报告.
TITLE_QUOTED = re.compile(r"[“\"](?P<name>[^“”\"]{2,40}?)[”\"](?=项目|管理使用|使用情况|绩效)")
# A transfer report's first heading naming its fund: 一、中央自然灾害(森林草原航空消防补助)救灾资金.
FUND_HEADING = re.compile(r"(?m)^\s*[一1][、.．]\s*(?P<name>[\u4e00-\u9fff（）()]{4,40}?(?:资金|经费))\s*$")
# The fund a transfer report's first cited notice passes down: 《…关于(提前)下达2022年XX补助资金预算的通知》.
NOTICE_FUND = re.compile(
    r"《[^》]{0,40}?关于(?:提前|预拨|拨付)?下达(?:(?:19|20)\d{2}\s*年度?)?(?P<name>[\u4e00-\u9fff（）()]{4,40}?"
    r"(?:资金|经费))(?:预算)?(?:指标)?的通知》"
)
# The kind's words before a fund's name in a title (2024年度转移支付XX补助资金绩效自评报告).
KIND_WORDS_BEFORE_NAME = re.compile(r"^(?:中央对地方)?转移支付(?:项目)?(?=[\u4e00-\u9fff]{2})")
# Words that name no project: the kind's own words (2021年度项目资金绩效自评报告), a year, a column's note,
# a kind of project only (一级项目, 部门预算项目, 财政支出项目, 建设项目).
NAMES_NO_PROJECT = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)?"
    r"(?:一级|二级|部门预算|部门决算中?|财政支出|预算|绩效|建设|部门|本级|单位)?"
    r"(?:项目|资金|项目资金|经费|项目经费|专项资金|专项经费|补助资金|备注)?$"
)
DIGITS_SPACED = re.compile(r"(?<=\d)\s+(?=[年月日])")
MIN_PROJECT_CHARS = 2
# The next column's heading when 项目名称 heads a table column, not a project's name.
COLUMN_WORD = re.compile(
    r"^(?:年初|全年|调整后?|本年|实际)?(?:预算数?|执行数?|支出数?|金额|合计|资金|数额|分值|权重|得分)(?:[(（]万?元[)）])?$"
)


# The last words of a title broken over two lines (2023年度XX专项资金 / 绩效自评报告).
TITLE_TAIL = re.compile(r"^(?:绩效|自评|评价|报告)")


def _joined_titles(lines: list[str]) -> list[str]:
    """The lines, a line without a title's words joined with the next when that one is a title's tail."""
    joined: list[str] = []
    for line in lines:
        if joined and TITLE_TAIL.match(line) and not TITLE_WORDS.search(joined[-1]):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def _title_lines(text: str) -> list[str]:
    """The starts of the first lines that read as titles: each line's first HEADING_CHARS characters
    (a whole form may be flattened onto one line) up to its first sentence punctuation, quoted
    document titles (《…》, the notices a report cites) removed; sentences of prose are left out."""
    heads = []
    for line in _joined_titles(_before_body(text)):
        compact = QUOTED.sub("", re.sub(r"\s+", "", line))
        head = SENTENCE_END.split(compact[:HEADING_CHARS])[0]
        if TITLE_WORDS.search(head) and not PROSE_START.match(head):
            heads.append(head)
        elif announced := REPORTED_AS.search(compact):
            heads.append(announced["title"])
    return heads


def kind_from_titles(text: str) -> tuple[ReportKind | None, str | None]:
    """The kind the first title line names, with that line; (None, None) when none names one."""
    for head in _title_lines(text):
        if kind := _kind_named(head):
            return ("transfer" if kind == "project" and PASSED_DOWN.search(head) else kind), head
    for head in _title_lines(text):
        if FUND_TITLE.search(head):
            return "transfer", head
    if bracketed := TITLE_BRACKET_PROJECT.search(_title_zone(text)):
        # XX站2019年度绩效自评报告 / (XX示范推广项目): the title names no kind, its bracket a project
        return ("transfer" if PASSED_DOWN.search(bracketed["name"]) else "project"), None
    return None, None


def _kind_of_opening(text: str) -> ReportKind | None:
    """The kind the opening of a report without a title names where it says what was evaluated
    (…开展并完成了本部门涉及中央对地方转移支付预算执行情况绩效自评工作), quoted notices left out."""
    opening = OPENING_EVALUATION.search(QUOTED.sub("", re.sub(r"\s+", "", text[:OPENING_CHARS])))
    return _kind_named(opening[0]) if opening else None


def _kind_named(text: str) -> ReportKind | None:
    """The kind whose phrase stands first in `text`, if any names one."""
    found = [(m.start(), kind) for kind, phrase in KIND_PHRASES for m in [re.search(phrase, text)] if m]
    return min(found)[1] if found else None


def _project_fields(text: str) -> list[Field]:
    return [f for f in header_fields(text) if f.key == "project"]


def _in_form_header(field: Field, text: str) -> bool:
    """Whether a 项目名称 field heads a form: a unit or department field follows it closely (not a
    table's 项目名称 column over a list of projects)."""
    return any(
        other.key in ("unit", "supervisor", "local", "user", "provincial")
        and 0 < other.start - field.start <= FORM_HEADER_SPAN
        for other in header_fields(text)
    )


SPENDING_AFTER_NAME = re.compile(r"(?<=项目)支出$")
# A form's title printed in its 项目名称 cell (XX补助经费支出绩效自评表): the name before it.
TITLE_AFTER_NAME = re.compile(r"(?<=[\u4e00-\u9fff])(?:项目)?(?:支出)?绩效(?:目标)?(?:自评|评价)(?:表|报告)$")


def project_name(field: Field, text: str) -> str | None:
    """A 项目名称 field's value as printed, cut at the next field label (or a section label).

    A single space ends it too: in forms flattened onto one line the cells are separated by single
    spaces (项目名称 XX经费 项目类别 一般项目), and names do not contain spaces.
    """
    value, _ = value_after(text, field.start + len(field.label), PROJECT_CUT)
    value = DIGITS_SPACED.sub("", value)  # 2020 年市级…资金: a space inside a date is no cell's end
    value = without_unpaired_brackets(value.split(" ")[0].strip("-—–_·、."))
    value = SPENDING_AFTER_NAME.sub(
        "", TITLE_AFTER_NAME.sub("", value)
    )  # the title's words, whole or broken off
    if len(re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", value)) < MIN_PROJECT_CHARS or COLUMN_WORD.match(value):
        return None
    if NAMES_NO_PROJECT.match(value):
        return None
    return value


def detect_kind(text: str) -> tuple[ReportKind, str | None]:
    """Report kind and project (or fund) name of a `header_text`."""
    kind, title = kind_from_titles(text)
    fields = _project_fields(text)
    if kind is None:
        early = [f for f in fields if f.start < FIELD_ZONE and _in_form_header(f, text)]
        if early:
            kind = "transfer" if "转移支付" in early[0].label.replace(" ", "") else "project"
    if kind is None and (heading := BODY_HEADING.search(text, 0, FIELD_ZONE)):
        kind = cast(ReportKind, heading.lastgroup)
    if kind is None:
        kind = _kind_of_opening(text)
    if kind is None or kind == "department":
        return "department", None
    if kind == "project" and PASSED_DOWN_TOLD.search(text, 0, FIELD_ZONE):
        kind = "transfer"  # 上级财政下达…资金: a project of money passed down is a transfer
    # A form's own 项目名称 first; then any other within the report's start (a labelled line).
    heading = [f for f in fields if _in_form_header(f, text)]
    for field in [*heading, *(f for f in fields if f.start < FIELD_ZONE and f not in heading)]:
        name = project_name(field, text)
        if name:
            return kind, name
    for named in (TITLE_PROJECT.search(title or ""), EVALUATED.search(text, 0, FIELD_ZONE)):
        if named is None:
            continue
        name = KIND_WORDS_BEFORE_NAME.sub("", named["name"])  # 2024年度转移支付XX补助资金: the kind's words
        if not NAMES_NO_PROJECT.match(name):  # (对一级项目进行自评 names none: read on)
            return kind, re.sub(r"\s+", "", named["year"] or "") + name
    if (alone := TITLE_PROJECT_ALONE.search(PAGE_MARK.sub("", title or ""))) and not NAMES_NO_PROJECT.match(
        alone["name"]
    ):
        return kind, alone["name"]
    for pattern in (TITLE_BRACKET_PROJECT, TITLE_BRACKET_FUND, TITLE_QUOTED):
        bracketed = pattern.search(_title_zone(text))
        if bracketed and not NAMES_NO_PROJECT.match(bracketed["name"]):
            return kind, bracketed["name"]
    if heading := FUND_HEADING.search(text, 0, FIELD_ZONE):
        return kind, heading["name"]
    if kind == "transfer" and (notice := NOTICE_FUND.search(text, 0, FIELD_ZONE)):
        return kind, notice["name"]
    return kind, None


def _before_body(text: str) -> list[str]:
    """The first TITLE_ZONE_LINES lines, up to the body's first section heading (二、项目支出情况 is
    no part of the report's title)."""
    lines = []
    for line in content_lines(text)[:TITLE_ZONE_LINES]:
        if SECTION_HEADING.match(line):
            break
        lines.append(line)
    return lines


def _title_zone(text: str) -> str:
    """The lines before the body run together: a title broken over lines (…项目绩效自评报告 /
    (XX经费项目)) read as one."""
    return re.sub(r"\s+", "", "".join(_before_body(text)))
