"""The same pipeline on the Celery executor: a Redis broker on 127.0.0.1 and a worker process of its
own run every step, and the warehouse equals the one the default executor builds."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders import PROJECT_ROOT
from tests.test_pipeline import SAMPLES, query, run_pipeline

VENV_BIN = Path(sys.executable).parent
COMPARED = [
    "SELECT * EXCLUDE (snippet) FROM v_indicator_values ORDER BY ALL",
    "SELECT * FROM v_province_rollup ORDER BY ALL",
    "SELECT * FROM v_rejected ORDER BY ALL",
]

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="redis-server is not installed (Debian package redis-server; .ci/run installs it)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture
def reports(tmp_path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in sorted((SAMPLES / "reports").rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".pdf", ".docx") and "bad" not in path.parts:
            shutil.copy(path, folder / path.name)
            if len(list(folder.iterdir())) == 4:
                break
    return folder


def test_celery_workers_build_the_same_warehouse(reports, tmp_path):
    port = free_port()
    broker, backend = f"redis://127.0.0.1:{port}/0", f"redis://127.0.0.1:{port}/1"
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    worker_yaml = tmp_path / "worker.yaml"
    worker_yaml.write_text(
        f"execution:\n  config:\n    broker: {broker}\n    backend: {backend}\n", encoding="utf-8"
    )
    warehouse = tmp_path / "celery.duckdb"
    env = {
        **os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "DAGSTER_HOME": str(home),
        "REPORTS_DIR": str(reports), "WAREHOUSE_PATH": str(warehouse), "EXTRACT_CACHE_DIR": "",
        "CELERY_BROKER_URL": broker, "CELERY_BACKEND_URL": backend,
    }  # fmt: skip
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    # Create the instance's SQLite storage once, before two processes would race to create it.
    subprocess.run(
        [str(VENV_BIN / "dagster"), "instance", "migrate"], cwd=home, env=env, check=True, capture_output=True
    )
    worker_log = tmp_path / "worker.log"
    worker = None
    try:
        wait_for_port(port)
        with worker_log.open("w") as log:
            worker = subprocess.Popen(
                [str(VENV_BIN / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app", "-y", str(worker_yaml), "--", "--concurrency=1"],
                cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        run = subprocess.run(
            [str(VENV_BIN / "dagster"), "job", "execute", "-m", "pipelines.definitions", "-j", "reports_to_warehouse_distributed"],
            cwd=home, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    finally:
        if worker is not None:
            stop(worker)
        stop(redis)
    steps_on_worker = worker_log.read_text(encoding="utf-8").count("Task execute_plan")
    assert steps_on_worker >= 5, worker_log.read_text(encoding="utf-8")[-2000:]
    reference = tmp_path / "default.duckdb"
    assert run_pipeline(reports, reference).success
    for sql in COMPARED:
        assert query(warehouse, sql).equals(query(reference, sql)), sql
    assert len(query(warehouse, COMPARED[0])) > 20
