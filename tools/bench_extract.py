"""Extraction speed alone: what `pipelines.batch.read.extract_file` does to a file after reading it.

``python -m tools.bench_extract read NAME ROOT`` reads every supported file under ROOT once with the
project's readers and keeps the Documents in ``WORKDIR/NAME.pickle`` (default WORKDIR
``/tmp/bench-extract``, ``--workdir``); files that cannot be read are left out.
``python -m tools.bench_extract run NAME [NAME ...]`` extracts every kept Document (identity, facts,
indicator rows, confidences), timed, and prints the milliseconds per 1,000 characters of each form;
``--save FILE`` writes every output as JSON, ``--check FILE`` says which outputs differ from a saved
one, ``--profile N`` prints the N costliest functions under cProfile.

Held-out reports (`tools.scoring.HELD_OUT`) are extracted with the rest, but their outputs are only
saved and compared as a hash, never printed.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import hashlib
import json
import pickle
import pstats
import sys
import time
from pathlib import Path

from pipelines.batch.read import extract_document
from pipelines.extract.regions import _gazetteer, _index
from pipelines.model import Document, Outcome, ReadError
from pipelines.readers import SUPPORTED_SUFFIXES, read_bytes
from tools.scoring import HELD_OUT

DEFAULT_WORKDIR = Path("/tmp/bench-extract")


def read_corpus(root: Path) -> dict[str, Document]:
    """Every readable report under `root`, by its path relative to `root`."""
    documents: dict[str, Document] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES):
        data = path.read_bytes()
        source_file = path.relative_to(root).as_posix()
        try:
            documents[source_file] = read_bytes(data, source_file, hashlib.sha256(data).hexdigest())
        except ReadError:
            continue
    return documents


def _output(source_file: str, outcome: Outcome) -> str:
    """An outcome as JSON, or a hash of it for a held-out report."""
    text = json.dumps(dataclasses.asdict(outcome), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest() if is_held_out(source_file) else text


def is_held_out(source_file: str) -> bool:
    """Whether a file is a held-out report, whose outputs are never shown."""
    return Path(source_file).stem.startswith(HELD_OUT)


def run(names: list[str], workdir: Path, profile: int) -> tuple[dict[str, str], list[str]]:
    """Extract every kept Document of the corpora `names`; the outputs (JSON, or a hash for held-out
    reports) by corpus and file, and a table of milliseconds per 1,000 characters by corpus and form."""
    outputs: dict[str, str] = {}
    rows = []
    profiler = cProfile.Profile() if profile else None
    for name in names:
        documents: dict[str, Document] = pickle.loads((workdir / f"{name}.pickle").read_bytes())
        # The first document untimed, and every gazetteer year: what a worker process loads once is
        # left out (not the other documents, whose texts the extraction's caches would keep).
        for year in _gazetteer().years:
            _index(year)
        warm_up = next(iter(documents), None)
        if warm_up is not None:
            outputs[f"{name}:{warm_up}"] = _output(warm_up, extract_document(documents.pop(warm_up)))
        totals: dict[str, list[float]] = {}
        for source_file, document in documents.items():
            started = time.process_time()
            if profiler:
                profiler.enable()
            extracted = extract_document(document)
            if profiler:
                profiler.disable()
            seconds = time.process_time() - started
            outputs[f"{name}:{source_file}"] = _output(source_file, extracted)
            characters = sum(len(block.text) for block in document.blocks)
            total = totals.setdefault(Path(source_file).suffix.lstrip("."), [0, 0, 0.0])
            total[0] += 1
            total[1] += characters
            total[2] += seconds
        for form, (files, characters, seconds) in sorted(totals.items()):
            rows.append(
                f"| {name} | {form} | {files:.0f} | {characters / files:.0f} | {1000 * seconds / files:.1f} "
                f"| {1e6 * seconds / max(characters, 1):.2f} |"
            )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(profile)
    return outputs, rows


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    commands = parser.add_subparsers(dest="command", required=True)
    reading = commands.add_parser("read")
    reading.add_argument("name")
    reading.add_argument("root", type=Path)
    running = commands.add_parser("run")
    running.add_argument("names", nargs="+")
    running.add_argument("--save", type=Path)
    running.add_argument("--check", type=Path)
    running.add_argument("--profile", type=int, default=0)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.command == "read":
        documents = read_corpus(args.root)
        (args.workdir / f"{args.name}.pickle").write_bytes(pickle.dumps(documents))
        print(f"{len(documents)} documents kept in {args.workdir / args.name}.pickle")
        return
    outputs, rows = run(args.names, args.workdir, args.profile)
    print("| corpus | form | files | characters a file | ms a file | ms per 1,000 characters |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    if args.save:
        args.save.write_text(
            json.dumps(outputs, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8"
        )
    if args.check:
        saved: dict[str, str] = json.loads(args.check.read_text(encoding="utf-8"))
        differing = sorted(key for key in outputs if saved.get(key) != outputs[key])
        print(f"{len(outputs)} outputs, {len(differing)} differ from {args.check}")
        for key in differing[:20]:
            print("  differs:", key)
        if differing:
            sys.exit(1)


if __name__ == "__main__":
    main()
