"""Extract: read each file and extract its identity and figures (in parallel, cached by content)."""

from dagster import AssetExecutionContext, MetadataValue, asset

from pipelines.model import Rejection
from pipelines.resources import ExtractCacheFolder, ReportsFolder
from pipelines.stages import ExtractBatch, Extraction, ReportFile, assemble, process_files


@asset(
    group_name="extract",
    description="Per file: text and tables read, identity and facts extracted; unchanged content comes from the cache.",
)
def document_extracts(
    context: AssetExecutionContext,
    reports: ReportsFolder,
    extract_cache: ExtractCacheFolder,
    report_files: list[ReportFile],
) -> ExtractBatch:
    batch = process_files(reports.root, report_files, reports.parse_workers or None, extract_cache.root)
    rejected = [o for o in batch.outcomes if isinstance(o, Rejection)]
    context.add_output_metadata(
        {
            "files": len(batch.outcomes),
            "from_cache": batch.from_cache,
            "parsed": len(batch.outcomes) - batch.from_cache,
            "rejected": len(rejected),
            "rejections": MetadataValue.md(
                "\n".join(f"- `{r.source_file}`: {r.reason}" for r in rejected) or "none"
            ),
        }
    )
    return batch


@asset(group_name="extract", description="Documents, paths and facts as tables, with provenance.")
def extracted_facts(context: AssetExecutionContext, document_extracts: ExtractBatch) -> Extraction:
    extraction = assemble(document_extracts.outcomes)
    context.add_output_metadata(
        {
            "documents": len(extraction.documents),
            "facts": len(extraction.facts),
            "rejected_files": len(extraction.rejections),
        }
    )
    return extraction
