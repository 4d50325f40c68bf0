"""Who a report is about: institution, fiscal year and region, each with where it came from, and the
report's kind and project (`report_kind.py`).

Order of evidence for the institution: the title lines, labelled fields of the header (单位名称,
实施单位 ... ranked: the reporting body before the local department of a transfer form, the unit that
spent a fund, and last the supervising 主管部门), a line that is just an institution's name, the most
named institution in the text, and last the file's path.
Region: from the institution's name, else from its supervising department's name (主管部门), else from
the report text, else from the path's folder and file names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from itertools import pairwise

from pipelines.extract.header_fields import (
    LABEL_RE,
    Field,
    content_lines,
    header_fields,
    header_text,
    window_after,
)
from pipelines.extract.regions import place_name_starts, resolve_region, resolve_region_from_path
from pipelines.extract.report_kind import NAMES_NO_PROJECT, detect_kind
from pipelines.extract.text import CLOSERS, OPENERS, join_page_breaks, simplify, without_unpaired_brackets
from pipelines.model import Document, Identity, Region

TITLE_LINES = 8
CAPTION_LINES = 20  # a form's year caption may follow a web page's metadata lines
# A saved page's title field (名 称: XX局2020年度部门整体支出绩效评价报告): the report's title after it.
# A transfer form's labels of the bodies above the one reporting (省级主管部门 | XX省XX厅), a cell each.
SUPERVISOR_LABEL = re.compile(r"^(?:中央|省级|省)(?:主管部门|财政部门)[:：]?$")
PAGE_TITLE_LABEL = re.compile(r"^(?:名\s*称|标\s*题|文章标题)\s*[:：]\s*")
# Endings of institution names (a linguistic list, not a list of institutions). ORG_SUFFIX is safe in
# running text; FIELD_SUFFIX adds endings that are ordinary words there (部 of 宣传部 and 全部, 政府, 处)
# and is used where the name's end is known: a title, a line of its own.
ORG_SUFFIX = (
    r"(?:图书馆|文化馆|博物馆|博物院|美术馆|纪念馆|档案馆|科技馆|艺术馆|展览馆|陈列馆|群艺馆|文化站|"
    r"文化中心|服务中心|中心校|中心|剧院|剧团|研究院|研究所|研究室|管理局|管理处|管理所|局|委员会|办公室|"
    r"协会|联合会|合作社联合社|学会|常委会|工会|红十字会|基金会|厅|院|所|站|委|(?<![承主举协督交创开代兴包查申筹])办|社(?![区会])|团|"
    r"中学|小学|学校|幼儿园|大学|"
    r"学院|党校|医院|卫生院|办事处|林场|农场|牧场|苗圃|大队|支队|残联|妇联|科协|文联|侨联|工商联|政协|殡仪馆|"
    r"电视台|气象台|地震台|天文台)"
)
FIELD_SUFFIX = r"(?:" + ORG_SUFFIX[3:-1] + r"|人民政府|政府|部|处|公司)(?:机关)?"
# A field's value is known to be a name: endings that are ordinary words even in a title line (阶段,
# 团队, 广场) count there too.
VALUE_SUFFIX = r"(?:" + ORG_SUFFIX[3:-1] + r"|人民政府|政府|部|公司|馆|处|段|队|场)(?:机关)?"
_NAME = r"[\u4e00-\u9fff（）()]{2,30}?" + FIELD_SUFFIX
# A body introduced at a line's start (XX中心是XX局下属事业单位, XX馆成立于1958年), within the first lines.
INTRODUCED = re.compile(
    r"^(?P<name>[\u4e00-\u9fff（）()]{2,30}?" + ORG_SUFFIX + r")(?:是|系|成立于|始建于|创建于)"
)
INTRODUCED_LINES = 30
REPORT_WORDS = r"(?:部门|单位|整体|项目|绩效|自评|支出|财政|预算|决算|评价)"
_YEAR = r"(?:19|20)\d{2}\s*年?度?"
_AFTER_NAME = r"\s*(?:关于)?\s*"  # XX中心关于2021年度……的报告
TITLE_NAME = re.compile(
    rf"^(?:\d+[、.])?\s*(?:附件\d*[:：]?)?(?:{_YEAR}\s*)?(?P<name>{_NAME}){_AFTER_NAME}(?:{_YEAR})?\s*"
    rf"[(（]?{REPORT_WORDS}"
)
# A township's or street's report names the place alone (田心乡部门整体支出绩效自评报告): its government is
# the body, named whole where the text names it.
TITLE_TOWNSHIP = re.compile(
    rf"^(?:\d+[、.])?\s*(?:{_YEAR}\s*)?(?P<name>[\u4e00-\u9fff]{{1,12}}(?:乡|镇|街道))\s*(?:{_YEAR})?\s*"
    rf"[(（]?{REPORT_WORDS}"
)
TOWNSHIP_BODIES = ("人民政府", "办事处")
# A title that is the body's report about something (XX局关于中央…补助资金支出绩效的自评报告).
TITLE_NAME_ABOUT = re.compile(rf"^(?P<name>{_NAME})\s*关于.{{2,60}}?(?:自评|评价)报告")
# A title that starts with the body's name right before the year (XX局2021年公共文化服务专项资金 ...).
TITLE_NAME_YEAR = re.compile(rf"^(?:\d+[、.])?\s*(?P<name>{_NAME}){_AFTER_NAME}(?:19|20)\d{{2}}\s*年")
# A line that is only a body's name (a saved page's banner), perhaps as a list item (- XX委员会).
LINE_NAME = re.compile(r"^\s*(?:[-—–]\s*)?(?P<name>" + _NAME + r"(?:[(（][\u4e00-\u9fff]{2,20}[)）])?)\s*$")
# In running text a place-led name may also end in 人民政府 (XX苏木人民政府开展了…), never in a bare 政府.
PLACED_SUFFIX = r"(?:" + ORG_SUFFIX[3:-1] + r"|人民政府)"
PLACE_NAME = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{1,12}?(?:省|市|县|区|州|旗|盟)[\u4e00-\u9fff]{0,14}?"
    + PLACED_SUFFIX
    + "(?:机关)?)"
)
# A body's name in a folder or file name: it ends where the name does (before a year, report words,
# or anything that is not a Chinese character), so endings such as 人民政府 count.
PATH_NAME = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{1,12}?(?:省|市|县|区|州|旗|盟)[\u4e00-\u9fff]{0,20}?"
    + FIELD_SUFFIX
    + r")(?=$|[^\u4e00-\u9fff]|"
    + REPORT_WORDS
    + ")"
)
FORMER_GAZETTEER_YEAR = 2015  # places renamed since (县 to 市, 区) are still printed by their old names
PLACE_START = re.compile(r"^[\u4e00-\u9fff]{1,9}?(?:省|市|县|区|州|旗|盟)")
BREADCRUMB = re.compile(r">>|»|›|>|＞|→")  # between the steps of a web page's breadcrumb
BREADCRUMB_STEPS = 3
# A body named by its level word alone where a line or sentence starts (市中级人民法院主要职责).
LEVEL_WORDS = "市县区"
BY_LEVEL = re.compile(
    rf"(?:^|(?<=[\n。;；]))\s*(?P<level>[{LEVEL_WORDS}])(?P<body>[\u4e00-\u9fff]{{2,14}}?"
    + ORG_SUFFIX
    + r")(?=主要|是|系|共|现)"
)
# A web page's publisher field and the body it names (发布机构 区文广旅体局 发文日期 …, 来源:XX馆 发布时间 …).
PUBLISHER = re.compile(
    r"(?:发布机构|发布单位|信息来源|来源)\s*[:：]?\s*(?P<name>[\u4e00-\u9fff（）()]{2,30}?"
    + FIELD_SUFFIX
    + r")(?![\u4e00-\u9fff])"
)
# A body named as the authority that approved something (经湖南省人民政府批准): not the one reporting.
APPROVED_BY = re.compile(r"\s*(?:批准|批复|同意|审批)")
# A web page's field labels opening a line (关键词 发布机构 XX县XX局): no part of the name after them.
PAGE_LABELS = re.compile(r"^(?:(?:关键词|关键字|主题分类|发布机构|发布单位|信息来源|来源|责任部门)[:：]?)+")
GENERIC_NAMES = re.compile(
    r"^(?:我|本|该|各|全|市|县|区|省|上级|主管|为|由|是|对|在|将|向|经|其|所|与|和|及)"
)
# The finance bureau whose notice a report follows, whose template it fills in (XX财政局制) or to
# which it is addressed: not the reporting body when a line or the text names it.
FINANCE = re.compile(r"(?:财政局|财政厅|财政部)$")
# A title signed by the finance bureau and the body together: the body is the one reporting.
JOINT_WITH_FINANCE = re.compile(
    r"^[\u4e00-\u9fff]{2,12}?(?:财政局|财政厅)(?P<body>[\u4e00-\u9fff]{2,}" + ORG_SUFFIX + r")$"
)
# A title run into its first sentence (XX处专项资金绩效评价报告根据XX局…): what the title names before
# 关于 is no body when it holds a report's words.
TITLE_WORDS_INSIDE = re.compile(r"报告|根据")
QUOTED = re.compile(r"《[^》]{0,80}》")
# A budget code printed before a unit's name: 219001-XX镇人民政府.
BUDGET_CODE = re.compile(r"^[0-9A-Za-z]{2,}\s*[-—–_.]?\s*(?=[\u4e00-\u9fff])")
# Fields naming the reporting body, best first (keys of header_fields.FIELD_LABELS).
FIELD_RANK = ("unit", "local", "user", "department", "supervisor")
# A name ending so is a business, not a public body: 有限公司, 合作社, 影城.
BUSINESS = re.compile(r"(?:公司|合作社|企业|厂|影院|影城|商行|集团)$")
PUBLIC_USER_RANK = 0.5  # a public body that used the money: after the unit field, before the local department
SUPERVISING = ("local", "supervisor")  # fields naming the department above the reporting unit
YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年度|年|\s*" + REPORT_WORDS + r"|\s*[)）])")
CHINESE_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
CHINESE_YEAR = re.compile(r"([二一][〇零○一二三四五六七八九]{3})年")
YEAR_FIELD = re.compile(r"(?:评价|自评|所属|绩效)年度\s*[:：]?\s*((?:19|20)\d{2})(?!\d)")  # 评价年度:2022
# A form's year on a line of its own, the year it reports on: a caption (2022年度), or the form's
# title starting with it (2022年度项目支出绩效自评表).
YEAR_CAPTION = re.compile(
    r"^(?:[(（]\s*((?:19|20)\d{2})\s*年度\s*[)）]"
    r"|((?:19|20)\d{2})\s*年度\s*[\u4e00-\u9fff()（）]{0,16}?绩效(?:自评|评价)表)$"
)
FORM_TITLE_END = re.compile(r"绩效(?:自评|评价)表$")
BARE_YEAR = re.compile(r"^((?:19|20)\d{2})\s*年度$")
FILLED_ON = re.compile(r"(?:填报|填表)日期\s*[:：]?\s*((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})")
PUBLISHED_ON = re.compile(
    r"(?:公开日期|发布日期|发布时间|发文日期|成文日期)\s*[:：]?\s*((?:19|20)\d{2})\s*[-./年]\s*\d{1,2}"
)
FILLED_BY_MONTH = 6  # a form filled by June is of the year before (later ones may be of any year)
BARE_COVER_YEAR = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*$")  # a cover's date line (2025年), not 2024年度
YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}年度?")  # a project name's leading year
YEAR_ANY = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
NOTICE = re.compile(r"《[^》]*(?:关于|通知)[^》]*》")
# The year the text says it evaluates (对2019年度部门整体支出情况进行绩效自评).
YEAR_EVALUATED = re.compile(
    r"对\s*((?:19|20)\d{2})\s*年度?[^。;；]{0,30}?(?:进行|开展)了?(?:绩效)?(?:自评|评价)"
)
# The whole of one year as a period (2019年1月起至2019年12月止, 2016年1月1日-2016年12月31日).
YEAR_PERIOD = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年\s*1\s*月(?:\s*1\s*日)?\s*起?\s*(?:至|到|-|—|~)\s*\1\s*年\s*12\s*月"
)
# The last day of a year (于2022年12月31日之前全部支出, 截至2022年12月31日): the year the money was of.
YEAR_END = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")


def _plausible_year(year: int) -> bool:
    """A year mentioned in the body or the path that can be a fiscal year (titles are taken as stated)."""
    return 2000 <= year <= dt.date.today().year


def _clean_name(name: str) -> str:
    name = LEADING_WORDS.sub("", name)
    name = SEAL_MARK.sub("", name)  # 围场…人民法院(公章): the form's place for its seal
    name = WEBSITE.sub(r"\g<body>", name)  # 南县政协网站: the body's website
    return without_unpaired_brackets(name.strip(" "))  # 中共XX省委党校(XX行政学院): its other name stays


PROSE_LEAD = re.compile(r"^(?:根据|按照|依据|现将|为了|通过)")


def _fund_words(name: str) -> bool:
    """Whether a title's words before its kind name a fund, not a body: its transfer words (中央转移支付
    区域(XX中心项目)), or a bracket opened and not closed in it."""
    return "转移支付" in name or not _balanced(name)


# Words before a body's name that are no part of it: 关于, an attachment's number, a list item's ((一)).
LEADING_WORDS = re.compile(r"^(?:关于|附件\d*|附表\d*|[(（][一二三四五六七八九十\d]{1,3}[)）])")
WEBSITE = re.compile(r"(?P<body>" + ORG_SUFFIX + r")网站$")
SEAL_MARK = re.compile(r"\s*[(（]\s*(?:公章|盖章|签章|印章)\s*[)）]$")
COMPLETION_WINDOW = 14
PLACES_ONLY = re.compile(
    r"(?:[\u4e00-\u9fff]{1,9}?(?:省|市|县|区|州|旗|盟|乡|镇))+"
)  # 零陵区, 衡山县  # characters before a name where its place may stand


BODY_WORD = re.compile(r"局|厅|委|办|院|馆|中心|政府")  # in 雅安市财政局雅安市: a body's name, no place
AUTONOMOUS_REGION = re.compile(r"(?:内蒙古|广西壮族|西藏|宁夏回族|新疆维吾尔)自治区")


def _completed(name: str, text: str) -> str:
    """A name printed without its place (林业局 in a title, 自治区文化和旅游厅) completed from where
    the header prints it whole (发布机构:XX区林业局): the most frequent place-led form, else as is."""
    if _placed_name(name) == name:
        return name
    compact = re.sub(r"\s+", "", text)
    found: Counter[str] = Counter()
    for match in re.finditer(re.escape(name), compact):
        window = compact[max(0, match.start() - COMPLETION_WINDOW) : match.start()]
        for size in range(len(window), 1, -1):
            prefix = window[-size:]
            is_place = (PLACES_ONLY.fullmatch(prefix) and not BODY_WORD.search(prefix)) or (
                name.startswith("自治") and len(prefix) <= 6
            )
            if is_place and _placed_name(prefix + name) == prefix + name:
                found[prefix + name] += 1
                break
    if not found and name.startswith("自治区"):  # 自治区生态环境厅, where the text names its region
        regions = set(AUTONOMOUS_REGION.findall(compact))
        if len(regions) == 1:
            return regions.pop() + name[len("自治区") :]
    return found.most_common(1)[0][0] if found else name


def _lines(text: str) -> list[str]:
    return content_lines(text)


# XX(以下简称“YY”): the text declares YY short for the body named XX just before the bracket.
SHORT_FOR = re.compile(
    r"[(（]\s*(?:以下)?简称\s*[:：为]?\s*[“\"「『‘']?(?P<short>[\u4e00-\u9fff]{2,30}?)[”\"」』’']?\s*[)）]"
)
DECLARING_CHARS = 40  # characters before the bracket where the full name is looked for


def find_institution(document: Document, text: str | None = None) -> tuple[str | None, str]:
    """The institution's name and where it came from (title, field, line, text, path, file_name,
    unresolved); a name the text spells out elsewhere (XX(以下简称“YY”), a line of its own) is given in full.

    `text` is the document's `header_text` (computed when not given).
    """
    text = header_text(document) if text is None else text
    name, source = _named_institution(document, text)
    return (_in_full(name, text) if name and source != "file_name" else name), source


def _in_full(name: str, text: str) -> str:
    """`name` as the text spells it out, else `name`: the full name it declares `name` short for
    (XX土家族苗族自治州文化广电和旅游局(以下简称“XX州文旅局”): a place-led name just before the bracket), or
    a line of its own or the page's publisher field naming the body in full (XX县文化广电体育和旅游局
    above the report's title or as its 发布机构, for XX县文旅局: the same place first). Either is longer,
    with `name`'s characters in order and its last character."""
    compact = re.sub(r"\s+", "", text)
    for match in SHORT_FOR.finditer(compact):
        if match["short"] != name:
            continue
        window = compact[max(0, match.start() - DECLARING_CHARS) : match.start()]
        full = _placed_name(re.split(r"[,，。;；:：、》)）]", window)[-1])
        if full and _short_for(name, full):
            return full
    if spelled := _with_level_word(name, compact):
        return spelled  # 新邵大形山林场 in a title, 新邵县大形山林场 in the text
    place = PLACES_ONLY.match(name)
    if place is None or place.end() == len(name):
        return name
    lined = (LINE_NAME.match(line.replace(" ", "")) for line in _lines(text))
    for found in [*lined, *PUBLISHER.finditer(text)]:
        full = _clean_name(found["name"]) if found else ""
        if full.startswith(place.group(0)) and _short_for(name, full):
            return full
    return name


SHORT_PLACE_CHARS = (2, 3, 4)  # characters of a place's name printed without its level word (新邵)


def _with_level_word(name: str, compact: str) -> str | None:
    """`name` with its place's level word the text prints there (新邵 + 县 + 大形山林场), where `name`
    itself starts with no place name and the spelled-out name starts with a real one."""
    if _placed_name(name) == name:
        return None
    for cut in SHORT_PLACE_CHARS:
        for level in "县市区旗":
            spelled = name[:cut] + level + name[cut:]
            if spelled in compact and _placed_name(spelled) == spelled:
                return spelled
    return None


def _short_for(name: str, full: str) -> bool:
    return len(full) > len(name) and full[-1] == name[-1] and _abbreviates(name, full)


def _named_institution(document: Document, text: str) -> tuple[str | None, str]:
    """`find_institution` before a short name is spelled out."""
    lines = _lines(text)
    fielded = _from_fields(text)
    for line in lines[:TITLE_LINES]:
        line = PAGE_TITLE_LABEL.sub("", line)
        if LABEL_RE.search(line):
            continue
        compact = line.replace(" ", "")
        if PROSE_LEAD.match(compact):
            continue  # 根据市财政局2020年预算安排,…: a sentence, not a title
        match = (
            TITLE_NAME.search(compact) or TITLE_NAME_YEAR.search(compact) or TITLE_NAME_ABOUT.search(compact)
        )
        titled = _clean_name(match["name"]) if match and not GENERIC_NAMES.match(match["name"]) else None
        if titled and (joint := JOINT_WITH_FINANCE.match(titled)):
            titled = joint["body"]  # 某市财政局 某市文旅局 关于…的报告: the finance bureau signs along
        if titled and not _fund_words(titled) and not TITLE_WORDS_INSIDE.search(titled):
            if fielded and _names_the_supervisor(titled, fielded, text):
                return _completed(fielded, text), "field"
            if fielded and _spelled_out(titled, fielded):
                return fielded, "field"  # 寻甸县XX局 in the title, 寻甸回族彝族自治县XX局 in the form's field
            return _completed(titled, text), "title"
    if fielded:
        return _completed(fielded, text), "field"
    for line in lines[:TITLE_LINES]:
        if match := TITLE_TOWNSHIP.search(line.replace(" ", "")):
            compact = re.sub(r"\s+", "", text)
            whole = [match["name"] + body for body in TOWNSHIP_BODIES if match["name"] + body in compact]
            return _completed(whole[0] if whole else match["name"], text), "title"
    crumb = _breadcrumb_name(lines[:TITLE_LINES])
    if crumb:
        return _completed(crumb, text), "line"
    for index in [*range(min(TITLE_LINES, len(lines))), *range(max(0, len(lines) - 3), len(lines))]:
        if index and SUPERVISOR_LABEL.match(lines[index - 1].replace(" ", "")):
            continue  # a form's cell under 省级主管部门: the body above the one reporting
        match = LINE_NAME.match(PAGE_LABELS.sub("", lines[index].replace(" ", "")))
        if match and not GENERIC_NAMES.match(match["name"]) and not FINANCE.search(match["name"]):
            return _completed(_clean_name(match["name"]), text), "line"
    unquoted = QUOTED.sub("", text)
    named = Counter(
        name
        for match in PLACE_NAME.finditer(unquoted)
        if (name := _placed_name(match["name"]))
        and not FINANCE.search(name)
        and not APPROVED_BY.match(unquoted, match.end())
    )
    if writer := _writers_level(text):
        named = Counter({name: count for name, count in named.items() if _level_fits(name, writer, text)})
    if named:
        # the most named; among as many, the page's publisher (来源:XX区XX局, with its place or not; not
        # the 省级主管部门 its form lists), then one that opens a line (XX社成立于1951年 …), else the first
        publisher = _publisher(text)
        published = {name for name in named if publisher and name.endswith(publisher)}
        opening = {name for name in named if any(line.lstrip().startswith(name) for line in lines)}
        return max(named, key=lambda name: (named[name], name in published, name in opening)), "text"
    for line in lines[:INTRODUCED_LINES]:
        # XX中心是XX局下属二级事业单位: a report without a title introduces its body
        match = INTRODUCED.match(line.replace(" ", ""))
        if match and not GENERIC_NAMES.match(match["name"]) and not FINANCE.search(match["name"]):
            return _clean_name(match["name"]), "line"
    if by_level := _named_by_level(text):
        return by_level, "text"
    if publisher := _publisher(text):
        return publisher, "publisher"
    for part in reversed(re.split(r"[/\\]", document.source_file)):
        for match in PATH_NAME.finditer(part):
            name = _placed_name(match["name"])
            if name:
                return name, "path"
    # Never named: the file's name stands for the body, recorded as such, so its figures still count.
    stem = re.split(r"[/\\]", document.source_file)[-1].rsplit(".", 1)[0].strip()
    return (stem, "file_name") if stem else (None, "unresolved")


# How a report's writer names its own area (我市, 我县): the level of the body writing it.
OWN_AREA = re.compile(r"我(市|县|区|旗)")
COUNTY_LEVEL = ("县", "区", "旗")


def _writers_level(text: str) -> str | None:
    """The writer's level: city when the text says 我市 and never 我县 / 我区 / 我旗, county for the
    reverse, else None."""
    words = {match.group(1) for match in OWN_AREA.finditer(text)}
    if words == {"市"}:
        return "city"
    return "county" if words and words <= set(COUNTY_LEVEL) else None


def _level_fits(name: str, writer: str, text: str) -> bool:
    """Whether a body named in the text can be the writer of level `writer`: a 县 body is not one that
    says 我市 (the county it names got the city's money), a city's body not one that says 我县; a
    county-level city's body (XX市, under a prefecture) may say either."""
    region = resolve_region(name, text, None)
    if writer == "city":
        return not (region.county and region.county.endswith(COUNTY_LEVEL))
    return not (region.county is None and region.city is not None)


def _publisher(text: str) -> str | None:
    """The body a saved web page names as its publisher (发布机构 XX县XX局, 来源:XX馆), when the report
    names none: named with its place, or by its level word with the place the text is about (区文广旅体局);
    not a finance bureau publishing others' reports, nor a bare name (林业局: whose?)."""
    for match in PUBLISHER.finditer(text):
        name = _clean_name(match["name"])
        if FINANCE.search(name):
            continue
        if name[0] in LEVEL_WORDS:
            return _with_level_place(name, text)
        if _placed_name(name) == name:
            return name
    return None


def _named_by_level(text: str) -> str | None:
    """The one body the report names by its level word alone (市中级人民法院主要职责, 县人民医院是…), with
    the place of that level the text is about (`_with_level_place`)."""
    bodies = {m["level"] + m["body"] for m in BY_LEVEL.finditer(text) if not GENERIC_NAMES.match(m["body"])}
    return _with_level_place(bodies.pop(), text) if len(bodies) == 1 else None


def _with_level_place(body: str, text: str) -> str | None:
    """A body named by its level word (市中级人民法院, 区文广旅体局) with the place of that level the
    report's text is about (张家界市 of 《张家界市财政局关于…》); None when the text settles on none."""
    region = resolve_region(None, text, None)
    place = {"市": region.city, "县": region.county, "区": region.county}[body[0]]
    return place + body[1:] if place and place.endswith(body[0]) else None


def _is_breadcrumb(line: str) -> bool:
    """Whether a line is a web page's breadcrumb: three steps or more between its separators."""
    return len(BREADCRUMB.split(line)) >= BREADCRUMB_STEPS


def _breadcrumb_name(lines: list[str]) -> str | None:
    """The last institution a web page's breadcrumb names (首页 >> 部门信息公开 >> XX县交通运输局 >>
    正文): the department whose page it is, not the portal's owner named in the banner above it."""
    for line in lines:
        if not _is_breadcrumb(line):
            continue
        parts = BREADCRUMB.split(line.replace(" ", ""))
        for part in reversed(parts):
            match = LINE_NAME.match(part)
            if match and not GENERIC_NAMES.match(match["name"]) and not FINANCE.search(match["name"]):
                return _clean_name(match["name"])
    return None


def _names_the_supervisor(titled: str, fielded: str, text: str) -> bool:
    """Whether a title's body is the form's 主管部门 while its 实施单位 (or other unit field) is another
    body: the report is the implementing unit's. A unit field that abbreviates the title's name
    (XX市文旅局 for XX市文化和旅游局: its characters in the same order) is the same body."""
    if fielded == titled or _abbreviates(fielded, titled):
        return False
    supervisors = {field_name(f.value) for f in header_fields(text) if f.key == "supervisor"}
    return titled in supervisors and _field_rank(fielded, text) < FIELD_RANK.index("supervisor")


def _spelled_out(titled: str, fielded: str) -> bool:
    """Whether a form's field names the title's body in full: longer, with the title's characters in
    order and the same ending (寻甸回族彝族自治县林业和草原局 for 寻甸县林业和草原局; not a section of it)."""
    ending = min(len(titled), SAME_ENDING)
    return (
        len(fielded) > len(titled) and fielded[-ending:] == titled[-ending:] and _abbreviates(titled, fielded)
    )


SAME_ENDING = 4


def _abbreviates(short: str, full: str) -> bool:
    """Whether the characters of `short` appear in `full` in the same order."""
    chars = iter(full)
    return all(char in chars for char in short)


def _field_rank(name: str, text: str) -> int:
    """The best rank of a field whose value is `name` (len(FIELD_RANK) when none)."""
    ranks = [
        FIELD_RANK.index(f.key)
        for f in header_fields(text)
        if f.key in FIELD_RANK and field_name(f.value) == name
    ]
    return min(ranks, default=len(FIELD_RANK))


def _from_fields(text: str) -> str | None:
    """The reporting body named by the header's labelled fields, by rank of label; a public body
    that used a transfer's money (资金使用单位) reports it before the local department does, a
    company or cooperative that used it does not report."""
    named = [
        (field.key, name)
        for field in header_fields(text)
        if field.key in FIELD_RANK
        and (name := field_name(field.value) or _out_of_order(text, field))
        and not (field.key == "unit" and (_bare_section(name) or BUSINESS.search(name)))
    ]

    def rank(item: tuple[str, str]) -> float:
        key, name = item
        return PUBLIC_USER_RANK if key == "user" and not BUSINESS.search(name) else FIELD_RANK.index(key)

    if not named:
        return None
    best = min(named, key=rank)
    # The same label printed twice (单位名称:XX镇政府 … 单位名称 | XX镇人民政府): the name in full.
    fuller = [
        name
        for item in named
        if rank(item) == rank(best) and len(name := item[1]) > len(best[1])
        and name[-1] == best[1][-1] and _abbreviates(best[1], name)
    ]  # fmt: skip
    return max(fuller, key=len) if fuller else best[1]


# A section of a body by its ending (禁毒支队, 治安大队): as a form's 实施单位 without a place, the body
# it belongs to (the 主管部门, the title's) is the one reporting; so is the department whose project a
# company carries out (实施单位 XX有限公司: a company publishes no self-evaluation of public money).
SECTION = re.compile(r"(?:支队|大队|中队)$")


def _bare_section(name: str) -> bool:
    return bool(SECTION.search(name)) and not place_name_starts(name)


def _out_of_order(text: str, field: Field) -> str | None:
    """A place-led name shortly after a unit label glued to another label (OCR text whose cells come
    out of order: 实施单位自评得分98 … XX中学)."""
    if field.key != "unit" or field.value or not field.glued:
        return None
    for match in PLACE_NAME.finditer(window_after(text, field)):
        name = _placed_name(match["name"])
        if name:
            return name
    return None


_VALID_NAME = re.compile(r"^[\u4e00-\u9fff（）()]{2,40}?" + VALUE_SUFFIX + "$")


def field_name(value: str) -> str | None:
    """A body's name from a field's value: budget code dropped, cut where the name ends.

    The value may run on into the next cells when they are separated by single spaces or glued to
    it: the shortest run of its space-separated pieces that holds a name is taken (see _name_start);
    failing that, a value that starts with a place name (an OCR-cut name such as XX市林业).
    """
    value = BUDGET_CODE.sub("", value.strip())
    pieces = value.split()
    for count in range(1, len(pieces) + 1):
        candidate = _clean_name("".join(pieces[:count]))
        if GENERIC_NAMES.match(candidate) or not re.fullmatch(r"[\u4e00-\u9fff（）()]+", candidate):
            break
        name = _name_start(candidate)
        if name:
            return name
    first = _clean_name(pieces[0]) if pieces else ""
    if GENERIC_NAMES.match(first) or not re.fullmatch(r"[\u4e00-\u9fff（）()]{4,}", first):
        return None
    if _placed_name(first) == first and not _is_place(first):
        return first
    return None


def _name_start(candidate: str) -> str | None:
    """The name `candidate` starts with: all of it if it ends like a name, else its longest start that
    does. A second place name after a complete name begins another body (XX局 … XX市第三中学 glued
    together): the candidate is cut there first."""
    first_end = next(
        (end for end in range(4, len(candidate) + 1) if _VALID_NAME.match(candidate[:end])), None
    )
    if first_end is None:
        return None
    restart = [start for start in place_name_starts(candidate) if start >= first_end]
    if restart:
        candidate = candidate[: restart[0]]
    names = [
        candidate[:end]
        for end in range(len(candidate), first_end - 1, -1)
        if _VALID_NAME.match(candidate[:end])
    ]
    # XX镇人民政府(本部): not a name cut inside its bracket (…(本部), though 部 ends names too)
    return next((name for name in names if _balanced(name)), names[0] if names else None)


def _balanced(name: str) -> bool:
    return sum(name.count(c) for c in OPENERS) == sum(name.count(c) for c in CLOSERS)


def _is_place(name: str) -> bool:
    """Whether `name` is nothing but a place's name (新洲区, 南充市)."""
    region = resolve_region(name, "", None)
    return name in {region.province, region.city, region.county}


def _starts_with_place(tail: str, year: int | None) -> bool:
    """Whether `tail` starts with the official name (or its 红河州 / 寻甸县 spelling, for autonomous
    units) of a place it resolves to."""
    region = resolve_region(tail, "", year)
    names = [n for n in (region.province, region.city, region.county) if n]
    if region.source != "institution":
        return False
    return any(tail.startswith(n) for n in names) or 0 in place_name_starts(tail, year)


def _placed_name(candidate: str) -> str | None:
    """The longest tail of `candidate` that starts with a real place name (湘潭市图书馆 in 促进湘潭市图书馆),
    today's or a former one (禄丰县, a 市 since 2021: not 丰县 inside it)."""
    for start in range(len(candidate) - 2):
        tail = candidate[start:]
        if PLACE_START.match(tail) and (
            _starts_with_place(tail, None) or _starts_with_place(tail, FORMER_GAZETTEER_YEAR)
        ):
            return _clean_name(tail)
    return None


def chinese_year_digits(text: str) -> str:
    """二〇二二年 -> 2022年: years written digit by digit in Chinese numerals."""
    return CHINESE_YEAR.sub(lambda m: m.group(1).translate(CHINESE_DIGITS) + "年", text)


def _filled_early_in(text: str) -> int | None:
    """The year of a 填报日期 in the first half of a year (the spring after the report's year)."""
    filled = FILLED_ON.search(text)
    if filled and 1 <= int(filled.group(2)) <= FILLED_BY_MONTH:
        return int(filled.group(1))
    return None


def find_fiscal_year(document: Document, text: str | None = None) -> tuple[int | None, str]:
    """The fiscal year and where it came from (field, title, text, path, fill_date, unresolved)."""
    text = header_text(document) if text is None else text
    # A web page's breadcrumb (首页 > … > 2019年及以后年度部门预决算 > XX馆) names a folder's years, not the report's.
    # A notice cited in a line (根据《…关于报送2020年预算绩效目标…的通知》) names its own year, not the report's.
    lines = [NOTICE.sub("", chinese_year_digits(line)) for line in _lines(text) if not _is_breadcrumb(line)]
    # A form's (2024年度) under a title whose year is a fund's (2023年XX补助资金项目…) is the report's.
    caption = next(
        (int(m.group(1) or m.group(2)) for line in lines[:CAPTION_LINES] if (m := YEAR_CAPTION.match(line))),
        None,
    )
    if caption is None:  # 财政项目支出绩效自评表 / 2020年度: the year alone on the line under a form's title
        caption = next(
            (
                int(m.group(1))
                for above, line in pairwise(lines[:CAPTION_LINES])
                if FORM_TITLE_END.search(above) and (m := BARE_YEAR.match(line))
            ),
            None,
        )
    for line in lines[:TITLE_LINES]:
        if field := YEAR_FIELD.search(simplify(line)):
            return int(field.group(1)), "field"
        if caption is not None and YEAR_IN_TITLE.search(line):
            return caption, "title"
        for match in YEAR_IN_TITLE.finditer(line):
            year = int(match.group(1))
            # A title's year is taken as stated; validation judges whether it is in range. Not a date
            # (2021年12月), nor a year of history in an opening sentence (成立于1911年。…).
            history = "。" in line and not _plausible_year(year)
            if not re.match(r"\s*年\s*\d{1,2}\s*月", line[match.end(1) :]) and not history:
                if BARE_COVER_YEAR.match(line) and _filled_early_in(text) == year:
                    return year - 1, "fill_date"  # a cover's 2025年 of a form filled in April 2025
                return year, "title"
    if (evaluated := YEAR_EVALUATED.search(text)) and _plausible_year(int(evaluated.group(1))):
        return int(evaluated.group(1)), "text"  # 我院对2019年度部门整体支出情况进行绩效自评
    periods = Counter(int(m.group(1)) for m in YEAR_PERIOD.finditer(text))
    if periods and _plausible_year(year := periods.most_common(1)[0][0]):
        return year, "period"
    counts = Counter(int(m.group(1)) for m in YEAR_ANY.finditer(text))
    plausible = [(n, y) for y, n in counts.items() if _plausible_year(y)]
    if plausible:
        return max(plausible)[1], "text"
    match = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", document.source_file)
    if match and _plausible_year(int(match.group(1))):
        return int(match.group(1)), "path"
    ends = Counter(int(m.group(1)) for m in YEAR_END.finditer(text))
    if ends and _plausible_year(year := ends.most_common(1)[0][0]):
        return year, "year_end"
    # A self-evaluation is filled in the spring after its year: 填报日期:2021.5.18 is the report of 2020.
    filled = _filled_early_in(text)
    if filled and _plausible_year(filled - 1):
        return filled - 1, "fill_date"
    # A self-evaluation is published in the year after its year: a page's 公开日期 2019-11-26 for 2018.
    published = PUBLISHED_ON.search(text)
    if published and _plausible_year(int(published.group(1)) - 1):
        return int(published.group(1)) - 1, "publish_date"
    return None, "unresolved"


def find_region(institution: str | None, text: str, year: int | None, source_file: str) -> Region:
    """Region of the institution's name; else of its supervising department's name (主管部门 of the
    header, when the unit's own name holds no place: XX中学 under XX市教育局); else of the report
    text; else of the path's folder and file names."""
    region = resolve_region(institution, text, year)
    if region.source != "institution":
        for field in header_fields(text):
            name = field_name(field.value) if field.key in SUPERVISING else None
            if name and name != institution:
                supervisor = resolve_region(name, text, year)
                if supervisor.source == "institution":
                    note = f"no place in the institution's name; from its supervising department {name}"
                    return replace(
                        supervisor, source="text", note="; ".join(filter(None, [note, supervisor.note]))
                    )
    if region.province is None:
        region = resolve_region_from_path(source_file, year, region)
    return region


def extract_identity(document: Document) -> Identity:
    """Institution, fiscal year, region, report kind and project of a document (a table row a page
    break cut read whole: a project's name may be the cut cell)."""
    document = join_page_breaks(document)
    text = header_text(document)
    institution, institution_source = find_institution(document, text)
    year, year_source = find_fiscal_year(document, text)
    region = find_region(institution, text, year, document.source_file)
    kind, project = detect_kind(text)
    # 2022年XX县XX局XX资金项目: the body's name is no part of the project's, nor the year before it.
    named = YEAR_PREFIX.sub("", project or "")
    if project and institution and named.startswith(institution) and len(named) > len(institution):
        rest = named[len(institution) :]
        project = None if NAMES_NO_PROJECT.match(rest) else rest  # XX局项目: the body's projects, none named
    return Identity(
        institution=institution,
        fiscal_year=year,
        region=region,
        institution_source=institution_source,
        year_source=year_source,
        report_kind=kind,
        project=project,
    )
