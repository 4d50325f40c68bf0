"""The distributed job as deployed (`tests.deployment`: PostgreSQL, Redis, two Celery workers that
stand for two machines sharing only those and the declared shared storage).

Over several runs with new files the warehouse equals the single-machine build of the same
folder, every step's inputs come from its own run, and steps ran on both machines. And when a
machine is lost (kill -9 of its worker and everything it started) while it reads a shard of the
extraction, the broker gives that step to the other machine once its visibility timeout is past
(the worker acknowledges a step when it ends, `task_acks_late`), and the warehouse again equals the
single-machine build: nothing lost, nothing counted twice."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance, EventLogEntry

from tests.deployment import WORKER_SETTINGS, WORKERS, Deployment, deployment
from tests.services import POSTGRES_MISSING, REDIS_MISSING, stop
from tests.test_pipeline import SAMPLES, query, run_pipeline
from tools.bench import corpus_specs, generate_corpus

COMPARED = [
    "SELECT * EXCLUDE (snippet) FROM v_indicator_values ORDER BY ALL",
    "SELECT * FROM v_province_rollup ORDER BY ALL",
    "SELECT * FROM v_rejected ORDER BY ALL",
    "SELECT source_file, document_key FROM document_path ORDER BY ALL",
]
SHARD_STEP = "extracted_facts.parse_shard["
VISIBILITY = 30  # seconds: longer than any step of the test's runs
LOST_CORPUS = 240  # generated reports: four shards of about 60, seconds each on one core

pytestmark = [
    pytest.mark.slow,  # PostgreSQL, Redis and two Celery workers (make test-slow)
    pytest.mark.skipif(REDIS_MISSING is not None, reason=REDIS_MISSING or ""),
    pytest.mark.skipif(POSTGRES_MISSING is not None, reason=POSTGRES_MISSING or ""),
]


def _sample_batches() -> list[list[Path]]:
    """Three growing batches of sample reports (3, then 2 and 2 more), of every file form."""
    files = sorted(
        p for p in (SAMPLES / "reports").rglob("*") if p.is_file() and p.suffix in (".txt", ".pdf", ".docx")
    )
    files = [f for f in files if "bad" not in f.relative_to(SAMPLES).parts]
    return [files[0:3], files[3:5], files[5:7]]


def _assert_as_one_machine_builds(d: Deployment, reference: Path, what: str) -> None:
    assert run_pipeline(d.reports, reference).success
    for sql in COMPARED:
        assert query(d.warehouse, sql).equals(query(reference, sql)), (
            f"{what}: the warehouse differs from the single-machine build: {sql}"
        )


def test_two_worker_machines_build_what_one_machine_builds(tmp_path):
    with deployment(tmp_path, WORKER_SETTINGS, {"PARSE_SHARDS": "4"}) as d:
        for number, batch in enumerate(_sample_batches()):
            for path in batch:
                target = d.reports / path.relative_to(SAMPLES / "reports")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
            run = subprocess.run(
                d.run_command(), cwd=d.machines["launcher"] / "work", env=d.launcher,
                capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            assert run.returncode == 0, f"run {number}: " + run.stdout[-3000:] + run.stderr[-3000:]
            _assert_as_one_machine_builds(d, tmp_path / f"single_machine_{number}.duckdb", f"run {number}")
        for worker in d.workers.values():
            stop(worker)
        with d.instance() as instance:
            runs = instance.get_runs()
            loads = {
                run.run_id: [
                    entry.dagster_event.event_specific_data.metadata["path"].value
                    for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.LOADED_INPUT)
                ]
                for run in runs
            }
            shard_steps = [
                entry.dagster_event.step_key
                for run in runs
                for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_SUCCESS)
                if entry.dagster_event.step_key.startswith(SHARD_STEP)
            ]
    assert len(runs) == 3
    assert len(shard_steps) >= 3, f"the extraction ran in too few shards: {shard_steps}"
    for run_id, paths in loads.items():
        assert len(paths) >= 3, f"run {run_id} loaded {paths}"
        strangers = [path for path in paths if f"/{run_id}/" not in path]
        assert not strangers, f"run {run_id} loaded another run's outputs: {strangers}"
    for name in WORKERS:
        text = d.logs[name].read_text(encoding="utf-8")
        assert text.count("succeeded in") >= 1, f"{name} ran no step:\n{text[-2000:]}"
    step_logs = [path.read_text(encoding="utf-8") for path in (d.shared / "step-logs").rglob("*.err")]
    assert any("STEP_START" in text for text in step_logs), "no step's log reached the shared storage"


def _worker_of(entry: EventLogEntry) -> str | None:
    """The machine an "Executing steps ... in celery worker" engine event names, if it is one."""
    metadata = entry.dagster_event.event_specific_data.metadata  # type: ignore[union-attr]
    return metadata["Celery worker"].value.split("@")[0] if "Celery worker" in metadata else None


def _first_shard_running(instance: DagsterInstance, run: subprocess.Popen) -> tuple[str, str, str]:
    """(run id, shard step, machine) of the first shard step that a worker has started, as the
    event log says: the worker's "Executing steps" event and the step's STEP_START."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and run.poll() is None:
        for record in instance.get_runs():
            started = {
                e.dagster_event.step_key
                for e in instance.all_logs(record.run_id, of_type=DagsterEventType.STEP_START)
            }
            for entry in instance.all_logs(record.run_id, of_type=DagsterEventType.ENGINE_EVENT):
                step = entry.dagster_event.step_key or ""
                if step.startswith(SHARD_STEP) and step in started and _worker_of(entry):
                    return record.run_id, step, _worker_of(entry)  # type: ignore[return-value]
        time.sleep(0.05)
    raise AssertionError(f"no shard step started (run exit code {run.poll()})")


def test_a_machine_lost_mid_shard_loses_nothing_and_counts_nothing_twice(tmp_path):
    lost_after = {
        # A step a lost machine had taken goes back to the queue VISIBILITY s after it was taken.
        "broker_transport_options": {
            "visibility_timeout": VISIBILITY, "unacked_restore_interval": 1, "unacked_restore_throttle": 1,
        },
    }  # fmt: skip
    with deployment(tmp_path, {**WORKER_SETTINGS, **lost_after}, {"PARSE_SHARDS": "4"}) as d:
        generate_corpus(d.reports, corpus_specs(LOST_CORPUS), 2)
        with (tmp_path / "run.log").open("w") as log, d.instance() as instance:
            run = subprocess.Popen(
                d.run_command(), cwd=d.machines["launcher"] / "work", env=d.launcher,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            try:
                run_id, step, victim = _first_shard_running(instance, run)
                stop(d.workers[victim])  # kill -9: the machine is gone, mid-shard
                done_before = [
                    e
                    for e in instance.all_logs(run_id, of_type=DagsterEventType.STEP_SUCCESS)
                    if e.step_key == step
                ]
                returncode = run.wait(timeout=600)
            finally:
                stop(run)
            assert returncode == 0, (tmp_path / "run.log").read_text(encoding="utf-8")[-3000:]
            executions = [
                (e.dagster_event.step_key, _worker_of(e))
                for e in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT)
                if _worker_of(e)
            ]
            successes = [
                e.dagster_event.step_key
                for e in instance.all_logs(run_id, of_type=DagsterEventType.STEP_SUCCESS)
            ]
    assert not done_before, f"{victim} had finished {step} when it was killed: nothing was lost mid-shard"
    (survivor,) = set(WORKERS) - {victim}
    executed = [machine for key, machine in executions if key == step]
    assert executed == [victim, survivor], f"{step} ran on {executed}: not taken up again after the loss"
    again = [key for key, _ in executions if key != step and [k for k, _ in executions].count(key) > 1]
    assert not again, f"steps of the machine that stayed were run twice: {again}"
    assert successes.count(step) == 1, f"{step} succeeded {successes.count(step)} times"
    assert len(successes) == len(set(successes)), f"a step succeeded twice: {successes}"
    assert sum(s.startswith(SHARD_STEP) for s in successes) >= 2
    _assert_as_one_machine_builds(d, tmp_path / "single_machine.duckdb", "after the loss")
    assert query(d.warehouse, "SELECT count(*) AS n FROM dim_document")["n"][0] == LOST_CORPUS
