"""Ingest: find the report files and read their text and tables."""

from dagster import AssetExecutionContext, MetadataValue, asset

from pipelines.resources import ReportsFolder
from pipelines.stages import ReadBatch, ReportFile, read_reports, scan_reports, split_read_results


@asset(group_name="ingest", description="Every file under REPORTS_DIR (any depth; symlinks not followed).")
def report_files(context: AssetExecutionContext, reports: ReportsFolder) -> list[ReportFile]:
    files = scan_reports(reports.root)
    context.add_output_metadata({"folder": str(reports.root), "files": len(files)})
    return files


@asset(
    group_name="ingest",
    description="Text blocks and table rows of each file, read in parallel; unreadable files become read rejections.",
)
def parsed_documents(
    context: AssetExecutionContext, reports: ReportsFolder, report_files: list[ReportFile]
) -> ReadBatch:
    batch = split_read_results(read_reports(reports.root, report_files, reports.parse_workers or None))
    context.add_output_metadata(
        {
            "documents": len(batch.documents),
            "rejected": len(batch.rejections),
            "rejections": MetadataValue.md(
                "\n".join(f"- `{r.source_file}`: {r.reason}" for r in batch.rejections) or "none"
            ),
        }
    )
    return batch
