"""The Dagster code location: every asset, check, job, sensor, schedule and resource of the pipeline."""

from dagster import (
    Definitions,
    load_asset_checks_from_modules,
    load_assets_from_modules,
)

from pipelines.assets import extract, ingest, load, validate
from pipelines.distributed import distributed_job
from pipelines.resources import resources_from_environment
from pipelines.sensors import nightly_full_check, reports_inbox_sensor, reports_job

STAGES = [ingest, extract, validate, load]

defs = Definitions(
    assets=load_assets_from_modules(STAGES),
    asset_checks=load_asset_checks_from_modules(STAGES),
    jobs=[reports_job, distributed_job],
    sensors=[reports_inbox_sensor],
    schedules=[nightly_full_check],
    resources=resources_from_environment(),
)
