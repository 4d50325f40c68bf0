"""Print a first look at the province rollup and how to open the warehouse (`python -m tools.show`;
`make run` runs it after `python -m pipelines run`, whose summary gives the counts)."""

from __future__ import annotations

import duckdb

from pipelines.defs.resources import resources_from_environment

ROLLUP_ROWS = 12


def main() -> None:
    path = resources_from_environment()["warehouse"].file
    with duckdb.connect(str(path), read_only=True) as con:
        rollup = con.execute(
            "SELECT * FROM v_province_rollup ORDER BY province, fiscal_year, indicator_code LIMIT ?",
            [ROLLUP_ROWS],
        ).df()
    print(f"\nOpen the warehouse with: .venv/bin/duckdb -readonly {path}\n")
    print("v_province_rollup (first rows):")
    print(rollup.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()
