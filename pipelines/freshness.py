"""Whether a run would change the published warehouse: the build key a run over the reports folder
would publish (the paths and contents of its files, the extraction code and libraries, the read
limits and the validation suites), against the one the published warehouse records. The command
line skips a run that would publish what is there, as the inbox sensor skips a tick with no new file."""

from __future__ import annotations

from pathlib import Path

from pipelines.batch.cache import ExtractCache, content_hashes
from pipelines.batch.incremental import batch_key
from pipelines.batch.scan import scan_reports
from pipelines.model import ReadLimits
from pipelines.validation import fact_rules, indicator_rules, suite_version
from pipelines.warehouse import build_key, published_build


def planned_build(reports_root: Path, cache_root: Path, limits: ReadLimits) -> str:
    """The build key a run over `reports_root` would publish (contents hashed where the cache
    does not know a file's signature; nothing is read, extracted or written)."""
    return build_key(_planned_batch(reports_root, cache_root, limits), _suites())


def _planned_batch(reports_root: Path, cache_root: Path, limits: ReadLimits) -> str:
    cache = ExtractCache(cache_root, limits)
    files = scan_reports(reports_root)
    return batch_key(files, content_hashes(reports_root, files, cache), cache)


def _suites() -> str:
    return f"{suite_version(fact_rules())}|{suite_version(indicator_rules())}"


def batch_is_published(extraction_key: str, warehouse: Path) -> bool:
    """Whether the warehouse at `warehouse` was built from the batch of `extraction_key` (its files,
    contents and extraction code) with today's suites and structure: a build would publish it again."""
    published = published_build(warehouse)
    return published is not None and build_key(extraction_key, _suites()) == published


def warehouse_is_current(
    reports_root: Path, warehouse: Path, cache_root: Path | None, limits: ReadLimits
) -> bool:
    """Whether the warehouse at `warehouse` is what a run would publish now. Without an extraction
    cache every run reads every file, so it is never known to be current."""
    if cache_root is None or not warehouse.is_file():
        return False
    return batch_is_published(_planned_batch(reports_root, cache_root, limits), warehouse)
