"""The indicator dictionary: one data file (`pipelines/data/indicator_dictionary.csv`) that a data
engineer extends without touching code.

Columns: code, category, canonical unit, Chinese name, aliases (``|``-separated phrasings that
introduce the figure; ``^收入`` is a bare word that does so only as the label of a clause or list
item, 1.收入:615.40万元; ``@项目预算`` one that does so only in a project or transfer report), units a figure may carry (an empty entry allows a bare number), words that
must not stand right before an alias (增加 in 增加基本支出 is a change, not a total), the range a
value must lie in (validation rejects values outside it), description.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DICTIONARY_PATH = Path(__file__).parent / "data" / "indicator_dictionary.csv"
# Codes that are by definition the fiscal-appropriation part of a total code, and back.
FISCAL_CODES = {"budget_fiscal": "budget_total", "income_fiscal": "income_total"}
FISCAL_TWINS = {total: fiscal for fiscal, total in FISCAL_CODES.items()}


@dataclass(frozen=True)
class Indicator:
    """One indicator code and how reports phrase it."""

    code: str
    category: str
    unit: str
    name_zh: str
    aliases: tuple[str, ...]
    units: tuple[str, ...]
    not_after: tuple[str, ...]
    min_value: float
    max_value: float
    description: str


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|"))


def load_dictionary(path: Path | None = None) -> dict[str, Indicator]:
    """Read the dictionary file (default: the bundled one, or INDICATOR_DICTIONARY if set)."""
    path = path or Path(os.environ.get("INDICATOR_DICTIONARY", DICTIONARY_PATH))
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    indicators: dict[str, Indicator] = {}
    for row in rows:
        code = row["code"].strip()
        if code in indicators:
            raise ValueError(f"{path}: indicator code {code!r} is listed twice")
        indicators[code] = Indicator(
            code=code,
            category=row["category"].strip(),
            unit=row["unit"].strip(),
            name_zh=row["name_zh"].strip(),
            aliases=tuple(a for a in _split(row["aliases"]) if a),
            units=_split(row["units"]),
            not_after=tuple(w for w in _split(row["not_after"]) if w),
            min_value=float(row["min_value"]),
            max_value=float(row["max_value"]),
            description=row["description"].strip(),
        )
    return indicators


@lru_cache(maxsize=1)
def default_dictionary() -> dict[str, Indicator]:
    """The bundled dictionary, read once per process."""
    return load_dictionary()
