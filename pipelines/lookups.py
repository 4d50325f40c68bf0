"""The warehouse's lookup tables, in one place: units, qualifiers, scopes, report kinds and kinds of
institution (with the name endings that tell them), and how an institution's administrative level
follows from its region."""

from __future__ import annotations

import re

# unit -> (Chinese, meaning): the canonical units of the indicator dictionary.
UNITS = {
    "CNY": ("元", "Money in yuan (万元 and 亿元 converted: 12.5万元 is 125000)."),
    "percent": ("%", "A percentage as a number of percent (86.73% is 86.73)."),
    "point": ("分", "Points of a self-evaluation score (out of 100)."),
    "person": ("人", "People: staff posts, staff in post, retired staff."),
    "person-visit": ("人次", "Visits: one person coming twice counts twice."),
    "volume-loan": ("册次", "Loans of books: one book lent twice counts twice."),
    "volume": ("册", "Volumes (books) acquired or catalogued."),
    "card": ("个", "Reader cards issued."),
    "event": ("场", "Events or activities held."),
}
COUNT_UNITS = ("person", "person-visit", "volume-loan", "volume", "card", "event")

QUALIFIERS = {
    "exact": ("", "The figure as stated."),
    "at_least": ("以上", "At least the figure (以上, 超过, 不低于, 不少于)."),
    "at_most": ("以下", "At most the figure (以下, 小于, 低于, 不超过)."),
    "approx": ("约", "About the figure (约, 近, 余, 多)."),
}

# Scopes a figure may be stated for; a fact may combine two (财政拨款 + 年初 = fiscal+initial).
SCOPES = {
    "department": "部门整体", "fiscal": "财政拨款", "initial": "年初预算", "other_funds": "其他资金",
    "basic": "基本支出", "project": "项目支出", "carry_over": "上年结转", "government_funds": "政府性基金",
}  # fmt: skip

REPORT_KINDS = {
    "department": ("部门整体支出", "The whole body's budget and spending (部门整体支出绩效自评)."),
    "project": ("项目支出", "One named project of the body (项目支出绩效自评)."),
    "transfer": ("转移支付", "A fund passed down and spent by the body (转移支付 / 专项资金绩效自评)."),
}

# institution type -> (Chinese, meaning, what the name ends with); the first that matches wins.
INSTITUTION_TYPES = {
    "library": ("图书馆", "A public library.", r"图书馆(?:分馆)?$"),
    "museum": ("博物馆、纪念馆、美术馆", "A museum, memorial hall or art gallery.", r"(?:博物馆|博物院|纪念馆|美术馆|陈列馆)$"),
    "culture_centre": ("文化馆、群艺馆、文化站", "A culture centre or station.", r"(?:文化馆|群众艺术馆|文化站|文化中心|综合文化服务中心)$"),
    "school": ("学校", "A school, college or university.", r"(?:学校|小学|中学|学院|大学|幼儿园|学校分校)$"),
    "hospital": ("医院、卫生院", "A hospital or health centre.", r"(?:医院|卫生院|卫生服务中心|妇幼保健院|疾病预防控制中心)$"),
    "township": ("乡镇、街道", "A township, town or sub-district government.", r"(?:[乡镇]人民政府|街道办事处|[^县市区]{1,8}[乡镇])$"),
    "government_department": ("政府部门", "A department of a government (局, 委员会, 办公室 ...).", r"(?:局|厅|委员会|委|办公室|办|部|政府|署)$"),
    "public_institution": ("事业单位", "Another public institution (中心, 站, 所, 院, 团, 馆 ...).", r"(?:中心|站|所|院|团|馆|队|社)$"),
}  # fmt: skip
OTHER_TYPE = ("other", "其他", "A name none of the endings above fits.")
_TYPE_PATTERNS = [(kind, re.compile(pattern)) for kind, (_, _, pattern) in INSTITUTION_TYPES.items()]


def institution_type(name: str | None) -> str | None:
    """The kind of institution its name ends with (library, museum, ... other); None without a name."""
    if not name:
        return None
    base = re.sub(r"[（(][^（）()]*[）)]$", "", name.strip())  # a bracketed remark after the name
    return next((kind for kind, pattern in _TYPE_PATTERNS if pattern.search(base)), OTHER_TYPE[0])


ADMIN_LEVELS = {
    "province": ("省级", "A body of a province (only a province code)."),
    "city": ("地市级", "A body of a prefecture-level city (a city code, no county code)."),
    "county": ("县级", "A body of a county, county-level city or district (a county code)."),
}


def admin_level(province_code: str | None, city_code: str | None, county_code: str | None) -> str | None:
    """The administrative level of a body from the deepest division code its region has."""
    if county_code:
        return "county"
    if city_code:
        return "city"
    return "province" if province_code else None
