"""Writing so that a reader sees a whole file (or folder) or none: the one atomic-write helper of
every cache and step hand-off."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from upath import UPath

LOCAL_PROTOCOLS = ("", "file", "local")


def is_local(path: Path | UPath) -> bool:
    """A path on a local or mounted file system (where a rename is atomic)."""
    return not isinstance(path, UPath) or path.protocol in LOCAL_PROTOCOLS


def write_atomically(path: Path | UPath, data: bytes) -> None:
    """Write `data` at `path`: on a local or mounted folder under a temporary name beside it, then
    a rename; on an object store one upload (a PUT is atomic). Parent folders are made."""
    dump_atomically(path, lambda handle: handle.write(data))


def dump_atomically(path: Path | UPath, write: Callable[[BinaryIO], object]) -> None:
    """`write_atomically` of what `write` writes to the file it is given (streamed: never all in
    memory at once)."""
    if not is_local(path):
        with path.open("wb") as handle:
            write(handle)
        return
    target = Path(path.path) if isinstance(path, UPath) else path
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        with partial.open("wb") as handle:
            write(handle)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def write_folder_atomically(folder: Path, fill: Callable[[Path], None]) -> None:
    """Make `folder` whole or not at all: `fill` writes into a temporary folder beside it, which is
    then renamed. If another writer made `folder` first, its folder is kept (same name, same
    content: callers name folders by a key of what they hold)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.with_name(f".{folder.name}.{uuid.uuid4().hex}.part")
    partial.mkdir()
    try:
        fill(partial)
        try:
            os.replace(partial, folder)
        except OSError:  # the folder exists already (a concurrent writer of the same key)
            if not folder.is_dir():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
