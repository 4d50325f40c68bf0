"""Command-line runs at once on one instance, with the project's dagster.yaml, while another
process keeps a core busy: every run succeeds and its warehouse equals a cold build of its own
folder (no run reads another run's step outputs).

Whether the two load steps overlap is not asserted: they write different warehouses, and the
warehouse_writer pool that usually keeps them apart is Dagster's op-level pool, whose claim on
SQLite instance storage is not atomic (two claims at the same moment can both be granted). What
keeps two writers of one warehouse apart is its lock file (tests/test_warehouse.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import PROJECT_ROOT
from tests.test_pipeline import SAMPLES, query, run_pipeline

pytestmark = pytest.mark.slow  # several whole runs at once in subprocesses (make test-slow)

DAGSTER = Path(sys.executable).parent / "dagster"
IN_PROCESS = "execution:\n  config:\n    in_process: {}\n"
COMPARED = [
    "SELECT * EXCLUDE (snippet) FROM v_indicator_values ORDER BY ALL",
    "SELECT * FROM v_rejected ORDER BY ALL",
    "SELECT source_file, document_key FROM document_path ORDER BY ALL",
]
# Rounds of two simultaneous runs: the first with each step in a process of its own (the
# default executor, what `make run` uses), the others with every step in the run's process.
ROUNDS = ("multiprocess", "in_process")


def _split_samples(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders with different reports (the samples by province: two runs, two inputs)."""
    folders = (tmp_path / "reports_a", tmp_path / "reports_b")
    provinces = sorted(p for p in (SAMPLES / "reports").iterdir() if p.is_dir() and p.name != "bad")
    for index, province in enumerate(provinces):
        shutil.copytree(province, folders[index % 2] / province.name)
    return folders


@pytest.fixture
def cpu_load():
    """A process that keeps one core busy for the length of the test."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    yield
    hog.kill()
    hog.wait()


def test_runs_at_once_keep_their_step_outputs_apart(tmp_path, cpu_load):
    home = tmp_path / "home"
    home.mkdir()
    config = (PROJECT_ROOT / "dagster.yaml").read_text(encoding="utf-8")
    (home / "dagster.yaml").write_text(config.replace(".dagster_home", str(home)), encoding="utf-8")
    (tmp_path / "in_process.yaml").write_text(IN_PROCESS, encoding="utf-8")
    folders = _split_samples(tmp_path)
    base_env = {**os.environ, "DAGSTER_HOME": str(home), "HANDOFF_DIR": str(tmp_path / "handoffs")}
    subprocess.run([DAGSTER, "instance", "migrate"], env=base_env, check=True, capture_output=True)

    references = []
    for folder in folders:
        reference = tmp_path / f"cold_{folder.name}.duckdb"
        assert run_pipeline(folder, reference).success
        references.append(reference)

    for round_number, executor in enumerate(ROUNDS):
        command = [DAGSTER, "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"]
        if executor == "in_process":
            command += ["-c", str(tmp_path / "in_process.yaml")]
        warehouses = [tmp_path / f"round{round_number}_{folder.name}.duckdb" for folder in folders]
        runs = [
            subprocess.Popen(
                command,
                env={
                    **base_env,
                    "REPORTS_DIR": str(folder),
                    "WAREHOUSE_PATH": str(warehouse),
                    "EXTRACT_CACHE_DIR": str(tmp_path / f"cache_{folder.name}"),
                },
                cwd=PROJECT_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for folder, warehouse in zip(folders, warehouses, strict=True)
        ]
        outputs = [run.communicate(timeout=600)[0].decode() for run in runs]
        assert [run.returncode for run in runs] == [0, 0], (
            f"round {round_number} ({executor}):\n" + outputs[0][-3000:] + "\n" + outputs[1][-3000:]
        )
        for warehouse, reference in zip(warehouses, references, strict=True):
            for sql in COMPARED:
                assert query(warehouse, sql).equals(query(reference, sql)), (
                    f"round {round_number} ({executor}): {warehouse.name} differs from a cold build: {sql}"
                )
