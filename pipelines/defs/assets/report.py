"""Publication: the province report, a self-contained HTML page written beside the warehouse."""

import hashlib
import json
from importlib import metadata
from pathlib import Path

import duckdb
from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from pipelines.defs.resources import WarehouseFile
from pipelines.report import preview_markdown, read_report, relations_read, render_page
from pipelines.report.charts import KeptCharts
from pipelines.report.queries import REPORT_SQL
from pipelines.storage import write_atomically
from pipelines.warehouse import published_build

REPORT_CODE = Path(__file__).resolve().parents[2] / "report"
UNREADABLE = (OSError, ValueError, TypeError, KeyError, AttributeError)


def report_file(warehouse: Path) -> Path:
    """Where the report of the warehouse at `warehouse` goes: report/index.html beside it."""
    return warehouse.parent / "report" / "index.html"


def chart_folder(report: Path) -> Path:
    """Beside the page: the SVGs of its charts, each rendered again only when its data changes."""
    return report.with_name(".charts")


def report_record(report: Path) -> Path:
    """Beside the page: what it was built from, its hash and its asset metadata (see `report_key`)."""
    return report.with_name(f".{report.name}.json")


def report_key(warehouse: Path) -> str:
    """What the page depends on: the published warehouse (its build key and the file itself, which
    a publish replaces), the report's code and SQL and the chart renderer's version."""
    status = warehouse.stat()
    digest = hashlib.sha256(
        f"{published_build(warehouse)}|{status.st_size}|{status.st_mtime_ns}|{status.st_ino}".encode()
    )
    for path in sorted([*REPORT_CODE.glob("*.py"), REPORT_SQL, Path(__file__)]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(metadata.version("vl-convert-python").encode())
    return digest.hexdigest()


def _kept(target: Path, key: str) -> dict | None:
    """The metadata of the page at `target` when it was built under `key` and is as it was written."""
    try:
        record = json.loads(report_record(target).read_bytes())
        if record["key"] != key or hashlib.sha256(target.read_bytes()).hexdigest() != record["page"]:
            return None
        return record["metadata"]
    except UNREADABLE:
        return None


def report_is_current(warehouse: Path) -> bool:
    """Whether the page beside the published warehouse at `warehouse` is the one a run would write."""
    return _kept(report_file(warehouse), report_key(warehouse)) is not None


def _metadata(target: Path, values: dict) -> dict:
    return {
        "path": MetadataValue.path(str(target)),
        "url": MetadataValue.url(target.as_uri()),
        "budget_vs_spending": MetadataValue.md(values["budget_vs_spending"]),
        **{name: value for name, value in values.items() if name != "budget_vs_spending"},
    }


@asset(
    group_name="publication",
    deps=[AssetKey(name) for name in relations_read()],
    kinds={"html"},
    description=(
        "The province report: budget vs spending, execution rates, indicator coverage, "
        "performance-indicator attainment and what needs a person's look, per province and fiscal year; "
        "one self-contained HTML page (charts as inline SVG) at report/index.html beside the warehouse. "
        "Not built again while the published warehouse and the report's code are those it was built from."
    ),
)
def province_report(warehouse: WarehouseFile) -> MaterializeResult:
    target = report_file(warehouse.file)
    key = report_key(warehouse.file)
    kept = _kept(target, key)
    if kept is not None:
        return MaterializeResult(metadata=_metadata(target, kept))
    with duckdb.connect(str(warehouse.file), read_only=True) as connection:
        data = read_report(connection)
    charts = KeptCharts(chart_folder(target))
    page = render_page(data, charts).encode("utf-8")
    write_atomically(target, page)
    charts.forget_unused()
    summary = data.summary
    values = {
        "budget_vs_spending": preview_markdown(data.frames["budget_vs_spending"]),
        "documents": summary["documents"],
        "facts": summary["facts"],
        "performance_indicators": summary["performance_indicators"],
        "charts": page.count(b"<svg"),
        "warnings": int(data.frames["warning_counts"]["failures"].sum()),
        "files_with_rejections": int(data.frames["rejected_files"]["files"].iloc[0]),
    }
    record = {"key": key, "page": hashlib.sha256(page).hexdigest(), "metadata": values}
    write_atomically(report_record(target), json.dumps(record, ensure_ascii=False).encode())
    return MaterializeResult(metadata=_metadata(target, values))
