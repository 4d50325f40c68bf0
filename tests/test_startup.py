"""What a run costs before any work: the single-machine job runs its steps in the run's own process,
the distributed job keeps its Celery executor, and loading the code imports neither Great
Expectations nor the readers and extractors (a run imports them when rows are judged or files read)."""

from __future__ import annotations

import os
import subprocess
import sys

from pipelines.definitions import defs
from pipelines.defs.jobs import distributed_job, reports_job
from tests.builders import PROJECT_ROOT


def test_the_single_machine_job_runs_every_step_in_the_runs_process():
    assert defs.resolve_job_def(reports_job.name).executor_def.name == "in_process"


def test_the_distributed_job_keeps_its_celery_executor():
    assert defs.resolve_job_def(distributed_job.name).executor_def.name == "celery"


def _modules_after(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after running `statement`."""
    done = subprocess.run(
        [sys.executable, "-c", f"{statement}\nimport sys\nprint(' '.join(sys.modules))"],
        cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return set(done.stdout.split())


def test_loading_the_code_location_imports_neither_great_expectations_nor_the_readers():
    loaded = _modules_after("import pipelines.definitions")
    assert "pipelines.definitions" in loaded
    heavy = {"great_expectations", "pipelines.readers", "pipelines.extract", "pdfplumber", "docx", "cn2an"}
    assert not heavy & loaded
