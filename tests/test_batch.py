"""The extract stage over a batch: scanning a folder, reading files in isolated workers, the caches
and their keys, assembly and reuse of the last batch's rows."""

import contextlib
import dataclasses
import gc
import signal
from concurrent.futures import ProcessPoolExecutor

import pytest

import pipelines.batch.cache as cache_module
import pipelines.batch.pool as pool_module
import pipelines.batch.read as read_module
from pipelines.batch import extract_reports, scan_reports
from pipelines.batch.assembly import assemble
from pipelines.batch.cache import ExtractCache
from pipelines.batch.pool import process_files
from pipelines.batch.scan import ReportFile
from pipelines.model import DocumentExtract, ReadLimits, Rejection
from pipelines.readers.limits import ocr_allowance
from tests.builders import crash_when_reading
from tests.test_pipeline import SAMPLES


def test_scan_lists_every_entry_at_any_depth_without_following_links(tmp_path):
    import os

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "r.txt").write_text("x", encoding="utf-8")
    (tmp_path / "top.pdf").write_bytes(b"%PDF")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "link.txt").symlink_to(tmp_path / "a" / "b" / "r.txt")
    os.mkfifo(tmp_path / "a" / "pipe.txt")
    listed = {f.source_file: (f.kind, f.detail) for f in scan_reports(tmp_path)}
    assert listed == {
        "a/b/r.txt": ("file", None),
        "a/link.txt": ("symlink", str(tmp_path / "a" / "b" / "r.txt")),
        "a/pipe.txt": ("special", None),
        "loop": ("symlink", str(tmp_path)),
        "top.pdf": ("file", None),
    }


def test_scan_lists_a_file_under_folders_deeper_than_the_recursion_limit(tmp_path):
    import sys

    folder = tmp_path / "/".join(["d"] * 200)
    folder.mkdir(parents=True)
    (folder / "r.txt").write_text("x", encoding="utf-8")
    below, frame = 0, sys._getframe()
    while frame:
        below, frame = below + 1, frame.f_back
    # A recursion limit 100 frames above this test: 200 folders are deeper than a scan that recursed
    # once per folder could go, and shallow enough for the tests' own clean-up.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(below + 100)
    try:
        [found] = scan_reports(tmp_path)
    finally:
        sys.setrecursionlimit(limit)
    assert found.source_file == "d/" * 200 + "r.txt"


def test_parallel_extraction_equals_serial():
    root = SAMPLES / "reports"
    files = scan_reports(root)
    serial = process_files(root, files, workers=1).outcomes
    parallel = process_files(root, files * 2, workers=2).outcomes
    assert len(files) >= 25
    assert parallel[: len(files)] == serial
    assert sum(isinstance(r, DocumentExtract) for r in serial) == 23
    assert sum(len(r.indicators) for r in serial if isinstance(r, DocumentExtract)) >= 25
    assert {r.file_format for r in serial if isinstance(r, DocumentExtract)} == {
        "txt",
        "docx",
        "pdf",
        "doc",
        "xlsx",
        "html",
    }
    assert {r.source_file for r in serial if isinstance(r, Rejection)} == {
        "bad/notes.md",
        "bad/损坏的报告.txt",
    }


def test_cache_serves_unchanged_content_under_any_name(tmp_path):
    root = SAMPLES / "reports"
    files = scan_reports(root)
    first = process_files(root, files, workers=1, cache_root=tmp_path)
    second = process_files(root, files, workers=2, cache_root=tmp_path)
    assert (first.from_cache, second.from_cache) == (0, len(files))
    assert second.outcomes == first.outcomes
    # The cache is keyed by content, not by path, and never stores the path.
    extract = next(o for o in first.outcomes if isinstance(o, DocumentExtract))
    assert ExtractCache(tmp_path).get(extract.content_hash) == dataclasses.replace(extract, source_file="")


def test_same_content_under_two_names_is_one_document(tmp_path):
    text = "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出100.00万元。"
    for name in ("a.txt", "copy of a.txt"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    extraction = assemble(process_files(tmp_path, scan_reports(tmp_path), workers=1).outcomes)
    assert len(extraction.documents) == 1
    assert sorted(extraction.paths["source_file"]) == ["a.txt", "copy of a.txt"]
    assert extraction.paths["document_key"].nunique() == 1
    assert len(extraction.facts) == 1


def _copy_samples(tmp_path):
    import shutil

    root = tmp_path / "reports"
    shutil.copytree(SAMPLES / "reports", root)
    return root


def test_unchanged_batch_is_not_read_again(tmp_path, monkeypatch):
    root, cache = _copy_samples(tmp_path), tmp_path / "cache"
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    first = extract_reports(root, scan_reports(root), workers=1, cache_root=cache)

    def must_not_run(*_args, **_kwargs):
        raise AssertionError("a file was read again")

    monkeypatch.setattr(cache_module, "_content_hash", must_not_run)
    monkeypatch.setattr(pool_module, "process_files", must_not_run)
    again = extract_reports(root, scan_reports(root), workers=1, cache_root=cache)
    assert (first.parsed, again.parsed) == (len(first.paths), 0)
    assert again.key == first.key is not None
    for name in ("documents", "paths", "facts", "indicators"):
        assert getattr(again, name).equals(getattr(first, name))


def test_a_rewritten_file_is_hashed_again_even_with_its_old_size_and_mtime(tmp_path, monkeypatch):
    import os

    root, cache = tmp_path / "reports", tmp_path / "cache"
    root.mkdir()
    report = root / "r.txt"
    report.write_text(
        "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出100.00万元。", encoding="utf-8"
    )
    stat = report.stat()
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    first = extract_reports(root, scan_reports(root), workers=1, cache_root=cache)
    report.write_text(
        "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出200.00万元。", encoding="utf-8"
    )
    os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime; ctime moves
    second = extract_reports(root, scan_reports(root), workers=1, cache_root=cache)
    assert second.parsed == 1
    assert (first.facts["value"].tolist(), second.facts["value"].tolist()) == ([1_000_000.0], [2_000_000.0])


def test_a_damaged_cache_entry_is_parsed_again(tmp_path):
    root = SAMPLES / "reports"
    files = scan_reports(root)
    first = process_files(root, files, workers=1, cache_root=tmp_path)
    extract = next(o for o in first.outcomes if isinstance(o, DocumentExtract))
    ExtractCache(tmp_path)._path(extract.content_hash).write_bytes(b"{not json")
    second = process_files(root, files, workers=2, cache_root=tmp_path)
    assert second.outcomes == first.outcomes
    assert second.from_cache == len(files) - 1


def _assert_same_tables(got, want):
    import pandas as pd

    for name in ("documents", "paths", "facts", "indicators"):
        pd.testing.assert_frame_equal(
            getattr(got, name).reset_index(drop=True), getattr(want, name).reset_index(drop=True), obj=name
        )
    assert got.rejections == want.rejections
    assert got.key == want.key


@pytest.mark.slow  # several whole batches
def test_a_changed_batch_reuses_the_last_batchs_rows_and_equals_a_fresh_assembly(tmp_path, monkeypatch):
    """Add, remove, rename, copy under an earlier name, rewrite: after each change the tables built
    from the last batch's rows equal the tables of every file read afresh."""
    import random
    import shutil

    root, cache = _copy_samples(tmp_path), tmp_path / "cache"
    spare = tmp_path / "spare"
    spare.mkdir()
    files = sorted(p for p in root.rglob("*") if p.is_file())
    for path in files[::4]:  # a quarter of the files arrive later
        shutil.move(path, spare / path.name)
    rng = random.Random(5)
    changes = [
        lambda: shutil.move(next(spare.iterdir()), root / "new" / f"{rng.random():.6f}.txt"),
        lambda: shutil.move(next(spare.iterdir()), root / "arrived later.docx"),
        lambda: next(p for p in sorted(root.rglob("*.txt"))).unlink(),
        lambda: shutil.copy(next(p for p in sorted(root.rglob("*.docx"))), root / "0 first copy.docx"),
        lambda: next(p for p in sorted(root.rglob("*.pdf"))).rename(root / "00 renamed.pdf"),
        lambda: (root / "湖南/rewritten.txt").write_text(
            "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出100.00万元。", encoding="utf-8"
        ),
        lambda: (root / "湖南/rewritten.txt").write_text(
            "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出300.00万元。", encoding="utf-8"
        ),
    ]
    (root / "new").mkdir()
    (root / "湖南").mkdir(exist_ok=True)
    extract_reports(root, scan_reports(root), workers=1, cache_root=cache)
    handled: list[int] = []

    def counting(root, files, *args, **kwargs):
        handled.append(len(files))
        return process_files(root, files, *args, **kwargs)

    monkeypatch.setattr(pool_module, "process_files", counting)
    for change in changes:
        change()
        listing = scan_reports(root)
        handled.clear()
        reused = extract_reports(root, listing, workers=1, cache_root=cache)
        assert sum(handled) <= 2  # only the changed files' outcomes were looked at (none: no call)
        fresh = extract_reports(root, listing, workers=1)
        _assert_same_tables(reused, fresh)
        assert len(fresh.indicators) > 0  # performance-indicator rows are reused too


def test_a_folder_that_cannot_be_listed_is_listed_itself(tmp_path, monkeypatch):
    import os

    import pytest

    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "open.txt").write_text("x", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    listed = {f.source_file: (f.kind, f.detail) for f in scan_reports(tmp_path)}
    assert listed == {"locked": ("unlistable", "Permission denied"), "open.txt": ("file", None)}
    with pytest.raises(FileNotFoundError):
        scan_reports(tmp_path / "missing")


def test_a_file_that_runs_out_of_time_is_rejected_and_tried_again_next_run(tmp_path, monkeypatch):
    import time

    from pipelines.model import ReadLimits

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_text(
        "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出100.00万元。", encoding="utf-8"
    )
    real = read_module.extract_file

    def slow(*args):
        time.sleep(5)
        return real(*args)

    monkeypatch.setattr(read_module, "extract_file", slow)
    files = scan_reports(tmp_path / "in")
    # Long enough for the real extraction in a fresh worker on a busy machine (it loads the
    # gazetteer first); a shorter limit made the second run time out too, now and then.
    limits = ReadLimits(timeout_seconds=2)
    first = process_files(tmp_path / "in", files, 1, tmp_path / "cache", limits=limits).outcomes
    assert first[0].reason.startswith("took longer than 2 s to read")
    monkeypatch.setattr(read_module, "extract_file", real)
    again = process_files(tmp_path / "in", files, 1, tmp_path / "cache", limits=limits)
    assert again.from_cache == 0 and isinstance(again.outcomes[0], DocumentExtract)


def test_a_file_that_kills_its_reader_is_rejected_even_in_a_batch_of_two(tmp_path, monkeypatch):
    text = "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出100.00万元。"
    for name in ("crash.txt", "good.txt"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    crash_when_reading(monkeypatch, "crash.txt")
    crashed, good = process_files(tmp_path, scan_reports(tmp_path), workers=1).outcomes
    assert crashed.reason.startswith("the reading process died")
    assert isinstance(good, DocumentExtract) and good.facts


def test_readers_fork_with_the_run_s_objects_frozen_which_the_collector_gets_back(tmp_path, monkeypatch):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("长沙市图书馆2022年度部门整体支出绩效自评报告", encoding="utf-8")

    def frozen_count(data: bytes, source_file: str, *args: object) -> Rejection:
        return Rejection(source_file, "read", f"frozen {gc.get_freeze_count()}")

    monkeypatch.setattr(read_module, "extract_file", frozen_count)
    outcomes = process_files(tmp_path, scan_reports(tmp_path), workers=2).outcomes
    assert all(int(outcome.reason.split()[1]) > 0 for outcome in outcomes)  # seen in the workers
    assert gc.get_freeze_count() == 0  # and in this process, collectable again
    crash_when_reading(monkeypatch, "a.txt")
    crashed, _ = process_files(tmp_path, scan_reports(tmp_path), workers=2).outcomes
    assert crashed.reason.startswith("the reading process died") and gc.get_freeze_count() == 0


def test_performance_indicator_rows_are_assembled_with_their_documents_identity():
    from pipelines.extract.kpi import indicator_row
    from pipelines.model import Identity, Region

    region = Region("湖南省", "430000", "长沙市", "430100", None, None, "institution")
    identity = Identity("长沙市图书馆", 2023, region, report_kind="project", project="少儿阅读推广项目")
    rows = tuple(
        indicator_row(
            name=name, target=target, actual=actual, locator=f"table 2 row {i}", snippet=name,
            level1="产出指标", level2="数量指标", weight="10", score=score,
        )
        for i, (name, target, actual, score) in enumerate(
            [("指标1:阅读活动场次", "≥20场", "24场", "10"), ("★读者满意度", "≥90%", "93%", "9.5")], 2
        )
    )  # fmt: skip
    only_rows = DocumentExtract("p.txt", "a" * 64, "txt", None, "utf-8", identity, (), rows)
    extraction = assemble([only_rows])
    assert extraction.rejections == []  # rows without facts are a report's content too
    documents = extraction.documents.iloc[0]
    assert (documents["report_kind"], documents["project"], documents["indicators_extracted"]) == (
        "project", "少儿阅读推广项目", 2,
    )  # fmt: skip
    table = extraction.indicators
    assert table["row_number"].tolist() == [1, 2] and table["indicator_seq"].tolist() == [0, 1]
    assert table["indicator"].tolist() == ["阅读活动场次", "读者满意度"]
    assert set(table["institution"]) == {"长沙市图书馆"} and set(table["province_code"]) == {"430000"}
    assert set(table["report_kind"]) == {"project"} and set(table["project"]) == {"少儿阅读推广项目"}
    assert table["score"].tolist() == [10.0, 9.5] and table["actual_value"].tolist() == [24.0, 93.0]
    nothing = DocumentExtract("n.txt", "b" * 64, "txt", None, "utf-8", identity, (), ())
    assert [r.reason for r in assemble([nothing]).rejections] == [
        "no indicator figures found (not a performance report?)"
    ]


def test_cache_keys_cover_every_module_of_the_extraction_code_and_every_library_involved(
    tmp_path, monkeypatch
):
    """Editing any module the outcome depends on (a sub-package's too) or upgrading a library makes
    a new key; editing the assembly changes the tables' key but not the outcomes'."""
    import shutil

    from pipelines.batch import keys

    package = tmp_path / "pipelines"
    shutil.copytree(keys.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "PACKAGE_DIR", package)
    keys.code_version.cache_clear()
    before = (keys.outcome_version(), keys.tables_version())
    with (package / "extract" / "forms" / "tokens.py").open("a") as handle:
        handle.write("\n# an edit\n")
    keys.code_version.cache_clear()
    after_extract = (keys.outcome_version(), keys.tables_version())
    with (package / "batch" / "assembly.py").open("a") as handle:
        handle.write("\n# an edit\n")
    keys.code_version.cache_clear()
    after_assembly = (keys.outcome_version(), keys.tables_version())
    real_versions = keys.library_versions
    monkeypatch.setattr(
        keys,
        "library_versions",
        lambda *a: [v.replace("pyarrow==", "pyarrow==0.") for v in real_versions(*a)],
    )
    keys.code_version.cache_clear()
    after_pyarrow = (keys.outcome_version(), keys.tables_version())
    keys.code_version.cache_clear()
    assert after_extract[0] != before[0] and after_extract[1] != before[1]
    assert after_assembly[0] == after_extract[0] and after_assembly[1] != after_extract[1]
    assert after_pyarrow[0] == after_assembly[0] and after_pyarrow[1] != after_assembly[1]
    outcome_libraries = {v.split("==")[0] for v in keys.library_versions(keys._sources(keys.OUTCOME_CODE))}
    assert {
        "pdfplumber",
        "pdfminer.six",
        "python-docx",
        "cnloc",
        "opencc-python-reimplemented",
    } <= outcome_libraries
    assert "dagster" not in outcome_libraries  # only what the extraction code uses


def test_remembered_library_versions_follow_code_edits_and_library_upgrades(tmp_path, monkeypatch):
    """The library versions of a key are kept in the cache folder and taken from it by a fresh
    process (nothing walks the installed metadata again) while the code and the installed
    distributions are the same; a new import in the code, a library upgraded in place or a new
    library installed makes them found again, and the key changes as it would without the store."""
    import shutil

    from pipelines.batch import keys

    package, store, site = tmp_path / "pipelines", tmp_path / "cache", tmp_path / "site"
    shutil.copytree(keys.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "PACKAGE_DIR", package)

    def install(name: str, version: str) -> None:  # a distribution as pip leaves it
        for old in site.glob(f"{name}-*.dist-info"):
            shutil.rmtree(old)
        info = site / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "top_level.txt").write_text(f"{name}\n")

    install("fakelib", "1.0")
    monkeypatch.syspath_prepend(str(site))
    real_versions, walks = keys.library_versions, []

    def counted(*args):
        walks.append(1)
        return real_versions(*args)

    monkeypatch.setattr(keys, "library_versions", counted)

    def fresh_key() -> tuple[str, str]:  # as a new process computes it
        keys.code_version.cache_clear()
        stored = (keys.outcome_version(store), keys.tables_version(store))
        keys.code_version.cache_clear()
        assert stored == (keys.outcome_version(), keys.tables_version())  # the store changes nothing
        keys.code_version.cache_clear()
        return stored

    first = fresh_key()
    walks.clear()
    assert fresh_key() == first and len(walks) == 2  # the two computations without the store only
    with (package / "extract" / "text.py").open("a") as handle:
        handle.write("\nimport fakelib  # noqa\n")
    uses_fakelib = fresh_key()
    assert uses_fakelib[0] != first[0]
    assert "fakelib==1.0" in keys.library_versions(keys._sources(keys.OUTCOME_CODE))
    walks.clear()
    assert fresh_key() == uses_fakelib and len(walks) == 2
    (site / "notes.txt").write_text("x")  # a folder on the import path changes, no distribution does
    monkeypatch.syspath_prepend(f"{site}/./.")  # another process names it otherwise
    walks.clear()
    assert fresh_key() == uses_fakelib and len(walks) == 2
    install("fakelib", "2.0")  # an upgrade
    upgraded = fresh_key()
    assert upgraded[0] != uses_fakelib[0] and upgraded[1] != uses_fakelib[1]
    metadata = next(site.glob("fakelib-*.dist-info")) / "METADATA"  # rewritten in place
    metadata.write_text(metadata.read_text().replace("Version: 2.0", "Version: 2.0.1"))
    assert fresh_key()[0] != upgraded[0]
    walks.clear()
    (store / "keys").mkdir(exist_ok=True)
    for entry in (store / "keys").glob("*.json"):
        entry.write_text("{damaged")
    assert fresh_key()[0] != upgraded[0] and len(walks) == 4  # recomputed, not a crash


def test_the_cache_holds_json_and_parquet_only_and_a_damaged_table_is_rebuilt(tmp_path):
    root, cache = _copy_samples(tmp_path), tmp_path / "cache"
    first = extract_reports(root, scan_reports(root), workers=1, cache_root=cache)
    suffixes = {p.suffix for p in cache.rglob("*") if p.is_file()}
    assert suffixes == {".json", ".parquet"}
    tables = list(cache.glob("tables/*/*/facts.parquet"))
    assert len(tables) == 1
    tables[0].write_bytes(b"PAR1 damaged")
    again = extract_reports(root, scan_reports(root), workers=1, cache_root=cache)
    assert again.parsed == 0  # every outcome came from its JSON entry
    _assert_same_tables(again, first)
    third = extract_reports(root, scan_reports(root), workers=1, cache_root=cache)
    _assert_same_tables(third, first)  # the rebuilt tables were kept


def test_a_changed_batch_whose_last_tables_are_damaged_equals_a_fresh_assembly(tmp_path):
    root, cache = _copy_samples(tmp_path), tmp_path / "cache"
    extract_reports(root, scan_reports(root), workers=1, cache_root=cache)
    (facts,) = cache.glob("tables/*/*/facts.parquet")
    facts.write_bytes(b"PAR1 damaged")  # the plan reads the documents' keys only: they look reusable
    (root / "新增.txt").write_text(
        "长沙市图书馆2024年度部门整体支出绩效自评报告\n全年接待读者4200人次。", encoding="utf-8"
    )
    listing = scan_reports(root)
    again = extract_reports(root, listing, workers=1, cache_root=cache)
    assert again.parsed == 1  # the others came from their JSON entries
    _assert_same_tables(again, extract_reports(root, listing, workers=1))


def test_collecting_shards_read_elsewhere_loads_no_reader(tmp_path, monkeypatch):
    import sys

    from pipelines.batch.incremental import collect_extraction, plan_extraction, read_shard

    root, cache = _copy_samples(tmp_path), tmp_path / "cache"
    listing = scan_reports(root)
    plan = plan_extraction(root, listing, cache, shards=2)
    batches = [read_shard(root, shard, 1, cache) for shard in plan.shards]
    monkeypatch.delitem(sys.modules, "pipelines.batch.pool")  # as in a collecting process of its own
    collected = collect_extraction(root, plan, batches, 1, cache)
    assert "pipelines.batch.pool" not in sys.modules
    assert collected.parsed == len(listing)


def _allocate_under_a_limit(megabytes: float, allocate: int) -> str:
    pool_module.limit_memory(megabytes)
    try:
        bytearray(allocate)
    except MemoryError:
        return "MemoryError"
    return "allocated"


def test_a_worker_may_take_its_memory_limit_and_no_more():
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(_allocate_under_a_limit, 256, 64 << 20).result() == "allocated"
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(_allocate_under_a_limit, 64, 256 << 20).result() == "MemoryError"


def _allocate_for_ocr(file_mb: float, ocr_mb: float, allocate: int) -> list[str]:
    """Allocate `allocate` bytes outside OCR, inside the OCR allowance, and outside again."""
    pool_module.limit_memory(file_mb, ocr_mb)
    outcomes = []
    for during_ocr in (False, True, False):
        try:
            with ocr_allowance() if during_ocr else contextlib.nullcontext():
                bytearray(allocate)  # freed at once, as a page's arrays are when it is recognised
            outcomes.append("allocated")
        except MemoryError:
            outcomes.append("MemoryError")
    return outcomes


def test_ocr_may_take_its_own_allowance_and_a_file_its_limit_only():
    """READ_MAX_MEMORY_MB bounds what reading a file takes; READ_MAX_OCR_MEMORY_MB only what a page's
    recognition takes (the models), and the file's room is the same afterwards."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        outcomes = pool.submit(_allocate_for_ocr, 64, 512, 256 << 20).result()
    assert outcomes == ["MemoryError", "allocated", "MemoryError"]


def _recognise_after_keeping_memory(file_mb: float, ocr_mb: float, kept: int, page: int) -> list[str]:
    """Keep `kept` bytes from a first page's recognition (the models, what the allocator keeps),
    then recognise pages that need `page` bytes each."""
    pool_module.limit_memory(file_mb, ocr_mb)
    with ocr_allowance():
        models = bytearray(kept)
    outcomes = []
    for _ in range(3):
        try:
            with ocr_allowance():
                bytearray(page)
            outcomes.append("allocated")
        except MemoryError:
            outcomes.append("MemoryError")
    assert models
    return outcomes


def test_what_the_ocr_keeps_held_does_not_take_later_pages_room():
    """Each page may take READ_MAX_OCR_MEMORY_MB above what the process holds then: with the
    allowance fixed once at the worker's start, what the first page left held (the models, about
    1.1 GB of address space) was taken from every later page's room, until every page failed."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        outcomes = pool.submit(_recognise_after_keeping_memory, 64, 512, 384 << 20, 384 << 20).result()
    assert outcomes == ["allocated"] * 3


def _fails_once_a_process_has_read(fail_with: str):
    """`read_bytes` that fails (with `fail_with`) in a worker that has already read a file, as a
    reader whose native state or memory a first file used up would: read alone it succeeds."""
    real = read_module.read_bytes
    read_here: list[str] = []

    def read_bytes(data, source_file, *args):
        read_here.append(source_file)
        if len(read_here) > 1:
            raise RuntimeError(fail_with)
        return real(data, source_file, *args)

    return read_bytes


@pytest.mark.parametrize("fail_with", ["std::bad_alloc", "index out of range"])
def test_a_files_outcome_does_not_depend_on_the_files_its_worker_read_before(
    tmp_path, monkeypatch, fail_with
):
    """A failure that may come of the worker's state (out of memory, an unexpected error) counts
    only once the file, read alone in a fresh process, fails again; it is not cached."""
    for number in range(3):
        (tmp_path / f"r{number}.txt").write_text(
            f"长沙市图书馆202{number}年度部门整体支出绩效自评报告\n全年整体支出10{number}.00万元。",
            encoding="utf-8",
        )
    monkeypatch.setattr(read_module, "read_bytes", _fails_once_a_process_has_read(fail_with))
    batch = process_files(tmp_path, scan_reports(tmp_path), workers=1, cache_root=tmp_path / "cache")
    assert all(isinstance(o, DocumentExtract) and o.facts for o in batch.outcomes), batch.outcomes


def test_a_native_allocation_failure_is_out_of_memory_and_not_cached(tmp_path, monkeypatch):
    reports = tmp_path / "in"
    reports.mkdir()
    (reports / "r.txt").write_text(
        "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出100.00万元。", encoding="utf-8"
    )

    def bad_alloc(*_args):
        raise RuntimeError("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Status Message: std::bad_alloc")

    monkeypatch.setattr(read_module, "read_bytes", bad_alloc)
    limits = ReadLimits(max_memory_mb=300)
    (first,) = process_files(reports, scan_reports(reports), 1, tmp_path / "cache", limits=limits).outcomes
    assert first.reason == "needs more than 300 MB of memory to read (READ_MAX_MEMORY_MB)"
    assert "bad_alloc" in first.detail
    monkeypatch.undo()
    again = process_files(reports, scan_reports(reports), 1, tmp_path / "cache", limits=limits)
    assert again.from_cache == 0 and isinstance(again.outcomes[0], DocumentExtract)


def test_a_dead_reading_process_is_rejected_with_how_it_died():
    file = ReportFile("a.pdf", 1, 0)
    limits = ReadLimits(max_memory_mb=300)
    aborted = pool_module._died(file, limits, -signal.SIGABRT)
    assert aborted.reason == "needs more than 300 MB of memory to read (READ_MAX_MEMORY_MB)"
    killed = pool_module._died(file, limits, -signal.SIGKILL)
    assert killed.reason.startswith("the reading process died (killed by SIGKILL: a crash, or the system")


def test_a_batch_kept_packed_gives_its_outcomes_back_in_order(monkeypatch):
    import pipelines.batch.shards as shards_module
    from pipelines.batch.shards import ExtractBatch

    monkeypatch.setattr(shards_module, "PACK_SIZE", 2)
    outcomes = [Rejection(f"{i}.txt", "read", "unreadable", content_hash=str(i)) for i in range(5)]
    batch = ExtractBatch.of(outcomes, 1)
    assert len(batch.chunks) == 3 and batch.source_files == tuple(o.source_file for o in outcomes)
    assert batch.outcomes == outcomes and list(batch) == outcomes and len(batch) == 5
    assert batch.from_cache == 1


def test_assembly_in_chunks_equals_assembly_at_once(monkeypatch):
    import pipelines.batch.assembly as assembly_module

    outcomes = process_files(SAMPLES / "reports", scan_reports(SAMPLES / "reports"), workers=1).outcomes
    at_once = assemble(outcomes)
    monkeypatch.setattr(assembly_module, "ASSEMBLY_CHUNK", 2)
    chunked = assemble(reversed(outcomes))
    _assert_same_tables(chunked, at_once)
    assert len(at_once.facts) > 0 and len(at_once.indicators) > 0
