"""The warehouse declaration (pipelines/schema.py) and what is generated from it: the DDL, the
reference checks, sql/schema.sql and the README's data dictionary agree with it."""

from __future__ import annotations

import duckdb
import pytest

from pipelines import schema
from tests.builders import PROJECT_ROOT


def test_sql_schema_file_and_readme_dictionary_are_generated_from_the_declaration():
    assert (PROJECT_ROOT / "sql" / "schema.sql").read_text(encoding="utf-8") == schema.schema_sql()
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == schema.with_dictionary(readme), "run `python -m tools.docs`"
    for relation in schema.RELATIONS.values():
        assert f"#### `{relation.name}` ({relation.kind})" in readme


def test_every_column_has_a_description_and_every_reference_a_key():
    for relation in schema.RELATIONS.values():
        assert relation.description
        assert len(set(relation.names)) == len(relation.names), relation.name
        for column in relation.columns:
            assert column.text and column.type in schema.PANDAS_TYPES, (relation.name, column.name)
            if column.references:
                table, key = column.references.split(".")
                assert schema.RELATIONS[table].primary_key == (key,), column.references
        for key in (*relation.primary_key, *(relation.grain if relation.kind == "table" else ())):
            assert key in relation.names, (relation.name, key)


def test_the_ddl_builds_and_a_broken_reference_is_counted():
    con = duckdb.connect(":memory:")
    con.execute(schema.ddl())
    con.execute(schema.comments(schema.TABLES))
    con.execute("INSERT INTO dim_document (document_key, source_file, content_hash, file_format, status, "
                "facts_extracted, facts_loaded, facts_rejected, indicators_extracted, indicators_loaded, "
                "indicators_rejected, ingested_at) VALUES ('d1', 'a.txt', 'h', 'txt', 'loaded', 0, 0, 0, 0, 0, 0, now())")  # fmt: skip
    con.execute("INSERT INTO document_path VALUES ('a.txt', 'd1'), ('b.txt', 'missing')")
    counts = {name: con.execute(sql).fetchone()[0] for name, sql in schema.reference_checks()}
    assert counts["document_path.document_key -> dim_document"] == 1
    assert sum(counts.values()) == 1
    comments = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND comment IS NULL"
    ).fetchone()[0]
    assert comments == 0


@pytest.mark.parametrize("name", ["dim_document", "fact_indicator_value", "fact_performance_indicator"])
def test_dtypes_follow_the_declared_types_and_nullability(name):
    dtypes = schema.dtypes(name)
    relation = schema.RELATIONS[name]
    for column in relation.columns:
        expected = schema.PANDAS_TYPES[column.type][column.nullable]
        assert dtypes[column.name] == expected
