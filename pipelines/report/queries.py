"""The report's SQL: named queries in sql/report.sql (`-- name: <query>` blocks), the tables and
views they read, and their results on a warehouse."""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import schema

REPORT_SQL = Path(__file__).resolve().parents[2] / "sql" / "report.sql"
NAME_LINE = re.compile(r"^-- name: (\w+)[ \t]*$", re.M)


def load_queries(text: str) -> dict[str, str]:
    """Each `-- name: <query>` block of `text`, by name (the text before the first block is ignored)."""
    parts = NAME_LINE.split(text)
    queries = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"query {name!r} is named twice")
        queries[name] = body.strip()
    return queries


def report_queries() -> dict[str, str]:
    """The named queries of sql/report.sql."""
    return load_queries(REPORT_SQL.read_text(encoding="utf-8"))


def relations_read() -> list[str]:
    """The warehouse tables and views the report's queries read (the report asset's upstream)."""
    sql = re.sub(r"--[^\n]*", "", REPORT_SQL.read_text(encoding="utf-8"))
    return sorted({name for name in re.findall(r"(?:FROM|JOIN)\s+(\w+)", sql) if name in schema.RELATIONS})


def run_queries(connection: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every named query's result on `connection`."""
    return {name: connection.execute(sql).df() for name, sql in report_queries().items()}


@dataclass(frozen=True)
class ReportData:
    """What the report shows: every named query's frame, the warehouse file and the build time."""

    frames: dict[str, pd.DataFrame]
    warehouse: str
    built_at: dt.datetime

    @property
    def summary(self) -> dict[str, int]:
        """The summary query's one row: documents, facts, ... (see sql/report.sql)."""
        return {name: int(value) for name, value in self.frames["summary"].iloc[0].items()}


def read_report(connection: duckdb.DuckDBPyConnection, built_at: dt.datetime | None = None) -> ReportData:
    """Run the report's queries on `connection` (built_at: now, UTC, unless given)."""
    path = connection.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()[0]
    return ReportData(
        frames=run_queries(connection),
        warehouse=path or "(in memory)",
        built_at=built_at or dt.datetime.now(dt.UTC),
    )
