"""The province report: a self-contained HTML page of the warehouse per province and fiscal year
(budget vs spending, execution rates, indicator coverage, performance-indicator attainment, what needs
a person's look), its charts rendered to SVG when it is built.

The SQL is in sql/report.sql (`queries`), the Vega-Lite specs in `charts`, the HTML in `page`.
"""

from html import escape

import duckdb
import pandas as pd

from pipelines.report.page import Format, money, percent, render_page, text
from pipelines.report.queries import ReportData, read_report, relations_read

__all__ = ["ReportData", "build_report", "preview_markdown", "read_report", "relations_read", "render_page"]


def build_report(connection: duckdb.DuckDBPyConnection) -> str:
    """The report page of the warehouse open on `connection`."""
    return render_page(read_report(connection))


def preview_markdown(budget_vs_spending: pd.DataFrame) -> str:
    """A Markdown table of budget vs spending per province and year (the budget_vs_spending query),
    for the asset's metadata in the Dagster UI."""
    if budget_vs_spending.empty:
        return "Nothing yet: no department report states a budget or spending."

    def cell(value: object, form: Format = text) -> str:
        return "—" if pd.isna(value) else escape(form(value)).replace("|", "\\|")

    lines = [
        "| province | fiscal year | institutions | budget (yuan) | spending (yuan) | execution rate |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {cell(r.province)} | {cell(r.fiscal_year)} | {cell(r.institutions)} | {cell(r.budget, money)} "
        f"| {cell(r.spending, money)} | {cell(r.execution_rate, percent)} |"
        for r in budget_vs_spending.itertuples(index=False)
    ]
    return "\n".join(lines)
