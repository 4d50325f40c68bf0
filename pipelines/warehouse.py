"""Build the DuckDB star schema in a new file and publish it with an atomic rename.

One writer: the warehouse is built from the run's validated tables (bulk inserts from DataFrames)
in a new file, then `os.replace` swaps it in. When the published file was built with the same
schema, views, suites and code (`structure_key`) and is as declared, the new file is a copy of it
changed by what differs (rows deleted, rows inserted, per table and primary key); else every table
is written afresh. Either way the tables are those the run's frames give. A failed build leaves the
previous warehouse untouched, and readers holding the old file keep a consistent view. A run whose
inputs, suite and code are those of the published build (same `build_key`) writes nothing. One
writer at a time: the whole load holds an exclusive file lock beside the warehouse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipelines import lookups, schema
from pipelines.batch import Extraction, ExtractionDocuments, rejections_frame, stable_key
from pipelines.indicators import FISCAL_CODES, FISCAL_TWINS, default_dictionary
from pipelines.validation import ValidationOutcome, fact_rules, indicator_rules, row_hashes

VIEWS_SQL = Path(__file__).resolve().parent.parent / "sql" / "views.sql"
# Files readable by the DuckDB 1.4+ command-line shell and tools, not only by the 2.0 package.
STORAGE_VERSION = "v1.4.0"
# The fact tables are stored in key order; their rows are put in that order as they are inserted,
# CHUNK_ROWS at a time (sorting a whole frame in pandas would copy every fact).
KEY_ORDER = {"fact_indicator_value": "fact_key", "fact_performance_indicator": "performance_indicator_key"}
CHUNK_ROWS = 50_000


def scope_rows(scopes: set[str]) -> pd.DataFrame:
    """The known scopes plus any combined one the facts use, with their Chinese labels."""
    names = [*lookups.SCOPES, *sorted(scopes - set(lookups.SCOPES))]
    labels = ["·".join(lookups.SCOPES.get(part, part) for part in name.split("+")) for name in names]
    return pd.DataFrame({"scope": names, "label_zh": labels}, columns=schema.columns("dim_scope"))


def lookup_rows(table: str, entries: dict[str, tuple]) -> pd.DataFrame:
    """A lookup table's rows: each key with its (Chinese label, meaning, ...)."""
    return pd.DataFrame([(key, *values) for key, values in entries.items()], columns=schema.columns(table))


def validation_rule_rows() -> pd.DataFrame:
    """Every rule of both suites: suite, level, the expectation it runs and what it expects."""
    suites = {"facts": fact_rules(), "performance_indicators": indicator_rules()}
    rows = [
        (rule.name, suite, rule.severity, rule.expectation, rule.observed, rule.expected)
        for suite, rules in suites.items()
        for rule in rules
    ]
    return pd.DataFrame(rows, columns=schema.columns("dim_validation_rule"))


class IntegrityError(Exception):
    """A build whose rows refer to keys its dimensions do not have (`schema.reference_checks`)."""


@dataclass(frozen=True)
class WarehouseTables:
    """The rows of every warehouse table, ready to load."""

    dim_institution: pd.DataFrame
    dim_fiscal_year: pd.DataFrame
    dim_indicator: pd.DataFrame
    dim_scope: pd.DataFrame
    dim_unit: pd.DataFrame
    dim_qualifier: pd.DataFrame
    dim_report_kind: pd.DataFrame
    dim_institution_type: pd.DataFrame
    dim_admin_level: pd.DataFrame
    dim_validation_rule: pd.DataFrame
    dim_document: pd.DataFrame
    document_path: pd.DataFrame
    fact_indicator_value: pd.DataFrame
    fact_performance_indicator: pd.DataFrame
    rejection: pd.DataFrame
    validation_result: pd.DataFrame


def _with_institution_key(frame: pd.DataFrame) -> pd.DataFrame:
    """Documents with their institution's key, type and administrative level (worked out once per
    institution and place)."""
    place = frame[["institution", "province_code", "city_code", "county_code"]]
    distinct = place.drop_duplicates()
    rows = [
        (
            stable_key(r.institution, r.province_code, r.city_code, r.county_code),
            lookups.institution_type(r.institution if isinstance(r.institution, str) else None),
            lookups.admin_level(*(c if isinstance(c, str) else None for c in r[1:])),
        )
        for r in distinct.itertuples(index=False)
    ]
    found = pd.DataFrame(rows, columns=["institution_key", "institution_type", "admin_level"], dtype=object)
    # groups numbered in order of first appearance, as drop_duplicates keeps them
    at = place.groupby(list(place.columns), dropna=False, sort=False).ngroup().to_numpy()
    return frame.assign(**{column: found[column].to_numpy()[at] for column in found.columns})


def grain_keys(grain: pd.DataFrame) -> list[str]:
    """Deterministic 16-hex-digit keys of rows (pandas' row hash of their values as text, written as
    big-endian hex), vectorised a chunk of rows at a time."""
    keys: list[str] = []
    for hashes in row_hashes(grain, as_text=True):
        digits = hashes.astype(">u8").tobytes().hex().encode("ascii")
        keys.extend(np.frombuffer(digits, dtype="S16").astype(str).tolist())
    return keys


def _per_document(rejected: pd.DataFrame, paths: pd.DataFrame, performance_rows: bool) -> pd.Series:
    """Validation rejections per document: of facts, or (kpi_* rules) of performance-indicator rows."""
    if not len(rejected):
        return pd.Series(dtype=int)
    validate = rejected[rejected["stage"] == "validate"]
    of_rows = (
        validate["rule"].map(lambda rule: isinstance(rule, str) and rule.startswith("kpi_")).astype(bool)
    )
    chosen = validate[of_rows if performance_rows else ~of_rows]
    return chosen.merge(paths, on="source_file").groupby("document_key").size()


def assemble_tables(
    documents: pd.DataFrame,
    paths: pd.DataFrame,
    accepted: pd.DataFrame,
    rejected: pd.DataFrame,
    ingested_at: dict[str, dt.datetime],
    now: dt.datetime,
    indicators: pd.DataFrame | None = None,
) -> WarehouseTables:
    """Dimension and fact rows from the validated facts and performance-indicator rows (`indicators`,
    with their flags); `ingested_at` keeps earlier runs' times."""
    docs = (
        _with_institution_key(documents)
        if len(documents)
        else documents.assign(institution_key=None, institution_type=None, admin_level=None)
    )
    # A fact's institution is its document's: look the key up per document, not per fact.
    institution_of = docs.set_index("document_key")["institution_key"]
    facts = accepted.assign(institution_key=accepted["document_key"].map(institution_of))
    rows = indicators if indicators is not None else pd.DataFrame(columns=["document_key", "row_number"])
    rows = rows.assign(institution_key=rows["document_key"].map(institution_of))
    institutions = (
        docs[docs["institution"].notna()][schema.columns("dim_institution")]
        .drop_duplicates("institution_key")
        .sort_values("institution_key")
    )
    loaded = facts.groupby("document_key").size() if len(facts) else pd.Series(dtype=int)
    rows_loaded = rows.groupby("document_key").size() if len(rows) else pd.Series(dtype=int)

    def count(series: pd.Series) -> pd.Series:
        return docs["document_key"].map(series).fillna(0).astype(int)

    dim_document = docs.assign(
        facts_loaded=count(loaded),
        facts_rejected=count(_per_document(rejected, paths, performance_rows=False)),
        indicators_loaded=count(rows_loaded),
        indicators_rejected=count(_per_document(rejected, paths, performance_rows=True)),
        ingested_at=docs["content_hash"].map(lambda h: ingested_at.get(h, now)),
    )
    # A document is loaded when any of its facts or performance-indicator rows is.
    dim_document = dim_document.assign(
        status=[
            "rejected"
            if facts_n + rows_n == 0
            else "partly_rejected"
            if facts_rejected + rows_rejected
            else "loaded"
            for facts_n, rows_n, facts_rejected, rows_rejected in zip(
                dim_document["facts_loaded"],
                dim_document["indicators_loaded"],
                dim_document["facts_rejected"],
                dim_document["indicators_rejected"],
                strict=True,
            )
        ],
        institution_key=dim_document["institution_key"].where(dim_document["institution"].notna()),
    )[schema.columns("dim_document")]
    fact_grain = list(schema.RELATIONS["fact_indicator_value"].grain)
    fact_table = facts.assign(fact_key=grain_keys(facts[fact_grain]))[schema.columns("fact_indicator_value")]
    row_grain = list(schema.RELATIONS["fact_performance_indicator"].grain)
    indicator_table = rows.assign(
        performance_indicator_key=grain_keys(rows[row_grain]) if len(rows) else []
    ).reindex(columns=schema.columns("fact_performance_indicator"))
    years = sorted(
        {
            int(year)
            for table in (fact_table, indicator_table, docs)
            for year in table["fiscal_year"].dropna().unique()
        }
    )
    return WarehouseTables(
        dim_institution=institutions,
        dim_fiscal_year=pd.DataFrame({"fiscal_year": years}, dtype="int64"),
        dim_indicator=indicator_rows(),
        dim_scope=scope_rows(set(fact_table["scope"].unique())),
        dim_unit=lookup_rows("dim_unit", lookups.UNITS),
        dim_qualifier=lookup_rows("dim_qualifier", lookups.QUALIFIERS),
        dim_report_kind=lookup_rows("dim_report_kind", lookups.REPORT_KINDS),
        dim_institution_type=lookup_rows(
            "dim_institution_type",
            {**lookups.INSTITUTION_TYPES, lookups.OTHER_TYPE[0]: (*lookups.OTHER_TYPE[1:], None)},
        ),
        dim_admin_level=lookup_rows("dim_admin_level", lookups.ADMIN_LEVELS),
        dim_validation_rule=validation_rule_rows(),
        dim_document=dim_document.sort_values("document_key"),
        document_path=paths.sort_values("source_file"),
        fact_indicator_value=fact_table,  # put in KEY_ORDER as inserted
        fact_performance_indicator=indicator_table,
        rejection=rejected.reindex(columns=schema.columns("rejection")).sort_values(
            ["source_file", "stage", "rule", "source_locator", "indicator_code"], na_position="first"
        ),
        validation_result=pd.DataFrame(columns=schema.columns("validation_result")),
    )


def validation_rows(suites: dict[str, dict]) -> pd.DataFrame:
    """One row per rule of each suite's report (`ValidationOutcome.report`): the build's results."""
    rows = [
        (suite, rule["rule"], rule["severity"], rule["expected"], rule["success"], rule["failing_count"],
         json.dumps(rule["sample"], ensure_ascii=False))
        for suite, report in suites.items()
        for rule in report["rules"]
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=schema.columns("validation_result"))


def reported_scopes(code: str) -> str:
    """The scopes under which a fact is shown as the code's figure, preferred first: the fiscal part
    for the fiscal codes; the whole department, else the initial budget, for totals whose fiscal part
    has a code of its own; else the whole department, then its fiscal part, then the initial budget."""
    if code in FISCAL_CODES:
        return "fiscal,fiscal+initial"
    if code in FISCAL_TWINS:
        return "department,initial"
    return "department,fiscal,initial"


def indicator_rows() -> pd.DataFrame:
    """The indicator dictionary (performance-indicator table rows have a table of their own)."""
    return pd.DataFrame(
        [
            (
                i.code,
                i.name_zh,
                i.category,
                i.unit,
                "|".join(i.aliases),
                i.description,
                reported_scopes(i.code),
            )
            for i in default_dictionary().values()
        ],
        columns=schema.columns("dim_indicator"),
    )


def previous_ingestion_times(path: Path) -> dict[str, dt.datetime]:
    """content_hash -> ingested_at from the published warehouse, so reruns keep rows identical."""
    if not path.exists():
        return {}
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute("SELECT content_hash, ingested_at FROM dim_document").fetchall()
    except duckdb.Error:
        return {}
    return dict(rows)


def structure_key(suite_version: str) -> str:  # suite_version: every suite's, joined
    """A key of what the warehouse's tables and views are made with, besides the data: this code, the
    schema declaration, the views, the suites and the DuckDB library and storage versions. A file of
    the same structure may be changed in place of being built afresh."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(schema.__file__).read_bytes())
    digest.update(VIEWS_SQL.read_bytes())
    digest.update(f"{suite_version}|{duckdb.__version__}|{STORAGE_VERSION}".encode())
    return digest.hexdigest()


def build_key(extraction_key: str, suite_version: str) -> str:
    """A key of everything a build depends on: the batch of files (paths, contents, extractor) and
    the `structure_key`."""
    return hashlib.sha256(f"{structure_key(suite_version)}|{extraction_key}".encode()).hexdigest()


def published_build(path: Path) -> str | None:
    """The build key of the warehouse published at `path`, if any."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            row = con.execute("SELECT build_key FROM warehouse_build").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table of the published warehouse (views are not counted: counting a view runs its
    query over every fact, a cost that grows with the warehouse on every publish)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table.name: con.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]  # type: ignore[index]
            for table in schema.TABLES
        }


@contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """Hold the warehouse's writer lock (an exclusive lock on a file beside it; waits for another
    writer to finish). The operating system releases it when its holder dies, even by kill -9."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(f".{path.name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _insert(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    """Every row of `frame` into the table `name` (its declared columns); a table of KEY_ORDER in
    the order of its key, CHUNK_ROWS rows at a time."""
    columns = ", ".join(schema.columns(name))
    order = frame[KEY_ORDER[name]].argsort(kind="stable").to_numpy() if name in KEY_ORDER else None
    for start in range(0, len(frame), CHUNK_ROWS if order is not None else max(len(frame), 1)):
        chunk = frame if order is None else frame.take(order[start : start + CHUNK_ROWS])
        con.register("incoming", chunk)
        con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming")
        con.unregister("incoming")


def _apply_difference(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    """Make the table `name` hold exactly the rows of `frame`, touching only the rows that differ:
    rows found in the table and not in `frame` are deleted by primary key, then rows of `frame` not
    in the table are inserted (a table without a primary key is written again whole when it
    differs). The frame's values are compared as the table stores them."""
    relation = schema.RELATIONS[name]
    columns = ", ".join(relation.names)
    incoming = ", ".join(f"CAST({c.name} AS {c.type}) AS {c.name}" for c in relation.columns)
    con.register("incoming_frame", frame.reindex(columns=relation.names))
    con.execute(f"CREATE OR REPLACE TEMP VIEW incoming AS SELECT {incoming} FROM incoming_frame")
    try:
        if relation.primary_key:
            key = ", ".join(relation.primary_key)
            matches = " AND ".join(f"{name}.{k} = gone.{k}" for k in relation.primary_key)
            con.execute(
                f"DELETE FROM {name} USING (SELECT {key} FROM "
                f"(SELECT {columns} FROM {name} EXCEPT SELECT {columns} FROM incoming)) gone WHERE {matches}"
            )
            con.execute(
                f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming EXCEPT SELECT {columns} FROM {name}"
            )
        elif con.execute(
            f"SELECT EXISTS (SELECT {columns} FROM {name} EXCEPT ALL SELECT {columns} FROM incoming)"
            f" OR EXISTS (SELECT {columns} FROM incoming EXCEPT ALL SELECT {columns} FROM {name})"
        ).fetchone() == (True,):
            con.execute(f"DELETE FROM {name}")
            con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming")
    finally:
        con.execute("DROP VIEW incoming")
        con.unregister("incoming_frame")


def _check_references(con: duckdb.DuckDBPyConnection) -> None:
    """Raise `IntegrityError` when a row refers to a key its dimension does not have."""
    checks = schema.reference_checks()
    orphans = con.execute(" UNION ALL ".join(f"({sql})" for _, sql in checks)).fetchall()
    broken = [
        f"{reference}: {count}" for (reference, _), (count,) in zip(checks, orphans, strict=True) if count
    ]
    if broken:
        raise IntegrityError(f"rows refer to missing keys ({'; '.join(broken)})")


def _record_build(con: duckdb.DuckDBPyConnection, build: str | None, structure: str | None) -> None:
    """The one row of warehouse_build."""
    values = {"build_key": build, "structure_key": structure}
    columns = schema.columns("warehouse_build")
    con.execute("DELETE FROM warehouse_build")
    con.execute(
        f"INSERT INTO warehouse_build ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [values[c] for c in columns],
    )


def _building_file(path: Path) -> Path:
    """The new file of this process's build beside `path`, after removing those of builds that died
    half-way (call it holding `writer_lock`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.building-*"):
        stale.unlink(missing_ok=True)
    return path.with_name(f".{path.name}.building-{os.getpid()}")


def _publish(building: Path, path: Path) -> None:
    building.chmod(0o444)  # analysts get a read-only file; the next build replaces it whole
    os.replace(building, path)


def _discard(building: Path) -> None:
    building.unlink(missing_ok=True)
    building.with_name(building.name + ".wal").unlink(missing_ok=True)


def publish_warehouse(
    path: Path, tables: WarehouseTables, build: str | None, structure: str | None = None
) -> None:
    """Write every table into a new file beside `path`, then atomically replace `path` with it.

    Call it holding `writer_lock`: files of builds that died half-way are removed first.
    """
    building = _building_file(path)
    try:
        con = duckdb.connect(str(building), config={"storage_compatibility_version": STORAGE_VERSION})
        try:
            con.execute(schema.ddl())
            con.execute(schema.comments(schema.TABLES))
            for name in WarehouseTables.__dataclass_fields__:
                _insert(con, name, getattr(tables, name))
            _check_references(con)
            con.execute(VIEWS_SQL.read_text(encoding="utf-8"))
            con.execute(schema.comments(schema.VIEWS))
            _record_build(con, build, structure)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _publish(building, path)
    finally:
        _discard(building)


def _catalog(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every table with its SQL (columns and constraints), then every column of every table and view
    with its type."""
    tables = con.execute(
        "SELECT table_name, sql FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1"
    ).fetchall()
    columns = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() ORDER BY table_name, column_index"
    ).fetchall()
    return [*tables, *columns]


@lru_cache(maxsize=1)
def declared_catalog() -> tuple[tuple, ...]:
    """The `_catalog` of a warehouse built by this code: its tables as the DDL makes them, and the
    declared columns of every table and view."""
    with duckdb.connect(":memory:") as con:
        con.execute(schema.ddl())
        tables = con.execute("SELECT table_name, sql FROM duckdb_tables() ORDER BY 1").fetchall()
    relations = sorted(schema.RELATIONS.values(), key=lambda r: r.name)
    return (*tables, *((r.name, c.name, c.type) for r in relations for c in r.columns))


def can_update(path: Path, structure: str) -> bool:
    """Whether the published file at `path` may be the start of the next build: it opens, it was
    built with the same `structure_key` (one warehouse_build row) and its tables, views and
    columns are exactly those this code declares."""
    if not path.exists():
        return False
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            recorded = con.execute("SELECT structure_key FROM warehouse_build").fetchall()
            return recorded == [(structure,)] and tuple(_catalog(con)) == declared_catalog()
    except duckdb.Error:
        return False


def update_warehouse(path: Path, tables: WarehouseTables, build: str | None, structure: str) -> bool:
    """Publish the build as a copy of the published warehouse changed by the rows that differ from
    `tables` (`_apply_difference`), then checked and swapped in like a new build; False (nothing
    published) when the published file cannot be the start (`can_update`) or DuckDB fails on the
    copy, where a whole build is the way. Call it holding `writer_lock`."""
    if not can_update(path, structure):
        return False
    building = _building_file(path)
    try:
        shutil.copyfile(path, building)
        con = duckdb.connect(str(building))
        try:
            for name in WarehouseTables.__dataclass_fields__:
                _apply_difference(con, name, getattr(tables, name))
            _check_references(con)
            _record_build(con, build, structure)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _publish(building, path)
    except (duckdb.Error, OSError):
        return False
    finally:
        _discard(building)
    return True


def load_warehouse(
    path: Path,
    extraction: Extraction | ExtractionDocuments,
    outcome: ValidationOutcome,
    indicators: ValidationOutcome,
) -> str | None:
    """Build the warehouse from a run's tables (facts and performance-indicator rows, each as validated)
    and publish it: "updated" (the published file changed by what differs) or "built" (every table
    written afresh); None (nothing written) when the published build has the same `build_key`."""
    suites = f"{outcome.suite}|{indicators.suite}"
    structure = structure_key(suites)
    build = build_key(extraction.key, suites)  # type: ignore[arg-type]
    with writer_lock(path):
        if published_build(path) == build:
            return None
        tables = warehouse_tables(path, extraction, outcome, indicators)
        if update_warehouse(path, tables, build, structure):
            return "updated"
        publish_warehouse(path, tables, build, structure)
    return "built"


def warehouse_tables(
    path: Path,
    extraction: Extraction | ExtractionDocuments,
    outcome: ValidationOutcome,
    indicators: ValidationOutcome,
) -> WarehouseTables:
    """The tables of a run (documents first seen by the warehouse at `path` keep their time)."""
    rejected = pd.concat(
        [
            rejections_frame(extraction.rejections),
            outcome.rejected.reindex(columns=schema.columns("rejection")),
            indicators.rejected.reindex(columns=schema.columns("rejection")),
        ],
        ignore_index=True,
    )
    tables = assemble_tables(
        documents=extraction.documents,
        paths=extraction.paths,
        accepted=outcome.accepted,
        rejected=rejected,
        ingested_at=previous_ingestion_times(path),
        now=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        indicators=indicators.accepted,
    )
    results = validation_rows({"facts": outcome.report, "performance_indicators": indicators.report})
    return dataclasses.replace(tables, validation_result=results)
