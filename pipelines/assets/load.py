"""Load: build the DuckDB star schema in a new file and publish it atomically."""

import json

import duckdb
from dagster import AssetCheckResult, AssetExecutionContext, MetadataValue, asset, asset_check

from pipelines.resources import WarehouseFile
from pipelines.stages import Extraction
from pipelines.validation import ValidationOutcome
from pipelines.warehouse import load_warehouse, table_counts

CONTRACT_COLUMNS = {
    "v_indicator_values": [
        "province", "city", "county", "institution", "fiscal_year", "indicator_code", "indicator_name", "value",
        "unit", "qualifier", "is_target", "source_file", "source_locator", "snippet",
    ],
    "v_province_rollup": [
        "province", "fiscal_year", "indicator_code", "unit", "institutions", "total", "mean", "median", "min", "max",
    ],
    "v_rejected": ["source_file", "stage", "reason", "detail"],
}  # fmt: skip


@asset(
    group_name="load",
    pool="warehouse_writer",
    description="The DuckDB warehouse (WAREHOUSE_PATH): star schema, contract views, province rollup.",
)
def duckdb_warehouse(
    context: AssetExecutionContext,
    warehouse: WarehouseFile,
    extracted_facts: Extraction,
    validated_facts: ValidationOutcome,
) -> None:
    path = warehouse.file
    published = load_warehouse(path, extracted_facts, validated_facts)
    counts = table_counts(path)
    results = path.parent / "validation" / f"{context.run.run_id}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(
        json.dumps({"run_id": context.run.run_id, **validated_facts.report}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    context.add_output_metadata(
        {
            "path": MetadataValue.path(str(path)),
            "published": published,
            "validation_results": MetadataValue.path(str(results)),
            "facts": counts["fact_indicator_value"],
            "documents": counts["dim_document"],
            "institutions": counts["dim_institution"],
            "rejections": counts["rejection"],
        }
    )


@asset_check(asset=duckdb_warehouse, description="The contract views exist with exactly their columns.")
def contract_views(warehouse: WarehouseFile) -> AssetCheckResult:
    problems = []
    with duckdb.connect(str(warehouse.file), read_only=True) as con:
        for view, expected in CONTRACT_COLUMNS.items():
            found = [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]
            if found[: len(expected)] != expected:
                problems.append(f"{view}: {found}")
    return AssetCheckResult(passed=not problems, metadata={"problems": MetadataValue.json(problems)})
