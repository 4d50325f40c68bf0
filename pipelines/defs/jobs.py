"""The jobs: the whole pipeline on one machine, and the same on Celery workers of many machines.

On one machine every step runs in the run's own process (the extraction has its own pool of reader
processes, so a process per step would only add start-up time); the distributed job runs each step
as a Celery task, each shard of the extraction too (PARSE_SHARDS), so that every worker reads.

The distributed job's broker and result backend come from CELERY_BROKER_URL and
CELERY_BACKEND_URL (default: Redis on 127.0.0.1:6379); its workers run
`dagster-celery worker start -A dagster_celery.app -y worker.yaml` with the same code, the same
broker settings in worker.yaml, and the shared storage of the README's deployment section.
Which job the sensor and the schedule start: AUTOMATION_JOB (default reports_to_warehouse).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from dagster import AssetSelection, define_asset_job, in_process_executor
from dagster_celery import celery_executor

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
DEFAULT_BACKEND = "redis://127.0.0.1:6379/1"

reports_job = define_asset_job(
    "reports_to_warehouse",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Read every report under REPORTS_DIR, extract, validate and publish the warehouse.",
)

distributed_job = define_asset_job(
    "reports_to_warehouse_distributed",
    selection=AssetSelection.all(),
    executor_def=celery_executor.configured(
        {
            "broker": os.getenv("CELERY_BROKER_URL", DEFAULT_BROKER),
            "backend": os.getenv("CELERY_BACKEND_URL", DEFAULT_BACKEND),
        }
    ),
    description="reports_to_warehouse with every step run as a Celery task by worker processes of any machine.",
)

JOBS = {job.name: job for job in (reports_job, distributed_job)}


def automation_job(name: str | None = None) -> UnresolvedAssetJobDefinition:
    """The job automation starts: `name`, else AUTOMATION_JOB, else reports_to_warehouse."""
    name = name or os.getenv("AUTOMATION_JOB") or reports_job.name
    if name not in JOBS:
        raise ValueError(
            f"AUTOMATION_JOB={name!r} is not a job of this code location; use one of {sorted(JOBS)}"
        )
    return JOBS[name]
