"""One file's outcome: its bytes read, identity and figures extracted, within the read limits and a
time limit; any failure becomes a `Rejection` with its reason."""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.batch.scan import ReportFile, refusal
from pipelines.extract.facts import extract_content
from pipelines.extract.identity import extract_identity
from pipelines.model import (
    DEFAULT_LIMITS,
    Document,
    DocumentExtract,
    Outcome,
    ReadError,
    ReadLimits,
    Rejection,
)
from pipelines.readers import read_bytes


class ReadTimeout(BaseException):
    """Raised in a file's reader when it runs out of time (a BaseException, so that no reader's
    `except Exception` swallows it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ReadTimeout in this thread after `seconds` (the main thread only, where signals land;
    elsewhere, or for 0, no limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise ReadTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


READER_FAILURE = "unexpected reader failure"
EXTRACTOR_FAILURE = "unexpected extractor failure"

# What native code (onnxruntime, OpenCV, pdfium, calamine) says when an allocation fails under the
# worker's address-space limit, where Python code raises MemoryError.
_ALLOCATION_FAILURES = ("bad_alloc", "insufficient memory", "cannot allocate memory", "out of memory")


def ran_out_of_memory(error: BaseException) -> bool:
    """Whether `error` is an allocation failure: a MemoryError, or native code's word for one."""
    return isinstance(error, MemoryError) or any(word in str(error).lower() for word in _ALLOCATION_FAILURES)


def out_of_memory(
    source_file: str, limits: ReadLimits, content_hash: str | None = None, detail: str = ""
) -> Rejection:
    """The rejection of a file whose reading or extraction ran out of the memory it may use."""
    return Rejection(
        source_file,
        "read",
        f"needs more than {limits.max_memory_mb:g} MB of memory to read (READ_MAX_MEMORY_MB)",
        detail,
        content_hash,
    )


def _failure(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def extract_file(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Outcome:
    """Read one file's bytes and extract its identity and facts; a failure becomes a Rejection
    (running out of memory, which a worker's memory limit causes, is left to `read_file`)."""
    try:
        document = read_bytes(data, source_file, content_hash, limits)
    except MemoryError:
        raise
    except ReadError as error:
        return Rejection(source_file, "read", str(error), content_hash=content_hash)
    except Exception as error:  # a reader bug must not stop the other files
        if ran_out_of_memory(error):
            raise MemoryError(_failure(error)) from error
        return Rejection(source_file, "read", READER_FAILURE, _failure(error), content_hash)
    return extract_document(document)


def extract_document(document: Document) -> Outcome:
    """Extract the identity and facts of a document read; a failure becomes a Rejection
    (MemoryError is left to `read_file`)."""
    source_file, content_hash = document.source_file, document.content_hash
    try:
        identity = extract_identity(document)
        content = extract_content(document, report_kind=identity.report_kind)
    except MemoryError:
        raise
    except Exception as error:
        if ran_out_of_memory(error):
            raise MemoryError(_failure(error)) from error
        return Rejection(source_file, "extract", EXTRACTOR_FAILURE, _failure(error), content_hash)
    known = document.confidences()
    used = {row.source_locator for row in (*content.facts, *content.indicators)}
    return DocumentExtract(
        source_file,
        content_hash,
        document.file_format,
        document.pages,
        document.encoding,
        identity,
        content.facts,
        content.indicators,
        {locator: known[locator] for locator in sorted(used) if locator in known},
    )


@dataclass(frozen=True)
class FileRead:
    """A file's outcome; whether it may be cached (not when it ran out of time or memory, or failed
    unexpectedly: on a less busy machine, or in a fresh process, it may be read); and whether it
    may have come of the reading process's state rather than of the file (out of memory, an
    unexpected failure), so that it counts only once the file was read alone in a fresh process."""

    outcome: Outcome
    cacheable: bool
    suspect: bool = False


def read_file(root: Path, file: ReportFile, limits: ReadLimits) -> FileRead:
    """Open, read and extract one file under `root`, within the time limit (and the memory limit
    of a worker process: see `pipelines.batch.pool.limit_memory`)."""
    refused = refusal(file, limits)
    if refused:
        return FileRead(refused, False)
    try:
        data = (root / file.source_file).read_bytes()
    except OSError as error:
        return FileRead(Rejection(file.source_file, "read", "cannot open the file", str(error)), False)
    content_hash = hashlib.sha256(data).hexdigest()
    try:
        with time_limit(limits.timeout_seconds):
            outcome = extract_file(data, file.source_file, content_hash, limits)
    except ReadTimeout:
        timed_out = Rejection(
            file.source_file,
            "read",
            f"took longer than {limits.timeout_seconds:g} s to read (READ_TIMEOUT_SECONDS)",
            content_hash=content_hash,
        )
        return FileRead(timed_out, False)
    except MemoryError as error:
        return FileRead(out_of_memory(file.source_file, limits, content_hash, str(error)), False, True)
    failed = isinstance(outcome, Rejection) and outcome.reason in (READER_FAILURE, EXTRACTOR_FAILURE)
    return FileRead(outcome, not failed, failed)
