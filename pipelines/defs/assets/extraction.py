"""Extract: read each file and extract its identity and figures (in parallel, cached by content)."""

from dagster import AssetExecutionContext, MetadataValue, asset

from pipelines.batch import Extraction, ReportFile, extract_reports
from pipelines.defs.resources import ExtractCacheFolder, ReportsFolder


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
    extraction = extract_reports(
        reports.root, report_files, reports.parse_workers or None, extract_cache.root, reports.limits
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
