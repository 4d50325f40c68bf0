"""The distributed job over N generated reports, with one Celery worker and then with two, each
bound to a core of its own (`tests.deployment`: PostgreSQL, Redis, workers standing for machines):
the run's wall time, the extraction's (plan_shards started to collect_shards done), each shard's
machine and seconds, and whether both warehouses are the same. With --in-process N: the whole
pipeline in one process (fresh cache, then a rerun with nothing changed) with 1 shard and with
--shards, twice each, and (--base FOLDER, a checkout without shards) that checkout's.

    python -m tools.bench_shards --n 2000 [--shards 4] [--workdir FOLDER]
    python -m tools.bench_shards --in-process 300 [--shards 4] [--base FOLDER]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from dagster import DagsterEventType, EventLogEntry

from tools.bench import corpus_specs, generate_corpus

SETUPS = {"one worker": {"machine_a": 0}, "two workers": {"machine_a": 0, "machine_b": 1}}
PLAN, COLLECT, SHARD = (
    "extracted_facts.plan_shards",
    "extracted_facts.collect_shards",
    "extracted_facts.parse_shard[",
)
COMPARED = "SELECT * EXCLUDE (snippet) FROM v_indicator_values ORDER BY ALL"


def _moments(events: list[EventLogEntry], kind: DagsterEventType) -> dict[str, float]:
    return {e.step_key: e.timestamp for e in events if e.dagster_event and e.dagster_event.event_type == kind}  # type: ignore[misc]


def run_setup(workdir: Path, corpus: Path, cores: dict[str, int], shards: int) -> dict:
    """One run of the distributed job over `corpus` with a worker per machine of `cores`."""
    from tests.deployment import WORKER_SETTINGS, deployment

    with deployment(workdir, WORKER_SETTINGS, {"PARSE_SHARDS": str(shards)}, cores) as d:
        shutil.copytree(corpus, d.reports, dirs_exist_ok=True)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        subprocess.run(
            d.run_command(),
            cwd=d.machines["launcher"] / "work",
            env=d.launcher,
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
        with d.instance() as instance:
            (run,) = instance.get_runs()
            events = list(instance.all_logs(run.run_id))
    starts, ends = (
        _moments(events, DagsterEventType.STEP_START),
        _moments(events, DagsterEventType.STEP_SUCCESS),
    )
    machines = {
        e.step_key: e.dagster_event.event_specific_data.metadata["Celery worker"].value.split("@")[0]  # type: ignore[union-attr]
        for e in events
        if e.dagster_event
        and e.dagster_event.event_type == DagsterEventType.ENGINE_EVENT
        and "Celery worker" in e.dagster_event.event_specific_data.metadata  # type: ignore[union-attr]
    }
    return {
        "workers": len(cores),
        "load_before": round(load, 2),
        "run_seconds": round(seconds, 1),
        "extraction_seconds": round(ends[COLLECT] - starts[PLAN], 1),
        "shards": {
            key.removeprefix(SHARD).rstrip("]"): [machines[key], round(ends[key] - starts[key], 1)]
            for key in sorted(starts)
            if key.startswith(SHARD)
        },
        "warehouse": str(d.warehouse),
    }


def in_process(reports: Path, work: Path, shards: int) -> dict:
    """Seconds of the whole pipeline in this process, fresh cache then a rerun with nothing changed
    (`shards` 0: a checkout without PARSE_SHARDS)."""
    import great_expectations  # noqa: F401  (imports are not timed)
    from dagster import DagsterInstance, materialize

    from pipelines.definitions import ASSETS
    from pipelines.defs.resources import ExtractCacheFolder, ReportsFolder, WarehouseFile

    instance = DagsterInstance.ephemeral()
    resources = {
        "reports": ReportsFolder(path=str(reports), **({"parse_shards": shards} if shards else {})),
        "warehouse": WarehouseFile(path=str(work / "warehouse.duckdb")),
        "extract_cache": ExtractCacheFolder(path=str(work / "cache")),
    }
    seconds = {}
    for phase in ("full", "rerun"):
        started = time.perf_counter()
        assert materialize(ASSETS, resources=resources, instance=instance).success
        seconds[phase] = round(time.perf_counter() - started, 2)
    return seconds


def compare_in_process(n: int, shards: int, base: Path | None, workdir: Path) -> list[dict]:
    """`in_process` in a fresh process for each code and shard count, twice, on one corpus."""
    corpus = workdir / "corpus"
    generate_corpus(corpus, corpus_specs(n), os.cpu_count() or 1)
    here = Path(__file__).resolve()
    codes = [
        *([("base", base, 0)] if base else []),
        ("1 shard", here.parents[1], 1),
        (f"{shards} shards", here.parents[1], shards),
    ]
    rows = []
    for round_ in (1, 2):
        for label, checkout, count in codes:
            work = Path(tempfile.mkdtemp(dir=workdir))
            done = subprocess.run(
                [sys.executable, str(here), "--phase", str(corpus), str(work), str(count)],
                cwd=checkout, env={**os.environ, "PYTHONPATH": str(checkout)}, check=True, capture_output=True, text=True,
            )  # fmt: skip
            rows.append(
                {
                    "round": round_,
                    "code": label,
                    **json.loads(done.stdout.splitlines()[-1]),
                    "load_after": round(os.getloadavg()[0], 2),
                }
            )
            shutil.rmtree(work)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="generated reports")
    parser.add_argument("--shards", type=int, default=4, help="PARSE_SHARDS")
    parser.add_argument("--workdir", type=Path, help="folder for the corpus and the deployments")
    parser.add_argument("--in-process", type=int, metavar="N", help="time the pipeline in one process")
    parser.add_argument("--base", type=Path, help="with --in-process: a checkout without shards, timed too")
    parser.add_argument("--phase", nargs=3, metavar=("REPORTS", "WORK", "SHARDS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(in_process(Path(args.phase[0]), Path(args.phase[1]), int(args.phase[2]))))
        return
    if args.in_process:
        with tempfile.TemporaryDirectory() as scratch:
            for row in compare_in_process(
                args.in_process, args.shards, args.base, args.workdir or Path(scratch)
            ):
                print(json.dumps(row, ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        corpus = workdir / "corpus"
        generate_corpus(corpus, corpus_specs(args.n), os.cpu_count() or 1)
        results = {
            name: run_setup(workdir / name.replace(" ", "_"), corpus, cores, args.shards)
            for name, cores in SETUPS.items()
        }
        tables = []
        for result in results.values():
            with duckdb.connect(result.pop("warehouse"), read_only=True) as con:
                tables.append(con.execute(COMPARED).fetchall())
    one, two = (results[name]["extraction_seconds"] for name in SETUPS)
    print(f"N = {args.n}, PARSE_SHARDS = {args.shards}; warehouses the same: {tables[0] == tables[1]}")
    print("| setup | run s | extraction s | shards (machine, s) | load before |\n|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['run_seconds']} | {r['extraction_seconds']} | {r['shards']} | {r['load_before']} |"
        )
    print(f"extraction speed-up two/one: {one / two:.2f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
