"""The extraction in shards: a stable split of the files to read, the plan leaving out what needs no
reading, progress over shards read in any order, and the graph-backed asset extracted_facts giving
exactly what one step reading every file gives (first run, a file added, nothing changed)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from dagster import materialize

from pipelines.batch import Extraction, extract_reports, scan_reports
from pipelines.batch.incremental import plan_extraction
from pipelines.batch.scan import ReportFile
from pipelines.batch.shards import ExtractPlan, Shard, ShardProgress, shard_of, split_shards
from pipelines.defs.assets.extraction import extracted_facts, reading_progress
from pipelines.defs.assets.reports import report_files
from pipelines.defs.resources import (
    ExtractCacheFolder,
    ReportsFolder,
    WarehouseFile,
    resources_from_environment,
)
from pipelines.settings import check_numbers
from tests.test_pipeline import SAMPLES

SHARD_STEP = "extracted_facts.parse_shard["


def _files(*names: str) -> list[ReportFile]:
    return [ReportFile(name, 1, 1) for name in names]


def test_every_file_is_in_one_shard_that_other_files_do_not_change():
    files = _files(*(f"省/市/report {i}.txt" for i in range(40)))
    shards = split_shards(files, [f"hash{i}" for i in range(40)], 3)
    assert len(shards) == 3 and [s.index for s in shards] == [0, 1, 2]
    placed = [f for shard in shards for f in shard.files]
    assert sorted(placed, key=lambda f: f.source_file) == sorted(files, key=lambda f: f.source_file)
    for shard in shards:
        assert shard.files == sorted(shard.files, key=files.index)  # batch order within a shard
        assert shard.hashes == [f"hash{files.index(f)}" for f in shard.files]
        assert all(shard_of(f.source_file, 3) == shard.index for f in shard.files)
    alone = split_shards(files[5:6], None, 3)  # the same shard whatever else is in the batch
    assert [(s.index, s.hashes) for s in alone] == [(shard_of(files[5].source_file, 3), None)]
    assert split_shards(files, None, 1) == [Shard(0, files, None)]
    assert split_shards([], None, 4) == []


def test_the_number_of_shards_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("PARSE_SHARDS", raising=False)
    assert resources_from_environment()["reports"].parse_shards == 1
    monkeypatch.setenv("PARSE_SHARDS", "3")
    assert resources_from_environment()["reports"].parse_shards == 3
    monkeypatch.setenv("PARSE_SHARDS", "0")  # not a number of shards: the default, and a problem
    assert resources_from_environment()["reports"].parse_shards == 1
    assert [problem.setting for problem in check_numbers({"PARSE_SHARDS": "0"})] == ["PARSE_SHARDS"]


def test_progress_counts_settled_files_then_shards_in_any_order():
    calls: list[tuple[int, int]] = []
    told = ShardProgress(lambda *call: calls.append(call))
    plan = ExtractPlan(
        _files("a", "b", "c", "d", "e"), None, [Shard(0, _files("a", "b"), None), Shard(2, _files("d"), None)]
    )
    told.planned(plan)  # fmt: skip
    second, first = told.shard(2), told.shard(0)
    second(0, 1), first(0, 2), first(1, 2), second(1, 1), first(2, 2)
    assert calls == [(2, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    told.planned(ExtractPlan(_files("a", "b"), None, []))
    assert calls[-1] == (2, 2)  # nothing to read: every file done at once


def test_files_whose_outcome_is_cached_are_not_planned_for_reading(tmp_path):
    root, cache = tmp_path / "in", tmp_path / "cache"
    root.mkdir()
    for i in range(3):
        (root / f"r{i}.txt").write_text(
            f"长沙市图书馆2022年度部门整体支出绩效自评报告\n全年接待读者{i}人次。", "utf-8"
        )
    files = scan_reports(root)
    assert plan_extraction(root, files, cache, shards=2).settled == 0
    extract_reports(root, files, 1, cache)
    assert plan_extraction(root, files, cache, shards=2).remembered is not None
    shutil.rmtree(cache / "tables")  # the outcomes stay in the per-file cache
    plan = plan_extraction(root, files, cache, shards=2)
    assert (plan.shards, plan.remembered, plan.reused, plan.settled) == ([], None, {}, 3)
    (root / "r0.txt").write_text("长沙市图书馆2022年度部门整体支出绩效自评报告\n全年接待读者9人次。", "utf-8")
    plan = plan_extraction(root, scan_reports(root), cache, shards=2)
    assert [f.source_file for s in plan.shards for f in s.files] == ["r0.txt"] and plan.settled == 2


def _sharded(root: Path, cache: Path, shards: int) -> tuple[Extraction, dict, list[str]]:
    """extracted_facts materialized in `shards` shards: its value, its metadata, the shard steps."""
    result = materialize(
        [report_files, extracted_facts],
        resources={
            "reports": ReportsFolder(path=str(root), parse_workers=2, parse_shards=shards),
            "extract_cache": ExtractCacheFolder(path=str(cache)),
            "warehouse": WarehouseFile(path=str(cache.parent / "none.duckdb")),  # none published
        },
    )
    assert result.success
    metadata = result.asset_materializations_for_node("extracted_facts")[0].metadata
    steps = [e.step_key for e in result.get_step_success_events() if e.step_key.startswith(SHARD_STEP)]
    return result.output_for_node("extracted_facts"), {k: v.value for k, v in metadata.items()}, steps


def test_the_asset_tells_the_command_lines_progress_over_its_shards(tmp_path):
    root = tmp_path / "reports"
    root.mkdir()
    for i in range(6):
        (root / f"r{i}.txt").write_text(
            f"长沙市图书馆2022年度部门整体支出绩效自评报告\n全年接待读者{i}人次。", "utf-8"
        )
    calls: list[tuple[int, int]] = []
    with reading_progress(lambda *call: calls.append(call)):
        _, _, steps = _sharded(root, tmp_path / "cache", 3)
    assert len(steps) >= 2 and calls[-1] == (6, 6)
    assert calls == sorted(calls) and {total for _, total in calls} == {6}
    calls.clear()
    with reading_progress(lambda *call: calls.append(call)):
        _sharded(root, tmp_path / "cache", 3)
    assert calls == [(6, 6)]  # nothing changed: every file done at once


def _assert_same(got: Extraction, want: Extraction) -> None:
    for table in ("documents", "paths", "facts", "indicators"):
        assert getattr(got, table).equals(getattr(want, table)), table
    assert (got.rejections, got.key, got.parsed) == (want.rejections, want.key, want.parsed)


def test_the_sharded_extraction_equals_one_step_reading_every_file(tmp_path):
    root = tmp_path / "reports"
    shutil.copytree(SAMPLES / "reports", root)
    one_step, sharded = tmp_path / "one-step-cache", tmp_path / "sharded-cache"

    want = extract_reports(root, scan_reports(root), 2, one_step)
    got, metadata, steps = _sharded(root, sharded, 3)
    assert len(steps) == 3 and metadata["shards"] == 3
    assert metadata["parsed"] == metadata["files"] == len(want.paths) >= 25
    assert len(want.rejections) >= 2 and len(want.facts) > 300 and len(want.indicators) > 20
    _assert_same(got, want)

    added = root / "湖南省" / "新增的报告.txt"
    added.write_text("长沙市图书馆2024年度部门整体支出绩效自评报告\n全年接待读者4200人次。", encoding="utf-8")
    want = extract_reports(root, scan_reports(root), 2, one_step)
    got, metadata, steps = _sharded(root, sharded, 3)
    assert len(steps) == 1 and metadata["parsed"] == 1
    _assert_same(got, want)

    got, metadata, steps = _sharded(root, sharded, 3)  # nothing changed: no shard, the stored tables
    assert steps == [] and metadata["parsed"] == 0 and metadata["shards"] == 0
    _assert_same(got, dataclasses.replace(want, parsed=0))
