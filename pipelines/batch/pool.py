"""Reading a batch's files in worker processes, isolated: a file that crashes or kills its reader, or
needs more memory than a worker may take, is rejected, the others are read; outcomes already in the
cache are not read again."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

from pipelines.batch.cache import ExtractCache, cached_outcomes, content_hashes
from pipelines.batch.read import FileRead, Outcome, out_of_memory, read_file
from pipelines.batch.scan import ReportFile
from pipelines.batch.shards import ExtractBatch, Packer, Progress
from pipelines.model import DEFAULT_LIMITS, ReadLimits, Rejection
from pipelines.readers.limits import limit_address_space


class _Tally:
    """Counts outcomes as they come back to the parent process and tells `progress`."""

    def __init__(self, progress: Progress | None, done: int, total: int):
        self.progress, self.done, self.total = progress, done, total
        if progress:
            progress(done, total)

    def __call__(self) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)


def limit_memory(megabytes: float, ocr_megabytes: float | None = None) -> None:
    """Let this process take at most `megabytes` more address space than it holds now, and
    `ocr_megabytes` above what it holds while a scanned page is recognised
    (`pipelines.readers.limits`). Run in worker processes only (their initializer), never in the
    run's own process."""
    mb = 1024 * 1024
    limit_address_space(int(megabytes * mb), None if ocr_megabytes is None else int(ocr_megabytes * mb))


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Within this block, the objects this process holds are out of the garbage collector's sight
    (`gc.freeze`): reader processes forked meanwhile do not walk them in their collections, which
    would copy every page of this process's heap they sit on (a run's process holds hundreds of MB:
    Dagster, pandas, the tables). They are back in sight, collectable again, when the block ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _pool(workers: int, limits: ReadLimits) -> ProcessPoolExecutor:
    """Worker processes that may each take READ_MAX_MEMORY_MB of memory."""
    return ProcessPoolExecutor(
        max_workers=workers,
        initializer=limit_memory,
        initargs=(limits.max_memory_mb, limits.max_ocr_memory_mb),
    )


def read_and_cache(root: Path, file: ReportFile, limits: ReadLimits, cache: ExtractCache | None) -> FileRead:
    """One file read (the work a worker process does), its outcome cached where it may be."""
    read = read_file(root, file, limits)
    if cache and read.cacheable:
        cache.put(read.outcome.content_hash, read.outcome)  # type: ignore[arg-type]
    return read


def _settled(
    read: FileRead, root: Path, file: ReportFile, limits: ReadLimits, cache: ExtractCache | None
) -> Outcome:
    """A worker's outcome for `file`, or, where it may have come of the worker's state (what the
    files it read before left it holding), the outcome of reading the file alone in a fresh
    process: a file's outcome must not depend on which files shared its worker."""
    return _read_alone(root, file, limits, cache) if read.suspect else read.outcome


def _in_pool(
    pool: ProcessPoolExecutor,
    root: Path,
    files: list[ReportFile],
    workers: int,
    limits: ReadLimits,
    cache: ExtractCache | None,
) -> Iterator[FileRead]:
    """Submit every file to the pool now (workers fork at the first submit); results in order."""
    chunk = max(1, min(8, len(files) // (workers * 4)))
    n = len(files)
    return pool.map(read_and_cache, [root] * n, files, [limits] * n, [cache] * n, chunksize=chunk)


def _collect(
    parsing: Iterator[FileRead],
    root: Path,
    files: list[ReportFile],
    workers: int,
    limits: ReadLimits,
    cache: ExtractCache | None,
    tally: _Tally,
    outcomes: Packer,
) -> None:
    """Pack the pool's outcomes into `outcomes`; if a worker process dies, the files it did not
    finish are read again with few in flight, and a file that kills its process again is rejected."""
    try:
        for read in parsing:
            outcomes.add(_settled(read, root, files[len(outcomes)], limits, cache))
            tally()
    except BrokenProcessPool:
        for outcome in _read_carefully(root, files[len(outcomes) :], workers, limits, cache, tally):
            outcomes.add(outcome)


def _read_carefully(
    root: Path,
    files: list[ReportFile],
    workers: int,
    limits: ReadLimits,
    cache: ExtractCache | None,
    tally: _Tally,
) -> list[Outcome]:
    """At most `workers` files in flight, so that when a process dies the suspects are few; each
    suspect is then read alone, in a process of its own."""
    done: dict[str, Outcome] = {}
    pending = list(files)
    while pending:
        suspects: list[ReportFile] = []
        with _pool(workers, limits) as pool:
            in_flight: dict[Future[FileRead], ReportFile] = {}
            try:
                while pending or in_flight:
                    while pending and len(in_flight) < workers:
                        file = pending.pop(0)
                        in_flight[pool.submit(read_and_cache, root, file, limits, cache)] = file
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in finished:
                        file = in_flight.pop(future)
                        try:
                            done[file.source_file] = _settled(future.result(), root, file, limits, cache)
                        except BrokenProcessPool:
                            suspects.append(file)
                            raise
                        tally()
            except BrokenProcessPool:
                suspects.extend(in_flight.values())
        for file in suspects:
            done[file.source_file] = _read_alone(root, file, limits, cache)
            tally()
    return [done[file.source_file] for file in files]


def _read_alone(root: Path, file: ReportFile, limits: ReadLimits, cache: ExtractCache | None) -> Outcome:
    """Read one file in a process of its own; if that process dies, say how."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.Process(target=_alone, args=(sender, root, file, limits, cache))
    process.start()
    sender.close()
    try:
        outcome: Outcome = receiver.recv()
    except EOFError:  # the process died before it could send an outcome
        process.join()
        return _died(file, limits, process.exitcode)
    finally:
        receiver.close()
    process.join()
    return outcome


def _alone(
    sender: Connection, root: Path, file: ReportFile, limits: ReadLimits, cache: ExtractCache | None
) -> None:
    limit_memory(limits.max_memory_mb, limits.max_ocr_memory_mb)
    sender.send(read_and_cache(root, file, limits, cache).outcome)
    sender.close()


def _died(file: ReportFile, limits: ReadLimits, exitcode: int | None) -> Rejection:
    """The rejection of a file whose process died: out of memory when it died of an allocation
    failure (SIGABRT: native code such as calamine aborts when it cannot allocate), else a crash."""
    if exitcode == -signal.SIGABRT:
        memory = out_of_memory(file.source_file, limits)
        return Rejection(file.source_file, "read", memory.reason, "its reading process aborted (SIGABRT)")
    how = (
        f"killed by {signal.Signals(-exitcode).name}"
        if exitcode and exitcode < 0
        else f"exit code {exitcode}"
    )
    return Rejection(
        file.source_file,
        "read",
        f"the reading process died ({how}: a crash, or the system ran out of memory); "
        "the file was read alone to be sure",
    )


def process_files(
    root: Path,
    files: list[ReportFile],
    workers: int | None = None,
    cache_root: Path | None = None,
    hashes: list[str | None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> ExtractBatch:
    """Every file's outcome: from the cache by content hash, else read and extracted in worker
    processes (not in this one, so that a file that crashes its reader cannot stop the run; only
    a daemonic process, which may not start any, reads them itself). `progress` is told (done,
    total) by this process: once the cached outcomes are found, then as each outcome comes back."""
    found: dict[str, Outcome] = {}
    cache = ExtractCache(cache_root, limits) if cache_root else None
    if cache:
        hashes = hashes if hashes is not None else content_hashes(root, files, cache)
        found = cached_outcomes(cache, files, hashes)  # an entry that cannot be read is read again
    to_read = [f for f in files if f.source_file not in found]
    tally = _Tally(progress, len(found), len(files))
    workers = min(workers or os.cpu_count() or 1, max(1, len(to_read)))
    read = Packer()
    if to_read and multiprocessing.current_process().daemon:
        # A daemonic process (a Celery prefork worker) may not start processes: read here.
        for file in to_read:
            read.add(read_and_cache(root, file, limits, cache).outcome)
            tally()
    elif to_read:
        # Workers fork at the first submit; no thread of ours is running by then.
        with heap_frozen(), _pool(workers, limits) as pool:
            parsing = _in_pool(pool, root, to_read, workers, limits, cache)
            _collect(parsing, root, to_read, workers, limits, cache, tally, read)
    if not found:
        return read.batch(0)
    unpacked = iter(read.batch(0))
    return ExtractBatch.of((found.get(f.source_file) or next(unpacked) for f in files), len(found))
