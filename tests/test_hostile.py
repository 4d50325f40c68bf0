"""Hostile input, generated here, in one folder with good reports: the run succeeds, every hostile
entry has a row saying why (v_rejected, or a flag in v_warnings), and every good report is loaded."""

from __future__ import annotations

import codecs
import io
import json
import os
import shutil
import signal
import time
import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

import pipelines.batch.read as read_module
from pipelines.batch import scan_reports
from pipelines.readers.doc import OLE2
from tests.test_doc import HANGING, alive
from tests.test_ocr import blank_scans
from tests.test_pipeline import SAMPLES, query, run_pipeline
from tests.test_readers import LONG_PARAGRAPH, docx_bytes, report_pdf
from tests.test_readers_sheets_pages import xlsx_bytes
from tools.memory import pdf_bomb
from tools.truth import fact_differences

pytestmark = pytest.mark.slow  # a run over hostile files with memory limits (make test-slow)

TRUTH = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))["documents"]
GOOD = {  # the scanned sample would outlast the 2 s read limit of this run
    form: next(p for p, doc in sorted(TRUTH.items()) if doc["format"] == form and not doc.get("scanned"))
    for form in ("txt", "docx", "pdf")
}
COPIED = next(p for p, doc in sorted(TRUTH.items()) if doc["format"] == "txt" and p != GOOD["txt"])
LONG_NAME = "a report saved under a very long name " + "x" * 200 + ".docx"
REPORT_TEXT = "{name}{year}年度部门整体支出绩效自评报告\n全年整体支出{spent}万元，其中基本支出60.00万元。\n"
GIB = 1 << 30


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=StandardEncryption("user", ownerPassword="owner"))
    page.drawString(100, 700, "report 2021")
    page.save()
    return buffer.getvalue()


def _cid_pdf() -> bytes:
    data = report_pdf([LONG_PARAGRAPH])
    data = data.replace(b"/Encoding /UniGB-UCS2-H", b"/Encoding /Identity-H  ")
    return data.replace(b"/Ordering (GB1)", b"/Ordering (XXX)")


def _docx_bomb(path: Path, inflated: int) -> None:
    """A real .docx whose document.xml inflates to `inflated` bytes (blank space inside the body)."""
    source = docx.Document()
    source.add_paragraph("长沙市图书馆2022年度部门整体支出绩效自评报告")
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes(source))) as original,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as bomb,
    ):
        for info in original.infolist():
            data = original.read(info)
            if info.filename != "word/document.xml":
                bomb.writestr(info, data)
                continue
            head, tail = data.split(b"<w:body>", 1)
            with bomb.open("word/document.xml", "w", force_zip64=True) as out:
                out.write(head + b"<w:body>")
                chunk = b" " * (1 << 20)
                for _ in range(inflated // len(chunk)):
                    out.write(chunk)
                out.write(tail)


def _xlsx_bomb(path: Path, inflated: int) -> None:
    """A real .xlsx whose sheet XML inflates to `inflated` bytes (blank space inside its rows)."""
    source = xlsx_bytes({"自评表": [["长沙市图书馆2022年度项目支出绩效自评表"]]})
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as bomb,
    ):
        for info in original.infolist():
            data = original.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with bomb.open(info.filename, "w", force_zip64=True) as out:
                out.write(head + b"<sheetData>")
                chunk = b" " * (1 << 20)
                for _ in range(inflated // len(chunk)):
                    out.write(chunk)
                out.write(tail)


ONLY_SCRIPTS = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><script src='/js/app.js'></script></head><body>"
    "<nav class='menu'><a href='/'>首页</a> <a href='/zwgk/'>政务公开</a></nav><div id='app'></div>"
    "<script>window.__DATA__ = {report: '长沙市图书馆2022年度部门整体支出绩效自评报告'};</script>"
    "<div class='footer'>版权所有</div></body></html>"
)
BIG5_PAGE = (
    "<html><body><p>"
    + "長沙市圖書館2022年度部門整體支出績效自評報告，全年整體支出三百萬元。" * 20
    + "</p></body></html>"
)


def _empty_docx() -> bytes:
    source = docx.Document()
    source.add_paragraph("")
    return docx_bytes(source)


# name -> (bytes or a writer, what v_rejected says (stage, reason starts with)); None: see other tests
HOSTILE: dict[str, tuple[object, tuple[str, str]]] = {
    "zero bytes.txt": (b"", ("read", "empty file")),
    "binary.txt": (bytes(range(256)) * 64, ("read", "binary content")),
    "big5.txt": ("長沙市圖書館2022年度部門整體支出績效自評報告，全年整體支出三百萬元。".encode("big5") * 20, ("read", "text does not look like Chinese")),
    "utf16 no bom.txt": (REPORT_TEXT.format(name="长沙市图书馆", year=2022, spent="300.00").encode("utf-16-le"), ("read", "binary content (NUL bytes")),
    "truncated.pdf": (lambda: report_pdf([LONG_PARAGRAPH])[:-600], ("read", "truncated PDF")),
    "encrypted.pdf": (_encrypted_pdf, ("read", "encrypted PDF")),
    "scanned.pdf": (lambda: blank_scans(1), ("read", "no text found by OCR (image-only PDF)")),
    "500 blank scans.pdf": (lambda: blank_scans(500), ("read", "more than 60 pages without a text layer to OCR (READ_MAX_OCR_PAGES)")),
    "cid glyphs.pdf": (_cid_pdf, ("read", "text layer has no Unicode mapping")),
    "not a zip.docx": (b"PK\x03\x04 this is not a zip archive", ("read", "not a valid .docx")),
    "no text.docx": (_empty_docx, ("read", "no text in document")),
    "not ole.doc": ("长沙市图书馆2022年度部门整体支出绩效自评报告\n".encode(), ("read", "not a Word file (.doc without the OLE2 signature")),
    "conversion hangs.doc": (OLE2 + bytes(504), ("read", "took longer than 2 s to read (READ_TIMEOUT_SECONDS)")),
    "bomb.docx": (lambda path: _docx_bomb(path, 2 * GIB), ("read", "unzips to 2048.8 MB (> 200 MB")),
    "huge.txt": (lambda path: _write_huge(path, 100 * 1024 * 1024), ("read", "file too large (100.0 MB > 50 MB")),
    "notes.md": ("# 会议记录\n".encode(), ("read", "unsupported file type: .md")),
    "not a zip.xlsx": (b"PK\x03\x04 this workbook is not a zip archive", ("read", "not a valid spreadsheet")),
    "bomb.xlsx": (lambda path: _xlsx_bomb(path, 2 * GIB), ("read", "unzips to 2048.0 MB (> 200 MB")),
    "only scripts.html": (ONLY_SCRIPTS.encode(), ("read", "no report text in the web page")),
    "big5 page.html": (BIG5_PAGE.encode("big5"), ("read", "text does not look like Chinese")),
    "no extension": (b"some bytes", ("read", "unsupported file type: (none)")),
    "loop": (lambda path: path.symlink_to(path.parent, target_is_directory=True), ("read", "symbolic link, not followed")),
    "pipe.txt": (lambda path: os.mkfifo(path), ("read", "not a regular file")),
    "随笔.txt": ("春天来了，公园里的花都开了，我们一起去散步，心情很好。\n".encode() * 5, ("extract", "no indicator figures found")),
    "crash.txt": (REPORT_TEXT.format(name="浏阳市图书馆", year=2022, spent="310.00").encode(), ("read", "the reading process died")),
    "slow.txt": (REPORT_TEXT.format(name="醴陵市图书馆", year=2022, spent="320.00").encode(), ("read", "took longer than 2 s to read (READ_TIMEOUT_SECONDS)")),
}  # fmt: skip
# Good reports under hostile names, and documents that load with a flag.
RENAMED = {"txt": "长沙 市 图书馆 2022 年度 自评报告.txt", "docx": LONG_NAME, "pdf": "报告 (最终版) ＃1.pdf"}
FLAGGED = {
    "星光社区图书馆.txt": (REPORT_TEXT.format(name="星光社区图书馆", year=2022, spent="340.00"), "region_resolved"),
    "湘乡市图书馆 first.txt": (REPORT_TEXT.format(name="湘乡市图书馆", year=2022, spent="350.00"), "consistent_across_documents"),
    "湘乡市图书馆 revised.txt": (REPORT_TEXT.format(name="湘乡市图书馆", year=2022, spent="360.00"), "consistent_across_documents"),
    "no year.txt": ("宁乡市图书馆部门整体支出绩效自评报告\n全年整体支出330.00万元。\n", "fiscal_year_present"),
}  # fmt: skip


def _write_huge(path: Path, size: int) -> None:
    line = REPORT_TEXT.format(name="长沙市图书馆", year=2022, spent="300.00").encode()
    with path.open("wb") as out:
        for _ in range(size // len(line) + 1):
            out.write(line)


def _misbehave(real, parent: int):
    """`extract_file` that kills its process on crash.txt and hangs on slow.txt (in workers only)."""

    def extract_file(data, source_file, content_hash, limits):
        if os.getpid() != parent and source_file.endswith("crash.txt"):
            os.kill(os.getpid(), signal.SIGKILL)
        if source_file.endswith("slow.txt"):
            time.sleep(60)
        return real(data, source_file, content_hash, limits)

    return extract_file


@pytest.fixture(scope="module")
def converter_pids(tmp_path_factory) -> Path:
    """Where the converter of the run (LIBREOFFICE_PATH, one that hangs) writes its processes' ids."""
    return tmp_path_factory.mktemp("converter") / "pids"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, converter_pids: Path) -> tuple[Path, Path, object]:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (content, _) in HOSTILE.items():
        path = folder / name
        if callable(content):
            try:
                made = content(path)
            except TypeError:
                made = content()
            if isinstance(made, bytes):
                path.write_bytes(made)
        else:
            path.write_bytes(content)
    for form, name in RENAMED.items():
        shutil.copy(SAMPLES / "reports" / GOOD[form], folder / name)
    (folder / "copies").mkdir()
    shutil.copy(SAMPLES / "reports" / COPIED, folder / "copies" / "same content, second name.txt")
    shutil.copy(SAMPLES / "reports" / COPIED, folder / "same content, first name.txt")
    for name, (text, _) in FLAGGED.items():
        (folder / name).write_text(text, encoding="utf-8")
    warehouse = tmp_path_factory.mktemp("hostile_wh") / "w.duckdb"
    patch = pytest.MonkeyPatch()
    patch.setattr(read_module, "extract_file", _misbehave(read_module.extract_file, os.getpid()))
    converter = converter_pids.with_name("soffice")
    converter.write_text(HANGING.format(pids=converter_pids))
    converter.chmod(0o755)
    patch.setenv("LIBREOFFICE_PATH", str(converter))
    try:
        result = run_pipeline(folder, warehouse, parse_workers=2, timeout_seconds=2)
    finally:
        patch.undo()
    return folder, warehouse, result


def test_the_run_succeeds(hostile):
    _, _, result = hostile
    assert result.success


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_entry_is_rejected_with_its_reason(hostile, name):
    _, warehouse, _ = hostile
    stage, reason = HOSTILE[name][1]
    rows = query(warehouse, "SELECT stage, reason, detail FROM v_rejected WHERE source_file = ?", [name])
    assert len(rows) >= 1, f"{name}: no row in v_rejected"
    assert rows.iloc[0]["stage"] == stage
    assert rows.iloc[0]["reason"].startswith(reason), rows.iloc[0]["reason"]


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_documents_that_load_with_a_flag(hostile, name):
    _, warehouse, _ = hostile
    flags = query(warehouse, "SELECT rule FROM v_warnings WHERE source_file = ?", [name])
    assert FLAGGED[name][1] in set(flags["rule"])


def test_a_hanging_conversion_leaves_no_process_behind(hostile, converter_pids: Path):
    pids = [int(pid) for pid in converter_pids.read_text().split()]
    assert pids, "the converter never ran"
    assert not [pid for pid in pids if alive(pid)]


def test_every_good_report_is_loaded_whatever_its_name(hostile):
    _, warehouse, _ = hostile
    for form, name in RENAMED.items():
        facts = query(
            warehouse,
            "SELECT indicator_code, value, qualifier FROM v_indicator_values WHERE source_file = ? AND NOT is_target",
            [name],
        )
        differences = fact_differences(facts, TRUTH[GOOD[form]])
        assert not differences, (name, differences)


def test_one_content_under_two_names_is_one_document_with_both_paths(hostile):
    _, warehouse, _ = hostile
    paths = query(
        warehouse,
        "SELECT p.source_file FROM document_path p JOIN document_path q USING (document_key) WHERE q.source_file = ? ORDER BY 1",
        ["same content, first name.txt"],
    )
    assert list(paths["source_file"]) == [
        "copies/same content, second name.txt",
        "same content, first name.txt",
    ]
    documents = query(
        warehouse, "SELECT count(*) AS n FROM dim_document WHERE source_file LIKE '%same content%'"
    )
    assert documents["n"].item() == 1


def test_every_entry_in_the_folder_is_accounted_for(hostile):
    folder, warehouse, _ = hostile
    entries = {f.source_file for f in scan_reports(folder)}
    paths = set(query(warehouse, "SELECT source_file FROM document_path")["source_file"])
    assert entries == paths
    documents = query(warehouse, "SELECT source_file, status FROM v_documents")
    rejected = set(query(warehouse, "SELECT source_file FROM v_rejected")["source_file"])
    for row in documents.itertuples():
        assert row.status != "rejected" or row.source_file in rejected, row


def test_big_inputs_are_refused_without_being_read(hostile):
    folder, _, _ = hostile
    assert (folder / "huge.txt").stat().st_size >= 100 * 1024 * 1024
    with zipfile.ZipFile(folder / "bomb.docx") as bomb:
        assert sum(i.file_size for i in bomb.infolist()) > 2 * GIB
    assert (folder / "bomb.docx").stat().st_size < 20 * 1024 * 1024
    with zipfile.ZipFile(folder / "bomb.xlsx") as bomb:
        assert sum(i.file_size for i in bomb.infolist()) > 2 * GIB
    assert (folder / "bomb.xlsx").stat().st_size < 20 * 1024 * 1024


def test_a_file_that_needs_more_memory_is_rejected_and_the_run_goes_on(tmp_path):
    """A 1 MB PDF whose content stream inflates to 1 GiB, read by workers that may take 256 MB:
    rejected with the limit named, the other files loaded (BENCHMARKS.md, Memory per file: the
    run's peak memory with the default limit)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    pdf_bomb(folder / "bomb.pdf", GIB)
    assert (folder / "bomb.pdf").stat().st_size < 2 * 1024 * 1024
    good = [GOOD["txt"], next(p for p, doc in sorted(TRUTH.items()) if doc["format"] == "xlsx")]
    for relative in good:
        shutil.copy(SAMPLES / "reports" / relative, folder / Path(relative).name)
    warehouse = tmp_path / "w.duckdb"
    result = run_pipeline(folder, warehouse, parse_workers=2, max_memory_mb=256)
    assert result.success
    rejected = query(warehouse, "SELECT source_file, reason FROM v_rejected")
    assert rejected.values.tolist() == [
        ["bomb.pdf", "needs more than 256 MB of memory to read (READ_MAX_MEMORY_MB)"]
    ]
    for relative in good:
        facts = query(
            warehouse,
            "SELECT indicator_code, value, qualifier FROM v_indicator_values WHERE source_file = ? AND NOT is_target",
            [Path(relative).name],
        )
        assert not fact_differences(facts, TRUTH[relative]), relative


def test_utf16_and_big5_samples_are_what_they_claim():
    assert not HOSTILE["utf16 no bom.txt"][0].startswith(codecs.BOM_UTF16_LE)  # type: ignore[union-attr]
    assert HOSTILE["big5.txt"][0].decode("big5").startswith("長沙市圖書館")  # type: ignore[union-attr]
