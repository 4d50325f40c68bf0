"""The Dagster code location: every asset, check, job, sensor, schedule and resource of the pipeline.

Tests and tools import `defs` (and `ASSETS`, the assets and checks to materialize) rather than
rebuilding the asset list.
"""

from dagster import Definitions, load_asset_checks_from_modules, load_assets_from_modules

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
