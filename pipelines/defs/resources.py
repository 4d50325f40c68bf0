"""Dagster resources from the environment: where the reports are, where the warehouse, the extraction
cache and the step hand-offs go."""

import os
from pathlib import Path

from dagster import ConfigurableResource

from pipelines.defs.handoffs import StepHandoffs
from pipelines.model import DEFAULT_LIMITS, ReadLimits

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REPORTS_DIR = PROJECT_ROOT / "samples" / "reports"
DEFAULT_WAREHOUSE_PATH = PROJECT_ROOT / "warehouse" / "reports.duckdb"
DEFAULT_CACHE_DIR = PROJECT_ROOT / "warehouse" / "cache"
DEFAULT_HANDOFF_DIR = PROJECT_ROOT / "warehouse" / "handoffs"


class ReportsFolder(ConfigurableResource):
    """The folder of report files to ingest (REPORTS_DIR; default: the bundled sample reports)."""

    path: str
    parse_workers: int = 0  # processes reading files in parallel; 0: one per core
    max_file_mb: float = DEFAULT_LIMITS.max_file_mb
    max_pdf_pages: int = DEFAULT_LIMITS.max_pdf_pages
    max_inflated_mb: float = DEFAULT_LIMITS.max_inflated_mb
    max_table_cells: int = DEFAULT_LIMITS.max_table_cells
    timeout_seconds: float = DEFAULT_LIMITS.timeout_seconds

    @property
    def root(self) -> Path:
        return Path(self.path).expanduser().resolve()

    @property
    def limits(self) -> ReadLimits:
        """What one file may cost to read (see `ReadLimits`)."""
        return ReadLimits(
            self.max_file_mb,
            self.max_pdf_pages,
            self.max_inflated_mb,
            self.max_table_cells,
            self.timeout_seconds,
        )


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


def resources_from_environment() -> dict[str, ConfigurableResource | StepHandoffs]:
    """The resources configured from REPORTS_DIR, WAREHOUSE_PATH, EXTRACT_CACHE_DIR, PARSE_WORKERS,
    the READ_* limits, HANDOFF_DIR and HANDOFF_RETENTION_HOURS."""
    return {
        "reports": ReportsFolder(
            path=os.getenv("REPORTS_DIR", str(DEFAULT_REPORTS_DIR)),
            parse_workers=int(os.getenv("PARSE_WORKERS", "0")),
            max_file_mb=float(os.getenv("READ_MAX_FILE_MB", DEFAULT_LIMITS.max_file_mb)),
            max_pdf_pages=int(os.getenv("READ_MAX_PDF_PAGES", DEFAULT_LIMITS.max_pdf_pages)),
            max_inflated_mb=float(os.getenv("READ_MAX_INFLATED_MB", DEFAULT_LIMITS.max_inflated_mb)),
            max_table_cells=int(os.getenv("READ_MAX_TABLE_CELLS", DEFAULT_LIMITS.max_table_cells)),
            timeout_seconds=float(os.getenv("READ_TIMEOUT_SECONDS", DEFAULT_LIMITS.timeout_seconds)),
        ),
        "warehouse": WarehouseFile(path=os.getenv("WAREHOUSE_PATH", str(DEFAULT_WAREHOUSE_PATH))),
        "extract_cache": ExtractCacheFolder(path=os.getenv("EXTRACT_CACHE_DIR", str(DEFAULT_CACHE_DIR))),
        "io_manager": StepHandoffs(
            base=os.getenv("HANDOFF_DIR", str(DEFAULT_HANDOFF_DIR)),
            retention_hours=float(os.getenv("HANDOFF_RETENTION_HOURS", "72")),
        ),
    }
