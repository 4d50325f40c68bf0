"""Labelled fields of report and form headers (单位名称, 实施单位, 主管部门, 项目名称 ...) however flattened.

The same header reaches us in several shapes: a label and its value on one line (`单位名称：XX馆`), a
pipe row with empty cells between them (`实施单位(盖章) | | XX局`), one cell per line (the label, blank
lines, the value), a whole form on one line separated by single spaces, and OCR or document-sharing
site text with the cells glued together (`项目名称XX经费主管部门XX局实施单位XX中心项目资金`). A value
therefore ends at a line break, a cell separator, whitespace, or the next known label of the form.

`header_text` gives the text these functions read: half-width, and converted to simplified characters
when the text is written in traditional ones (not otherwise: one-for-one conversion would turn the
place name 乾县 into 干县).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.extract.numbers import to_half_width
from pipelines.extract.text import label_of, label_trie_pattern, simplifies, simplify, without_glosses
from pipelines.model import Document

# Distinct characters that simplification changes, in the first part of a text, before the text is
# taken as written in traditional characters.
TRADITIONAL_MIN_CHARS = 5
TRADITIONAL_SAMPLE = 3000


def header_text(document: Document) -> str:
    """The document's text (blocks joined by newlines), half-width, simplified if it is traditional,
    without pinyin glosses."""
    text = without_glosses("\n".join(block.text for block in document.blocks))
    if is_traditional(text):
        return simplify(text)
    return to_half_width(text)


# A saved web page's metadata around the report (索引号, 发布机构, 浏览量 ...): labels on lines of their
# own or with their value (发布机构开远市档案局: the publisher, not a title), bracketed ([ 索引号 ]) or
# bulleted lines (a dash as the bullet too: - 索引号, - 2023-05-29; not - XX局, a page's banner naming its
# body), a lone dash, the breadcrumb (您当前的位置: …), a line that is only a date or an index
# code; not the report's title lines.
METADATA_LABELS = (  # printed alone or with their value
    "索引号|发布机构|发布日期|发文日期|成文日期|公开目录|公开方式|公开范围|浏览量|浏览次数|点击数|主题分类|"
    "信息来源|效力属性|时效性|信息时效性|统一登记号|发文字号|体裁分类|信息分类|内容分类|来源单位|生成日期|生效时间"
)
# A page's classification fields wherever they stand in a line (号: /2020-00012 信息分类: 项目绩效评价):
# a category's words, not the report's title.
CLASSIFIED = r".{0,40}?(?:信息分类|内容分类|主题分类|体裁分类)\s*[:：].*"
LONE_LABELS = "文号|主题词|来源|作者|字体|字号|打印|关闭|分享|有效性|搜索|图片"  # ordinary words with a value
PAGE_CHROME = re.compile(
    rf"^(?:[-—–]\s+)?(?:[•·▪●]\s*.{{0,40}}|[-—–]+|(?:{METADATA_LABELS})\s*[:：]?\s*[^\s:：].{{0,40}}"
    rf"|(?:{METADATA_LABELS}|{LONE_LABELS})\s*[:：]?\s*|[\[【]\s*[\u4e00-\u9fff]{{2,8}}\s*[\]】]"
    rf"|[\[【]\s*(?:{METADATA_LABELS}|{LONE_LABELS})\s*[\]】].*"  # [ 索引号 ] 1150…/2022-00027 [ 发文字号 ]
    rf"|{CLASSIFIED}"
    r"|(?:您?当前的?位置)\s*[:：].*|(?:19|20)\d{2}[-./年]\d{1,2}[-./月]\d{1,2}日?|[0-9A-Z]{8,}(?:[-/][0-9A-Z]+)*)$"
)


def content_lines(text: str) -> list[str]:
    """The text's non-empty lines, stripped, without a saved web page's metadata lines."""
    return [line for raw in text.split("\n") if (line := raw.strip()) and not PAGE_CHROME.match(line)]


def is_traditional(text: str) -> bool:
    """Whether `text` is written in traditional characters (several distinct ones, not one 乾 of 乾县)."""
    sample = text[:TRADITIONAL_SAMPLE]
    changed = {char for char in set(sample) if "\u4e00" <= char <= "\u9fff" and simplifies(char)}
    return len(changed) >= TRADITIONAL_MIN_CHARS


def spaced_label(label: str) -> str:
    """A label regex whose characters may be spaced out (单 位 名 称); `(` and `)` match either width."""
    parts = []
    for char in label:
        if char == "(":
            parts.append(r"[(（]")
        elif char == ")":
            parts.append(r"[)）]")
        else:
            parts.append(re.escape(char))
    return r"\s*".join(parts)


# Field keys and their labels. `unit` labels name the reporting body itself; `local` is the local
# department of a transfer-payment form (its reporting body), `user` the unit that spent a fund,
# `supervisor` the supervising department, `provincial` the provincial department of a transfer
# form (never the reporting body), `project` the project's or fund's name.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "unit": (
        "部门(单位)名称", "单位(部门)名称", "预算单位名称", "单位名称", "部门名称", "项目实施单位", "实施单位",
        "项目承担单位", "项目单位", "填报单位", "报送单位", "自评单位", "单位(盖章)", "单位(公章)",
    ),
    "local": ("地方主管部门", "市县主管部门", "县级主管部门", "市级主管部门"),
    "user": ("资金使用单位",),
    "supervisor": ("主管部门", "主管单位"),
    "provincial": ("省级主管部门", "中央主管部门"),
    "project": (
        "转移支付(项目)名称", "转移支付项目名称", "转移支付名称", "专项资金名称", "专项名称", "资金名称", "项目名称",
    ),
}  # fmt: skip
# Labels of other header fields and of the sections after the header: a glued value ends there.
# FUND_STOPS can also be the end of a project's name (XX项目资金): a project's name ends there only
# after whitespace (see report_kind.PROJECT_CUT).
FUND_STOPS = ("项目资金", "资金投入情况", "预算资金", "资金情况")
STOP_LABELS = (
    *FUND_STOPS, "年度资金总额", "年初预算数", "项目基本情况", "联系人", "联系电话", "联络电话", "主要负责人",
    "财务负责人", "项目负责人", "负责人", "填报人", "填表人", "填报日期", "报告日期", "自评得分", "自评分",
    "预算编码", "评价方式", "评价机构", "项目属性", "项目类型", "项目类别", "项目性质", "实施期", "单位负责人", "总体目标",
    "年度总体目标", "绩效指标",
)  # fmt: skip
# OCR misreadings of 实施单位 (实施第位, 实施单住, 实旅单位): one character misread; only read right after
# a 主管部门 field, where the form's next label is the implementing unit (实施到位 is a phrase, not one).
_CJK = r"[\u4e00-\u9fff]"
GARBLED_UNIT = (
    rf"(?:实\s*施\s*(?!到){_CJK}\s*位|实\s*施\s*单\s*{_CJK}|实\s*{_CJK}\s*单\s*位|{_CJK}\s*施\s*单\s*位)"
)
GARBLED_WINDOW = 40  # characters after a 主管部门 label in which a garbled 实施单位 label is looked for

_KEYED = sorted(
    ((label, key) for key, labels in FIELD_LABELS.items() for label in labels), key=lambda x: -len(x[0])
)
_STOPS = sorted(STOP_LABELS, key=len, reverse=True)
LABEL_RE = re.compile(label_trie_pattern([label for label, _ in _KEYED]))  # the longest label at a place
_KEY_OF_LABEL = {label: key for label, key in reversed(_KEYED)}  # a label's first key in _KEYED
ANY_LABEL_RE = re.compile(
    "|".join(spaced_label(label) for label, _ in _KEYED)
    + "|"
    + "|".join(map(spaced_label, _STOPS))
    + "|"
    + GARBLED_UNIT
)
# A bare 部门 / 部门(单位) / 单位 cell (部门 | XX中心, or 部门 alone on its line): a label only where a
# cell ends, as the words are everywhere in sentences and headings.
BARE_DEPARTMENT = re.compile(
    r"(?m)(?:^|\|)[ \t]*(?:部[ \t]*门(?:[ \t]*[(（][ \t]*单[ \t]*位[ \t]*[)）])?|单[ \t]*位)[ \t]*(?=\||$)"
)
# Between a label and its value: spaces, cell separators, line breaks, colons, a stamp note.
_GAP = re.compile(
    r"(?:名\s*称|全\s*称|及\s*代\s*码|[(（]\s*代\s*码\s*[)）])?(?:[\s|:：]|[(（]\s*(?:盖章|公章|签章|章)\s*[)）])*"
)
# The characters of a value; it ends at anything else (a line break, a cell separator, punctuation).
_VALUE = re.compile(r"[\u4e00-\u9fff0-9A-Za-z()（）\-—–_·.、 ]+")
MAX_VALUE = 60
HEADER_BEFORE = frozenset("\n|:：)）] \t\u3000")
CLUSTER = 60  # characters within which glued field labels count as one form's header


@dataclass(frozen=True)
class Field:
    """One labelled value: its key (see FIELD_LABELS), label as printed, value and where it starts."""

    key: str
    label: str
    value: str
    start: int  # of the label, in the header text
    glued: bool = False  # the label runs straight into what follows it (OCR or sharing-site text)


def _key_of(match: re.Match) -> str:
    return _KEY_OF_LABEL[label_of(match.group(0))]


def value_after(text: str, end: int, cut: re.Pattern = ANY_LABEL_RE) -> tuple[str, int]:
    """The value that follows a label ending at `end`, and where it starts.

    Gaps (名称 after a label, spaces, `|`, line breaks, colons, `(盖章)`) are skipped; the value then
    runs to a line break, a cell separator, two spaces, punctuation, or the next label `cut` finds
    (default: any field or section label; project names are cut at field labels only, LABEL_RE, as
    项目资金 can end a project's name).
    """
    gap = _GAP.match(text, end)
    start = gap.end() if gap else end
    match = _VALUE.match(text, start, min(len(text), start + MAX_VALUE))
    if not match:
        return "", start
    value = re.split(r"\s{2,}|\t", match.group(0))[0].rstrip()
    label = cut.search(value)
    if label:
        value = value[: label.start()].rstrip()
    return value, start


def _in_header(text: str, match: re.Match, starts: list[int]) -> bool:
    """Whether a label stands where a form's or header's label stands, not inside a sentence.

    It does when it starts a line or a cell (after a line break, `|`, whitespace, a colon or a
    closing bracket), or when another field label lies within CLUSTER characters of it (the glued
    cells of a flattened form: 项目名称XX主管部门XX实施单位XX).
    """
    before = text[match.start() - 1] if match.start() else "\n"
    if before in HEADER_BEFORE:
        return True
    return any(0 < abs(start - match.start()) <= CLUSTER for start in starts)


def _field(text: str, key: str, label: str, start: int, end: int) -> Field:
    value, value_start = value_after(text, end, LABEL_RE if key == "project" else ANY_LABEL_RE)
    return Field(key, label, value, start, glued=value_start == end)


@lru_cache(maxsize=4)
def _fields_cached(text: str) -> tuple[Field, ...]:
    matches = list(LABEL_RE.finditer(text))
    starts = [match.start() for match in matches]
    fields: list[Field] = []
    for match in matches:
        if not _in_header(text, match, starts):
            continue
        key = _key_of(match)
        fields.append(_field(text, key, match.group(0), match.start(), match.end()))
        if key == "supervisor":
            window = text[match.end() : match.end() + GARBLED_WINDOW]
            garbled = re.search(GARBLED_UNIT, window)
            if garbled and not LABEL_RE.fullmatch(garbled.group(0)):
                start = match.end() + garbled.start()
                fields.append(_field(text, "unit", garbled.group(0), start, match.end() + garbled.end()))
    for match in BARE_DEPARTMENT.finditer(text):
        label = match.group(0).strip(" \t|")
        fields.append(_field(text, "department", label, match.end() - len(label), match.end()))
    return tuple(sorted(fields, key=lambda f: f.start))


def header_fields(text: str) -> tuple[Field, ...]:
    """Every labelled field of `text` (a `header_text`), in order of position."""
    return _fields_cached(text)


def window_after(text: str, field: Field, size: int = 40) -> str:
    """Up to `size` characters after a field's label, to the next line break or identity label.

    For OCR text whose cells come out of order (实施单位 自评得分98 … XX中学): the value is near its
    label but not right after it.
    """
    start = field.start + len(field.label)
    window = text[start : start + size].split("\n")[0]
    label = LABEL_RE.search(window)
    return window[: label.start()] if label else window
