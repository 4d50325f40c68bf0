"""Dagster resources from the environment: where the reports are, where the warehouse, the extraction
cache and the step hand-offs go. The settings, their defaults and their checks are in
`pipelines.settings`; an asset whose settings cannot work fails with `fail_on`'s one-line message."""

import os
from pathlib import Path

from dagster import ConfigurableResource, Failure

from pipelines.defs.handoffs import StepHandoffs
from pipelines.model import DEFAULT_LIMITS, ReadLimits
from pipelines.settings import (
    DEFAULT_CACHE_DIR,
    DEFAULT_HANDOFF_DIR,
    DEFAULT_PARSE_SHARDS,
    DEFAULT_REPORTS_DIR,
    DEFAULT_WAREHOUSE_PATH,
    SettingProblem,
    number,
)


class ReportsFolder(ConfigurableResource):
    """The folder of report files to ingest (REPORTS_DIR; default: the bundled sample reports)."""

    path: str
    parse_workers: int = 0  # processes reading files in parallel (in each step); 0: one per core
    parse_shards: int = DEFAULT_PARSE_SHARDS  # steps the files to read are split into
    max_file_mb: float = DEFAULT_LIMITS.max_file_mb
    max_pdf_pages: int = DEFAULT_LIMITS.max_pdf_pages
    max_inflated_mb: float = DEFAULT_LIMITS.max_inflated_mb
    max_table_cells: int = DEFAULT_LIMITS.max_table_cells
    timeout_seconds: float = DEFAULT_LIMITS.timeout_seconds
    max_memory_mb: float = DEFAULT_LIMITS.max_memory_mb
    max_ocr_pages: int = DEFAULT_LIMITS.max_ocr_pages
    max_ocr_memory_mb: float = DEFAULT_LIMITS.max_ocr_memory_mb
    pdfplumber_only: bool = DEFAULT_LIMITS.pdfplumber_only

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
            self.max_memory_mb,
            self.max_ocr_pages,
            self.max_ocr_memory_mb,
            self.pdfplumber_only,
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


def fail_on(problems: list[SettingProblem]) -> None:
    """Stop the step with one line per setting that cannot work (the message the command line
    gives for it)."""
    if problems:
        raise Failure(description="\n".join(map(str, problems)))


def resources_from_environment() -> dict[str, ConfigurableResource | StepHandoffs]:
    """The resources configured from REPORTS_DIR, WAREHOUSE_PATH, EXTRACT_CACHE_DIR, PARSE_WORKERS,
    PARSE_SHARDS, the READ_* limits, HANDOFF_DIR and HANDOFF_RETENTION_HOURS. A number that is not one is taken
    as its default here, and stops the run at report_files (`pipelines.settings.check_numbers`)."""
    env = os.environ
    return {
        "reports": ReportsFolder(
            path=env.get("REPORTS_DIR", str(DEFAULT_REPORTS_DIR)),
            parse_workers=number(env, "PARSE_WORKERS"),
            parse_shards=number(env, "PARSE_SHARDS"),
            max_file_mb=number(env, "READ_MAX_FILE_MB"),
            max_pdf_pages=number(env, "READ_MAX_PDF_PAGES"),
            max_inflated_mb=number(env, "READ_MAX_INFLATED_MB"),
            max_table_cells=number(env, "READ_MAX_TABLE_CELLS"),
            timeout_seconds=number(env, "READ_TIMEOUT_SECONDS"),
            max_memory_mb=number(env, "READ_MAX_MEMORY_MB"),
            max_ocr_pages=number(env, "READ_MAX_OCR_PAGES"),
            max_ocr_memory_mb=number(env, "READ_MAX_OCR_MEMORY_MB"),
            pdfplumber_only=bool(number(env, "READ_PDFPLUMBER_ONLY")),
        ),
        "warehouse": WarehouseFile(path=env.get("WAREHOUSE_PATH", str(DEFAULT_WAREHOUSE_PATH))),
        "extract_cache": ExtractCacheFolder(path=env.get("EXTRACT_CACHE_DIR", str(DEFAULT_CACHE_DIR))),
        "io_manager": StepHandoffs(
            base=env.get("HANDOFF_DIR", str(DEFAULT_HANDOFF_DIR)),
            retention_hours=number(env, "HANDOFF_RETENTION_HOURS"),
        ),
    }
