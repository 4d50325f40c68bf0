"""The same job on a multi-machine executor: each step is a Celery task that any worker can take.

Broker and result backend come from CELERY_BROKER_URL and CELERY_BACKEND_URL (default: Redis on
127.0.0.1:6379). Workers run `dagster-celery worker start -A dagster_celery.app -y worker.yaml`
against the same Dagster instance (DAGSTER_HOME) and the same code.
"""

import os

from dagster import AssetSelection, define_asset_job
from dagster_celery import celery_executor

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
DEFAULT_BACKEND = "redis://127.0.0.1:6379/1"

distributed_job = define_asset_job(
    "reports_to_warehouse_distributed",
    selection=AssetSelection.all(),
    executor_def=celery_executor.configured(
        {
            "broker": os.getenv("CELERY_BROKER_URL", DEFAULT_BROKER),
            "backend": os.getenv("CELERY_BACKEND_URL", DEFAULT_BACKEND),
        }
    ),
    description="reports_to_warehouse with every step run as a Celery task by separate worker processes.",
)
