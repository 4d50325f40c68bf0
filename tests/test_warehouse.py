"""Publishing the warehouse: atomic, readable by the DuckDB shell, configurable from the environment."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import schema
from pipelines.definitions import defs
from pipelines.defs.resources import DEFAULT_REPORTS_DIR, DEFAULT_WAREHOUSE_PATH, resources_from_environment
from pipelines.model import DEFAULT_LIMITS, Fact, ReadLimits
from pipelines.warehouse import publish_warehouse, writer_lock
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


def _hold_writer_lock(path: Path, held, release) -> None:
    """In another process: take the warehouse's writer lock and keep it until `release` is set."""
    with writer_lock(path):
        held.set()
        release.wait(60)


@pytest.mark.parametrize("ending", ["release", "kill -9"])
def test_a_second_writer_waits_until_the_first_lets_go_or_dies(tmp_path, ending):
    path = tmp_path / "w.duckdb"
    processes = multiprocessing.get_context("spawn")
    held, release = processes.Event(), processes.Event()
    first = processes.Process(target=_hold_writer_lock, args=(path, held, release))
    first.start()
    try:
        assert held.wait(60)
        second_holds = threading.Event()

        def second_writer() -> None:
            with writer_lock(path):
                second_holds.set()

        waiting = threading.Thread(target=second_writer, daemon=True)
        waiting.start()
        assert not second_holds.wait(1.0)  # a broken lock would let it in at once
        if ending == "release":
            release.set()
        else:
            first.kill()
        assert second_holds.wait(60)
        waiting.join(60)
    finally:  # (setting `release` after the kill would wait for the dead sleeper forever)
        first.kill()
        first.join(60)


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
    monkeypatch.delenv("HANDOFF_DIR", raising=False)
    defaults = resources_from_environment()
    assert (defaults["reports"].root, defaults["warehouse"].file) == (
        DEFAULT_REPORTS_DIR,
        DEFAULT_WAREHOUSE_PATH,
    )
    # The defaults are the repository's own folders: the bundled samples and warehouse/.
    assert defaults["reports"].root == PROJECT_ROOT / "samples" / "reports"
    assert defaults["warehouse"].file == PROJECT_ROOT / "warehouse" / "reports.duckdb"
    assert defaults["io_manager"].base_path.path == str(PROJECT_ROOT / "warehouse" / "handoffs")
    monkeypatch.setenv("REPORTS_DIR", str(tmp_path / "in"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "out.duckdb"))
    configured = resources_from_environment()
    assert configured["reports"].root == tmp_path / "in"
    assert configured["warehouse"].file == tmp_path / "out.duckdb"
    assert defaults["reports"].limits == DEFAULT_LIMITS


def test_read_limits_follow_the_environment(monkeypatch):
    settings = {
        "READ_MAX_FILE_MB": "5", "READ_MAX_PDF_PAGES": "40", "READ_MAX_INFLATED_MB": "20",
        "READ_MAX_TABLE_CELLS": "1000", "READ_TIMEOUT_SECONDS": "7.5", "READ_MAX_MEMORY_MB": "384",
        "READ_MAX_OCR_PAGES": "3", "READ_MAX_OCR_MEMORY_MB": "1024", "READ_PDFPLUMBER_ONLY": "1",
    }  # fmt: skip
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    assert resources_from_environment()["reports"].limits == ReadLimits(
        5, 40, 20, 1000, 7.5, 384, 3, 1024, True
    )


def test_definitions_hold_every_stage_and_check():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == {
        "report_files",
        "extracted_facts",
        "validated_facts",
        "validated_indicators",
        *schema.RELATIONS,
        "province_report",
    }
    checks = {key.name for key in graph.asset_check_keys}
    assert {"fact_grain_unique", "value_not_above_range", "columns_as_declared"} <= checks
    assert {"kpi_row_grain_unique", "kpi_indicator_present", "kpi_score_within_weight"} <= checks
    assert defs.resolve_job_def("reports_to_warehouse") is not None


@pytest.mark.slow  # dagster CLI in a subprocess
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
        "PYTHONPATH": str(PROJECT_ROOT),  # this checkout's code, whatever the virtualenv's editable install
    }
    subprocess.run(
        [str(VENV_BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"],
        cwd=home, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = con.execute("SELECT DISTINCT source_file FROM v_indicator_values").df()
    assert sorted(files["source_file"]) == sorted(p.name for p in small_reports.iterdir())
    assert (home / ".dagster_home" / "storage").is_dir()
    assert list((tmp_path / "cache").rglob("*.json")) and list((tmp_path / "cache").rglob("*.parquet"))
    report = (tmp_path / "out" / "report" / "index.html").read_text(encoding="utf-8")
    assert '<section id="budget">' in report and "<svg" in report  # the report, beside the warehouse


def test_empty_folder_gives_an_empty_but_complete_warehouse(tmp_path):
    (tmp_path / "in").mkdir()
    path = tmp_path / "w.duckdb"
    assert run_pipeline(tmp_path / "in", path).success
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM v_indicator_values").fetchone()[0] == 0
        assert isinstance(con.execute("SELECT * FROM v_province_rollup").df(), pd.DataFrame)
    report = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "Nothing yet" in report and "<svg" not in report


@pytest.mark.slow  # two whole runs
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


def test_each_table_asset_carries_its_row_count_and_no_view_is_counted(small_reports, tmp_path):
    """Every table's asset has its exact row count; a view's has none (counting would run it)."""
    path = tmp_path / "w.duckdb"
    result = run_pipeline(small_reports, path)
    metadata = {
        m.asset_key.to_user_string(): m.metadata
        for m in result.asset_materializations_for_node("duckdb_warehouse")
    }
    with duckdb.connect(str(path), read_only=True) as con:
        for table in schema.TABLES:
            rows = con.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]
            assert metadata[table.name]["dagster/row_count"].value == rows
    assert metadata["dim_document"]["dagster/row_count"].value > 0
    assert all("dagster/row_count" not in metadata[view.name] for view in schema.VIEWS)


# Report kinds and performance-indicator rows, from documents built here (no reading, no extraction).

DEPARTMENT_COLUMNS_14 = [
    "province", "city", "county", "institution", "fiscal_year", "indicator_code", "indicator_name", "value",
    "unit", "qualifier", "is_target", "source_file", "source_locator", "snippet",
]  # fmt: skip


def _fact(code: str, value: float, unit: str) -> Fact:
    return Fact(code, value, unit, "exact", False, "department", "line 1", f"{code} {value}", f"{value}")


def _kind_batch():
    """A department report and two project reports and a transfer report of one province and year,
    with performance-indicator rows; one row breaks an error rule, one a warning rule."""
    from pipelines.extract.kpi import indicator_row
    from pipelines.model import DocumentExtract, Identity, Region

    region = Region("湖南省", "430000", "长沙市", "430100", None, None, "institution")

    def doc(name, kind, project, money, rows):
        budget, spent, score = money
        facts = [_fact("budget_total", budget, "CNY"), _fact("expenditure_total", spent, "CNY")]
        facts += [_fact("self_eval_score", score, "point")] if score is not None else []
        identity = Identity("长沙市图书馆", 2023, region, "title", "title", kind, project)
        key = f"{len(name):x}{name.encode().hex()}".ljust(64, "0")[:64]
        return DocumentExtract(name, key, "txt", None, "utf-8", identity, tuple(facts), tuple(rows))

    def row(name, actual, weight, score):
        return indicator_row(
            name=name, target="≥90%", actual=actual, locator=f"table 1 row {name}", snippet=name,
            level1="产出指标", level2="质量指标", weight=weight, score=score,
        )  # fmt: skip

    return [
        doc("dept.txt", "department", None, (4_000_000.0, 3_600_000.0, 95.0), [row("服务达标率", "95%", "10", "10")]),
        doc("p1.txt", "project", "少儿阅读推广项目", (500_000.0, 450_000.0, 92.0),
            [row("读者满意度", "93%", "10", "9.5"), row("指标2:★活动覆盖率", "96%", "10", "12")]),
        doc("p2.txt", "project", "古籍保护项目", (300_000.0, 300_000.0, 98.0), [row("修复合格率", "100%", "20", "20")]),
        doc("t1.txt", "transfer", "公共文化服务体系建设专项资金", (1_000_000.0, 900_000.0, None),
            [row("", "90%", "10", "10")]),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def kinds_warehouse(tmp_path_factory) -> Path:
    from pipelines.batch.assembly import assemble
    from pipelines.validation import validate_facts, validate_indicators
    from pipelines.warehouse import load_warehouse

    extraction = dataclasses.replace(assemble(_kind_batch()), key="kinds")
    path = tmp_path_factory.mktemp("kinds") / "w.duckdb"
    assert load_warehouse(
        path, extraction, validate_facts(extraction.facts), validate_indicators(extraction.indicators)
    )
    return path


def _frame(path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).df()


def test_performance_indicator_rows_reach_their_view_with_exactly_the_contract_columns(kinds_warehouse):

    rows = _frame(kinds_warehouse, "SELECT * FROM v_performance_indicators ORDER BY source_file, row_number")
    assert list(rows.columns) == schema.columns("v_performance_indicators")
    assert rows["indicator"].tolist() == ["服务达标率", "读者满意度", "活动覆盖率", "修复合格率"]
    p1 = rows[rows["source_file"] == "p1.txt"].iloc[0]
    assert (p1["report_kind"], p1["project"], p1["province"], p1["city"]) == (
        "project", "少儿阅读推广项目", "湖南省", "长沙市",
    )  # fmt: skip
    assert (p1["level1"], p1["level2"], p1["target_text"], p1["actual_text"]) == (
        "产出指标",
        "质量指标",
        "≥90%",
        "93%",
    )
    assert (p1["target_value"], p1["actual_value"], p1["unit"], p1["comparator"]) == (
        90.0,
        93.0,
        "percent",
        ">=",
    )
    assert (p1["weight"], p1["score"], p1["fiscal_year"]) == (10.0, 9.5, 2023)
    keys = _frame(kinds_warehouse, "SELECT performance_indicator_key FROM fact_performance_indicator")
    assert keys["performance_indicator_key"].is_unique and len(keys) == 4


def test_a_row_breaking_an_error_rule_is_rejected_and_a_warning_is_listed(kinds_warehouse):
    rejected = _frame(kinds_warehouse, "SELECT * FROM v_rejected WHERE stage = 'validate'")
    assert rejected[["source_file", "rule"]].values.tolist() == [["t1.txt", "kpi_indicator_present"]]
    warnings = _frame(kinds_warehouse, "SELECT * FROM v_kpi_warnings")
    assert warnings[["source_file", "indicator", "rule"]].values.tolist() == [
        ["p1.txt", "活动覆盖率", "kpi_score_within_weight"]
    ]
    documents = _frame(kinds_warehouse, "SELECT * FROM v_documents ORDER BY source_file").set_index(
        "source_file"
    )
    assert documents["report_kind"].to_dict() == {
        "dept.txt": "department", "p1.txt": "project", "p2.txt": "project", "t1.txt": "transfer",
    }  # fmt: skip
    assert documents.loc["t1.txt", ["indicators_extracted", "indicators_loaded", "indicators_rejected"]].tolist() == [
        1, 0, 1,
    ]  # fmt: skip
    assert documents.loc["t1.txt", "status"] == "partly_rejected"  # its facts loaded, its one row not
    assert documents.loc["p1.txt", "status"] == "loaded"


def test_indicator_values_carry_report_kind_and_project_after_the_contract_columns(kinds_warehouse):
    values = _frame(kinds_warehouse, "SELECT * FROM v_indicator_values")
    assert list(values.columns[:16]) == [*DEPARTMENT_COLUMNS_14, "report_kind", "project"]
    kinds = values.groupby("source_file")[["report_kind", "project"]].first()
    assert kinds.loc["p2.txt"].tolist() == ["project", "古籍保护项目"]
    assert pd.isna(kinds.loc["dept.txt", "project"])


def test_the_province_rollup_sums_department_reports_and_projects_roll_up_apart(kinds_warehouse):
    rollup = _frame(kinds_warehouse, "SELECT * FROM v_province_rollup").set_index("indicator_code")
    assert (
        rollup.loc["budget_total", "total"] == 4_000_000.0 and rollup.loc["budget_total", "institutions"] == 1
    )
    projects = _frame(kinds_warehouse, "SELECT * FROM v_project_rollup ORDER BY report_kind")
    assert list(projects.columns[:8]) == [
        "province", "fiscal_year", "report_kind", "reports", "budget", "spending", "execution_rate", "mean_score",
    ]  # fmt: skip
    project, transfer = projects.to_dict("records")
    assert (project["report_kind"], project["reports"], project["budget"], project["spending"]) == (
        "project", 2, 800_000.0, 750_000.0,
    )  # fmt: skip
    assert project["execution_rate"] == pytest.approx(750_000 / 800_000 * 100)
    assert project["mean_score"] == pytest.approx(95.0)
    assert (transfer["reports"], transfer["budget"], transfer["execution_rate"]) == (1, 1_000_000.0, 90.0)
    assert pd.isna(transfer["mean_score"])


def test_an_indicator_row_of_a_missing_document_fails_the_build(kinds_warehouse, tmp_path):
    from pipelines.warehouse import IntegrityError, WarehouseTables

    with duckdb.connect(str(kinds_warehouse), read_only=True) as con:
        tables = {
            name: con.execute(f"SELECT * FROM {name}").df() for name in WarehouseTables.__dataclass_fields__
        }
    rows = tables["fact_performance_indicator"]
    tables["fact_performance_indicator"] = rows.assign(document_key=["missing", *rows["document_key"][1:]])
    with pytest.raises(IntegrityError, match=r"fact_performance_indicator\.document_key"):
        publish_warehouse(tmp_path / "w.duckdb", WarehouseTables(**tables), "x")
    assert not (tmp_path / "w.duckdb").exists()


def test_a_document_whose_body_is_never_named_keeps_its_region(tmp_path):
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
    assert unnamed["institution"] == "unnamed"  # the file's name stands for a body never named
    assert (unnamed["province"], unnamed["city"], unnamed["county"], unnamed["region_source"]) == (
        "湖南省",
        "邵阳市",
        "大祥区",
        "text",
    )
    named = documents.loc["named.txt"]
    assert (named["institution"], named["province"], named["county"]) == ("新宁县档案馆", "湖南省", "新宁县")


def test_grain_keys_made_in_chunks_equal_those_of_the_whole_frame(monkeypatch):
    from pipelines import warehouse

    grain = pd.DataFrame(
        {"document_key": ["d1", "d1", "d2", None, "d3"], "fiscal_year": [2023, 2023, 2024, 2022, None],
         "is_target": [True, False, False, True, None]}
    )  # fmt: skip
    whole = [f"{h:016x}" for h in pd.util.hash_pandas_object(grain.astype(str), index=False).to_numpy()]
    assert warehouse.grain_keys(grain) == whole
    monkeypatch.setattr(warehouse, "CHUNK_ROWS", 2)
    assert warehouse.grain_keys(grain) == whole
    assert warehouse.grain_keys(grain.iloc[:0]) == []


def test_fact_tables_inserted_in_chunks_are_stored_in_key_order(small_warehouse, tmp_path, monkeypatch):
    """The fact tables come unsorted: rows go in by key, a few at a time, as a sorted frame did."""
    from pipelines import warehouse
    from pipelines.warehouse import WarehouseTables

    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        tables = {
            name: con.execute(f"SELECT * FROM {name}").df() for name in WarehouseTables.__dataclass_fields__
        }
    shuffled = {name: frame.sample(frac=1, random_state=1) if name in warehouse.KEY_ORDER else frame for name, frame in tables.items()}  # fmt: skip
    assert any(len(tables[name]) > 2 for name in warehouse.KEY_ORDER)
    monkeypatch.setattr(warehouse, "CHUNK_ROWS", 2)
    path = tmp_path / "w.duckdb"
    publish_warehouse(path, WarehouseTables(**shuffled), "x")
    with duckdb.connect(str(path), read_only=True) as con:
        for name, key in warehouse.KEY_ORDER.items():
            stored = con.execute(f"SELECT * FROM {name} ORDER BY rowid").df()
            expected = tables[name].sort_values(key, ignore_index=True)
            pd.testing.assert_frame_equal(stored, expected, check_dtype=False)


def test_grain_keys_are_the_row_hashes_of_the_values_as_text_in_hex():
    """Keys stay what earlier builds stored (an update compares rows by them): pandas' row hash of the
    values as text, 16 hex digits, the same whatever the chunking."""
    from pipelines.validation import row_hashes
    from pipelines.warehouse import grain_keys

    grain = pd.DataFrame(
        {"document_key": [f"d{i % 7}" for i in range(1200)], "indicator_code": "budget_total"}
    )
    expected = [f"{h:016x}" for hashes in row_hashes(grain, as_text=True) for h in hashes]
    assert grain_keys(grain) == expected
    assert len(set(expected)) == 7 and all(len(key) == 16 for key in expected)
