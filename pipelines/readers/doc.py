"""Word 97 (.doc) and WPS (.wps) reports: converted to .docx by LibreOffice headless, then read by the
.docx reader (same blocks and locators, tables as tables).

What is converted is checked first: an OLE2 compound file (Word 97 and WPS files are) or RTF (often
saved as .doc); a .docx zip under the old name is read as the .docx it is; anything else is refused
unconverted. Each conversion runs in a private temporary folder with its own LibreOffice profile
(so that conversions at once never share one), in a session of its own, within the read's remaining
time. The whole session is killed when the conversion ends, fails or runs out of time, and the
coreutils `timeout` around it kills it at the deadline even if the reading process itself was killed.

This is the one module of the data path that starts a process (`tests/test_security.py`): a fixed
argument list, no shell, the file under a fixed name in the private folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Literal

from pipelines.converter import SETTING, find_converter
from pipelines.model import DEFAULT_LIMITS, Document, ReadError, ReadLimits
from pipelines.readers.docx import read_docx

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
RTF = b"{\\rtf"
INSTALL = "install LibreOffice (Debian: libreoffice-writer-nogui) to read .doc/.wps files"
# Past its deadline (for when the reading process was killed), `timeout` sends SIGTERM to the
# session, then SIGKILL this many seconds later.
KILL_AFTER_SECONDS = 5
# Inside a worker the read's own timer fires first (the file is rejected as out of time, not cached):
# the conversion's limit is that much later.
TIMER_MARGIN_SECONDS = 1.0

WordFormat = Literal["doc", "wps"]


def read_doc(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Document:
    """Read a .doc report (Word 97 binary or RTF converted; a .docx zip read as such)."""
    return _read_word(data, source_file, content_hash, limits, "doc")


def read_wps(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Document:
    """Read a .wps report (WPS Writer, an OLE2 file like Word 97; the same rules as .doc)."""
    return _read_word(data, source_file, content_hash, limits, "wps")


def _read_word(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits, file_format: WordFormat
) -> Document:
    if data.startswith(ZIP):
        return read_docx(data, source_file, content_hash, limits)
    if not data.startswith((OLE2, RTF)):
        raise ReadError(
            f"not a Word file (.{file_format} without the OLE2 signature of Word 97 / WPS, nor RTF or .docx)"
        )
    converted = convert_to_docx(data, file_format, limits)
    document = read_docx(converted, source_file, content_hash, limits)
    return dataclasses.replace(document, file_format=file_format)


def convert_to_docx(data: bytes, file_format: WordFormat, limits: ReadLimits = DEFAULT_LIMITS) -> bytes:
    """The .docx LibreOffice makes of a .doc/.wps file's bytes, within the read's remaining time."""
    converter = find_converter()
    if converter is None:
        setting = os.environ.get(SETTING, "").strip()
        where = f"nothing runnable at {SETTING}={setting}" if setting else "no soffice or libreoffice on PATH"
        raise ReadError(f"no converter for .{file_format} files ({where}): {INSTALL}")
    alarm = signal.getitimer(signal.ITIMER_REAL)[0]
    seconds = alarm + TIMER_MARGIN_SECONDS if alarm > 0 else limits.timeout_seconds
    with tempfile.TemporaryDirectory(prefix="pipelines-doc-") as scratch:
        folder = Path(scratch)
        source, output, log = folder / f"report.{file_format}", folder / "out", folder / "soffice.log"
        source.write_bytes(data)
        with log.open("wb") as log_file:
            try:
                process = subprocess.Popen(
                    [
                        shutil.which("timeout") or "timeout",
                        f"--kill-after={KILL_AFTER_SECONDS}s",
                        f"{seconds + TIMER_MARGIN_SECONDS:.3f}s",  # for when this process is killed
                        str(converter),
                        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                        "--headless",
                        "--norestore",
                        "--nolockcheck",
                        "--convert-to",
                        "docx",
                        "--outdir",
                        str(output),
                        str(source),
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    cwd=folder,
                    start_new_session=True,
                )
            except OSError as error:
                raise ReadError(f"cannot start the conversion with {converter}: {error}") from error
            try:
                process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                raise ReadError(
                    f"took longer than {limits.timeout_seconds:g} s to convert (READ_TIMEOUT_SECONDS)"
                ) from None
            finally:
                _kill_session(process)
        converted = output / "report.docx"
        if not converted.is_file():
            lines = log.read_text(errors="replace").splitlines()
            said = [line for line in lines if line.strip() and not line.startswith("Warning:")]
            raise ReadError(
                f"LibreOffice could not convert the .{file_format} file"
                + (f": {said[-1].strip()[:200]}" if said else f" (exit status {process.returncode})")
            )
        return converted.read_bytes()


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    """Kill every process of the converter's session (LibreOffice forks) and reap its leader."""
    with contextlib.suppress(ProcessLookupError):  # the session is already gone
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
