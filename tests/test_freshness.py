"""Whether a run would change the published warehouse (`pipelines.freshness`): the build key planned
from the folder, the cache and the suites is the one a run publishes, and changes with any file,
path or read limit."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from pipelines.freshness import planned_build, warehouse_is_current
from pipelines.model import DEFAULT_LIMITS
from pipelines.warehouse import published_build
from tests.test_pipeline import SAMPLES, run_pipeline


def _sample_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in sorted((SAMPLES / "reports").rglob("*.txt"))[:2]:
        shutil.copy(path, folder / path.name)
    return folder


def test_the_planned_build_is_the_published_one_until_something_changes(tmp_path):
    reports, cache, warehouse = _sample_folder(tmp_path), tmp_path / "cache", tmp_path / "w.duckdb"
    assert not warehouse_is_current(reports, warehouse, cache, DEFAULT_LIMITS)  # nothing published
    assert run_pipeline(reports, warehouse, cache).success
    published = published_build(warehouse)
    assert published is not None
    assert planned_build(reports, cache, DEFAULT_LIMITS) == published
    assert warehouse_is_current(reports, warehouse, cache, DEFAULT_LIMITS)
    assert not warehouse_is_current(reports, warehouse, None, DEFAULT_LIMITS)  # no cache: never known

    tighter = dataclasses.replace(DEFAULT_LIMITS, max_ocr_pages=3)
    assert not warehouse_is_current(reports, warehouse, cache, tighter)

    first = sorted(reports.iterdir())[0]
    text = first.read_bytes()
    first.write_bytes(text + b"\n")  # same figures, other content
    assert not warehouse_is_current(reports, warehouse, cache, DEFAULT_LIMITS)
    first.write_bytes(text)
    assert warehouse_is_current(reports, warehouse, cache, DEFAULT_LIMITS)

    first.rename(reports / f"moved-{first.name}")  # same content, another path
    assert not warehouse_is_current(reports, warehouse, cache, DEFAULT_LIMITS)
    (reports / f"moved-{first.name}").rename(first)

    shutil.copy(first, reports / "copy.txt")  # one more file
    assert not warehouse_is_current(reports, warehouse, cache, DEFAULT_LIMITS)
    assert run_pipeline(reports, warehouse, cache).success
    assert warehouse_is_current(reports, warehouse, cache, DEFAULT_LIMITS)


def _steps(result, kind: str) -> set[str]:
    return {event.step_key for event in result.all_events if event.event_type_value == kind}


def test_a_run_that_would_publish_what_is_published_skips_validation_load_and_report(tmp_path):
    reports, cache, warehouse = _sample_folder(tmp_path), tmp_path / "cache", tmp_path / "w.duckdb"
    assert run_pipeline(reports, warehouse, cache).success
    published = warehouse.read_bytes(), warehouse.stat().st_mtime_ns
    again = run_pipeline(reports, warehouse, cache)
    assert again.success
    assert not again.asset_materializations_for_node("extracted_facts")
    assert {"validated_facts", "validated_indicators", "duckdb_warehouse", "province_report"} <= _steps(
        again, "STEP_SKIPPED"
    )
    assert (warehouse.read_bytes(), warehouse.stat().st_mtime_ns) == published  # not written again

    report = warehouse.parent / "report" / "index.html"
    report.unlink()  # the report is not what the warehouse gives: the run goes on to write it
    rebuilt = run_pipeline(reports, warehouse, cache)
    assert rebuilt.success and report.is_file()
    assert "province_report" in _steps(rebuilt, "STEP_SUCCESS")

    shutil.copy(sorted(reports.iterdir())[0], reports / "copy.txt")  # a new file: a whole run
    changed = run_pipeline(reports, warehouse, cache)
    assert changed.asset_materializations_for_node("duckdb_warehouse")
