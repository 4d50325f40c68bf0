"""Print where the warehouse is and a first look at the province rollup (`python -m tools.show`)."""

from __future__ import annotations

import duckdb

from pipelines.defs.resources import resources_from_environment

ROLLUP_ROWS = 12


def main() -> None:
    path = resources_from_environment()["warehouse"].file
    with duckdb.connect(str(path), read_only=True) as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM v_indicator_values), (SELECT count(*) FROM dim_document),"
            " (SELECT count(*) FROM v_rejected)"
        ).fetchone()
        rollup = con.execute(
            "SELECT * FROM v_province_rollup ORDER BY province, fiscal_year, indicator_code LIMIT ?",
            [ROLLUP_ROWS],
        ).df()
    print(f"\nWarehouse: {path}")
    print(f"{counts[0]} facts from {counts[1]} documents; {counts[2]} rejections (see v_rejected)")
    print(f"Open it with: .venv/bin/duckdb -readonly {path}\n")
    print("v_province_rollup (first rows):")
    print(rollup.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()
