"""Extract: read each file and extract its identity and figures (in parallel, cached by content)."""

from collections.abc import Iterator
from contextlib import contextmanager

from dagster import AssetExecutionContext, MetadataValue, asset

from pipelines.batch import Extraction, Progress, ReportFile, extract_reports
from pipelines.defs.resources import ExtractCacheFolder, ReportsFolder, fail_on
from pipelines.settings import check_folder

_progress: list[Progress] = []  # set by the command line around its in-process run; else empty


@contextmanager
def reading_progress(progress: Progress) -> Iterator[None]:
    """Within this block, extracted_facts tells `progress` (files done, files) as it reads (runs in
    this process only: the command line's; a run from the UI or the daemon reports nothing)."""
    _progress.append(progress)
    try:
        yield
    finally:
        _progress.remove(progress)


@asset(
    group_name="extraction",
    description=(
        "Per file: text and tables read, identity and facts extracted (unchanged content comes from "
        "the cache); documents, paths, facts and performance-indicator rows as tables, with provenance."
    ),
)
def extracted_facts(
    context: AssetExecutionContext,
    reports: ReportsFolder,
    extract_cache: ExtractCacheFolder,
    report_files: list[ReportFile],
) -> Extraction:
    fail_on(check_folder("EXTRACT_CACHE_DIR", extract_cache.path))
    extraction = extract_reports(
        reports.root,
        report_files,
        reports.parse_workers or None,
        extract_cache.root,
        reports.limits,
        _progress[-1] if _progress else None,
    )
    rejected = extraction.rejections
    context.add_output_metadata(
        {
            "files": len(extraction.paths),
            "parsed": extraction.parsed,
            "from_cache": len(extraction.paths) - extraction.parsed,
            "documents": len(extraction.documents),
            "facts": len(extraction.facts),
            "indicator_rows": len(extraction.indicators),
            "rejected_files": len(rejected),
            "rejections": MetadataValue.md(
                "\n".join(f"- `{r.source_file}`: {r.reason}" for r in rejected) or "none"
            ),
        }
    )
    return extraction
