"""The distributed job as deployed: a real PostgreSQL instance, a Redis broker, and two Celery
workers that stand for two machines. Each worker has its own DAGSTER_HOME, working folder and
temp folder, and (as root) its own mount namespace in which the other machines' folders are
hidden under empty tmpfs mounts: the workers share only the broker, the database and the
declared shared storage (reports, warehouse, extraction cache, step hand-offs, step logs).

Over several runs with new files the warehouse equals the single-machine build of the same
folder, every step's inputs come from its own run, and steps ran on both machines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dagster import DagsterEventType, DagsterInstance

from tests.builders import PROJECT_ROOT
from tests.services import POSTGRES_MISSING, REDIS_MISSING, postgres_server, redis_server, stop
from tests.test_pipeline import SAMPLES, query, run_pipeline

VENV_BIN = Path(sys.executable).parent
COMPARED = [
    "SELECT * EXCLUDE (snippet) FROM v_indicator_values ORDER BY ALL",
    "SELECT * FROM v_province_rollup ORDER BY ALL",
    "SELECT * FROM v_rejected ORDER BY ALL",
    "SELECT source_file, document_key FROM document_path ORDER BY ALL",
]
WORKERS = ("machine_a", "machine_b")

pytestmark = [
    pytest.mark.slow,  # PostgreSQL, Redis and two Celery workers (make test-slow)
    pytest.mark.skipif(REDIS_MISSING is not None, reason=REDIS_MISSING or ""),
    pytest.mark.skipif(POSTGRES_MISSING is not None, reason=POSTGRES_MISSING or ""),
]


def _can_unshare() -> bool:
    """Whether this process may give a child its own mount namespace (root on Linux)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


def _sample_batches() -> list[list[Path]]:
    """Three growing batches of sample reports (3, then 2 and 2 more), of every file form."""
    files = sorted(
        p for p in (SAMPLES / "reports").rglob("*") if p.is_file() and p.suffix in (".txt", ".pdf", ".docx")
    )
    files = [f for f in files if "bad" not in f.relative_to(SAMPLES).parts]
    return [files[0:3], files[3:5], files[5:7]]


def _worker_command(worker_yaml: Path, name: str, hidden: list[Path], unshare: bool) -> list[str]:
    start = [
        str(VENV_BIN / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app", "-y", str(worker_yaml),
        "-n", f"{name}@%h", "--", "--concurrency=1", "--prefetch-multiplier=1",
    ]  # fmt: skip
    if not unshare:
        return start
    mounts = " && ".join(f"mount -t tmpfs none {folder}" for folder in hidden)
    return [
        "unshare",
        "-m",
        "--propagation",
        "private",
        "sh",
        "-c",
        f'{mounts} && exec "$@"',
        "worker",
        *start,
    ]


def test_two_worker_machines_build_what_one_machine_builds(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    reports = shared / "reports"
    reports.mkdir(parents=True)
    machines = {name: tmp_path / name for name in ("launcher", *WORKERS)}
    for folder in machines.values():
        for sub in ("home", "work", "tmp"):
            (folder / sub).mkdir(parents=True)
        shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", folder / "home" / "dagster.yaml")
    unshare = _can_unshare()

    with redis_server() as redis, postgres_server() as postgres:
        broker, backend = f"{redis}/0", f"{redis}/1"
        worker_yaml = shared / "worker.yaml"
        # As the README says: Celery must leave the steps' output alone, so that it reaches the step logs.
        celery_settings = {"worker_redirect_stdouts": False}
        worker_yaml.write_text(
            yaml.safe_dump(
                {
                    "execution": {
                        "config": {"broker": broker, "backend": backend, "config_source": celery_settings}
                    }
                }
            )
        )
        # PYTHONPATH: the workers and the launcher import this checkout's pipelines, not whichever
        # checkout the virtualenv's editable install points at (it would build another schema).
        common = {
            **os.environ, **postgres.environment(),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
            "REPORTS_DIR": str(reports), "WAREHOUSE_PATH": str(shared / "warehouse" / "reports.duckdb"),
            "EXTRACT_CACHE_DIR": str(shared / "cache"), "HANDOFF_DIR": str(shared / "handoffs"),
            "DAGSTER_COMPUTE_LOG_DIR": str(shared / "step-logs"),
            "CELERY_BROKER_URL": broker, "CELERY_BACKEND_URL": backend,
        }  # fmt: skip

        def machine_env(name: str) -> dict[str, str]:
            folder = machines[name]
            return {**common, "DAGSTER_HOME": str(folder / "home"), "TMPDIR": str(folder / "tmp")}

        launcher = machine_env("launcher")
        subprocess.run(
            [VENV_BIN / "dagster", "instance", "migrate"], env=launcher, check=True, capture_output=True
        )
        workers, logs = [], {}
        try:
            for name in WORKERS:
                hidden = [machines[other] for other in machines if other != name]
                logs[name] = tmp_path / f"{name}.log"
                with logs[name].open("w") as log:
                    workers.append(
                        subprocess.Popen(
                            _worker_command(worker_yaml, name, hidden, unshare),
                            cwd=machines[name] / "work",
                            env=machine_env(name),
                            stdout=log,
                            stderr=subprocess.STDOUT,
                            start_new_session=True,
                        )
                    )
            for number, batch in enumerate(_sample_batches()):
                for path in batch:
                    target = reports / path.relative_to(SAMPLES / "reports")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, target)
                run = subprocess.run(
                    [VENV_BIN / "dagster", "job", "execute", "-m", "pipelines.definitions",
                     "-j", "reports_to_warehouse_distributed"],
                    cwd=machines["launcher"] / "work", env=launcher, capture_output=True, text=True, timeout=600,
                )  # fmt: skip
                assert run.returncode == 0, f"run {number}: " + run.stdout[-3000:] + run.stderr[-3000:]
                reference = tmp_path / f"single_machine_{number}.duckdb"
                assert run_pipeline(reports, reference).success
                for sql in COMPARED:
                    assert query(shared / "warehouse" / "reports.duckdb", sql).equals(
                        query(reference, sql)
                    ), f"run {number}: the warehouse differs from the single-machine build: {sql}"
        finally:
            for worker in workers:
                stop(worker)

        for name, value in postgres.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("DAGSTER_HOME", str(machines["launcher"] / "home"))
        monkeypatch.setenv("DAGSTER_COMPUTE_LOG_DIR", str(shared / "step-logs"))
        with DagsterInstance.get() as instance:
            runs = instance.get_runs()
            loads = {
                run.run_id: [
                    entry.dagster_event.event_specific_data.metadata["path"].value
                    for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.LOADED_INPUT)
                ]
                for run in runs
            }
    assert len(runs) == 3
    for run_id, paths in loads.items():
        assert len(paths) >= 3, f"run {run_id} loaded {paths}"
        strangers = [path for path in paths if f"/{run_id}/" not in path]
        assert not strangers, f"run {run_id} loaded another run's outputs: {strangers}"
    for name in WORKERS:
        text = logs[name].read_text(encoding="utf-8")
        assert text.count("succeeded in") >= 1, f"{name} ran no step:\n{text[-2000:]}"
    step_logs = [path.read_text(encoding="utf-8") for path in (shared / "step-logs").rglob("*.err")]
    assert any("STEP_START" in text for text in step_logs), "no step's log reached the shared storage"
