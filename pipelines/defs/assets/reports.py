"""Ingest: find the report files."""

import os

from dagster import AssetExecutionContext, asset

from pipelines.batch import ReportFile, scan_reports
from pipelines.defs.resources import ReportsFolder, fail_on
from pipelines.settings import check_numbers, check_reports_dir


@asset(group_name="reports", description="Every file under REPORTS_DIR (any depth; symlinks not followed).")
def report_files(context: AssetExecutionContext, reports: ReportsFolder) -> list[ReportFile]:
    # The numbers come from the environment: a resource holds their defaults when they are invalid.
    fail_on([*check_reports_dir(reports.path), *check_numbers(os.environ)])
    files = scan_reports(reports.root)
    context.add_output_metadata({"folder": str(reports.root), "files": len(files)})
    return files
