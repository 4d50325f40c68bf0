"""The Dagster code location: every asset, check, job and resource of the pipeline."""

from dagster import (
    AssetSelection,
    Definitions,
    define_asset_job,
    load_asset_checks_from_modules,
    load_assets_from_modules,
)

from pipelines.assets import extract, ingest, load, validate
from pipelines.resources import resources_from_environment

STAGES = [ingest, extract, validate, load]

reports_job = define_asset_job(
    "reports_to_warehouse",
    selection=AssetSelection.all(),
    description="Read every report under REPORTS_DIR, extract, validate and publish the warehouse.",
)

defs = Definitions(
    assets=load_assets_from_modules(STAGES),
    asset_checks=load_asset_checks_from_modules(STAGES),
    jobs=[reports_job],
    resources=resources_from_environment(),
)
