"""The command line: `python -m pipelines run` materializes every asset of the code location in this
process, against the Dagster instance of DAGSTER_HOME (the run is in the UI's history), quietly: a
progress bar while files are read (on a terminal), then a short summary. `--verbose` (or
PIPELINE_LOG_LEVEL=DEBUG) prints Dagster's whole DEBUG log instead.

When the published warehouse and its report are what a run would publish (no file, setting or code
that shapes them has changed: `pipelines.freshness`), no run is started, as the inbox sensor starts
none: the summary says so. `--force` runs anyway.

A setting that cannot work (`pipelines.settings.check_settings`) is one line on stderr and exit
code 2, before anything runs; a failed run is one line saying which step failed and where to look,
exit code 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tqdm import tqdm

from pipelines.settings import DEFAULT_DAGSTER_HOME, check_settings

if TYPE_CHECKING:
    from dagster import ExecuteInProcessResult, JobExecutionResult

    RunResult = ExecuteInProcessResult | JobExecutionResult

QUIET = "WARNING"
SETTING_ERROR, RUN_FAILED = 2, 1


class ReadingBar:
    """A progress callback (files done, files): a bar on `terminal` while files are read, gone once
    every file is read."""

    def __init__(self, terminal: TextIO) -> None:
        self.terminal = terminal
        self.bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            # Worker processes fork while the bar is drawn: no monitor thread may be running then.
            tqdm.monitor_interval = 0
            self.bar = tqdm(total=total, desc="Reading reports", unit="file", file=self.terminal, leave=False)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextmanager
def progress_bar() -> Iterator[None]:
    """Within this block, the files read show as a bar on stderr if it is a terminal. The bar is
    drawn on a copy of the terminal's file descriptor: during a step, Dagster sends descriptor 2
    to the step's compute log."""
    from pipelines.defs.assets.extraction import reading_progress

    if not sys.stderr.isatty():
        yield
        return
    with os.fdopen(os.dup(sys.stderr.fileno()), "w") as terminal:
        bar = ReadingBar(terminal)
        try:
            with reading_progress(bar):
                yield
        finally:
            bar.close()


def quiet_python() -> None:
    """Keep Python warnings and the INFO logs of libraries (Great Expectations, ...) off the
    terminal; their warnings and errors still show."""
    warnings.simplefilter("ignore")
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    logging.getLogger().addHandler(handler)  # a root handler: a later logging.basicConfig adds none


def failure_line(result: RunResult) -> str:
    """One line: the step that failed, why, and where to see the whole story."""
    where = f"See run {result.run_id} in the Dagster UI (make dev, Runs) or rerun with --verbose."
    failures = result.get_step_failure_events()
    if not failures:
        return f"The run failed. {where}"
    data = failures[0].step_failure_data
    if data.user_failure_data and data.user_failure_data.description:
        why = data.user_failure_data.description
    else:
        error = data.error
        while error and error.cause:
            error = error.cause
        why = error.message if error else "unknown error"
    why = "; ".join(line.strip() for line in why.strip().splitlines() if line.strip())
    return f"The run failed at step {failures[0].step_key}: {why}. {where}"


def warehouse_lines(path: Path) -> list[str]:
    """What the published warehouse holds and where it is, a line each."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        counts = con.execute(
            "SELECT"
            " (SELECT count(*) FROM dim_document WHERE status = 'loaded'),"
            " (SELECT count(*) FROM dim_document WHERE status = 'partly_rejected'),"
            " (SELECT count(*) FROM dim_document WHERE status = 'rejected'),"
            " (SELECT count(*) FROM fact_indicator_value),"
            " (SELECT count(*) FROM fact_performance_indicator),"
            " (SELECT count(*) FROM v_rejected),"
            " (SELECT count(*) FROM v_warnings) + (SELECT count(*) FROM v_kpi_warnings)"
        ).fetchone()
    loaded, partly, rejected, facts, rows, rejections, flagged = counts
    return [
        f"Documents   {loaded} loaded, {partly} partly rejected, {rejected} rejected",
        f"Loaded      {facts} facts, {rows} performance-indicator rows",
        f"Problems    {rejections} rejections (v_rejected), {flagged} warnings (v_warnings, v_kpi_warnings)",
        f"Warehouse   {path}",
    ]


def summary(result: RunResult, seconds: float) -> str:
    """What the run did and where its results are, in a few lines."""
    scanned = result.asset_materializations_for_node("report_files")[0].metadata
    if not result.asset_materializations_for_node("extracted_facts"):
        from pipelines.defs.resources import resources_from_environment

        return "\n".join(
            [
                f"Run {result.run_id} succeeded in {seconds:.0f} s: nothing changed "
                f"({scanned['files'].value} files, all as published), so nothing was validated or written.",
                *warehouse_lines(resources_from_environment()["warehouse"].file),
            ]
        )
    extracted = result.asset_materializations_for_node("extracted_facts")[0].metadata
    path = result.asset_materializations_for_node("duckdb_warehouse")[0].metadata["path"].value
    return "\n".join(
        [
            f"Run {result.run_id} succeeded in {seconds:.0f} s.",
            f"Files       {scanned['files'].value} found: {extracted['parsed'].value} read, "
            f"{extracted['from_cache'].value} from the cache",
            *warehouse_lines(Path(path)),
            "Details     make dev: the Dagster UI, Runs, this run's every step, check and log",
        ]
    )


def unchanged_summary(path: Path) -> str:
    """The lines of a command that found the published warehouse current and started no run."""
    return "\n".join(
        [
            "Nothing changed: the published warehouse and its report are what a run would publish "
            "(same files, settings and code). No run started.",
            *warehouse_lines(path),
            "Run anyway  python -m pipelines run --force (a run in the Dagster UI's history)",
        ]
    )


def current_warehouse() -> Path | None:
    """The published warehouse when a run would leave it and its report as they are, else None."""
    from pipelines.defs.assets.report import report_is_current
    from pipelines.defs.resources import resources_from_environment
    from pipelines.freshness import warehouse_is_current

    resources = resources_from_environment()
    reports, warehouse = resources["reports"], resources["warehouse"].file
    cache = resources["extract_cache"].root
    if warehouse_is_current(reports.root, warehouse, cache, reports.limits) and report_is_current(warehouse):
        return warehouse
    return None


def run(level: str, force: bool = False) -> int:
    """Materialize every asset in this process with Dagster's console log at `level`; unless
    `force`, only when a run would change the published warehouse or its report."""
    if logging.getLevelName(level) > logging.INFO:
        quiet_python()
    if not force and (current := current_warehouse()) is not None:
        print(unchanged_summary(current))
        return 0
    os.environ.setdefault("DAGSTER_HOME", str(DEFAULT_DAGSTER_HOME))
    # Imported here, after the settings are checked: a setting error is answered at once.
    from dagster import DagsterInstance

    from pipelines.definitions import run_in_this_process

    started = time.monotonic()
    with DagsterInstance.get() as instance, progress_bar():
        config: dict = {"loggers": {"console": {"config": {"log_level": level}}}}
        if force:  # every step, even where the published warehouse is what the run would give
            config["ops"] = {"extracted_facts": {"ops": {"collect_shards": {"config": {"always": True}}}}}
        result = run_in_this_process(instance, config)
    if not result.success:
        print(failure_line(result), file=sys.stderr)
        return RUN_FAILED
    print(summary(result, time.monotonic() - started))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, check the settings, run; the exit code."""
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_command = commands.add_parser(
        "run", help="materialize every asset over REPORTS_DIR into WAREHOUSE_PATH, then print a summary"
    )
    run_command.add_argument(
        "--verbose", action="store_true", help="Dagster's whole DEBUG log (as PIPELINE_LOG_LEVEL=DEBUG)"
    )
    run_command.add_argument(
        "--force", action="store_true", help="run even when the published warehouse is current"
    )
    args = parser.parse_args(argv)
    problems = check_settings(os.environ)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return SETTING_ERROR
    level = "DEBUG" if args.verbose else os.environ.get("PIPELINE_LOG_LEVEL", QUIET).upper()
    return run(level, args.force)
