"""The Dagster code location: every asset, check, job, sensor, schedule and resource of the pipeline.

Tests and tools import `defs` (and `ASSETS`, the assets and checks to materialize) rather than
rebuilding the asset list.
"""

from typing import Any

from dagster import (
    DagsterInstance,
    Definitions,
    JobDefinition,
    JobExecutionResult,
    execute_job,
    load_asset_checks_from_modules,
    load_assets_from_modules,
    reconstructable,
)

from pipelines.defs.assets import extraction, report, reports, validation, warehouse
from pipelines.defs.automation import handoff_cleanup, inbox_sensor, nightly_schedule
from pipelines.defs.jobs import distributed_job, reports_job
from pipelines.defs.resources import resources_from_environment

STAGES = [reports, extraction, validation, warehouse, report]
ASSETS = [*load_assets_from_modules(STAGES), *load_asset_checks_from_modules(STAGES)]

defs = Definitions(
    assets=load_assets_from_modules(STAGES),
    asset_checks=load_asset_checks_from_modules(STAGES),
    jobs=[reports_job, distributed_job],
    sensors=[inbox_sensor(), handoff_cleanup],
    schedules=[nightly_schedule()],
    resources=resources_from_environment(),
)


def one_machine_job() -> JobDefinition:
    """The job reports_to_warehouse of this code location (a module-level target `reconstructable`
    can name)."""
    return defs.resolve_job_def(reports_job.name)


def run_in_this_process(instance: DagsterInstance, run_config: dict[str, Any]) -> JobExecutionResult:
    """Run reports_to_warehouse in this process (its executor is in-process) as a run of `instance`.
    Unlike `execute_in_process`, no step output is kept for the result: each is released once the
    steps that read it are done, so the run holds only what its current step needs."""
    return execute_job(reconstructable(one_machine_job), instance, run_config=run_config)
