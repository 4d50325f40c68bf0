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
from tools.scoring import values_match

SAMPLES = PROJECT_ROOT / "samples"
STAGES = [ingest, extract, validate, load]
TABLES = [
    "dim_institution", "dim_fiscal_year", "dim_indicator", "dim_scope", "dim_document", "document_path",
    "fact_indicator_value", "fact_performance_indicator", "rejection",
]  # fmt: skip
# Columns of a performance-indicator row the table parser does not fill yet (the form parser being
# rewritten for issue 11 does): the warehouse may hold NULL there until it does; once filled they must
# equal the truth like every other column.
KPI_COLUMNS = (
    "level1", "level2", "indicator", "target_text", "actual_text", "target_value", "actual_value", "unit",
    "comparator", "weight", "score", "deviation_reason",
)  # fmt: skip


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


def test_every_achieved_fact_equals_the_truth(built, truth):
    values = query(built, "SELECT * FROM v_indicator_values WHERE NOT is_target")
    for path, expected in truth["documents"].items():
        rows = values[values["source_file"] == path]
        got = {row.indicator_code: row for row in rows.itertuples()}
        assert sorted(got) == sorted(expected["facts"]), path
        assert rows["indicator_code"].is_unique, path
        for code, value in expected["facts"].items():
            assert got[code].value == pytest.approx(value, abs=0.005), (path, code)
            assert got[code].qualifier == expected["qualifiers"].get(code, "exact"), (path, code)
            assert got[code].snippet and got[code].source_locator, (path, code)


def test_every_document_has_the_true_identity(built, truth):
    documents = query(built, "SELECT * FROM v_documents").set_index("source_file")
    for path, expected in truth["documents"].items():
        doc = documents.loc[path]
        got = {
            k: (None if pd.isna(doc[k]) else doc[k]) for k in ("institution", "province", "city", "county")
        }
        assert got == {k: expected[k] for k in got}, path
        assert doc["fiscal_year"] == expected["fiscal_year"], path
        assert doc["status"] == "loaded", path


def test_targets_are_kept_apart(built, truth):
    targets = query(built, "SELECT source_file FROM v_indicator_values WHERE is_target")
    assert set(targets["source_file"]) == set(truth["documents"])


def test_bad_inputs_are_rejected_with_reason_and_the_rest_loads(built, truth):
    rejected = query(built, "SELECT * FROM v_rejected WHERE stage <> 'validate'")
    assert sorted(rejected["source_file"]) == sorted(truth["rejected"])
    for row in rejected.itertuples():
        expected = truth["rejected"][row.source_file]
        assert row.stage == expected["stage"]
        assert expected["reason_contains"] in row.reason


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
        assert (row.min, row.max) == (pytest.approx(min(values)), pytest.approx(max(values)))
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


def test_every_performance_indicator_row_equals_the_truth(built, truth):
    rows = query(built, "SELECT * FROM v_performance_indicators ORDER BY source_file, row_number")
    assert set(rows["source_file"]) == {path for path, doc in truth["documents"].items() if doc["kpis"]}
    for path, expected in truth["documents"].items():
        got = rows[rows["source_file"] == path].to_dict("records")
        assert len(got) == len(expected["kpis"]), path
        for row, want in zip(got, expected["kpis"], strict=True):
            assert row["source_locator"] and row["snippet"], (path, want["indicator"])
            assert (row["institution"], row["fiscal_year"]) == (
                expected["institution"],
                expected["fiscal_year"],
            )
            for column in KPI_COLUMNS:
                value = None if pd.isna(row[column]) else row[column]
                if isinstance(want[column], float | int) and not isinstance(want[column], bool):
                    assert value == pytest.approx(want[column], abs=0.005), (path, want["indicator"], column)
                else:
                    assert value == want[column], (path, want["indicator"], column)


def test_report_kinds_and_projects_equal_the_truth(built, truth):
    documents = query(built, "SELECT * FROM v_documents").set_index("source_file")
    for path, expected in truth["documents"].items():
        project = documents.loc[path, "project"]
        got = (documents.loc[path, "report_kind"], None if pd.isna(project) else project)
        assert got == (expected["report_kind"], expected["project"]), path
    rows = query(built, "SELECT DISTINCT source_file, report_kind, project FROM v_performance_indicators")
    for row in rows.itertuples():
        assert (row.report_kind, row.project) == tuple(truth["documents"][row.source_file][k] for k in KINDS)


KINDS = ("report_kind", "project")


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
        assert (row.budget, row.spending) == (pytest.approx(budget), pytest.approx(spending))
        assert row.execution_rate == pytest.approx(spending / budget * 100)
        assert row.mean_score == pytest.approx(statistics.fmean(r["self_eval_score"] for r in reports))
    assert sorted(rollup["report_kind"]) == ["project", "transfer"]
    assert rollup["reports"].max() >= 2  # two projects of one province and year add up
