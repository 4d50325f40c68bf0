"""Goals against achievements.

A clause with 目标 / 计划 / 力争 and no word of completion states a target (`states_target`); so does a
text led by a label about goals (`labelled_target`) and the figures of a section whose heading is
about goals (`see_heading`), unless words there tell what was done (`told_as_done`). A figure after a
comparison sign (满意度≥95%) is written as an indicator's target value.
"""

from __future__ import annotations

import re

from pipelines.extract.matching import Context

SIGN_COMPARATORS = ("≥", "≤", ">", "<", "＞", "＜")
TARGET_WORDS = ("目标", "计划", "力争", "预期", "预计", "指标值", "拟")
TARGET_WORD = re.compile("|".join(TARGET_WORDS))
QUOTED_TITLE = re.compile(r"《[^《》]*》")
DONE = re.compile(r"实际完成|已完成|已发放|已支付|已拨付|共完成|累计完成")
NOT_A_PLAN = re.compile(r"计划生育|计划单列")  # family planning, a city with separate budget status: no plans
COMPLETION_WORDS = ("完成", "实现", "实际")
HEADING = re.compile(
    r"^\s*(?:(?P<l1>[一二三四五六七八九十]+、)|(?P<l2>[(（][一二三四五六七八九十\d]+[)）])|(?P<l3>\d+\s*[、.．](?!\d)))"
)
MAX_HEADING = 40
# A section on how the budget and the goals were passed down (一、绩效目标分解下达情况, (二)分解下达资金预算和绩效
# 目标情况): its money is the year's allocation and spending, not goals; a goal there says so itself.
PASSED_DOWN_HEADING = re.compile(r"下达")
# That section's heading printed inside the text it heads (一、绩效目标分解下达情况XX厅下达专项资金20万元): no goal.
PASSED_DOWN_TITLE = re.compile(r"(?:绩效)?目标分解下达情况|分解下达[^,，。;；]{0,12}?目标情况")
LEAD_LABEL = re.compile(rf"[^,;:。!?\n]{{1,{MAX_HEADING}}}:")


def states_target(clause: str) -> bool:
    """A clause naming a goal or plan and no achievement (a 绩效目标自评表 title names no goal, nor
    does a notice's title: 《关于下达XX资金及绩效目标的通知》)."""
    clause = NOT_A_PLAN.sub(
        "", QUOTED_TITLE.sub("", PASSED_DOWN_TITLE.sub("", clause.replace("目标自评", "")))
    )
    return any(w in clause for w in TARGET_WORDS) and not any(w in clause for w in COMPLETION_WORDS)


def told_as_done(text: str) -> bool:
    """Words that tell what was done (实际完成改造264户,发放补助资金278.8万元), also in a section whose
    heading is about goals (一、绩效目标情况); a text labelled as a goal (资金目标:) stays one."""
    return bool(DONE.search(text)) and not states_target(text)


def labelled_target(text: str) -> bool:
    """A text led by a label about goals ((三)年度绩效目标: ...): what follows the label are targets."""
    label = LEAD_LABEL.match(text)
    return bool(label) and states_target(label.group(0))


def see_heading(text: str, context: Context) -> None:
    """Track headings: a heading about goals makes its section's figures targets."""
    match = HEADING.match(text)
    if not match or len(text) > MAX_HEADING:
        return
    level = 1 if match["l1"] else 2 if match["l2"] else 3
    for deeper in [lvl for lvl in context.target_levels if lvl >= level]:
        del context.target_levels[deeper]
    context.target_levels[level] = states_target(text) and not PASSED_DOWN_HEADING.search(text)


# A completion status right after a figure (预算执行率81.25%,未完成; 补助4家,已完成): what was achieved.
STATUS_AFTER = re.compile(r"\s*[,，;；]?\s*(?:已完成|未完成|基本完成|已达成|未达成|已实现|未实现)")


def status_told(text: str, end: int) -> bool:
    """Whether a completion status follows the figure that ends at `end` (…81.25%,未完成)."""
    return bool(STATUS_AFTER.match(text, end))
