"""Service figures (visitors, loans, events ...): whether they are the body's own (`Services`)."""

from __future__ import annotations

import re

from pipelines.extract.matching import AliasHit, Context
from pipelines.extract.numbers import Figure

SERVICE = "service"
SEVERAL_BODIES = re.compile(r"及其?(?:下属|所属)|(?:下属|所属)各|各乡镇|各街道|各(?:县|市|区)(?:市|区)?")
AREA = re.compile(r"全(?:县|市|区|省|州|盟|旗|镇|乡|域)")
AUDIENCE = re.compile(r"游客|观众")
ONLINE = re.compile(r"线上|网上|在线|网络|云端|数字|远程|直播")
VENUE_WORDS = re.compile(r"馆|影院|剧院|剧场")
VENUE_SELF = re.compile(r"[本我该全]馆|馆内|场馆|[本该]影院|[本该]剧院")
EVENT_UNITS = ("场", "场次", "期", "次")
EVENT_TOTAL = re.compile(r"共|合计|总计|累计|各类|各项")


class Services:
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
