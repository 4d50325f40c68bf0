"""LibreOffice, the one program outside Python the readers use (for .doc and .wps files): where it
is, and what identifies it in cache keys. Apart from the readers, so that finding a cached result
does not import them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SETTING = "LIBREOFFICE_PATH"


def find_converter() -> Path | None:
    """LibreOffice's `soffice`: LIBREOFFICE_PATH when set (None if nothing runnable is there), else
    `soffice` or `libreoffice` on PATH."""
    setting = os.environ.get(SETTING, "").strip()
    if setting:
        path = Path(setting).expanduser()
        return path if path.is_file() and os.access(path, os.X_OK) else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return Path(found) if found else None


def converter_identity() -> str:
    """Which converter reads .doc/.wps files, for cache keys: its real path, size and time, or "none"."""
    converter = find_converter()
    if converter is None:
        return "none"
    real = converter.resolve()
    status = real.stat()
    return f"{real}|{status.st_size}|{status.st_mtime_ns}"


def external_tools() -> str:
    """The programs outside Python the readers use, for cache keys (an outcome read without
    LibreOffice, or with another version of it, is not served once that changes)."""
    return f"libreoffice={converter_identity()}"
