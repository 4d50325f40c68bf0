"""Who a report is about: institution, fiscal year and region, each with where it came from.

Order of evidence: the title lines, labelled fields (单位名称：…), a line that is just an
institution's name, the most named institution in the text, and last the file's path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from pipelines.extract.numbers import to_half_width
from pipelines.extract.regions import resolve_region
from pipelines.model import Document, Identity

TITLE_LINES = 8
# Endings of institution names (a linguistic list, not a list of institutions).
ORG_SUFFIX = (
    r"(?:图书馆|文化馆|博物馆|博物院|美术馆|纪念馆|档案馆|科技馆|艺术馆|展览馆|陈列馆|群艺馆|文化站|"
    r"文化中心|服务中心|中心|剧院|剧团|研究院|研究所|研究室|管理局|管理处|管理所|局|委员会|办公室|"
    r"协会|联合会|学会|厅|院|所|站|委|办|社|团)"
)
_NAME = r"[\u4e00-\u9fff（）()]{2,30}?" + ORG_SUFFIX
REPORT_WORDS = r"(?:部门|单位|整体|项目|绩效|自评|支出|财政|预算|决算|评价)"
TITLE_NAME = re.compile(
    r"^(?:\d+[、.])?\s*(?:(?:19|20)\d{2}\s*年?度?\s*)?(?P<name>"
    + _NAME
    + r")\s*(?:(?:19|20)\d{2}\s*年?度?)?\s*"
    + REPORT_WORDS
)
FIELD_LABELS = r"(?:单位名称|部门名称|项目实施单位|实施单位|项目单位|填报单位|报送单位|评价单位)"
FIELD_NAME = re.compile(FIELD_LABELS + r"\s*[:：]?\s*(?:[(（]盖章[)）])?\s*[:：]?\s*(?P<name>" + _NAME + ")")
LINE_NAME = re.compile(r"^\s*(?P<name>" + _NAME + r")\s*$")
PLACE_NAME = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{2,12}?(?:省|市|县|区|州|旗|盟)[\u4e00-\u9fff]{0,14}?" + ORG_SUFFIX + ")"
)
PLACE_START = re.compile(r"^[\u4e00-\u9fff]{1,9}?(?:省|市|县|区|州|旗|盟)")
GENERIC_NAMES = re.compile(r"^(?:我|本|该|各|全|市|县|区|省|上级|主管)")
YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年度|年|\s*" + REPORT_WORDS + r"|\s*[)）])")
CHINESE_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
CHINESE_YEAR = re.compile(r"([二一][〇零○一二三四五六七八九]{3})年")
YEAR_ANY = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\d{1,2}月)")


def _plausible_year(year: int) -> bool:
    """A year mentioned in the body or the path that can be a fiscal year (titles are taken as stated)."""
    return 2000 <= year <= dt.date.today().year


def _clean_name(name: str) -> str:
    name = re.sub(r"^(?:关于|附件\d*|附表\d*)", "", name)
    return name.strip("（）() ")


def find_institution(document: Document) -> tuple[str | None, str]:
    """The institution's name and where it came from (title, field, line, text, path, unresolved)."""
    lines = [to_half_width(b.text).strip() for b in document.blocks if b.text.strip()]
    for line in lines[:TITLE_LINES]:
        if re.search(FIELD_LABELS + "|主管部门|项目名称", line):
            continue
        match = TITLE_NAME.search(line.replace(" ", ""))
        if match and not GENERIC_NAMES.match(match["name"]):
            return _clean_name(match["name"]), "title"
    for line in lines:
        match = FIELD_NAME.search(line.replace(" ", ""))
        if match and not GENERIC_NAMES.match(match["name"]):
            return _clean_name(match["name"]), "field"
    for line in lines[:TITLE_LINES] + lines[-3:]:
        match = LINE_NAME.match(line.replace(" ", ""))
        if match and not GENERIC_NAMES.match(match["name"]):
            return _clean_name(match["name"]), "line"
    named = Counter(
        filter(None, (_placed_name(m["name"]) for m in PLACE_NAME.finditer(to_half_width(document.text))))
    )
    if named:
        return named.most_common(1)[0][0], "text"
    for part in reversed(re.split(r"[/\\]", document.source_file)):
        for match in PLACE_NAME.finditer(part):
            name = _placed_name(match["name"])
            if name:
                return name, "path"
    return None, "unresolved"


def _placed_name(candidate: str) -> str | None:
    """The longest tail of `candidate` that starts with a real place name (湘潭市图书馆 in 促进湘潭市图书馆)."""
    for start in range(len(candidate) - 2):
        tail = candidate[start:]
        if not PLACE_START.match(tail):
            continue
        region = resolve_region(tail, "", None)
        names = [n for n in (region.province, region.city, region.county) if n]
        if region.source == "institution" and any(tail.startswith(n) for n in names):
            return _clean_name(tail)
    return None


def chinese_year_digits(text: str) -> str:
    """二〇二二年 -> 2022年: years written digit by digit in Chinese numerals."""
    return CHINESE_YEAR.sub(lambda m: m.group(1).translate(CHINESE_DIGITS) + "年", text)


def find_fiscal_year(document: Document) -> tuple[int | None, str]:
    """The fiscal year and where it came from (title, text, path, unresolved)."""
    lines = [chinese_year_digits(to_half_width(b.text)) for b in document.blocks if b.text.strip()]
    for line in lines[:TITLE_LINES]:
        for match in YEAR_IN_TITLE.finditer(line):
            year = int(match.group(1))
            # A title's year is taken as stated; validation judges whether it is in range.
            if not re.match(r"\s*年\s*\d{1,2}\s*月", line[match.end(1) :]):
                return year, "title"
    counts = Counter(int(m.group(1)) for m in YEAR_ANY.finditer(to_half_width(document.text)))
    plausible = [(n, y) for y, n in counts.items() if _plausible_year(y)]
    if plausible:
        return max(plausible)[1], "text"
    match = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", document.source_file)
    if match and _plausible_year(int(match.group(1))):
        return int(match.group(1)), "path"
    return None, "unresolved"


def extract_identity(document: Document) -> Identity:
    """Institution, fiscal year and region of a document."""
    institution, institution_source = find_institution(document)
    year, year_source = find_fiscal_year(document)
    region = resolve_region(institution, document.text, year)
    return Identity(
        institution=institution,
        fiscal_year=year,
        region=region,
        institution_source=institution_source,
        year_source=year_source,
    )
