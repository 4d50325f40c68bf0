"""The command line (`python -m pipelines run`): a quiet run ending in a summary, --verbose, one clear
line per setting that cannot work; the settings' checks in the assets; the extract stage's progress."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, materialize

from pipelines import settings
from pipelines.batch import extract_reports, scan_reports
from pipelines.cli import ReadingBar, failure_line
from pipelines.defs.assets.reports import report_files
from pipelines.defs.resources import ReportsFolder, resources_from_environment
from pipelines.settings import check_settings, check_warehouse_path
from tests.builders import PROJECT_ROOT, crash_when_reading
from tests.test_pipeline import SAMPLES
from tests.test_warehouse import VENV_BIN

pytestmark = pytest.mark.slow  # the README's command in subprocesses (make test-slow)

SUMMARY = {
    "files": r"Files +(\d+) found: (\d+) read, (\d+) from the cache",
    "documents": r"Documents +(\d+) loaded, (\d+) partly rejected, (\d+) rejected",
    "facts": r"Loaded +(\d+) facts, (\d+) performance-indicator rows",
    "problems": r"Problems +(\d+) rejections \(v_rejected\), (\d+) warnings",
    "run": r"Run ([0-9a-f-]{36}) succeeded",
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """A txt and a docx sample report, and the sample file that cannot be read."""
    folder = tmp_path_factory.mktemp("reports")
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))["documents"]
    for form in ("txt", "docx"):
        name = next(path for path, doc in sorted(truth.items()) if doc["format"] == form)
        shutil.copy(SAMPLES / "reports" / name, folder / Path(name).name)
    shutil.copy(SAMPLES / "reports" / "bad" / "损坏的报告.txt", folder / "损坏的报告.txt")
    return folder


@pytest.fixture(scope="module")
def env(reports, tmp_path_factory) -> dict[str, str]:
    """The environment of a command-line run: its own instance, warehouse, cache and hand-offs."""
    work = tmp_path_factory.mktemp("cli")
    (work / "home").mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", work / "home" / "dagster.yaml")
    environment = {
        k: v for k, v in os.environ.items() if k not in settings.NUMBERS and k != "PIPELINE_LOG_LEVEL"
    }
    return {
        **environment,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DAGSTER_HOME": str(work / "home"),
        "REPORTS_DIR": str(reports),
        "WAREHOUSE_PATH": str(work / "out" / "w.duckdb"),
        "EXTRACT_CACHE_DIR": str(work / "cache"),
        "HANDOFF_DIR": str(work / "handoffs"),
    }


def pipelines_run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "python"), "-m", "pipelines", "run", *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def summary(stdout: str) -> dict[str, tuple[str, ...]]:
    found = {name: re.search(pattern, stdout) for name, pattern in SUMMARY.items()}
    assert all(found.values()), stdout
    return {name: match.groups() for name, match in found.items()}  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def quiet(env) -> subprocess.CompletedProcess:
    return pipelines_run(env)


def test_a_quiet_run_prints_a_short_summary_of_what_the_warehouse_holds(quiet, env, reports):
    assert quiet.returncode == 0, quiet.stderr
    output = quiet.stdout + quiet.stderr
    assert len([line for line in output.splitlines() if line.strip()]) < 25, output
    assert "DEBUG" not in output and "Warning" not in output and "Traceback" not in output
    assert not quiet.stderr.strip()
    counts = summary(quiet.stdout)
    with duckdb.connect(env["WAREHOUSE_PATH"], read_only=True) as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM dim_document GROUP BY status").fetchall())
        facts, rows, rejections, warnings = con.execute(
            "SELECT (SELECT count(*) FROM fact_indicator_value), (SELECT count(*) FROM fact_performance_indicator),"
            " (SELECT count(*) FROM v_rejected),"
            " (SELECT count(*) FROM v_warnings) + (SELECT count(*) FROM v_kpi_warnings)"
        ).fetchone()
    assert counts["files"] == ("3", "3", "0")
    assert counts["documents"] == tuple(
        str(statuses.get(s, 0)) for s in ("loaded", "partly_rejected", "rejected")
    )
    assert statuses["rejected"] == 1 and statuses["loaded"] + statuses.get("partly_rejected", 0) == 2
    assert counts["facts"] == (str(facts), str(rows)) and facts > 0
    assert counts["problems"] == (str(rejections), str(warnings)) and rejections >= 1
    assert f"Warehouse   {env['WAREHOUSE_PATH']}" in quiet.stdout and "make dev" in quiet.stdout
    # The run is in the instance's history, as the UI shows it.
    with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        run = instance.get_run_by_id(counts["run"][0])
        assert run is not None and run.status == DagsterRunStatus.SUCCESS
        assert run.job_name == "reports_to_warehouse"


def test_verbose_prints_dagsters_debug_log_and_a_second_run_reads_nothing(quiet, env):
    assert quiet.returncode == 0
    verbose = pipelines_run(env, "--verbose", "--force")
    assert verbose.returncode == 0, verbose.stderr[-2000:]
    debug = [line for line in verbose.stderr.splitlines() if " - DEBUG - " in line]
    assert len(debug) > 50 and any("RUN_SUCCESS" in line for line in debug)
    assert summary(verbose.stdout)["files"] == ("3", "0", "3")


# A command-line run that prints which of these modules it imported.
RUN_REPORTING_IMPORTS = """import sys
from pipelines.cli import main
code = main(["run", *sys.argv[1:]])
print("imported:", *sorted({"great_expectations", "pipelines.readers", "pipelines.extract"} & set(sys.modules)))
sys.exit(code)"""


def _steps_and_checks(instance: DagsterInstance, run_id: str) -> tuple[list[str], list[str]]:
    """The steps that succeeded in a run and the checks it evaluated, as the UI lists them."""
    kinds = {DagsterEventType.STEP_SUCCESS, DagsterEventType.ASSET_CHECK_EVALUATION}
    steps, checks = [], []
    for entry in instance.all_logs(run_id, of_type=kinds):
        event = entry.get_dagster_event()
        if event.event_type == DagsterEventType.STEP_SUCCESS:
            steps.append(event.step_key)
        else:
            checks.append(event.asset_check_evaluation_data.asset_check_key.to_user_string())
    return sorted(steps), sorted(checks)


def _rerun(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """A command-line run that prints which heavy modules it imported."""
    return subprocess.run(
        [str(VENV_BIN / "python"), "-c", RUN_REPORTING_IMPORTS, *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _runs(env: dict[str, str]) -> int:
    with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        return len(instance.get_runs())


def test_a_rerun_with_nothing_changed_starts_no_run_and_keeps_the_warehouse(quiet, env):
    assert quiet.returncode == 0
    warehouse = Path(env["WAREHOUSE_PATH"])
    before = (warehouse.read_bytes(), warehouse.stat().st_mtime_ns, _runs(env))
    rerun = _rerun(env)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert rerun.stdout.startswith("Nothing changed") and "--force" in rerun.stdout
    assert "imported:\n" in rerun.stdout  # neither Great Expectations nor the readers and extractors
    assert (warehouse.read_bytes(), warehouse.stat().st_mtime_ns, _runs(env)) == before
    first = {name: found for name, found in summary(quiet.stdout).items() if name not in ("files", "run")}
    for name, pattern in SUMMARY.items():
        if name in first:
            assert re.search(pattern, rerun.stdout).groups() == first[name]  # type: ignore[union-attr]


def test_a_forced_rerun_keeps_the_warehouse_and_records_every_step(quiet, env):
    assert quiet.returncode == 0
    warehouse = Path(env["WAREHOUSE_PATH"])
    before = (warehouse.read_bytes(), warehouse.stat().st_mtime_ns)
    rerun = _rerun(env, "--force")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert summary(rerun.stdout)["files"] == ("3", "0", "3")
    assert "imported:\n" in rerun.stdout
    assert (warehouse.read_bytes(), warehouse.stat().st_mtime_ns) == before
    # The rerun is in the history with every step and check of the first run but its shards (it
    # reads no file).
    with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        first = _steps_and_checks(instance, summary(quiet.stdout)["run"][0])
        again = _steps_and_checks(instance, summary(rerun.stdout)["run"][0])
    shards = [step for step in first[0] if step.startswith("extracted_facts.parse_shard[")]
    assert shards and again == ([step for step in first[0] if step not in shards], first[1])
    assert len(again[0]) == 7 and len(first[1]) > 40


def test_a_new_file_a_changed_limit_or_a_missing_report_starts_a_run(env, reports, tmp_path):
    own = {**env, "REPORTS_DIR": str(tmp_path / "reports"), "WAREHOUSE_PATH": str(tmp_path / "w.duckdb")}
    own["EXTRACT_CACHE_DIR"] = str(tmp_path / "cache")
    Path(own["REPORTS_DIR"]).mkdir()
    first = next(
        path for path in sorted(reports.iterdir()) if path.suffix == ".txt" and "损坏" not in path.name
    )
    shutil.copy(first, tmp_path / "reports" / first.name)

    def starts_a_run(environment: dict[str, str]) -> bool:
        done = pipelines_run(environment)
        assert done.returncode == 0, done.stderr[-2000:]
        return not done.stdout.startswith("Nothing changed")

    assert starts_a_run(own)  # nothing published yet
    assert not starts_a_run(own)
    assert starts_a_run({**own, "READ_MAX_OCR_PAGES": "3"})  # a limit shapes what is read
    assert starts_a_run(own)  # and back
    (tmp_path / "report" / "index.html").unlink()
    assert starts_a_run(own)
    assert (tmp_path / "report" / "index.html").is_file()
    shutil.copy(first, tmp_path / "reports" / f"copy-{first.name}")
    assert starts_a_run(own)
    assert not starts_a_run(own)


# Settings that cannot work: the setting named, its value ({file}: a regular file, {tmp}: a folder).
WRONG = {
    "REPORTS_DIR missing": ("REPORTS_DIR", "/nonexistent/folder"),
    "REPORTS_DIR a file": ("REPORTS_DIR", "{file}"),
    "WAREHOUSE_PATH under a file": ("WAREHOUSE_PATH", "{file}/x.duckdb"),
    "WAREHOUSE_PATH a folder": ("WAREHOUSE_PATH", "{tmp}"),
    "PARSE_WORKERS": ("PARSE_WORKERS", "four"),
    "READ_MAX_FILE_MB": ("READ_MAX_FILE_MB", "50MB"),
    "READ_TIMEOUT_SECONDS": ("READ_TIMEOUT_SECONDS", "-1"),
    "READ_MAX_PDF_PAGES": ("READ_MAX_PDF_PAGES", "1.5"),
    "READ_MAX_MEMORY_MB": ("READ_MAX_MEMORY_MB", "0"),
    "READ_MAX_OCR_PAGES": ("READ_MAX_OCR_PAGES", "-1"),
    "READ_MAX_OCR_MEMORY_MB": ("READ_MAX_OCR_MEMORY_MB", "lots"),
    "EXTRACT_CACHE_DIR": ("EXTRACT_CACHE_DIR", "{file}/cache"),
    "HANDOFF_DIR": ("HANDOFF_DIR", "{file}"),
    "DAGSTER_HOME": ("DAGSTER_HOME", "relative/home"),
    "PIPELINE_LOG_LEVEL": ("PIPELINE_LOG_LEVEL", "LOUD"),
}


@pytest.mark.parametrize("case", list(WRONG))
def test_a_setting_that_cannot_work_is_one_line_and_exit_code_2(case, env, tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    setting, template = WRONG[case]
    value = template.format(file=tmp_path / "a-file", tmp=tmp_path)
    done = pipelines_run({**env, "WAREHOUSE_PATH": str(tmp_path / "w.duckdb"), setting: value})
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"Setting {setting}={value}: ")
    assert not done.stdout and not (tmp_path / "w.duckdb").exists()


def test_the_defaults_work_and_an_unwritable_folder_is_named(tmp_path, monkeypatch):
    assert check_settings({}) == []
    monkeypatch.setattr(settings.os, "access", lambda path, mode: Path(path) != tmp_path)
    assert check_warehouse_path(str(tmp_path / "new" / "w.duckdb")) == [
        settings.SettingProblem(
            "WAREHOUSE_PATH",
            str(tmp_path / "new" / "w.duckdb"),
            f"folder {tmp_path} is not writable; set WAREHOUSE_PATH to a .duckdb file in a writable folder",
        )
    ]
    assert check_settings({"REPORTS_DIR": str(tmp_path)})[0].setting == "REPORTS_DIR"  # cannot be read


def test_a_run_from_the_ui_fails_at_report_files_with_the_same_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PARSE_WORKERS", "four")
    assert resources_from_environment()["reports"].parse_workers == 0  # no crash when the code loads
    result = materialize([report_files], resources={"reports": ReportsFolder(path=str(tmp_path / "none"))}, raise_on_error=False)  # fmt: skip
    line = failure_line(result)
    assert not result.success and "\n" not in line
    assert line.startswith("The run failed at step report_files: Setting REPORTS_DIR=")
    assert "Setting PARSE_WORKERS=four: must be a whole number" in line and result.run_id in line


def _progress_of(root: Path, workers: int, cache: Path | None) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    extract_reports(root, scan_reports(root), workers, cache, progress=lambda *call: calls.append(call))
    return calls


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_counts_every_file_once_cached_ones_first(reports, tmp_path, workers):
    root = tmp_path / "in"
    shutil.copytree(reports, root)
    cache = tmp_path / "cache"
    assert _progress_of(root, workers, None) == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert _progress_of(root, workers, cache) == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert _progress_of(root, workers, cache) == [(3, 3)]  # the last batch's tables
    (root / "more.txt").write_text(
        "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年接待读者100人次。", encoding="utf-8"
    )
    assert _progress_of(root, workers, cache) == [(3, 4), (4, 4)]  # three reused, one read


def test_progress_counts_a_file_that_kills_its_reader(tmp_path, monkeypatch):
    text = "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出100.00万元。"
    for name in ("crash.txt", "good.txt", "other.txt"):
        (tmp_path / name).write_text(text + name, encoding="utf-8")
    crash_when_reading(monkeypatch, "crash.txt")
    assert _progress_of(tmp_path, 2, None) == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_the_bar_draws_on_the_terminal_it_is_given(tmp_path):
    with (tmp_path / "terminal").open("w", encoding="utf-8") as terminal:
        bar = ReadingBar(terminal)
        for done in range(4):
            bar(done, 3)
    drawn = (tmp_path / "terminal").read_text(encoding="utf-8")
    assert "Reading reports:   0%" in drawn and "0/3" in drawn  # later draws are at most 10 a second
    assert bar.bar is not None and (bar.bar.n, bar.bar.total) == (3, 3)
