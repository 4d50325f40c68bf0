"""What a run costs before any work: the single-machine job runs its steps in the run's own process,
the distributed job keeps its Celery executor."""

from __future__ import annotations

from pipelines.definitions import defs
from pipelines.defs.jobs import distributed_job, reports_job


def test_the_single_machine_job_runs_every_step_in_the_runs_process():
    assert defs.resolve_job_def(reports_job.name).executor_def.name == "in_process"


def test_the_distributed_job_keeps_its_celery_executor():
    assert defs.resolve_job_def(distributed_job.name).executor_def.name == "celery"
