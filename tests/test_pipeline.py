"""End to end: every asset materialized over the bundled samples equals the generator's truth."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster import load_asset_checks_from_modules, load_assets_from_modules, materialize

from pipelines.assets import extract, ingest, load, validate
from pipelines.resources import ExtractCacheFolder, ReportsFolder, WarehouseFile
from tests.builders import PROJECT_ROOT
from tools.truth import TruthCheck, compare, values_match

SAMPLES = PROJECT_ROOT / "samples"
STAGES = [ingest, extract, validate, load]
TABLES = [
    "dim_institution", "dim_fiscal_year", "dim_indicator", "dim_scope", "dim_document", "document_path",
    "fact_indicator_value", "fact_performance_indicator", "rejection",
]  # fmt: skip


def run_pipeline(reports: Path, warehouse: Path, cache: Path | None = None, **settings):
    """Materialize every asset and check in-process; no extraction cache unless `cache` is given;
    `settings` of the reports folder (default: one worker, files read in this process)."""
    return materialize(
        [*load_assets_from_modules(STAGES), *load_asset_checks_from_modules(STAGES)],
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
def built(tmp_path_factory) -> Path:
    warehouse = tmp_path_factory.mktemp("wh") / "reports.duckdb"
    result = run_pipeline(SAMPLES / "reports", warehouse)
    assert result.success
    return warehouse


@pytest.fixture(scope="module")
def checked(built, truth) -> TruthCheck:
    """The built warehouse against the truth (tools.truth: one rule for figures, see values_match)."""
    return compare(built, truth)


def _no_difference(checked: TruthCheck, aspect: str) -> None:
    differences = checked.of(aspect)
    assert not differences, "\n".join(differences)


def test_contract_views_have_exactly_the_contract_columns(built):
    columns = {
        view: list(query(built, f"SELECT * FROM {view} LIMIT 0").columns)
        for view in ("v_indicator_values", "v_province_rollup", "v_rejected")
    }
    assert columns["v_indicator_values"][:14] == [
        "province", "city", "county", "institution", "fiscal_year", "indicator_code", "indicator_name", "value",
        "unit", "qualifier", "is_target", "source_file", "source_locator", "snippet",
    ]  # fmt: skip
    assert columns["v_province_rollup"] == [
        "province", "fiscal_year", "indicator_code", "unit", "institutions", "total", "mean", "median", "min", "max",
    ]  # fmt: skip
    assert columns["v_rejected"][:4] == ["source_file", "stage", "reason", "detail"]
    assert columns["v_indicator_values"][14:16] == ["report_kind", "project"]
    performance = list(query(built, "SELECT * FROM v_performance_indicators LIMIT 0").columns)
    assert performance[:21] == [
        "province", "city", "county", "institution", "fiscal_year", "report_kind", "project", "level1", "level2",
        "indicator", "target_text", "actual_text", "target_value", "actual_value", "unit", "comparator", "weight",
        "score", "deviation_reason", "source_file", "source_locator",
    ]  # fmt: skip


def test_the_contract_views_check_passes(built):
    from pipelines.assets.load import contract_views

    result = contract_views(warehouse=WarehouseFile(path=str(built)))
    assert result.passed, result.metadata


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
        assert values_match(row.median, statistics.median(values))
        assert values_match(row.mean, statistics.fmean(values))
        assert values_match(row.min, min(values)) and values_match(row.max, max(values))
        if row.unit in ("percent", "point"):
            assert pd.isna(row.total)
        else:
            assert values_match(row.total, sum(values))


def test_second_run_changes_nothing(built, tmp_path):
    copy = tmp_path / "again.duckdb"
    copy.write_bytes(built.read_bytes())
    before = snapshot(copy)
    assert run_pipeline(SAMPLES / "reports", copy, cache=tmp_path / "cache").success
    assert snapshot(copy) == before
    rerun = run_pipeline(SAMPLES / "reports", copy, cache=tmp_path / "cache")
    assert snapshot(copy) == before
    metadata = rerun.asset_materializations_for_node("extracted_facts")[0].metadata
    assert metadata["parsed"].value == 0
    assert metadata["from_cache"].value == metadata["files"].value


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
        assert values_match(row.budget, budget) and values_match(row.spending, spending)
        assert values_match(row.execution_rate, spending / budget * 100)
        assert values_match(row.mean_score, statistics.fmean(r["self_eval_score"] for r in reports))
    assert sorted(rollup["report_kind"]) == ["project", "transfer"]
    assert rollup["reports"].max() >= 2  # two projects of one province and year add up
