"""The one comparison of a warehouse with known truth, shared by the scorer, the benchmark and the tests.

The rule for figures (`values_match`) has two tolerances, named for the two kinds of truth:
`GOLD`, the rule of the real-report corpus (`../shared/corpus/README.md`, README "Extraction
scores"): within 0.5 % of the true value or 0.011, whichever is larger, which the scorer keeps so
that its figures mean what the corpus says; and `GENERATED`, for truth a generator wrote (the samples,
the benchmark): exact up to 0.005 (half a cent), so that two figures of one report a few hundred yuan
apart cannot be swapped unseen.

Truth (the format of `samples/truth.json`, which the benchmark's generator writes too):

    {"documents": {source_file: {"institution", "province", "city", "county", "fiscal_year",
                                 "report_kind", "project", "facts": {code: value},
                                 "qualifiers": {code: qualifier other than exact},
                                 "kpis": [{column of KPI_COLUMNS: value}, ...], ...}},
     "rejected": {source_file: {"stage": ..., "reason_contains": ...}}}

`compare` checks a warehouse against it: per document the achieved facts of `v_indicator_values`
(exactly the true codes, once each, values by the rule, qualifiers), the identity and report kind of
`v_documents`, the rows of `v_performance_indicators` in order; and the files `v_rejected` rejects
before validation, with their stage and reason. Keys an entry lacks are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd


@dataclass(frozen=True)
class Tolerance:
    """How far a value may be from the truth: a share of the true value, or an absolute amount."""

    relative: float
    absolute: float


GOLD = Tolerance(relative=0.005, absolute=0.011)  # hand-made labels of real reports
GENERATED = Tolerance(relative=0.0, absolute=0.005)  # truth written by a generator
IDENTITY_FIELDS = ("institution", "province", "city", "county", "fiscal_year")
KIND_FIELDS = ("report_kind", "project")
KPI_COLUMNS = (
    "level1", "level2", "indicator", "target_text", "actual_text", "target_value", "actual_value", "unit",
    "comparator", "weight", "score", "deviation_reason",
)  # fmt: skip
ASPECTS = ("facts", "identity", "kind", "kpis", "rejected")


def values_match(value: float, truth: float, tolerance: Tolerance = GOLD) -> bool:
    """Within the tolerance's share of the true value, or its absolute amount (whichever is larger)."""
    return abs(value - truth) <= max(tolerance.relative * abs(truth), tolerance.absolute)


def cell(value: Any) -> Any:
    """A value read from the warehouse with NULL (None, NaN, NA) as None."""
    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Difference:
    """One way a warehouse differs from the truth."""

    source_file: str
    aspect: str  # one of ASPECTS
    detail: str

    def __str__(self) -> str:
        return f"{self.source_file}: {self.aspect}: {self.detail}"


@dataclass(frozen=True)
class TruthCheck:
    """The outcome of `compare`."""

    documents: int  # documents of the truth compared
    differences: tuple[Difference, ...]

    def of(self, aspect: str) -> list[str]:
        """The differences of one aspect, as text (empty: that aspect equals the truth)."""
        assert aspect in ASPECTS, aspect
        return [str(d) for d in self.differences if d.aspect == aspect]

    @property
    def files_differing(self) -> set[str]:
        return {d.source_file for d in self.differences}


@dataclass(frozen=True)
class WarehouseRows:
    """The rows of a built warehouse that are compared with truth or gold, under every path of a document."""

    values: pd.DataFrame  # v_indicator_values, targets included
    documents: pd.DataFrame  # v_documents
    indicators: pd.DataFrame  # v_performance_indicators, by source_file and row_number
    rejected: pd.DataFrame  # v_rejected


def with_every_path(values: pd.DataFrame, documents: pd.DataFrame, paths: pd.DataFrame, *more: pd.DataFrame):
    """`values` and `documents` (and any `more` frames with a source_file column) with a copy under
    every other path of the same document.

    `paths` are rows of document_path (source_file, document_key): files with equal content are one
    document whose rows carry one of the paths; each further path gets the same identity and facts.
    """
    canonical = dict(zip(documents["document_key"], documents["source_file"], strict=True))
    extra = [
        (path, canonical[key])
        for path, key in zip(paths["source_file"], paths["document_key"], strict=True)
        if key in canonical and path != canonical[key]
    ]
    frames = (values, documents, *more)
    if not extra:
        return frames
    alias = pd.DataFrame(extra, columns=["alias", "source_file"])

    def aliased(frame: pd.DataFrame) -> pd.DataFrame:
        copies = frame.merge(alias, on="source_file").drop(columns="source_file")
        return pd.concat([frame, copies.rename(columns={"alias": "source_file"})], ignore_index=True)

    return tuple(aliased(frame) for frame in frames)


def read_warehouse(warehouse: Path) -> WarehouseRows:
    """Read the views of a built warehouse, every row under every path of its document."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        values = con.execute("SELECT * FROM v_indicator_values").df()
        documents = con.execute("SELECT * FROM v_documents").df()
        paths = con.execute("SELECT source_file, document_key FROM document_path").df()
        indicators = con.execute(
            "SELECT * FROM v_performance_indicators ORDER BY source_file, row_number"
        ).df()
        rejected = con.execute("SELECT * FROM v_rejected").df()
    return WarehouseRows(*with_every_path(values, documents, paths, indicators, rejected))


def fact_differences(facts: pd.DataFrame, expected: dict, tolerance: Tolerance = GENERATED) -> list[str]:
    """How one document's achieved facts (rows with indicator_code, value and, where the truth has
    qualifiers, qualifier) differ from its truth entry: each true code exactly once, no other code,
    values by `values_match`, qualifiers (`exact` unless the truth says otherwise)."""
    want: dict[str, float] = expected["facts"]
    qualifiers: dict[str, str] | None = expected.get("qualifiers")
    problems = []
    for code, rows in facts.groupby("indicator_code", sort=True):
        got = [float(v) for v in rows["value"]]
        if code not in want:
            problems.append(f"{code} = {got}, not in the truth")
            continue
        if len(got) > 1:
            problems.append(f"{code} stated {len(got)} times: {got}")
        if wrong := [v for v in got if not values_match(v, want[code], tolerance)]:
            problems.append(f"{code} = {wrong}, truth {want[code]}")
        if qualifiers is not None:
            true_qualifier = qualifiers.get(code, "exact")
            if wrong := sorted({q for q in rows["qualifier"] if q != true_qualifier}):
                problems.append(f"{code} qualifier {wrong}, truth {true_qualifier!r}")
    stated = set(facts["indicator_code"])
    problems += [
        f"{code} missing, truth {value}" for code, value in sorted(want.items()) if code not in stated
    ]
    return problems


def identity_differences(
    document: Any, expected: dict, fields: tuple[str, ...] = IDENTITY_FIELDS
) -> list[str]:
    """Fields of a document (a mapping or a row with those attributes) that differ from its truth entry
    (fields the entry lacks are not checked)."""
    get = document.get if isinstance(document, dict | pd.Series) else lambda name: getattr(document, name)
    return [
        f"{name} {cell(get(name))!r}, truth {expected[name]!r}"
        for name in fields
        if name in expected and cell(get(name)) != expected[name]
    ]


def kpi_differences(rows: list[dict], expected: dict, tolerance: Tolerance = GENERATED) -> list[str]:
    """How one document's performance-indicator rows (dicts of v_performance_indicators, in row order)
    differ from its truth entry's `kpis`: the same number of rows, each row's KPI_COLUMNS (figures by
    `values_match`, the rest equal) and the document's identity and kind on every row."""
    want: list[dict] = expected["kpis"]
    problems = [f"{len(rows)} rows, truth {len(want)}"] if len(rows) != len(want) else []
    document_fields = ("institution", "fiscal_year", *KIND_FIELDS)
    for number, (row, kpi) in enumerate(zip(rows, want, strict=False), 1):
        where = f"row {number} ({kpi.get('indicator')})"
        problems += [f"{where}: {p}" for p in identity_differences(row, expected, document_fields)]
        for column in KPI_COLUMNS:
            got, true_value = cell(row.get(column)), kpi.get(column)
            same = (
                got is not None and values_match(got, true_value, tolerance)
                if _is_number(true_value)
                else got == true_value
            )
            if not same:
                problems.append(f"{where}: {column} {got!r}, truth {true_value!r}")
    return problems


def rejection_differences(rejected: pd.DataFrame, expected: dict[str, dict]) -> list[Difference]:
    """Files rejected before validation (rows of v_rejected) against the truth's `rejected`: the same
    files, each row at the true stage with a reason containing the true words."""
    early = rejected[rejected["stage"] != "validate"]
    problems = []
    for path, rows in early.groupby("source_file", sort=True):
        if path not in expected:
            reasons = sorted(f"{r.stage}: {r.reason}" for r in rows.itertuples())
            problems.append(Difference(path, "rejected", f"rejected, truth: not rejected ({reasons})"))
            continue
        want = expected[path]
        if len(rows) > 1:
            problems.append(Difference(path, "rejected", f"{len(rows)} rejections, truth one"))
        for row in rows.itertuples():
            if row.stage != want["stage"] or want["reason_contains"] not in row.reason:
                problems.append(Difference(path, "rejected", f"{row.stage}: {row.reason!r}, truth {want}"))
    problems += [
        Difference(path, "rejected", f"not rejected, truth {want}")
        for path, want in sorted(expected.items())
        if path not in set(early["source_file"])
    ]
    return problems


def compare(warehouse: Path | WarehouseRows, truth: dict, tolerance: Tolerance = GENERATED) -> TruthCheck:
    """Every difference between a built warehouse (a file, or rows already read) and `truth`
    (generated truth by default: see the module docstring)."""
    rows = warehouse if isinstance(warehouse, WarehouseRows) else read_warehouse(warehouse)
    documents: dict[str, dict] = truth["documents"]
    achieved = rows.values[~rows.values["is_target"].astype(bool)]
    facts = {path: group for path, group in achieved.groupby("source_file")}
    indicators = {path: group.to_dict("records") for path, group in rows.indicators.groupby("source_file")}
    read = {row["source_file"]: row for row in rows.documents.to_dict("records")}
    no_facts = achieved.iloc[0:0]
    differences: list[Difference] = []
    for path, expected in documents.items():
        found: list[tuple[str, str]] = []
        if path not in read:
            found.append(("identity", "not in v_documents"))
        else:
            found += [("identity", p) for p in identity_differences(read[path], expected)]
            found += [("kind", p) for p in identity_differences(read[path], expected, KIND_FIELDS)]
        found += [("facts", p) for p in fact_differences(facts.get(path, no_facts), expected, tolerance)]
        if "kpis" in expected:
            found += [("kpis", p) for p in kpi_differences(indicators.get(path, []), expected, tolerance)]
        differences += [Difference(path, aspect, detail) for aspect, detail in found]
    for aspect, paths in (("facts", facts), ("kpis", indicators)):
        differences += [
            Difference(path, aspect, "rows of a file that is not a document of the truth")
            for path in sorted(set(paths) - set(documents))
        ]
    differences += rejection_differences(rows.rejected, truth.get("rejected", {}))
    return TruthCheck(len(documents), tuple(differences))
