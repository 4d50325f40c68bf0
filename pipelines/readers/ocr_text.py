"""Characters OCR confuses inside figures (and the space it loses after one) and in the forms' own
words (目 read as 自), corrected only where the context leaves one reading.

A figure whose reading stays in doubt is left as recognised: the extractors do not read it as a
number, so it is left out rather than guessed.
"""

from __future__ import annotations

import re

# O/o read for 0 and l/I/| for 1: runs of them between digits, or between a digit and a unit or
# percent sign, or beside a decimal point between digits.
_DIGIT_LIKE = re.compile(
    r"(?<=\d)[OolI|]+(?=\d|[.,]\d|[%％万亿元])|(?<=\d[.,])[OolI|]+(?=\d|[%％万亿元]|$|[^\w.,])"
)
_AS_DIGIT = str.maketrans("OolI|", "00111")
# 兀 (wù) for 元 after a figure or 万.
_YUAN = re.compile(r"(?<=[\d万亿])\s?兀")
# The space between a percentage and the next cell, lost: 99%9 (a rate, then a score), 99%一 (a rate,
# then a dash read as 一 for an empty cell). A percentage never goes on with a digit.
_AFTER_PERCENT = re.compile(r"(?<=\d[%％])(?=\d|[一—-](?:\s|$))")
# A space set between a number and the date word after it (2023 年10月): one cell, one date.
_DATE_SPACE = re.compile(r"(?<=\d) (?=[年月日])")
# 目 read as 自 in the forms' own words: 项自 for 项目 (not 项 before a word of 自: 逐项自查, 该项自评),
# 自标 for 目标 after the words that head a target (绩效目标, 年度目标 ...).
_XIANGMU = re.compile(r"项自(?![评查主筹行愿动然身己我治理])")
_MUBIAO = re.compile(r"(?<=绩效|年度|总体|预期|设定|分解|项目|产出|效益|阶段)自标")
# Thousands separators read as points: 1.234.567.89 (two points cannot both be decimal points).
_POINT_GROUPS = re.compile(
    r"(?<![\d.,])\d{1,3}(?:\.\d{3}){2,}(?:\.\d{1,2})?(?![\d.,])|(?<![\d.,])\d{1,3}(?:\.\d{3})+\.\d{1,2}(?![\d.,])"
)


def fix_confusions(text: str) -> str:
    """`text` with the unambiguous OCR confusions of figures corrected (see the module's doc)."""
    text = _DIGIT_LIKE.sub(lambda match: match.group().translate(_AS_DIGIT), text)
    text = _YUAN.sub("元", text)
    text = _AFTER_PERCENT.sub(" ", text)
    text = _DATE_SPACE.sub("", text)
    text = _XIANGMU.sub("项目", text)
    text = _MUBIAO.sub("目标", text)
    return _POINT_GROUPS.sub(_thousands, text)


def _thousands(match: re.Match[str]) -> str:
    """1.234.567.89 -> 1,234,567.89; 1.234.567 -> 1,234,567 (every group of three is a thousands group)."""
    groups = match.group().split(".")
    if len(groups[-1]) < 3:
        return ",".join(groups[:-1]) + "." + groups[-1]
    return ",".join(groups)
