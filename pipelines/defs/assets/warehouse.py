"""The warehouse: one asset per published table and view (with its column schema, from
`pipelines.schema`), all made by one step that builds a new DuckDB file (or updates a copy of the
published one) and publishes it atomically."""

import re
from collections.abc import Iterator

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
    multi_asset,
)

from pipelines import schema
from pipelines.batch import Extraction, ExtractionDocuments
from pipelines.defs.handoffs import read_as_narrower
from pipelines.defs.resources import WarehouseFile, fail_on
from pipelines.settings import check_warehouse_path
from pipelines.validation import ValidationOutcome
from pipelines.warehouse import VIEWS_SQL, load_warehouse, table_counts

UPSTREAM = ("extracted_facts", "validated_facts", "validated_indicators")
COLUMNS_CHECK = "columns_as_declared"
read_as_narrower(ExtractionDocuments, Extraction)  # the load leaves the facts and rows unread
VIEW_STATEMENT = re.compile(r"CREATE VIEW (\w+) AS(.*?)(?=CREATE VIEW|\Z)", re.S)


def view_reads() -> dict[str, list[str]]:
    """The tables and views each view reads, from sql/views.sql (the lineage the UI draws)."""
    names = set(schema.RELATIONS)
    reads = {}
    for name, body in VIEW_STATEMENT.findall(VIEWS_SQL.read_text(encoding="utf-8")):
        sql = re.sub(r"--[^\n]*", "", body)
        reads[name] = sorted(
            {m for m in re.findall(r"(?:FROM|JOIN)\s+(\w+)", sql) if m in names and m != name}
        )
    return reads


def _column_schema(relation: schema.Relation) -> TableSchema:
    return TableSchema(
        columns=[TableColumn(c.name, c.type, description=c.text, constraints=None) for c in relation.columns]
    )


def _specs() -> list[AssetSpec]:
    reads = view_reads()
    specs = [
        AssetSpec(
            table.name,
            group_name="star_schema",
            description=table.description,
            deps=[AssetKey(name) for name in UPSTREAM],
            metadata={"dagster/column_schema": _column_schema(table), "kind": "table"},
            kinds={"duckdb", "table"},
        )
        for table in schema.TABLES
    ]
    specs += [
        AssetSpec(
            view.name,
            group_name="analyst_views",
            description=view.description,
            deps=[AssetKey(name) for name in reads.get(view.name, [])],
            metadata={"dagster/column_schema": _column_schema(view), "kind": "view"},
            kinds={"duckdb", "view"},
        )
        for view in schema.VIEWS
    ]
    return specs


@multi_asset(
    name="duckdb_warehouse",
    specs=_specs(),
    ins={name: AssetIn(AssetKey(name)) for name in UPSTREAM},
    check_specs=[
        AssetCheckSpec(
            COLUMNS_CHECK,
            asset=view.name,
            description="The published view has exactly the declared columns, in order, of the declared types.",
        )
        for view in schema.VIEWS
    ],
    pool="warehouse_writer",
    can_subset=False,
    description=(
        "Builds every table and view of the DuckDB warehouse (WAREHOUSE_PATH) in a new file (a copy of the "
        "published one changed by the rows that differ, when it has the same structure) and publishes it "
        "with one atomic rename; writes nothing when the inputs, suites and code are those of the "
        "published build."
    ),
)
def duckdb_warehouse(
    context: AssetExecutionContext,
    warehouse: WarehouseFile,
    extracted_facts: ExtractionDocuments,  # its facts and rows are not read again: they come validated
    validated_facts: ValidationOutcome,
    validated_indicators: ValidationOutcome,
) -> Iterator:
    fail_on(check_warehouse_path(warehouse.path))
    path = warehouse.file
    publish = load_warehouse(path, extracted_facts, validated_facts, validated_indicators)
    counts = table_counts(path)
    for relation in (*schema.TABLES, *schema.VIEWS):
        rows = {"dagster/row_count": counts[relation.name]} if relation.name in counts else {}
        yield MaterializeResult(
            asset_key=relation.name,
            metadata={
                **rows,
                "path": MetadataValue.path(str(path)),
                "published": publish is not None,
                "publish": publish or "unchanged",
            },
        )
    yield from declared_columns(path)


def declared_columns(path) -> Iterator[AssetCheckResult]:
    """One check result per view: its published columns and types against the declaration."""
    with duckdb.connect(str(path), read_only=True) as con:
        for view in schema.VIEWS:
            found = [(name, kind) for name, kind, *_ in con.execute(f"DESCRIBE {view.name}").fetchall()]
            declared = [(c.name, c.type) for c in view.columns]
            yield AssetCheckResult(
                asset_key=view.name,
                check_name=COLUMNS_CHECK,
                passed=found == declared,
                metadata={"differences": MetadataValue.json([list(d) for d in set(found) ^ set(declared)])},
            )
