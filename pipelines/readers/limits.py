"""A reading process's address space: what it holds, and the OCR's allowance above its limit."""

from __future__ import annotations

import contextlib
import os
import resource
from collections.abc import Iterator


def held_memory() -> int:
    """The address space this process holds now, in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


@contextlib.contextmanager
def ocr_allowance() -> Iterator[None]:
    """Raise the soft address-space limit to the hard one while a page is recognised (a reading
    worker's hard limit is READ_MAX_OCR_MEMORY_MB, its soft one READ_MAX_MEMORY_MB:
    `pipelines.batch.pool.limit_memory`); afterwards the file has the room it had before, above
    what the process then holds (the OCR engine, loaded once, is not the file's cost). Where no
    limit is set (the run's own process) nothing changes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft == hard:
        yield
        return
    room = max(soft - held_memory(), 0)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (min(held_memory() + room, hard), hard))
