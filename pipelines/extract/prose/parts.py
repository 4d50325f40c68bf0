"""A part is no whole: the figures of a sentence that are one part of what the body has (`Parts`),
mostly in its staff: a figure after 其中 (or after the units money was handed on to: 分配下达到…:) of a
code the sentence already stated, one kind of post next to another (行政编制 / 事业编制), posts filled (实有编制数) beside the staff in post.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from pipelines.extract.matching import AliasHit
from pipelines.extract.prose.figures import BRACKET_SPAN

OF_WHICH = re.compile("其中")
# The units money was handed on to, listed after a colon (资金已分配下达到项目建设单位:甲项目140万元、乙项目…):
# each one's share is a part, as after 其中.
RECIPIENTS = re.compile(r"(?:分配|下达|拨付)(?:到|至|给)[\u4e00-\u9fff]{0,12}[:：]")
# Kinds of posts: where a sentence names two, each is one part of the establishment.
# 事业编制27人,参照公务员管理: how those posts are run, no second kind.
# 事业编制(参公): one kind, its management in brackets; 参公单位: the unit's kind, not a post's.
POST_KINDS = re.compile(
    r"参照公务员管理的?事业编|参公事业编|事业编制?[(（]参(?:公|照公务员管理)[)）]|行政编|事业编|工勤|参公(?!单位)"
    r"|参照公务员(?!管理[,，。;；])"
)
POST_KIND_ALIASES = ("事业编制",)
STAFF_KIND = re.compile(r"行政|事业|工勤|参公|编外|聘用|临聘|合同制")
POST_CODE = "staff_authorized"
STAFFING = "staffing"
STAFF_CODE, RETIRED_CODE = "staff_actual", "staff_retired"
# Posts filled (实有编制数): the staff in post, unless the sentence counts the staff in post apart.
POSTS_FILLED = ("实有编制数", "实有编制")
# Staff words after 核定编制 (财政核定编制在职人员为36人): the posts authorised, not the staff in post.
AUTHORISED_BEFORE = re.compile(r"核定的?编制的?$")
AUTHORISED = "核定"
KIND_BEFORE = re.compile(r"(?:行政|事业|工勤|参公|管理)$")


class Parts:
    """What makes a figure one part of a whole in a sentence: a figure after 其中 of a code the sentence
    already stated (编制总数34人(其中行政编制23人、事业编制11人)), or one kind of post next to another
    kind (行政编制18名, 事业编制6名), or a kind of post among the parts of a headcount: no scope word
    says which part, so it is no department figure.
    A headcount whose parts after 其中 are the staff in post and the retired (共有职工96人,其中在职职工
    81人,退休人员15人) counts the retired: the part in post is the staff figure, not the whole.
    Brackets after a headcount hold its parts as 其中 does (实有人数48人(在职26人,离退休22人)), up to
    their closing bracket (brackets after money may hold the adjusted figure instead)."""

    def __init__(self, sentence: str, hits: list[AliasHit]) -> None:
        self.of_which = sorted(
            m.start() for pattern in (OF_WHICH, RECIPIENTS) for m in pattern.finditer(sentence)
        )
        self.brackets = [m.span() for m in BRACKET_SPAN.finditer(sentence)]
        self.first: dict[str, int] = {}
        for hit in hits:
            self.first.setdefault(hit.indicator.code, hit.start)
        self.kinds = {m.group(0) for m in POST_KINDS.finditer(sentence)}
        self.sentence = sentence
        self.hits = hits

    def _retired_inside(self, of_which: int, end: int | None = None) -> bool:
        """Whether the parts after the 其中 at `of_which` (up to `end`, or to the bracket it stands in)
        are staff in post and retired staff: 实有人数106人(其中:在职人员104人,…),退休人员30人 lists the
        retired after the bracket, not among the parts."""
        if end is None and (bracket := self._bracket(of_which)):
            end = bracket[1]
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
            and AUTHORISED not in hit.alias
        ):
            # 现有人数14人,其中行政人员10人、事业编制人员4人: a kind of staff, not the posts (but 现有员工160人,
            # 其中:核定编制数8人 tells the posts authorised among the staff)
            return True
        if hit.indicator.code != POST_CODE or len(self.kinds) < 2:
            return False
        return hit.alias in POST_KIND_ALIASES or bool(
            KIND_BEFORE.search(self.sentence, max(0, hit.start - 2), hit.start)
        )
