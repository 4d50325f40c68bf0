""".doc and .wps reports, converted by LibreOffice: the same blocks as the .docx they came from, what is
refused before converting, no converter, and conversions that hang (killed, never left behind)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from pipelines.batch.read import read_file
from pipelines.batch.scan import scan_reports
from pipelines.converter import external_tools
from pipelines.extract.facts import extract_content
from pipelines.model import ReadError, ReadLimits
from pipelines.readers import read_bytes, read_document
from pipelines.readers.doc import INSTALL, OLE2
from tests.builders import PROJECT_ROOT
from tests.test_readers import CORPUS, docx_bytes

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice not installed (Debian: libreoffice-writer-nogui); .ci/run installs it",
)
HASH = "0" * 64
# A converter that never finishes: it leaves a child behind in its session and writes both pids.
HANGING = """#!/bin/sh
sleep 120 &
echo $! >> "{pids}"
echo $$ >> "{pids}"
exec sleep 120
"""


def report_docx() -> bytes:
    """A short report: title, paragraphs, an empty paragraph, a table with a merged cell."""
    source = docx.Document()
    source.add_paragraph("桃江县图书馆2021年度部门整体支出绩效自评报告")
    source.add_paragraph("")
    source.add_paragraph("全年整体支出348.99万元，其中基本支出323.62万元，项目支出25.37万元。")
    table = source.add_table(rows=3, cols=3)
    for row, texts in zip(
        table.rows, [["项目", "预算数", "执行数"], ["基本支出", "323.62", "323.62"]], strict=False
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    table.cell(2, 0).merge(table.cell(2, 1)).text = "合计"
    table.cell(2, 2).text = "348.99"
    source.add_paragraph("全馆编制人数为26人，实有在职人员24人。")
    return docx_bytes(source)


def convert(data: bytes, to: str, folder: Path) -> bytes:
    """`data` (a .docx) converted by LibreOffice to the format of the extension `to`."""
    assert SOFFICE is not None
    (folder / "in.docx").write_bytes(data)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--convert-to", to, "--outdir", str(folder / "out"), str(folder / "in.docx")],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (folder / "out" / f"in.{to}").read_bytes()


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie, dead but not yet reaped by its new parent, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def still_running(pids: list[int], within: float = 2.0) -> list[int]:
    """The processes of `pids` still running after `within` seconds (SIGKILL takes a moment to land)."""
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


@pytest.fixture
def hanging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """LIBREOFFICE_PATH set to a converter that hangs; returns the file its pids are written to."""
    pids = tmp_path / "pids"
    script = tmp_path / "soffice"
    script.write_text(HANGING.format(pids=pids))
    script.chmod(0o755)
    monkeypatch.setenv("LIBREOFFICE_PATH", str(script))
    return pids


def _started(pids: Path) -> list[int]:
    for _ in range(100):
        if pids.exists() and len(pids.read_text().split()) == 2:
            return [int(pid) for pid in pids.read_text().split()]
        time.sleep(0.05)
    raise AssertionError("the fake converter did not start")


@needs_soffice
@pytest.mark.parametrize("suffix", ["doc", "wps", "rtf"])
def test_a_converted_file_gives_the_blocks_and_facts_of_its_docx(tmp_path: Path, suffix: str) -> None:
    # LibreOffice has no WPS export: `--convert-to wps` writes a Word 97 file named .wps, which is
    # what WPS Writer's own files are too (OLE2, Word 97 records). An .rtf is read as a .doc.
    original = report_docx()
    data = convert(original, suffix, tmp_path)
    if suffix != "rtf":
        assert data.startswith(OLE2)
    name = f"r.{'doc' if suffix == 'rtf' else suffix}"
    converted, direct = read_bytes(data, name, HASH), read_bytes(original, "r.docx", HASH)
    assert converted.file_format == name[2:]
    assert converted.blocks == direct.blocks
    assert any(block.kind == "table_row" for block in converted.blocks)
    facts = extract_content(converted).facts
    assert facts and facts == extract_content(direct).facts


def test_a_docx_named_doc_is_read_as_a_docx() -> None:
    document = read_bytes(report_docx(), "r.doc", HASH)
    assert document.file_format == "docx"
    assert document.blocks == read_bytes(report_docx(), "r.docx", HASH).blocks


@pytest.mark.parametrize("suffix", ["doc", "wps"])
@pytest.mark.parametrize("data", [b"", "全年整体支出348.99万元".encode(), b"%PDF-1.7\n", OLE2[:7] + b"\x00"])
def test_what_is_not_a_word_file_is_refused_before_converting(
    suffix: str, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIBREOFFICE_PATH", "/nonexistent/soffice")  # converting would give another reason
    with pytest.raises(ReadError, match=rf"^not a Word file \(\.{suffix} without the OLE2 signature"):
        read_bytes(data, f"r.{suffix}", HASH)


def test_without_a_converter_the_reason_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIBREOFFICE_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReadError) as raised:
        read_bytes(OLE2 + bytes(504), "r.doc", HASH)
    assert str(raised.value) == f"no converter for .doc files (no soffice or libreoffice on PATH): {INSTALL}"
    assert "libreoffice=none" in external_tools()
    for nowhere in ("/nonexistent/soffice", str(tmp_path)):  # nothing there; a folder
        monkeypatch.setenv("LIBREOFFICE_PATH", nowhere)
        with pytest.raises(ReadError, match=rf"^no converter for \.wps files \(nothing runnable at LIBREOFFICE_PATH={nowhere}\): install LibreOffice \(Debian: libreoffice-writer-nogui\)"):  # fmt: skip
            read_bytes(OLE2 + bytes(504), "r.wps", HASH)


def test_the_cache_key_follows_the_converter(hanging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = external_tools()
    assert os.environ["LIBREOFFICE_PATH"] in fake
    monkeypatch.setenv("LIBREOFFICE_PATH", "/nonexistent/soffice")
    assert external_tools() != fake


@needs_soffice
def test_a_file_libreoffice_cannot_convert_is_rejected_with_its_words() -> None:
    with pytest.raises(ReadError, match=r"^LibreOffice could not convert the \.doc file: Error"):
        read_bytes(OLE2 + bytes(504), "r.doc", HASH)


def test_a_hanging_conversion_is_rejected_and_its_whole_session_killed(hanging: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ReadError, match=r"^took longer than 1 s to convert \(READ_TIMEOUT_SECONDS\)$"):
        read_bytes(OLE2 + bytes(504), "r.doc", HASH, ReadLimits(timeout_seconds=1))
    assert time.monotonic() - started < 10
    assert not still_running(_started(hanging))


def test_in_a_worker_the_read_timer_rejects_it_uncached(hanging: Path, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.doc").write_bytes(OLE2 + bytes(504))
    (file,) = scan_reports(tmp_path / "in")
    read = read_file(tmp_path / "in", file, ReadLimits(timeout_seconds=1))
    assert read.outcome.reason == "took longer than 1 s to read (READ_TIMEOUT_SECONDS)"  # type: ignore[union-attr]
    assert not read.cacheable
    assert not still_running(_started(hanging))


def test_a_converter_does_not_outlive_a_killed_reader(hanging: Path) -> None:
    reader = subprocess.Popen(
        [sys.executable, "-c", "from pipelines.model import ReadLimits\n"
         "from pipelines.readers import read_bytes\n"
         "read_bytes(b'\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1' + bytes(504), 'r.doc', '0' * 64, ReadLimits(timeout_seconds=2))"],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )  # fmt: skip
    pids = _started(hanging)
    os.kill(reader.pid, signal.SIGKILL)
    reader.wait()
    assert all(alive(pid) for pid in pids)  # the converter's own session: not killed with its reader
    # Within the limit, the margin, the grace after SIGTERM, and a busy machine's delays.
    assert not still_running(pids, within=2 + 1 + 5 + 5), "the converter outlived its deadline"


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared dev corpus not found at {CORPUS}")
@needs_soffice
@pytest.mark.parametrize("stem", ["seed_taojiang_2021", "seed_pingxiang_2020"])
def test_corpus_doc_of_a_seed_report_reads_as_its_docx(stem: str) -> None:
    converted = read_document(CORPUS / "doc" / f"{stem}.doc", CORPUS)
    assert converted.file_format == "doc"
    assert converted.blocks == read_document(CORPUS / "docx" / f"{stem}.docx", CORPUS).blocks
