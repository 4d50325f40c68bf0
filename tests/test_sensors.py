"""The inbox sensor and the nightly schedule, with Dagster's test helpers."""

import json
import os
import subprocess
import sys

import pytest
from dagster import RunRequest, SkipReason, build_schedule_context, build_sensor_context

import pipelines.defs.automation as sensors
from pipelines.definitions import defs
from pipelines.defs.resources import ReportsFolder


def write(folder, name, text, mtime_ns):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def tick(folder, cursor=None):
    context = build_sensor_context(cursor=cursor, resources={"reports": ReportsFolder(path=str(folder))})
    result = defs.resolve_sensor_def("reports_inbox_sensor")(context)
    return result, context.cursor


def test_new_files_start_one_run_and_the_cursor_moves_on(tmp_path):
    write(tmp_path, "a.txt", "x", 1_000)
    write(tmp_path, "sub/b.txt", "y", 2_000)
    first, cursor = tick(tmp_path)
    assert isinstance(first, RunRequest)
    assert first.tags["new_files"] == "2"
    assert json.loads(cursor)["watermark"] == 2_000
    again, same = tick(tmp_path, cursor)
    assert isinstance(again, SkipReason)
    assert same == cursor


def test_changed_and_same_time_files_are_seen(tmp_path):
    write(tmp_path, "a.txt", "x", 1_000)
    _, cursor = tick(tmp_path)
    write(tmp_path, "b.txt", "y", 1_000)  # same modification time as the watermark, not yet seen
    request, cursor = tick(tmp_path, cursor)
    assert isinstance(request, RunRequest) and request.tags["new_files"] == "1"
    write(tmp_path, "a.txt", "changed", 5_000)
    request, cursor = tick(tmp_path, cursor)
    assert isinstance(request, RunRequest) and request.tags["new_files"] == "1"
    assert isinstance(tick(tmp_path, cursor)[0], SkipReason)


def test_a_tick_hands_over_at_most_the_cap_and_the_cursor_stays_small(tmp_path, monkeypatch):
    monkeypatch.setattr(sensors, "MAX_FILES_PER_TICK", 3)
    for i in range(7):
        write(tmp_path, f"r{i}.txt", str(i), 1_000 * (i + 1))
    counts, cursor = [], None
    while True:
        result, cursor = tick(tmp_path, cursor)
        if isinstance(result, SkipReason):
            break
        counts.append(int(result.tags["new_files"]))
    assert counts == [3, 3, 1]
    assert len(json.loads(cursor)["at_watermark"]) == 1


def test_nightly_schedule_runs_the_whole_job():
    schedule = defs.resolve_schedule_def("nightly_full_check")
    assert schedule.cron_schedule == "0 2 * * *"
    requests = list(schedule.evaluate_tick(build_schedule_context()).run_requests)
    assert len(requests) == 1
    assert schedule.job_name == "reports_to_warehouse"
    assert defs.resolve_sensor_def("reports_inbox_sensor").job_name == "reports_to_warehouse"


@pytest.mark.parametrize("job", ["reports_to_warehouse", "reports_to_warehouse_distributed"])
def test_automation_starts_the_job_automation_job_names(job, monkeypatch):
    monkeypatch.setenv("AUTOMATION_JOB", job)
    assert sensors.inbox_sensor().job_name == job
    assert sensors.nightly_schedule().job_name == job
    code_location = subprocess.run(
        [sys.executable, "-c", "from pipelines.definitions import defs; "
         "print(defs.resolve_sensor_def('reports_inbox_sensor').job_name, "
         "defs.resolve_schedule_def('nightly_full_check').job_name)"],
        capture_output=True, text=True, check=True, env={**os.environ, "AUTOMATION_JOB": job},
    )  # fmt: skip
    assert code_location.stdout.split() == [job, job]


def test_an_unknown_automation_job_is_refused_with_the_choices(monkeypatch):
    monkeypatch.setenv("AUTOMATION_JOB", "nightly")
    with pytest.raises(ValueError, match=r"AUTOMATION_JOB='nightly'.*reports_to_warehouse_distributed"):
        sensors.inbox_sensor()
