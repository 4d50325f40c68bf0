"""The batch stages: scanning a folder and reading files in parallel."""

from pipelines.model import Document, Rejection
from pipelines.stages import read_reports, scan_reports
from tests.test_pipeline import SAMPLES


def test_scan_finds_every_file_at_any_depth_without_following_links(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "r.txt").write_text("x", encoding="utf-8")
    (tmp_path / "top.pdf").write_bytes(b"%PDF")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [f.source_file for f in scan_reports(tmp_path)] == ["a/b/r.txt", "top.pdf"]


def test_parallel_read_equals_serial_read():
    root = SAMPLES / "reports"
    files = scan_reports(root)
    serial = read_reports(root, files, workers=1)
    parallel = read_reports(root, files * 2, workers=2)
    assert len(files) >= 16
    assert parallel[: len(files)] == serial
    assert sum(isinstance(r, Document) for r in serial) == 16
    assert {r.source_file for r in serial if isinstance(r, Rejection)} == {
        "bad/notes.md",
        "bad/损坏的报告.txt",
    }
