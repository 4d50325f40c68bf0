"""kill -9 a run at several points of the load, again and again: the published warehouse is always
a whole earlier build or the new one, never anything in between, and the next run completes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.builders import PROJECT_ROOT
from tests.test_pipeline import SAMPLES, TABLES, run_pipeline

pytestmark = pytest.mark.slow  # runs killed in subprocesses (make test-slow)

# Seconds after the new warehouse file appears beside the published one (None: before it appears,
# during extraction); the last ones usually land after the publish.
KILL_DELAYS = [None, 0.0, 0.005, 0.02, 0.05, 0.1, 0.3, 0.6, 1.5]
RUN = (
    "import sys; from pathlib import Path; from tests.test_pipeline import run_pipeline; "
    "run_pipeline(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))"
)


def contents(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every table (the time a document was first seen set aside)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: con.execute(
                f"SELECT * {'EXCLUDE (ingested_at)' if table == 'dim_document' else ''} FROM {table} ORDER BY ALL"
            ).fetchall()
            for table in TABLES
        }


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """Two report folders (all samples, and all but four) and the warehouse each one gives."""
    full = SAMPLES / "reports"
    fewer = tmp_path_factory.mktemp("fewer")
    shutil.copytree(full, fewer, dirs_exist_ok=True)
    for path in sorted(p for p in fewer.rglob("*") if p.is_file())[::5]:
        path.unlink()
    built = {}
    for name, folder in (("full", full), ("fewer", fewer)):
        warehouse = tmp_path_factory.mktemp(name) / "w.duckdb"
        assert run_pipeline(folder, warehouse).success
        built[name] = (folder, contents(warehouse))
    assert built["full"][1] != built["fewer"][1]
    return built


def building(warehouse: Path, pid: int) -> Path:
    """The new warehouse file the run with process id `pid` builds beside the published one."""
    return warehouse.with_name(f".{warehouse.name}.building-{pid}")


def _kill_during_load(folder: Path, warehouse: Path, cache: Path, delay: float | None) -> bool:
    """Start a run in its own process group; kill -9 the group `delay` s after its new warehouse
    file appears (or, for None, 1.5 s after the start). True if the kill left that file half-built."""
    run = subprocess.Popen(
        [sys.executable, "-c", RUN, str(folder), str(warehouse), str(cache)],
        cwd=PROJECT_ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    try:
        if delay is None:
            time.sleep(1.5)
        else:
            while not building(warehouse, run.pid).exists():
                if run.poll() is not None or time.monotonic() - started > 120:
                    return False
                time.sleep(0.001)
            time.sleep(delay)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    return building(warehouse, run.pid).exists()


def test_a_killed_run_never_leaves_a_half_written_warehouse(folders, tmp_path):
    warehouse, cache = tmp_path / "w.duckdb", tmp_path / "cache"
    states = {name: rows for name, (_, rows) in folders.items()}
    assert run_pipeline(folders["fewer"][0], warehouse, cache).success
    published, mid_load = "fewer", 0
    for delay in KILL_DELAYS:
        target = "full" if published == "fewer" else "fewer"
        mid_load += _kill_during_load(folders[target][0], warehouse, cache, delay)
        now = contents(warehouse)  # opens: the published file is whole
        assert now in (states[published], states[target]), f"killed {delay} s into the load"
        published = target if now == states[target] else published
    assert mid_load >= 3  # kills that left a half-built file beside the published one
    # The next run completes the work and clears what the killed ones left.
    target = "full" if published == "fewer" else "fewer"
    assert run_pipeline(folders[target][0], warehouse, cache).success
    assert contents(warehouse) == states[target]
    assert not list(tmp_path.glob(".w.duckdb.building-*"))
