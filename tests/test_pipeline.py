"""End to end: every asset materialized over the bundled samples equals the generator's truth."""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster import AssetKey, materialize

from pipelines import schema
from pipelines.definitions import ASSETS
from pipelines.defs.resources import ExtractCacheFolder, ReportsFolder, WarehouseFile
from tests.builders import CORPUS_DEV, PROJECT_ROOT
from tools.truth import GENERATED, TruthCheck, compare, values_match

SAMPLES = PROJECT_ROOT / "samples"
TABLES = [
    "dim_institution", "dim_fiscal_year", "dim_indicator", "dim_scope", "dim_document", "document_path",
    "fact_indicator_value", "fact_performance_indicator", "rejection",
]  # fmt: skip


def run_pipeline(reports: Path, warehouse: Path, cache: Path | None = None, **settings):
    """Materialize every asset and check in-process; no extraction cache unless `cache` is given;
    `settings` of the reports folder (default: one worker, files read in this process)."""
    return materialize(
        ASSETS,
        resources={
            "reports": ReportsFolder(path=str(reports), **{"parse_workers": 1, **settings}),
            "warehouse": WarehouseFile(path=str(warehouse)),
            "extract_cache": ExtractCacheFolder(path=str(cache) if cache else ""),
        },
    )


def query(warehouse: Path, sql: str, parameters: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, parameters or []).df()


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def checked(built, truth) -> TruthCheck:
    """The built warehouse against the truth (tools.truth: one rule for figures, see values_match)."""
    return compare(built, truth)


def _no_difference(checked: TruthCheck, aspect: str) -> None:
    differences = checked.of(aspect)
    assert not differences, "\n".join(differences)


CONTRACT = CORPUS_DEV.parent.parent / "contract" / "README.md"


@pytest.mark.skipif(not CONTRACT.exists(), reason=f"the warehouse contract is not here ({CONTRACT})")
def test_the_declared_contract_columns_are_the_contract(built):
    """The contract README names each contract view's columns in backquotes after its name; the
    declaration (pipelines/schema.py) puts exactly those first, and the published views have them."""
    text = CONTRACT.read_text(encoding="utf-8")
    contract_views = [view for view in schema.VIEWS if view.contract]
    assert {v.name for v in contract_views} == {
        "v_indicator_values", "v_province_rollup", "v_rejected", "v_performance_indicators"
    }  # fmt: skip
    for view in contract_views:
        after = text.split(f"`{view.name}`:", 1)[1]
        listed = re.search(r"`([a-z0-9_, \n]+)`", after).group(1)
        names = [name.strip() for name in listed.replace("\n", " ").split(",")]
        assert view.names[: view.contract] == names, view.name
        published = list(query(built, f"SELECT * FROM {view.name} LIMIT 0").columns)
        assert published[: view.contract] == names, view.name
    assert schema.columns("v_indicator_values")[14:16] == [
        "report_kind",
        "project",
    ]  # right after the contract


def test_every_achieved_fact_equals_the_truth(built, checked):
    # Each true code once and no other, values by the one rule, qualifiers.
    _no_difference(checked, "facts")
    values = query(built, "SELECT snippet, source_locator FROM v_indicator_values WHERE NOT is_target")
    assert (values.fillna("") != "").all().all()  # every fact has its sentence and place


def test_every_document_has_the_true_identity(built, truth, checked):
    _no_difference(checked, "identity")
    documents = query(built, "SELECT source_file, status FROM v_documents").set_index("source_file")
    assert (documents.loc[list(truth["documents"]), "status"] == "loaded").all()


def test_targets_are_kept_apart(built, truth):
    targets = query(built, "SELECT source_file FROM v_indicator_values WHERE is_target")
    assert set(targets["source_file"]) == set(truth["documents"])


def test_bad_inputs_are_rejected_with_reason_and_the_rest_loads(checked):
    # Exactly the truth's files rejected before validation, at their stage, for their reason.
    _no_difference(checked, "rejected")


def _kinds(built: Path) -> dict[str, str]:
    """source_file -> report_kind as the warehouse has it."""
    documents = query(built, "SELECT source_file, report_kind FROM v_documents WHERE report_kind IS NOT NULL")
    return dict(zip(documents["source_file"], documents["report_kind"], strict=True))


def test_province_rollup_equals_the_truth_of_department_reports(built, truth):
    # Department reports as the warehouse classifies them (test_report_kinds_and_projects_equal_the_truth
    # checks the classification): project and transfer reports never count.
    kinds = _kinds(built)
    per_group: dict[tuple, list[float]] = defaultdict(list)
    for path, doc in truth["documents"].items():
        if kinds[path] != "department":
            continue
        for code, value in doc["facts"].items():
            per_group[(doc["province"], doc["fiscal_year"], code)].append(value)
    rollup = query(built, "SELECT * FROM v_province_rollup")
    assert len(rollup) == len(per_group)
    for row in rollup.itertuples():
        values = per_group[(row.province, row.fiscal_year, row.indicator_code)]
        assert row.institutions == len(values)
        assert values_match(row.median, statistics.median(values), GENERATED)
        assert values_match(row.mean, statistics.fmean(values), GENERATED)
        assert values_match(row.min, min(values), GENERATED) and values_match(row.max, max(values), GENERATED)
        if row.unit in ("percent", "point"):
            assert pd.isna(row.total)
        else:
            assert values_match(row.total, sum(values), GENERATED)


@pytest.mark.slow  # a second whole run
def test_second_run_changes_nothing(built, tmp_path):
    copy = tmp_path / "again.duckdb"
    copy.write_bytes(built.read_bytes())
    before = snapshot(copy)
    assert run_pipeline(SAMPLES / "reports", copy, cache=tmp_path / "cache").success
    assert snapshot(copy) == before
    rerun = run_pipeline(SAMPLES / "reports", copy, cache=tmp_path / "cache")
    assert snapshot(copy) == before
    # Nothing changed: the tables come from the cache and no later step runs (test_freshness).
    assert not rerun.asset_materializations_for_node("extracted_facts")
    assert not rerun.asset_materializations_for_node("duckdb_warehouse")


def test_every_fact_traces_to_its_sentence(built):
    facts = query(
        built,
        "SELECT f.raw_text, f.snippet, f.source_locator, p.source_file FROM fact_indicator_value f "
        "JOIN document_path p USING (document_key)",
    )
    assert len(facts) > 100
    for row in facts.itertuples():
        digits = "".join(ch for ch in row.raw_text.split(" (")[0] if ch.isdigit())
        assert digits and digits in "".join(ch for ch in row.snippet if ch.isdigit()), row


def test_facts_say_how_they_were_read(built, truth):
    facts = query(built, "SELECT source_file, source_locator, read_by, ocr_confidence FROM v_facts_by_scope")
    scanned = facts["source_file"].map(lambda path: truth["documents"].get(path, {}).get("scanned", False))
    assert scanned.any() and (~scanned).any()
    assert set(facts.loc[scanned, "read_by"]) == {"ocr"} and set(facts.loc[~scanned, "read_by"]) == {"text"}
    assert facts.loc[scanned, "ocr_confidence"].between(0.85, 1).all()  # a clean scan: none flagged
    assert facts.loc[scanned, "source_locator"].str.contains(r"\(OCR\)").all()
    assert facts.loc[~scanned, "ocr_confidence"].isna().all()
    indicator = query(built, "SELECT DISTINCT read_by FROM v_indicator_values")
    assert set(indicator["read_by"]) == {"ocr", "text"}


def test_every_performance_indicator_row_equals_the_truth(built, truth, checked):
    # Every row of every document in order: its columns (figures by the one rule), and the document's
    # institution, year, report kind and project on the row.
    _no_difference(checked, "kpis")
    rows = query(built, "SELECT source_file, source_locator, snippet FROM v_performance_indicators")
    assert set(rows["source_file"]) == {path for path, doc in truth["documents"].items() if doc["kpis"]}
    assert (rows.fillna("") != "").all().all()  # every row has its place and the row as printed


def test_report_kinds_and_projects_equal_the_truth(checked):
    _no_difference(checked, "kind")


def test_project_rollup_equals_the_truth(built, truth):
    kinds = _kinds(built)
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for path, doc in truth["documents"].items():
        if kinds[path] in ("project", "transfer"):
            groups[(doc["province"], doc["fiscal_year"], kinds[path])].append(doc["facts"])
    rollup = query(built, "SELECT * FROM v_project_rollup")
    assert len(rollup) == len(groups)
    for row in rollup.itertuples():
        reports = groups[(row.province, row.fiscal_year, row.report_kind)]
        budget = sum(r["budget_total"] for r in reports)
        spending = sum(r["expenditure_total"] for r in reports)
        assert row.reports == len(reports)
        assert values_match(row.budget, budget, GENERATED) and values_match(row.spending, spending, GENERATED)
        assert values_match(row.execution_rate, spending / budget * 100, GENERATED)
        assert values_match(
            row.mean_score, statistics.fmean(r["self_eval_score"] for r in reports), GENERATED
        )
    assert sorted(rollup["report_kind"]) == ["project", "project", "transfer"]
    assert rollup["reports"].max() >= 2  # two projects of one province and year add up


def test_every_table_view_and_column_has_its_declared_comment(built):
    relations = query(
        built, "SELECT table_name AS name, comment FROM duckdb_tables() UNION ALL "
        "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal"
    ).set_index("name")["comment"]  # fmt: skip
    assert set(relations.index) == set(schema.RELATIONS)
    assert all(relations[name] == relation.description for name, relation in schema.RELATIONS.items())
    comments = query(
        built,
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = current_database()",
    )
    assert len(comments) == sum(len(r.columns) for r in schema.RELATIONS.values())
    assert comments["comment"].notna().all() and (comments["comment"].str.len() > 0).all()
    for row in comments.itertuples():
        assert row.comment == next(
            c.text for c in schema.RELATIONS[row.table_name].columns if c.name == row.column_name
        )


def test_published_views_have_their_declared_columns(built):
    for view in schema.VIEWS:
        described = query(built, f"DESCRIBE {view.name}")
        assert list(zip(described["column_name"], described["column_type"], strict=True)) == [
            (c.name, c.type) for c in view.columns
        ], view.name


def test_every_warehouse_asset_carries_its_column_schema_and_the_view_checks_pass(build):
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    for name, relation in schema.RELATIONS.items():
        node = graph.get(AssetKey(name))
        column_schema = node.metadata["dagster/column_schema"]
        assert [c.name for c in column_schema.columns] == relation.names, name
        assert all(c.description for c in column_schema.columns)
        assert node.group_name == ("star_schema" if relation.kind == "table" else "analyst_views")
    result = build[1]
    evaluations = [e for e in result.get_asset_check_evaluations() if e.check_name == "columns_as_declared"]
    assert len(evaluations) == len(schema.VIEWS) and all(e.passed for e in evaluations)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert set(schema.RELATIONS) <= materialized


def test_rule_results_are_kept_in_the_warehouse_and_error_rules_report_as_errors(build):
    from dagster import AssetCheckSeverity

    from pipelines.validation import fact_rules, indicator_rules

    warehouse, result = build
    results = query(warehouse, "SELECT * FROM validation_result")
    levels = {rule.name: rule.severity for rule in (*fact_rules(), *indicator_rules())}
    assert dict(zip(results["rule"], results["level"], strict=True)) == levels
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    for name, level in levels.items():
        expected = AssetCheckSeverity.ERROR if level == "error" else AssetCheckSeverity.WARN
        assert evaluations[name].severity == expected, name
