"""A batch of files as tables, reusing what earlier runs made: the last batch's tables when nothing
changed, else its rows for every content it had, with only new contents read and assembled. The
result always equals assembling every file afresh, however the files to read are split into shards.
The readers and extractors are imported only when files are read (a rerun with nothing changed
reads none).

In three steps, which may run on different machines sharing the cache folder: `plan_extraction`
(which files need reading, in shards), `read_shard` (one shard's outcomes, each also written to the
per-file cache), `collect_extraction` (the tables); `extract_reports` runs the three here."""

from __future__ import annotations

import dataclasses
import hashlib
import heapq
from collections.abc import Iterator
from pathlib import Path

from pipelines.batch.assembly import Extraction, assemble_in_order, combine
from pipelines.batch.cache import ExtractCache, content_hashes
from pipelines.batch.keys import document_key
from pipelines.batch.scan import ReportFile
from pipelines.batch.shards import (
    ExtractBatch,
    ExtractPlan,
    Progress,
    Shard,
    ShardProgress,
    split_shards,
)
from pipelines.model import DEFAULT_LIMITS, Outcome, ReadLimits


def _identity(file: ReportFile, content_hash: str | None) -> str:
    """What a file's outcome depends on: its content, or (not opened or unreadable) its signature."""
    return content_hash or f"{file.kind}:{file.signature}"


def batch_key(files: list[ReportFile], hashes: list[str | None], cache: ExtractCache) -> str:
    """A key of a batch's paths and contents and of what turns them into tables (the cache's
    versions)."""
    digest = hashlib.sha256(cache.version.encode())
    for file, content in zip(files, hashes, strict=True):
        digest.update(f"{file.source_file}\0{_identity(file, content)}\n".encode())
    return digest.hexdigest()


def plan_extraction(
    root: Path,
    files: list[ReportFile],
    cache_root: Path | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    shards: int = 1,
) -> ExtractPlan:
    """What the batch needs. With a cache: nothing when its tables are stored; else the last
    batch's rows for contents it had, and in `shards` shards the other files, but for those whose
    content has an outcome in the per-file cache. Without a cache: every file, in shards."""
    if cache_root is None:
        return ExtractPlan(files, None, split_shards(files, None, shards))
    cache = ExtractCache(cache_root, limits)
    hashes = content_hashes(root, files, cache)
    key = batch_key(files, hashes, cache)
    if cache.has_tables(key):
        return ExtractPlan(files, hashes, [], remembered=key)
    last, known = cache.last_documents() or (None, set())
    reused = {
        f.source_file: document_key(h)
        for f, h in zip(files, hashes, strict=True)
        if h and document_key(h) in known
    }
    unread = [
        i
        for i, (f, h) in enumerate(zip(files, hashes, strict=True))
        if f.source_file not in reused and not (h and cache.has(h))
    ]
    to_read = split_shards([files[i] for i in unread], [hashes[i] for i in unread], shards)
    return ExtractPlan(files, hashes, to_read, last=last if reused else None, reused=reused)


def read_shard(
    root: Path,
    shard: Shard,
    workers: int | None = None,
    cache_root: Path | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> ExtractBatch:
    """The shard's outcomes, read in worker processes (`pipelines.batch.pool`) and written to the
    per-file cache; a file whose outcome is already there (a shard read again) is not read again."""
    # Files are read: the readers and extractors load here, once, before the reader processes fork.
    from pipelines.batch.pool import process_files

    return process_files(root, shard.files, workers, cache_root, shard.hashes, limits, progress)


def collect_extraction(
    root: Path,
    plan: ExtractPlan,
    batches: list[ExtractBatch],
    workers: int | None = None,
    cache_root: Path | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Extraction:
    """The batch's tables from the plan and its shards' outcomes (any order): the stored tables,
    else the last batch's rows for `plan.reused`, the shards' outcomes and, for the other files,
    the per-file cache's (a file without a readable entry there is read here)."""
    cache = ExtractCache(cache_root, limits) if cache_root is not None else None
    if cache is not None and plan.remembered is not None:
        remembered = cache.get_tables(plan.remembered)
        if remembered is not None:
            return remembered
    last = cache.get_tables(plan.last) if cache is not None and plan.last is not None else None
    reused = plan.reused if last is not None else {}
    read = {name for batch in batches for name in batch.source_files}
    rest = [i for i, f in enumerate(plan.files) if f.source_file not in reused and f.source_file not in read]
    if rest:
        # Only here are outcomes looked up or files read: the readers and extractors load only then.
        from pipelines.batch.pool import process_files

        hashes = [plan.hashes[i] for i in rest] if plan.hashes is not None else None
        batches = [
            *batches,
            process_files(root, [plan.files[i] for i in rest], workers, cache_root, hashes, limits),
        ]
    wanted = {f.source_file for f in plan.files if f.source_file not in reused}
    outcome_hashes: dict[str, str | None] = {}

    def fresh() -> Iterator[Outcome]:  # the outcomes of `wanted`, once each, in path order
        for outcome in _in_path_order(batches):
            if outcome.source_file in wanted and outcome.source_file not in outcome_hashes:
                outcome_hashes[outcome.source_file] = outcome.content_hash
                yield outcome

    extraction = assemble_in_order(fresh())
    parsed = len(outcome_hashes) - sum(batch.from_cache for batch in batches)
    if cache is None:
        keys_only = ExtractCache(Path(), limits, keeps_keys=False)  # nothing written
        return _keyed(extraction, plan.files, outcome_hashes, parsed, keys_only)
    if reused:
        extraction = combine(last, reused, extraction)  # type: ignore[arg-type]
    extraction = _keyed(extraction, plan.files, outcome_hashes, parsed, cache, reused)
    cache.remember_hashes(
        plan.files,
        [outcome_hashes.get(f.source_file, h) for f, h in zip(plan.files, plan.hashes, strict=True)],  # type: ignore[arg-type]
    )
    cache.put_tables(extraction.key, extraction)  # type: ignore[arg-type]
    return extraction


def _in_path_order(batches: list[ExtractBatch]) -> Iterator[Outcome]:
    """The batches' outcomes by path: merged as they are unpacked when each batch is in path order
    (as shards of a scan are), else all unpacked and sorted."""
    if all(list(batch.source_files) == sorted(batch.source_files) for batch in batches):
        return heapq.merge(*batches, key=lambda o: o.source_file)
    return iter(sorted((o for batch in batches for o in batch), key=lambda o: o.source_file))


def extract_reports(
    root: Path,
    files: list[ReportFile],
    workers: int | None = None,
    cache_root: Path | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Extraction:
    """The batch as tables, planned, read as one shard and collected here. With a cache: the last
    batch's tables when every path and content is the same; else the last batch's rows for
    contents it had, and new contents read (or taken from the per-file cache) and assembled.
    `progress` is told (files done, files) as outcomes come back, reused ones first; the last call
    is (len(files), len(files))."""
    plan = plan_extraction(root, files, cache_root, limits)
    told = ShardProgress(progress) if progress else None
    if told:
        told.planned(plan)
    batches = [
        read_shard(root, shard, workers, cache_root, limits, told.shard(shard.index) if told else None)
        for shard in plan.shards
    ]
    return collect_extraction(root, plan, batches, workers, cache_root, limits)


def _keyed(
    extraction: Extraction,
    files: list[ReportFile],
    hashes: dict[str, str | None],
    parsed: int,
    cache: ExtractCache,
    reused: dict[str, str] | None = None,
) -> Extraction:
    """The extraction with its batch key and the count of files read by this run (`hashes`: the
    content hash of each file this run had an outcome of)."""
    content = dict(
        zip(extraction.documents["document_key"], extraction.documents["content_hash"], strict=True)
    )
    reused = reused or {}
    return dataclasses.replace(
        extraction,
        parsed=parsed,
        key=batch_key(
            files,
            [
                hashes[f.source_file] if f.source_file in hashes else content[reused[f.source_file]]
                for f in files
            ],
            cache,
        ),
    )
