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
    "v_performance_indicators": [
        "province", "city", "county", "institution", "fiscal_year", "report_kind", "project", "level1", "level2",
        "indicator", "target_text", "actual_text", "target_value", "actual_value", "unit", "comparator", "weight",
        "score", "deviation_reason", "source_file", "source_locator",
    ],
}  # fmt: skip
# Columns views carry after their contract columns, in this order (the contract names them, not their place).
EXTENSION_COLUMNS = {"v_indicator_values": ["report_kind", "project"]}


@asset(
    group_name="load",
    pool="warehouse_writer",
    description=(
        "The DuckDB warehouse (WAREHOUSE_PATH): star schema, contract views, performance-indicator rows, "
        "province and project rollups."
    ),
)
def duckdb_warehouse(
    context: AssetExecutionContext,
    warehouse: WarehouseFile,
    extracted_facts: Extraction,
    validated_facts: ValidationOutcome,
    validated_indicators: ValidationOutcome,
) -> None:
    path = warehouse.file
    published = load_warehouse(path, extracted_facts, validated_facts, validated_indicators)
    counts = table_counts(path)
    results = path.parent / "validation" / f"{context.run.run_id}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(
        json.dumps(
            {
                "run_id": context.run.run_id,
                **validated_facts.report,
                "performance_indicators": validated_indicators.report,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    context.add_output_metadata(
        {
            "path": MetadataValue.path(str(path)),
            "published": published,
            "validation_results": MetadataValue.path(str(results)),
            "facts": counts["fact_indicator_value"],
            "performance_indicator_rows": counts["fact_performance_indicator"],
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
            extension = EXTENSION_COLUMNS.get(view, [])
            if found[: len(expected) + len(extension)] != expected + extension:
                problems.append(f"{view}: {found}")
    return AssetCheckResult(passed=not problems, metadata={"problems": MetadataValue.json(problems)})
