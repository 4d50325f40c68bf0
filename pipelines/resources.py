"""Dagster resources: where the reports are and where the warehouse goes, from the environment."""

import os
from pathlib import Path

from dagster import ConfigurableResource

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPORTS_DIR = PROJECT_ROOT / "samples" / "reports"
DEFAULT_WAREHOUSE_PATH = PROJECT_ROOT / "warehouse" / "reports.duckdb"
DEFAULT_CACHE_DIR = PROJECT_ROOT / "warehouse" / "cache"


class ReportsFolder(ConfigurableResource):
    """The folder of report files to ingest (REPORTS_DIR; default: the bundled sample reports)."""

    path: str
    parse_workers: int = 0  # processes reading files in parallel; 0: one per core

    @property
    def root(self) -> Path:
        return Path(self.path).expanduser().resolve()


class WarehouseFile(ConfigurableResource):
    """The published DuckDB warehouse file (WAREHOUSE_PATH; default: warehouse/reports.duckdb)."""

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path).expanduser().resolve()


class ExtractCacheFolder(ConfigurableResource):
    """Where extraction results are cached by content hash (EXTRACT_CACHE_DIR; empty: no cache)."""

    path: str

    @property
    def root(self) -> Path | None:
        return Path(self.path).expanduser().resolve() if self.path else None


def resources_from_environment() -> dict[str, ConfigurableResource]:
    """The resources configured from REPORTS_DIR, WAREHOUSE_PATH, EXTRACT_CACHE_DIR and PARSE_WORKERS."""
    return {
        "reports": ReportsFolder(
            path=os.getenv("REPORTS_DIR", str(DEFAULT_REPORTS_DIR)),
            parse_workers=int(os.getenv("PARSE_WORKERS", "0")),
        ),
        "warehouse": WarehouseFile(path=os.getenv("WAREHOUSE_PATH", str(DEFAULT_WAREHOUSE_PATH))),
        "extract_cache": ExtractCacheFolder(path=os.getenv("EXTRACT_CACHE_DIR", str(DEFAULT_CACHE_DIR))),
    }
