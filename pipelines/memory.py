"""Memory a finished step freed, handed back to the operating system.

Freed memory stays with the process's allocators (glibc's arenas, one per thread that allocated;
Arrow's pool behind pandas' strings) and counts in its size until reused. A run in one process
frees each step's tables when the steps that read them are done; without this, the next step's
peak adds to what the previous ones left behind."""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Give freed memory back to the operating system (Arrow's pool, then the C heap)."""
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
