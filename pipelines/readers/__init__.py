"""File readers: report files (.txt, .docx, .pdf, .doc, .wps, spreadsheets, saved web pages) into
Documents. Pure functions, no Dagster (.doc and .wps are converted by LibreOffice: `pipelines.readers.doc`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits
from pipelines.readers.doc import read_doc, read_wps
from pipelines.readers.docx import read_docx
from pipelines.readers.html import read_html
from pipelines.readers.pdf import read_pdf
from pipelines.readers.sheet import read_sheet
from pipelines.readers.text import read_txt

_READERS: dict[str, Callable[[bytes, str, str, ReadLimits], Document]] = {
    ".txt": read_txt,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".doc": read_doc,
    ".wps": read_wps,
    ".xlsx": read_sheet,
    ".xls": read_sheet,
    ".et": read_sheet,
    ".html": read_html,
    ".htm": read_html,
}
SUPPORTED_SUFFIXES = frozenset(_READERS)

__all__ = ["SUPPORTED_SUFFIXES", "read_bytes", "read_document"]


def read_document(path: Path, root: Path, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    """Read the report at `path`; `source_file` is its path relative to `root`, with forward slashes.

    Raises ReadError with the reason when the file cannot be read as a report (OSError propagates).
    """
    if path.suffix.lower() not in _READERS:
        raise ReadError(f"unsupported file type: {path.suffix.lower() or '(none)'}")
    data = path.read_bytes()
    return read_bytes(data, path.relative_to(root).as_posix(), hashlib.sha256(data).hexdigest(), limits)


def read_bytes(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Document:
    """Read a report's bytes; the reader is chosen by the extension of `source_file`."""
    suffix = Path(source_file).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise ReadError(f"unsupported file type: {suffix or '(none)'}")
    if len(data) > limits.max_file_bytes:
        raise ReadError(
            f"file too large ({_megabytes(len(data))} > {limits.max_file_mb:g} MB, READ_MAX_FILE_MB)"
        )
    return reader(data, source_file, content_hash, limits)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
