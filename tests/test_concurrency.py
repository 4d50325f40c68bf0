"""Two runs launched at once, with the project's dagster.yaml: both succeed and their load steps
never overlap (the warehouse_writer pool admits one at a time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance

from tests.builders import PROJECT_ROOT
from tests.test_pipeline import SAMPLES

DAGSTER = Path(sys.executable).parent / "dagster"
# The runs execute their steps in one process each, to keep the test short; pools apply as well.
IN_PROCESS = "execution:\n  config:\n    in_process: {}\n"
STEP_EVENTS = (DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS)


def test_two_runs_at_once_never_load_at_the_same_time(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    config = (PROJECT_ROOT / "dagster.yaml").read_text(encoding="utf-8")
    (home / "dagster.yaml").write_text(config.replace(".dagster_home", str(home)), encoding="utf-8")
    (tmp_path / "run.yaml").write_text(IN_PROCESS, encoding="utf-8")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "REPORTS_DIR": str(SAMPLES / "reports"),
        "WAREHOUSE_PATH": str(tmp_path / "w.duckdb"),
        "EXTRACT_CACHE_DIR": str(tmp_path / "cache"),
    }
    subprocess.run([DAGSTER, "instance", "migrate"], env=env, check=True, capture_output=True)
    command = [
        DAGSTER,
        "asset",
        "materialize",
        "-m",
        "pipelines.definitions",
        "--select",
        "*",
        "-c",
        tmp_path / "run.yaml",
    ]
    runs = [
        subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs[0][-2000:] + outputs[1][-2000:]

    os.environ["DAGSTER_HOME"], previous = str(home), os.environ.get("DAGSTER_HOME")
    try:
        with DagsterInstance.get() as instance:
            spans = {
                run.run_id: {
                    entry.dagster_event_type: entry.timestamp
                    for entry in instance.all_logs(run.run_id, of_type=set(STEP_EVENTS))
                    if entry.step_key == "duckdb_warehouse"
                }
                for run in instance.get_runs()
            }
    finally:
        if previous is None:
            del os.environ["DAGSTER_HOME"]
        else:
            os.environ["DAGSTER_HOME"] = previous
    assert len(spans) == 2
    (start_a, end_a), (start_b, end_b) = sorted(
        (span[DagsterEventType.STEP_START], span[DagsterEventType.STEP_SUCCESS]) for span in spans.values()
    )
    assert end_a <= start_b, f"load steps overlap: {start_a}..{end_a} and {start_b}..{end_b}"
