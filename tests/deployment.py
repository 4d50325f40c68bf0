"""A deployment on this machine, as the README's deployment section describes it: a real
PostgreSQL instance, a Redis broker, a launcher and Celery workers that stand for machines. Each
machine has its own DAGSTER_HOME, working folder and temp folder, and (as root) its own mount
namespace in which the other machines' folders are hidden under empty tmpfs mounts: the machines
share only the broker, the database and the declared shared storage (reports, warehouse, extraction
cache, step hand-offs, step logs)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import yaml
from dagster import DagsterInstance

from tests.builders import PROJECT_ROOT
from tests.services import postgres_server, redis_server, stop

VENV_BIN = Path(sys.executable).parent
WORKERS = ("machine_a", "machine_b")
# As the README says: Celery must leave the steps' output alone, so that it reaches the step logs;
# a step is acknowledged when it ends, so that a step of a machine that is lost is run again.
WORKER_SETTINGS = {"worker_redirect_stdouts": False, "task_acks_late": True}


def _can_unshare() -> bool:
    """Whether this process may give a child its own mount namespace (root on Linux)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


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


@dataclass
class Deployment:
    """Worker machines and a launcher sharing PostgreSQL, Redis and the folder `shared`."""

    shared: Path
    machines: dict[str, Path]
    launcher: dict[str, str]  # the launcher's environment
    workers: dict[str, subprocess.Popen]
    logs: dict[str, Path]

    @property
    def reports(self) -> Path:
        return self.shared / "reports"

    @property
    def warehouse(self) -> Path:
        return self.shared / "warehouse" / "reports.duckdb"

    def run_command(self) -> list[str]:
        return [
            str(VENV_BIN / "dagster"), "job", "execute", "-m", "pipelines.definitions",
            "-j", "reports_to_warehouse_distributed",
        ]  # fmt: skip

    @contextlib.contextmanager
    def instance(self) -> Iterator[DagsterInstance]:
        """The launcher's Dagster instance (the run and event-log storage every machine writes)."""
        names = [
            "DAGSTER_HOME",
            "DAGSTER_COMPUTE_LOG_DIR",
            *(k for k in self.launcher if k.startswith("DAGSTER_PG")),
        ]
        environment = {name: self.launcher[name] for name in names}
        with mock.patch.dict(os.environ, environment), DagsterInstance.get() as instance:
            yield instance


@contextlib.contextmanager
def deployment(
    tmp_path: Path,
    celery_settings: dict,
    settings: dict[str, str] | None = None,
    cores: dict[str, int] | None = None,
) -> Iterator[Deployment]:
    """PostgreSQL, Redis and Celery workers with `celery_settings` (worker.yaml's config_source) and
    the pipeline's `settings` on every machine: a worker per machine of WORKERS, or of `cores`, each
    bound to its core; the workers are stopped on the way out."""
    shared = tmp_path / "shared"
    (shared / "reports").mkdir(parents=True)
    machines = {name: tmp_path / name for name in ("launcher", *WORKERS)}
    for folder in machines.values():
        for sub in ("home", "work", "tmp"):
            (folder / sub).mkdir(parents=True)
        shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", folder / "home" / "dagster.yaml")
    unshare = _can_unshare()

    with redis_server() as redis, postgres_server() as postgres:
        broker, backend = f"{redis}/0", f"{redis}/1"
        worker_yaml = shared / "worker.yaml"
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
            **os.environ, **postgres.environment(), **(settings or {}),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
            "REPORTS_DIR": str(shared / "reports"), "WAREHOUSE_PATH": str(shared / "warehouse" / "reports.duckdb"),
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
        workers, logs = {}, {}
        try:
            for name in cores or WORKERS:
                hidden = [machines[other] for other in machines if other != name]
                logs[name] = tmp_path / f"{name}.log"
                bound = ["taskset", "-c", str(cores[name])] if cores else []
                with logs[name].open("w") as log:
                    workers[name] = subprocess.Popen(
                        [*bound, *_worker_command(worker_yaml, name, hidden, unshare)],
                        cwd=machines[name] / "work",
                        env=machine_env(name),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
            yield Deployment(shared, machines, launcher, workers, logs)
        finally:
            for worker in workers.values():
                stop(worker)
