"""Publication: the province report, a self-contained HTML page written beside the warehouse."""

from pathlib import Path

import duckdb
from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from pipelines.defs.resources import WarehouseFile
from pipelines.report import preview_markdown, read_report, relations_read, render_page
from pipelines.storage import write_atomically


def report_file(warehouse: Path) -> Path:
    """Where the report of the warehouse at `warehouse` goes: report/index.html beside it."""
    return warehouse.parent / "report" / "index.html"


@asset(
    group_name="publication",
    deps=[AssetKey(name) for name in relations_read()],
    kinds={"html"},
    description=(
        "The province report: budget vs spending, execution rates, indicator coverage, "
        "performance-indicator attainment and what needs a person's look, per province and fiscal year; "
        "one self-contained HTML page (charts as inline SVG) at report/index.html beside the warehouse."
    ),
)
def province_report(warehouse: WarehouseFile) -> MaterializeResult:
    with duckdb.connect(str(warehouse.file), read_only=True) as connection:
        data = read_report(connection)
    page = render_page(data)
    target = report_file(warehouse.file)
    write_atomically(target, page.encode("utf-8"))
    summary = data.summary
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(target)),
            "url": MetadataValue.url(target.as_uri()),
            "budget_vs_spending": MetadataValue.md(preview_markdown(data.frames["budget_vs_spending"])),
            "documents": summary["documents"],
            "facts": summary["facts"],
            "performance_indicators": summary["performance_indicators"],
            "charts": page.count("<svg"),
            "warnings": int(data.frames["warning_counts"]["failures"].sum()),
            "files_with_rejections": int(data.frames["rejected_files"]["files"].iloc[0]),
        }
    )
