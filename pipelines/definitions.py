"""The Dagster code location: every asset, check, job, sensor, schedule and resource of the pipeline."""

from dagster import (
    Definitions,
    load_asset_checks_from_modules,
    load_assets_from_modules,
)

from pipelines.assets import extract, ingest, load, validate
from pipelines.jobs import distributed_job, reports_job
from pipelines.resources import resources_from_environment
from pipelines.sensors import handoff_cleanup, inbox_sensor, nightly_schedule

STAGES = [ingest, extract, validate, load]

defs = Definitions(
    assets=load_assets_from_modules(STAGES),
    asset_checks=load_asset_checks_from_modules(STAGES),
    jobs=[reports_job, distributed_job],
    sensors=[inbox_sensor(), handoff_cleanup],
    schedules=[nightly_schedule()],
    resources=resources_from_environment(),
)
