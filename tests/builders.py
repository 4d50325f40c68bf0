"""Shared test helpers: documents built from text, the path of the optional real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.model import Document, TextBlock

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DEV = PROJECT_ROOT.parent / "shared" / "corpus" / "dev"


def document_from_lines(*lines: str, source_file: str = "report.txt") -> Document:
    """A txt-like document, one block per line."""
    blocks = tuple(TextBlock(line, f"line {i}") for i, line in enumerate(lines, 1) if line.strip())
    return Document(source_file=source_file, content_hash="0" * 64, file_format="txt", blocks=blocks)


def table_document(*rows: list[str], before: tuple[str, ...] = ()) -> Document:
    """A document of optional paragraphs followed by one table."""
    blocks = [TextBlock(line, f"p {i}") for i, line in enumerate(before, 1)]
    blocks += [
        TextBlock(" | ".join(cells), f"table 1 row {r}", kind="table_row", cells=tuple(cells))
        for r, cells in enumerate(rows, 1)
    ]
    return Document(source_file="t.docx", content_hash="1" * 64, file_format="docx", blocks=tuple(blocks))


requires_corpus = pytest.mark.skipif(
    not CORPUS_DEV.is_dir(),
    reason=f"the real-report corpus is not here ({CORPUS_DEV}); it ships outside the repo",
)


def crash_when_reading(monkeypatch: pytest.MonkeyPatch, victim: str) -> None:
    """Make the reader of the file named `victim` kill its worker process (kill -9), as a reader
    crash or the out-of-memory killer would; in the run's own process it reads normally."""
    import os
    import signal

    import pipelines.batch.read as read_module

    real, parent = read_module.extract_file, os.getpid()

    def crashing(data: bytes, source_file: str, *args: object) -> object:
        if source_file == victim and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(data, source_file, *args)

    monkeypatch.setattr(read_module, "extract_file", crashing)
