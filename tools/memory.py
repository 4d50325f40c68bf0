"""Memory per file: the peak memory of a run over a few sample reports, with and without a PDF whose
content stream inflates to gigabytes (a "PDF bomb" of a few MB).

``python -m tools.memory [--inflate-gb 2] [--max-memory-mb 2048]`` runs ``python -m pipelines run``
twice in a temporary folder and prints the peak resident memory of its whole process tree (the run
and its reading workers, summed, sampled from /proc every 20 ms) and the bomb's rejection.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "reports"
# A couple of sample reports of each reader the bomb's run goes through.
SAMPLE_FILES = (
    "湖南省/常德市/常德市图书馆2022年度部门整体支出绩效自评报告.txt",
    "湖南省/株洲市/醴陵市/醴陵市图书馆2022年度绩效自评.pdf",
    "湖南省/常德市/2023年 常德市图书馆 整体支出绩效自评报告.docx",
)
CHUNK = 1 << 20


def pdf_bomb(path: Path, inflated: int) -> None:
    """Write a one-page PDF whose content stream (one line of text, then NUL bytes, which PDF reads
    as white space) inflates to about `inflated` bytes; compressed, it is about 1/1000 of that."""
    compressor = zlib.compressobj(9)
    with tempfile.TemporaryFile() as stream:
        stream.write(compressor.compress(b"BT /F1 12 Tf 72 720 Td (report 2022) Tj ET\n"))
        zeros = bytes(CHUNK)
        for _ in range(inflated // CHUNK):
            stream.write(compressor.compress(zeros))
        stream.write(compressor.flush())
        length = stream.tell()
        objects = [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
            b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        ]
        with path.open("wb") as out:
            out.write(b"%PDF-1.4\n")
            offsets = []
            for number, body in enumerate(objects, start=1):
                offsets.append(out.tell())
                out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
            offsets.append(out.tell())
            out.write(b"5 0 obj\n<</Length %d/Filter/FlateDecode>>\nstream\n" % length)
            stream.seek(0)
            shutil.copyfileobj(stream, out)
            out.write(b"\nendstream\nendobj\n")
            xref = out.tell()
            out.write(b"xref\n0 6\n0000000000 65535 f \n")
            out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
            out.write(b"trailer\n<</Size 6/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref)


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def measured_run(reports: Path, scratch: Path, env: dict[str, str]) -> tuple[int, int, float]:
    """Run the pipeline over `reports`; return (exit code, peak tree RSS in bytes, seconds)."""
    run_env = {
        **os.environ,
        **env,
        "REPORTS_DIR": str(reports),
        "WAREHOUSE_PATH": str(scratch / "w.duckdb"),
        "EXTRACT_CACHE_DIR": "",
        "HANDOFF_DIR": str(scratch / "handoffs"),
        "DAGSTER_HOME": str(scratch),
        "PYTHONPATH": str(ROOT),
    }
    (scratch / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "run"],
        cwd=ROOT,
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.02)
    return process.returncode, peak, time.monotonic() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inflate-gb", type=float, default=2.0, help="what the bomb's stream inflates to")
    parser.add_argument(
        "--max-memory-mb", default="", help="READ_MAX_MEMORY_MB for both runs (default: unset)"
    )
    args = parser.parse_args(argv)
    env = {"READ_MAX_MEMORY_MB": args.max_memory_mb} if args.max_memory_mb else {}
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        reports = scratch / "reports"
        for relative in SAMPLE_FILES:
            (reports / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SAMPLES / relative, reports / relative)
        results = {}
        for label in ("without the bomb", "with the bomb"):
            if label == "with the bomb":
                pdf_bomb(reports / "bomb.pdf", int(args.inflate_gb * (1 << 30)))
            run_dir = scratch / label.replace(" ", "_")
            run_dir.mkdir()
            results[label] = measured_run(reports, run_dir, env)
            code, peak, seconds = results[label]
            print(
                f"{label}: exit {code}, peak RSS of the run's process tree {peak / 2**20:.0f} MB, {seconds:.0f} s"
            )
        with duckdb.connect(str(run_dir / "w.duckdb"), read_only=True) as con:
            rows = con.execute("SELECT source_file, reason FROM v_rejected ORDER BY 1").fetchall()
            loaded = con.execute("SELECT count(*) FROM dim_document").fetchone()
        print(f"bomb.pdf: {(reports / 'bomb.pdf').stat().st_size / 2**20:.1f} MB on disk; rejected: {rows}")
        print(f"documents in the warehouse: {loaded[0] if loaded else 0}")
        difference = results["with the bomb"][1] - results["without the bomb"][1]
        print(f"difference: {difference / 2**20:+.0f} MB")


if __name__ == "__main__":
    main()
