"""Print a first look at the province rollup, where the province report is and how to open the
warehouse (`python -m tools.show`; `make run` runs it after `python -m pipelines run`, whose summary
gives the counts)."""

from __future__ import annotations

import duckdb

from pipelines.defs.resources import resources_from_environment

# The money and the execution rate of department reports: what a province is first asked about.
GLIMPSE = """
SELECT province, fiscal_year, indicator_code, unit, institutions, total, mean, execution_rate
FROM v_province_rollup
WHERE indicator_code IN ('budget_total', 'expenditure_total', 'budget_execution_rate')
ORDER BY province_code, fiscal_year, indicator_code
"""


def main() -> None:
    path = resources_from_environment()["warehouse"].file
    with duckdb.connect(str(path), read_only=True) as con:
        rollup = con.execute(GLIMPSE).df()
    print(f"\nOpen the warehouse with: .venv/bin/duckdb -readonly {path}")
    report = path.parent / "report" / "index.html"
    if report.exists():
        print(f"Province report: {report.as_uri()}")
    print(
        "\nv_province_rollup, budget, spending and execution rate (all indicators: SELECT * FROM v_province_rollup):"
    )
    print(rollup.to_string(index=False, na_rep="", float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()
