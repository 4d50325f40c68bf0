"""Extract: read each file and extract its identity and figures (in parallel, cached by content).

A graph of steps: plan the shards of the files to read, read each shard (any Celery worker of the
distributed job takes any shard; on one machine they run one after another, each with its pool of
reader processes), collect the tables. The result equals one step reading every file."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import (
    Config,
    DynamicOut,
    DynamicOutput,
    MetadataValue,
    OpExecutionContext,
    Out,
    Output,
    graph_asset,
    op,
)

from pipelines.batch import Extraction, Progress, ReportFile
from pipelines.batch.incremental import collect_extraction, plan_extraction, read_shard
from pipelines.batch.shards import ExtractBatch, ExtractPlan, Shard, ShardProgress
from pipelines.defs.resources import ExtractCacheFolder, ReportsFolder, WarehouseFile, fail_on
from pipelines.settings import check_folder

_progress: list[ShardProgress] = []  # set by the command line around its in-process run; else empty


@contextmanager
def reading_progress(progress: Progress) -> Iterator[None]:
    """Within this block, extracted_facts tells `progress` (files done, files) as it reads (runs in
    this process only: the command line's; a run from the UI or the daemon reports nothing)."""
    told = ShardProgress(progress)
    _progress.append(told)
    try:
        yield
    finally:
        _progress.remove(told)


@op(
    out={"plan": Out(ExtractPlan), "shards": DynamicOut(Shard)},
    description="The files to read (not those of unchanged or cached content), in PARSE_SHARDS shards.",
)
def plan_shards(
    reports: ReportsFolder,
    extract_cache: ExtractCacheFolder,
    report_files: list[ReportFile],
) -> Iterator[Output | DynamicOutput]:
    fail_on(check_folder("EXTRACT_CACHE_DIR", extract_cache.path))
    plan = plan_extraction(
        reports.root, report_files, extract_cache.root, reports.limits, reports.parse_shards
    )
    if _progress:
        _progress[-1].planned(plan)
    sizes = {shard.name: len(shard.files) for shard in plan.shards}
    metadata = {"files": len(plan.files), "to_read": sum(sizes.values()), "shards": MetadataValue.json(sizes)}
    yield Output(plan, "plan", metadata=metadata)
    for shard in plan.shards:
        yield DynamicOutput(shard, shard.name, "shards")


@op(description="One shard's files read and extracted (each outcome also kept in the per-file cache).")
def parse_shard(reports: ReportsFolder, extract_cache: ExtractCacheFolder, shard: Shard) -> ExtractBatch:
    progress = _progress[-1].shard(shard.index) if _progress else None
    return read_shard(
        reports.root, shard, reports.parse_workers or None, extract_cache.root, reports.limits, progress
    )


class CollectConfig(Config):
    """`always`: validate, load and report even when nothing changed (the command line's --force)."""

    always: bool = False


@op(
    out=Out(Extraction, is_required=False),
    description=(
        "The batch's tables from the plan and every shard's outcomes; none when the published warehouse "
        "and its report are what they would give (nothing changed: the later steps are skipped)."
    ),
)
def collect_shards(
    context: OpExecutionContext,
    config: CollectConfig,
    reports: ReportsFolder,
    extract_cache: ExtractCacheFolder,
    warehouse: WarehouseFile,
    plan: ExtractPlan,
    batches: list[ExtractBatch],
) -> Iterator[Output]:
    if plan.remembered and not config.always and _published(plan.remembered, warehouse.file):
        context.log.info(
            f"Nothing changed: {warehouse.file} and its report were built from these {len(plan.files)} "
            "files with this code; validation, load and report are skipped."
        )
        return
    extraction = collect_extraction(
        reports.root, plan, batches, reports.parse_workers or None, extract_cache.root, reports.limits
    )
    rejected = extraction.rejections
    yield Output(
        extraction,
        metadata={
            "files": len(extraction.paths),
            "parsed": extraction.parsed,
            "from_cache": len(extraction.paths) - extraction.parsed,
            "shards": len(batches),
            "documents": len(extraction.documents),
            "facts": len(extraction.facts),
            "indicator_rows": len(extraction.indicators),
            "rejected_files": len(rejected),
            "rejections": MetadataValue.md(
                "\n".join(f"- `{r.source_file}`: {r.reason}" for r in rejected) or "none"
            ),
        },
    )


def _published(extraction_key: str, warehouse: Path) -> bool:
    """Whether the published warehouse and its report are what the batch of `extraction_key` gives."""
    from pipelines.defs.assets.report import report_is_current
    from pipelines.freshness import batch_is_published

    return batch_is_published(extraction_key, warehouse) and report_is_current(warehouse)


@graph_asset(
    group_name="extraction",
    description=(
        "Per file: text and tables read, identity and facts extracted (unchanged content comes from "
        "the cache), in shards any worker reads; documents, paths, facts and performance-indicator "
        "rows as tables, with provenance."
    ),
)
def extracted_facts(report_files: list[ReportFile]) -> Extraction:
    plan, shards = plan_shards(report_files)
    return collect_shards(plan, shards.map(parse_shard).collect())
