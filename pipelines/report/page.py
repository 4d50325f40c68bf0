"""The report page: one self-contained HTML file (inline CSS and SVG, no script, no URL), every value
from the warehouse escaped."""

from collections.abc import Callable
from html import escape

import pandas as pd

from pipelines.report import charts
from pipelines.report.queries import ReportData

STYLE = f"""
body {{ font-family: {charts.FONT}; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }}
h1 {{ margin-bottom: 0.2rem; }}
header p {{ color: #555; margin-top: 0.2rem; }}
dl.counts {{ display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; }}
dl.counts div {{ min-width: 8rem; }}
dl.counts dt {{ color: #555; font-size: 0.85rem; }}
dl.counts dd {{ margin: 0; font-size: 1.4rem; font-weight: bold; }}
section {{ border-top: 1px solid #ddd; margin-top: 2rem; }}
figure {{ margin: 1rem 0; overflow-x: auto; }}
figure svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; font-size: 0.85rem; margin: 1rem 0; }}
th, td {{ border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }}
td.number {{ text-align: right; font-variant-numeric: tabular-nums; }}
p.none {{ color: #555; font-style: italic; }}
"""

Format = Callable[[object], str]
COUNTS = {
    "documents": "documents",
    "rejected_documents": "rejected documents",
    "facts": "facts",
    "performance_indicators": "indicator-table rows",
    "institutions": "institutions",
    "provinces": "provinces",
    "fiscal_years": "fiscal years",
}


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def money(value: object) -> str:
    """Yuan with thousands separators and two decimals."""
    return f"{float(value):,.2f}"


def percent(value: object) -> str:
    return f"{float(value):.2f} %"


def integer(value: object) -> str:
    return f"{int(value):,}"


def text(value: object) -> str:
    return str(value)


def table(frame: pd.DataFrame, columns: dict[str, tuple[str, Format]]) -> str:
    """An HTML table of `frame`'s `columns` (column -> (heading, format)); missing values as '—'."""
    numeric = {money, percent, integer}
    head = "".join(f"<th>{escape(heading)}</th>" for heading, _ in columns.values())
    rows = []
    for record in frame[list(columns)].itertuples(index=False):
        cells = []
        for value, (_, form) in zip(record, columns.values(), strict=True):
            shown = "—" if _missing(value) else form(value)
            css = ' class="number"' if form in numeric else ""
            cells.append(f"<td{css}>{escape(shown)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def section(anchor: str, title: str, intro: str, body: str) -> str:
    return f'<section id="{escape(anchor)}"><h2>{escape(title)}</h2><p>{escape(intro)}</p>{body}</section>'


def figure(spec: charts.Spec, render: charts.Render) -> str:
    return f"<figure>{render(spec)}</figure>"


def nothing(what: str) -> str:
    return f'<p class="none">Nothing to show: {escape(what)}.</p>'


def _budget(data: ReportData, render: charts.Render) -> str:
    frame = data.frames["budget_vs_spending"]
    body = (
        figure(charts.budget_vs_spending_chart(frame), render)
        + table(
            frame,
            {
                "province": ("province", text),
                "fiscal_year": ("fiscal year", text),
                "institutions": ("institutions", integer),
                "budget": ("budget (yuan)", money),
                "spending": ("spending (yuan)", money),
                "execution_rate": ("execution rate", percent),
            },
        )
        if len(frame)
        else nothing("no department report states a budget or spending")
    )
    return section(
        "budget",
        "Budget vs spending (预算 / 支出)",
        "Department reports' achieved budget_total and expenditure_total, one value per institution, "
        "summed by province and fiscal year; the execution rate is 100 × the sum of spending over the sum "
        "of budgets of the institutions that state both.",
        body,
    )


def _execution(data: ReportData, render: charts.Render) -> str:
    frame = data.frames["execution_rates"]
    body = (
        figure(charts.execution_rate_chart(frame), render)
        if len(frame)
        else nothing("no department report states a budget execution rate")
    )
    return section(
        "execution",
        "Execution-rate distribution (预算执行率)",
        "Each dot is a 5-point band of the achieved budget_execution_rate of department reports, drawn at "
        "its lower edge (rates of 150 % and more in the last), its size the number of institutions in it; "
        "the dashed line is 100 %.",
        body,
    )


def _coverage(data: ReportData, render: charts.Render) -> str:
    frame = data.frames["indicator_coverage"]
    body = (
        figure(charts.coverage_chart(frame), render)
        if len(frame)
        else nothing("no department report was loaded")
    )
    return section(
        "coverage",
        "Indicator coverage (指标覆盖)",
        "For each indicator of the dictionary: the institutions whose department report states an "
        "achieved figure of it, over the institutions with a department report, per province "
        "and fiscal year.",
        body,
    )


def _attainment(data: ReportData, render: charts.Render) -> str:
    frame = data.frames["attainment"]
    body = (
        figure(charts.attainment_chart(frame), render)
        if len(frame)
        else nothing("no performance-indicator rows")
    )
    return section(
        "attainment",
        "Performance-indicator attainment (绩效指标完成情况)",
        "Rows of the performance-indicator tables by 一级指标, as v_kpi_attainment judges them: met when "
        "the actual value compared with the target by its comparator (≥, ≤, =, >, <) holds, or, without a "
        "comparator, when the values or the texts are the same; not met when the comparison fails; not "
        "comparable otherwise.",
        body,
    )


def _warnings(data: ReportData, render: charts.Render) -> str:
    counts = data.frames["warning_counts"]
    rejected = data.frames["rejected_files"].iloc[0]
    failures = int(counts["failures"].sum())
    parts = []
    if failures or rejected["files"]:
        parts.append(figure(charts.warnings_chart(counts, int(rejected["files"])), render))
    else:
        parts.append(nothing("no warnings and no rejections"))
    if failures:
        shown = data.frames["warnings"]
        parts.append(f"<h3>Warnings (the first {len(shown)} of {failures})</h3>")
        parts.append(
            table(
                shown,
                {
                    "province": ("province", text),
                    "fiscal_year": ("fiscal year", text),
                    "kind": ("kind", text),
                    "source_file": ("source file", text),
                    "source_locator": ("locator", text),
                    "rule": ("rule", text),
                    "snippet": ("snippet", text),
                },
            )
        )
    if rejected["rejections"]:
        shown = data.frames["rejections"]
        parts.append(
            f"<h3>Rejections (the first {len(shown)} of {int(rejected['rejections'])}, "
            f"in {int(rejected['files'])} files)</h3>"
        )
        parts.append(
            table(
                shown,
                {
                    "source_file": ("source file", text),
                    "stage": ("stage", text),
                    "reason": ("reason", text),
                    "rule": ("rule", text),
                    "source_locator": ("locator", text),
                },
            )
        )
    return section(
        "warnings",
        "Needs a person's look (警告与拒收)",
        "Warning-level rule failures (v_warnings, v_kpi_warnings: the rows stay in the warehouse) by "
        "rule, and the files with rejections (v_rejected: files not read, figures or rows failing an "
        "error-level rule).",
        "".join(parts),
    )


def render_page(data: ReportData, render: charts.Render = charts.render_svg) -> str:
    """The whole page, its charts rendered by `render`; a warehouse without documents gives a page
    saying there is nothing yet."""
    summary = data.summary
    counts = "".join(
        f"<div><dt>{escape(label)}</dt><dd>{summary[name]:,}</dd></div>" for name, label in COUNTS.items()
    )
    if summary["documents"]:
        sections = "".join(f(data, render) for f in (_budget, _execution, _coverage, _attainment, _warnings))
    else:
        sections = (
            '<p class="none">Nothing yet: the warehouse has no documents. Put reports in REPORTS_DIR '
            "and run the pipeline.</p>"
        )
    built = data.built_at.strftime("%Y-%m-%d %H:%M:%S %Z")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Province report</title><style>{STYLE}</style></head><body>"
        "<header><h1>Province report (省级绩效自评报告概览)</h1>"
        f"<p>Built {escape(built)} from <code>{escape(data.warehouse)}</code></p>"
        f'<dl class="counts">{counts}</dl></header>'
        f"<main>{sections}</main></body></html>\n"
    )
