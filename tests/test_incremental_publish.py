"""Publishing by what changed: a warehouse updated from the published one equals a whole build of the
same batch, table by table and row by row, whatever changed (files added, changed, removed, turned
unreadable, a content under a second name, a document disagreeing with another); a failure half-way
leaves the published file as it was; a published file of another structure is built afresh."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pytest

import pipelines.warehouse as warehouse
from pipelines import schema
from pipelines.batch import Extraction, extract_reports, scan_reports
from pipelines.validation import ValidationOutcome, validate_facts, validate_indicators
from tools.bench import corpus_specs
from tools.samples import write_report

# The bench's province generator, txt and docx only (quick to read); the first BASE are published.
SPECS = [spec for spec in corpus_specs(60) if spec.file_format in ("txt", "docx")]
BASE = 8


def _batch(root: Path) -> tuple[Extraction, ValidationOutcome, ValidationOutcome]:
    """The folder's batch as the assets make it: extracted (cached), validated."""
    reports, cache = root / "reports", root / "cache"
    extraction = extract_reports(reports, scan_reports(reports), 1, cache)
    facts = validate_facts(extraction.facts, cache_root=cache, documents=extraction.documents)
    return extraction, facts, validate_indicators(extraction.indicators, cache_root=cache)


def _load(root: Path, path: Path | None = None) -> str | None:
    return warehouse.load_warehouse(path or root / "w.duckdb", *_batch(root))


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A folder of synthetic reports with its extraction cache and its published warehouse."""
    root = tmp_path_factory.mktemp("base")
    for index, spec in enumerate(SPECS[:BASE]):
        write_report(root / "reports", spec, index)
    assert _load(root) == "built"
    return root


@pytest.fixture
def run(base, tmp_path) -> Path:
    """A copy of the base folder, cache and published warehouse to change."""
    shutil.copytree(base, tmp_path / "run")
    return tmp_path / "run"


def _utf8_txt(root: Path) -> Path:
    spec = next(s for s in SPECS[:BASE] if s.file_format == "txt" and s.encoding == "utf-8")
    return root / "reports" / spec.path


def add_files(root: Path) -> None:
    for index, spec in enumerate(SPECS[BASE : BASE + 2], BASE):
        write_report(root / "reports", spec, index)


def change_file(root: Path) -> None:
    report = _utf8_txt(root)
    report.write_text(report.read_text(encoding="utf-8") + "\n全年接待读者12345人次。\n", encoding="utf-8")


def remove_file(root: Path) -> None:
    next((root / "reports").rglob("*.docx")).unlink()


def make_unreadable(root: Path) -> None:
    next((root / "reports").rglob("*.docx")).write_bytes(b"PK\x03\x04 not a zip any more")


def duplicate_and_disagree(root: Path) -> None:
    """The same content under a second name that sorts first (the document's first path changes),
    and a second report of the same institution and year stating another income."""
    report = _utf8_txt(root)
    text = report.read_text(encoding="utf-8")
    shutil.copy(report, root / "reports" / "0-copy.txt")
    other = re.sub(r"(\d+\.\d+)万元", lambda m: f"{float(m[1]) + 1:.2f}万元", text, count=1)
    assert other != text
    (report.parent / f"更正-{report.name}").write_text(other, encoding="utf-8")


CHANGES = [add_files, change_file, remove_file, make_unreadable, duplicate_and_disagree]


def _rows(path: Path, leave_out: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, with every column but those left out."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            t.name: con.execute(
                f"SELECT {', '.join(c for c in t.names if c not in leave_out)} FROM {t.name} ORDER BY ALL"
            ).fetchall()
            for t in schema.TABLES
        }


def _without_ingestion_times(path: Path) -> dict[str, list[tuple]]:
    """`_rows` but dim_document.ingested_at: a build into a new file sees every document first now."""
    return _rows(path, ("ingested_at",))


def _flags(path: Path, document_key: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT fact_key, flags FROM fact_indicator_value WHERE document_key = ? ORDER BY fact_key",
            [document_key],
        ).fetchall()


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_an_updated_warehouse_equals_a_whole_build_of_the_same_tables(run, change):
    path = run / "w.duckdb"
    before = _rows(path)
    change(run)
    extraction, facts, indicators = _batch(run)
    suites = f"{facts.suite}|{indicators.suite}"
    build, structure = warehouse.build_key(extraction.key, suites), warehouse.structure_key(suites)  # type: ignore[arg-type]
    tables = warehouse.warehouse_tables(path, extraction, facts, indicators)
    whole = run / "whole.duckdb"
    warehouse.publish_warehouse(whole, tables, build, structure)
    with warehouse.writer_lock(path):
        assert warehouse.update_warehouse(path, tables, build, structure)
    after = _rows(path)
    assert after != before
    expected = _rows(whole)
    for table in schema.TABLES:
        assert after[table.name] == expected[table.name], table.name
    assert sorted(p.name for p in run.iterdir() if ".building-" in p.name) == []
    if change is make_unreadable:
        assert any(row[1] == "read" for row in after["rejection"])
    if change is duplicate_and_disagree:  # the untouched document's facts are flagged now
        key = hashlib.sha256(_utf8_txt(run).read_bytes()).hexdigest()[:16]
        old, new = _flags(run / "whole.duckdb", key), dict(_flags(path, key))
        assert old == sorted(new.items())
        assert any("consistent_across_documents" in (flags or "") for _, flags in old)
        with duckdb.connect(str(path), read_only=True) as con:
            first = con.execute(
                "SELECT source_file FROM dim_document WHERE document_key = ?", [key]
            ).fetchone()
        assert first == ("0-copy.txt",)


def _storage_version(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()
    return row[0] if row else ""


def _ingestion_times(path: Path) -> dict[str, object]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute("SELECT document_key, ingested_at FROM dim_document").fetchall())


def test_a_run_updates_the_published_warehouse_as_a_whole_build_would_make_it(run):
    path = run / "w.duckdb"
    times = _ingestion_times(path)
    add_files(run)
    remove_file(run)
    change_file(run)
    assert _load(run) == "updated"
    assert _load(run) is None  # the same build again writes nothing
    fresh = run / "fresh.duckdb"
    assert _load(run, fresh) == "built"
    assert _without_ingestion_times(path) == _without_ingestion_times(fresh)
    assert _storage_version(path) == _storage_version(fresh) == f"{warehouse.STORAGE_VERSION}+"
    kept = _ingestion_times(path)
    both = times.keys() & kept.keys()  # the documents left as they were keep their time
    assert len(both) >= BASE - 2
    assert {key: kept[key] for key in both} == {key: times[key] for key in both}


def _bytes(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_failure_half_way_through_an_update_leaves_the_published_file_untouched(run, monkeypatch):
    path = run / "w.duckdb"
    published = _bytes(path)
    real = warehouse._apply_difference

    def failing(con, name, frame):
        if name == "fact_indicator_value":
            raise RuntimeError("killed half-way")
        return real(con, name, frame)

    monkeypatch.setattr(warehouse, "_apply_difference", failing)
    add_files(run)
    with pytest.raises(RuntimeError, match="half-way"):
        _load(run)
    assert _bytes(path) == published
    assert sorted(p.name for p in run.iterdir() if p.name.startswith(".w.duckdb.building")) == []


def test_duckdb_failing_on_the_copy_gives_a_whole_build(run, monkeypatch):
    def failing(con, name, frame):
        raise duckdb.ConstraintException("as if the copy could not take the rows")

    monkeypatch.setattr(warehouse, "_apply_difference", failing)
    add_files(run)
    assert _load(run) == "built"
    monkeypatch.undo()
    assert _load(run, run / "fresh.duckdb") == "built"
    assert _without_ingestion_times(run / "w.duckdb") == _without_ingestion_times(run / "fresh.duckdb")


def _tamper(path: Path, sql: str) -> None:
    path.chmod(0o644)
    with duckdb.connect(str(path)) as con:
        con.execute(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE warehouse_build SET structure_key = 'another schema, suite or code'",
        "DROP VIEW v_documents",
        "ALTER TABLE rejection ADD COLUMN extra VARCHAR",
        "DELETE FROM warehouse_build",
    ],
)
def test_a_published_file_of_another_structure_is_built_afresh(run, sql):
    path = run / "w.duckdb"
    _tamper(path, sql)
    assert not warehouse.can_update(path, _structure(run))
    add_files(run)
    assert _load(run) == "built"
    assert warehouse.can_update(path, _structure(run))


def _structure(root: Path) -> str:
    _, facts, indicators = _batch(root)
    return warehouse.structure_key(f"{facts.suite}|{indicators.suite}")


def test_an_unreadable_published_file_is_built_afresh(run):
    path = run / "w.duckdb"
    path.chmod(0o644)
    path.write_bytes(b"not a database")
    assert not warehouse.can_update(path, _structure(run))
    assert _load(run) == "built"


def test_the_structure_key_is_part_of_the_build_key():
    assert warehouse.structure_key("a") != warehouse.structure_key("b")
    assert warehouse.build_key("x", "a") != warehouse.build_key("x", "b")
    assert warehouse.build_key("x", "a") != warehouse.build_key("y", "a")
