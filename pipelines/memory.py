"""Memory a finished step freed, handed back to the operating system.

Freed memory stays with the allocator that held it and counts in the process's size until reused:
Arrow's pool (behind pandas' strings, Parquet and the frames' columns) keeps what was freed. A run
in one process frees each step's tables when the steps that read them are done; without this, the
next step's peak adds to what the previous ones left behind in the pool."""

from __future__ import annotations


def release_freed_memory() -> None:
    """Give the memory Arrow's pool holds unused back to the operating system."""
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
