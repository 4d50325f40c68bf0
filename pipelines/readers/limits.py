"""A reading process's address space: what it holds, its limit, and the OCR's allowance above it."""

from __future__ import annotations

import contextlib
import os
import resource
from collections.abc import Iterator

# What recognising one page may take above what the process then holds, in bytes (None: no limit).
# Set with the process's limit by `limit_address_space`; per process, like the limit itself.
_ocr_room: int | None = None


def held_memory() -> int:
    """The address space this process holds now, in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def limit_address_space(room: int, ocr_room: int | None = None) -> None:
    """Let this process take at most `room` more bytes of address space than it holds now
    (RLIMIT_AS's soft limit: beyond it an allocation fails, as a MemoryError in Python code, as
    std::bad_alloc or the like in native code), and while a page is recognised `ocr_room` bytes
    above what it holds then (`ocr_allowance`). The hard limit is left as it is, so that the
    allowance can always be granted above whatever the process holds by then."""
    global _ocr_room
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = held_memory() + room
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _ocr_room = ocr_room


@contextlib.contextmanager
def ocr_allowance() -> Iterator[None]:
    """While a page is recognised, let the process take the OCR's room above what it holds now
    (READ_MAX_OCR_MEMORY_MB, not READ_MAX_MEMORY_MB: the models' memory, whatever the file; set by
    `limit_address_space`). Measured from what the process holds at each page, not once at its
    start: the models, once loaded, and what the allocator keeps stay held, and a fixed ceiling
    left later pages less and less room until every one failed. Afterwards the file has the room
    it had before, above what the process then holds. Where no limit is set (the run's own
    process) nothing changes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or _ocr_room is None:
        yield
        return
    held = held_memory()
    room = max(soft - held, 0)
    ceiling = held + max(_ocr_room, room)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        after = held_memory() + room
        if hard != resource.RLIM_INFINITY:
            after = min(after, hard)
        resource.setrlimit(resource.RLIMIT_AS, (after, hard))
