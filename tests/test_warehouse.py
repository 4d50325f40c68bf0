"""Publishing the warehouse: atomic, readable by the DuckDB shell, configurable from the environment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.definitions import defs
from pipelines.model import DEFAULT_LIMITS, ReadLimits
from pipelines.resources import DEFAULT_REPORTS_DIR, DEFAULT_WAREHOUSE_PATH, resources_from_environment
from pipelines.warehouse import publish_warehouse
from tests.builders import PROJECT_ROOT
from tests.test_pipeline import SAMPLES, query, run_pipeline, snapshot

VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def small_reports(tmp_path_factory) -> Path:
    """Two sample reports (a txt and a docx) in a folder of their own."""
    folder = tmp_path_factory.mktemp("reports")
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))["documents"]
    for form in ("txt", "docx"):
        source = (
            SAMPLES / "reports" / next(path for path, doc in sorted(truth.items()) if doc["format"] == form)
        )
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture(scope="module")
def small_warehouse(small_reports, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wh") / "w.duckdb"
    assert run_pipeline(small_reports, path).success
    return path


def test_failed_build_leaves_the_published_warehouse_untouched(small_warehouse, tmp_path):
    from pipelines.warehouse import IntegrityError, WarehouseTables

    path = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse, path)
    before = snapshot(path)
    with duckdb.connect(str(path), read_only=True) as con:
        tables = WarehouseTables(
            **{
                name: con.execute(f"SELECT * FROM {name}").df()
                for name in WarehouseTables.__dataclass_fields__
            }
        )
    facts = tables.fact_indicator_value
    orphan = facts.assign(indicator_code=["not_in_dim_indicator", *facts["indicator_code"][1:]])
    duplicated = pd.concat([facts, facts.head(1)])
    for broken, error in ((orphan, IntegrityError), (duplicated, duckdb.ConstraintException)):
        with pytest.raises(error):
            publish_warehouse(
                path, WarehouseTables(**{**tables.__dict__, "fact_indicator_value": broken}), "x"
            )
        assert snapshot(path) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_readers_of_the_old_file_do_not_block_a_new_publish(small_warehouse, small_reports, tmp_path):
    path = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse, path)
    with duckdb.connect(str(path), read_only=True) as analyst:
        assert run_pipeline(small_reports, path).success
        assert analyst.execute("SELECT count(*) FROM v_indicator_values").fetchone()[0] > 0


def test_duckdb_shell_opens_the_warehouse_read_only(small_warehouse):
    shell = VENV_BIN / "duckdb"
    if not shell.exists():
        pytest.skip("the duckdb shell (duckdb-cli, a dev dependency) is not installed in this environment")
    out = subprocess.run(
        [str(shell), "-readonly", "-csv", str(small_warehouse), "-c",
         "SELECT count(*) FROM v_indicator_values; SELECT count(*) FROM v_province_rollup; SELECT count(*) FROM v_rejected;"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    counts = [int(line) for line in out.split() if line.isdigit()]
    assert len(counts) == 3 and counts[0] > 10 and counts[1] > 5


def test_resources_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("REPORTS_DIR", raising=False)
    monkeypatch.delenv("WAREHOUSE_PATH", raising=False)
    defaults = resources_from_environment()
    assert (defaults["reports"].root, defaults["warehouse"].file) == (
        DEFAULT_REPORTS_DIR,
        DEFAULT_WAREHOUSE_PATH,
    )
    monkeypatch.setenv("REPORTS_DIR", str(tmp_path / "in"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "out.duckdb"))
    configured = resources_from_environment()
    assert configured["reports"].root == tmp_path / "in"
    assert configured["warehouse"].file == tmp_path / "out.duckdb"
    assert defaults["reports"].limits == DEFAULT_LIMITS


def test_read_limits_follow_the_environment(monkeypatch):
    settings = {
        "READ_MAX_FILE_MB": "5", "READ_MAX_PDF_PAGES": "40", "READ_MAX_INFLATED_MB": "20",
        "READ_MAX_TABLE_CELLS": "1000", "READ_TIMEOUT_SECONDS": "7.5",
    }  # fmt: skip
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    assert resources_from_environment()["reports"].limits == ReadLimits(5, 40, 20, 1000, 7.5)


def test_definitions_hold_every_stage_and_check():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == {
        "report_files",
        "extracted_facts",
        "validated_facts",
        "duckdb_warehouse",
    }
    checks = {key.name for key in graph.asset_check_keys}
    assert {"fact_grain_unique", "value_not_above_range", "contract_views"} <= checks
    assert defs.resolve_job_def("reports_to_warehouse") is not None


def test_command_line_materialize_honours_environment_variables(small_reports, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    warehouse = tmp_path / "out" / "w.duckdb"
    env = {
        **os.environ,
        "REPORTS_DIR": str(small_reports),
        "WAREHOUSE_PATH": str(warehouse),
        "DAGSTER_HOME": str(home),
        "EXTRACT_CACHE_DIR": str(tmp_path / "cache"),
    }
    subprocess.run(
        [str(VENV_BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"],
        cwd=home, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = con.execute("SELECT DISTINCT source_file FROM v_indicator_values").df()
    assert sorted(files["source_file"]) == sorted(p.name for p in small_reports.iterdir())
    assert (home / ".dagster_home" / "storage").is_dir()
    assert list((tmp_path / "cache").rglob("*.pkl"))


def test_empty_folder_gives_an_empty_but_complete_warehouse(tmp_path):
    (tmp_path / "in").mkdir()
    path = tmp_path / "w.duckdb"
    assert run_pipeline(tmp_path / "in", path).success
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM v_indicator_values").fetchone()[0] == 0
        assert isinstance(con.execute("SELECT * FROM v_province_rollup").df(), pd.DataFrame)


def test_a_rerun_on_the_same_inputs_writes_nothing(small_reports, tmp_path):
    reports = tmp_path / "in"
    shutil.copytree(small_reports, reports)
    path = tmp_path / "w.duckdb"
    assert run_pipeline(reports, path).success
    before = path.stat().st_mtime_ns
    rerun = run_pipeline(reports, path)
    assert rerun.asset_materializations_for_node("duckdb_warehouse")[0].metadata["published"].value is False
    assert path.stat().st_mtime_ns == before
    # A changed file changes the build: the warehouse is published again.
    report = next(reports.glob("*.txt"))
    report.write_text(report.read_text(encoding="utf-8") + "\n全年接待读者12345人次。\n", encoding="utf-8")
    changed = run_pipeline(reports, path)
    assert changed.asset_materializations_for_node("duckdb_warehouse")[0].metadata["published"].value is True
    assert path.stat().st_mtime_ns != before


def test_a_document_keeps_its_region_when_no_institution_is_found(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "unnamed.txt").write_text(
        "部门整体支出绩效自评报告\n（2021年度）\n邵阳市大祥区各项工作有序推进，邵阳市大祥区经济平稳。\n"
        "全年整体支出300.00万元。\n",
        encoding="utf-8",
    )
    (reports / "named.txt").write_text(
        "新宁县档案馆2021年度部门整体支出绩效自评报告\n全年整体支出120.00万元。\n", encoding="utf-8"
    )
    warehouse = tmp_path / "w.duckdb"
    assert run_pipeline(reports, warehouse).success
    documents = query(
        warehouse, "SELECT source_file, institution, province, city, county, region_source FROM v_documents"
    ).set_index("source_file")
    unnamed = documents.loc["unnamed.txt"]
    assert pd.isna(unnamed["institution"])
    assert (unnamed["province"], unnamed["city"], unnamed["county"], unnamed["region_source"]) == (
        "湖南省",
        "邵阳市",
        "大祥区",
        "text",
    )
    named = documents.loc["named.txt"]
    assert (named["institution"], named["province"], named["county"]) == ("新宁县档案馆", "湖南省", "新宁县")
