"""A batch of files as tables, reusing what earlier runs made: the last batch's tables when nothing
changed, else its rows for every content it had, with only new contents read and assembled. The
result always equals assembling every file afresh. The readers and extractors are imported only
when files are read (a rerun with nothing changed reads none)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.batch.assembly import Extraction, assemble, combine
from pipelines.batch.cache import ExtractCache, content_hashes
from pipelines.batch.keys import document_key
from pipelines.batch.scan import ReportFile
from pipelines.model import DEFAULT_LIMITS, ReadLimits

if TYPE_CHECKING:
    from pipelines.batch.pool import ExtractBatch

Progress = Callable[[int, int], None]  # (files done, files in the batch), told by the parent process


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


def extract_reports(
    root: Path,
    files: list[ReportFile],
    workers: int | None = None,
    cache_root: Path | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Extraction:
    """The batch as tables. With a cache: the last batch's tables when every path and content is
    the same; else the last batch's rows for contents it had, and new contents read (or taken
    from the per-file cache) and assembled. `progress` is told (files done, files) as outcomes
    come back, reused ones first; the last call is (len(files), len(files))."""
    cache = ExtractCache(cache_root, limits) if cache_root is not None else None
    if cache is not None:
        hashes = content_hashes(root, files, cache)
        remembered = cache.get_tables(batch_key(files, hashes, cache))
        if remembered is not None:
            if progress:
                progress(len(files), len(files))
            return remembered
    # Files are read: the readers and extractors load here, once, before the reader processes fork.
    from pipelines.batch.pool import process_files

    if cache is None:
        batch = process_files(root, files, workers, limits=limits, progress=progress)
        keys_only = ExtractCache(Path(), limits, keeps_keys=False)  # nothing written
        return _keyed(assemble(batch.outcomes), files, batch, keys_only)
    last = cache.last_tables()
    known = set(last.documents["document_key"]) if last is not None else set()
    reused = {
        f.source_file: document_key(h)
        for f, h in zip(files, hashes, strict=True)
        if h and document_key(h) in known
    }
    fresh = [f for f in files if f.source_file not in reused]
    fresh_hashes = [h for f, h in zip(files, hashes, strict=True) if f.source_file not in reused]
    counted = (lambda done, _: progress(len(reused) + done, len(files))) if progress else None
    batch = process_files(root, fresh, workers, cache_root, fresh_hashes, limits, counted)
    extraction = assemble(batch.outcomes)
    if reused:
        extraction = combine(last, reused, extraction)  # type: ignore[arg-type]
    extraction = _keyed(extraction, files, batch, cache, reused)
    outcome_hashes = {o.source_file: o.content_hash for o in batch.outcomes}
    cache.remember_hashes(
        files, [outcome_hashes.get(f.source_file, h) for f, h in zip(files, hashes, strict=True)]
    )
    cache.put_tables(extraction.key, extraction)  # type: ignore[arg-type]
    return extraction


def _keyed(
    extraction: Extraction,
    files: list[ReportFile],
    batch: ExtractBatch,
    cache: ExtractCache,
    reused: dict[str, str] | None = None,
) -> Extraction:
    """The extraction with its batch key and the count of files read by this run."""
    hashes = {o.source_file: o.content_hash for o in batch.outcomes}
    content = dict(
        zip(extraction.documents["document_key"], extraction.documents["content_hash"], strict=True)
    )
    reused = reused or {}
    return dataclasses.replace(
        extraction,
        parsed=len(batch.outcomes) - batch.from_cache,
        key=batch_key(
            files,
            [
                hashes[f.source_file] if f.source_file in hashes else content[reused[f.source_file]]
                for f in files
            ],
            cache,
        ),
    )
