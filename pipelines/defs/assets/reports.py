"""Ingest: find the report files."""

from dagster import AssetExecutionContext, asset

from pipelines.batch import ReportFile, scan_reports
from pipelines.defs.resources import ReportsFolder


@asset(group_name="reports", description="Every file under REPORTS_DIR (any depth; symlinks not followed).")
def report_files(context: AssetExecutionContext, reports: ReportsFolder) -> list[ReportFile]:
    files = scan_reports(reports.root)
    context.add_output_metadata({"folder": str(reports.root), "files": len(files)})
    return files
