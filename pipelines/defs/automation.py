"""Automation: a sensor on the reports folder (new or changed files start a run), a nightly
schedule that runs the whole pipeline as a full check, and a sensor that prunes the step
hand-offs of runs that succeeded.

The inbox sensor only lists files (the same scan the pipeline uses) and compares them with its
cursor: a watermark (the newest modification time already handed to a run) plus short keys of the
files at exactly that time. It never parses a file, and it hands at most MAX_FILES_PER_TICK new
files to one tick, so its cursor stays small. A run always covers the whole folder; unchanged files
come from the extraction cache. The inbox sensor and the schedule start the job AUTOMATION_JOB
names (`pipelines.defs.jobs.automation_job`): the single-machine job by default, or the distributed one.
"""

import json
from dataclasses import dataclass, field

from dagster import (
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    ResourceParam,
    RunRequest,
    RunStatusSensorContext,
    ScheduleDefinition,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    run_status_sensor,
    sensor,
)

from pipelines.batch import ReportFile, scan_reports, stable_key
from pipelines.defs.handoffs import RunScopedPickleIOManager
from pipelines.defs.jobs import automation_job
from pipelines.defs.resources import ReportsFolder

MAX_FILES_PER_TICK = 500


def file_key(file: ReportFile) -> str:
    """A short key of a file's path, size and modification time."""
    return stable_key(file.source_file, file.size, file.mtime_ns)[:10]


@dataclass
class InboxCursor:
    """The newest modification time handed to a run, and the files at exactly that time."""

    watermark: int = -1
    at_watermark: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, text: str | None) -> "InboxCursor":
        if not text:
            return cls()
        data = json.loads(text)
        return cls(data["watermark"], set(data["at_watermark"]))

    def dump(self) -> str:
        return json.dumps({"watermark": self.watermark, "at_watermark": sorted(self.at_watermark)})

    def is_new(self, file: ReportFile) -> bool:
        return file.mtime_ns > self.watermark or (
            file.mtime_ns == self.watermark and file_key(file) not in self.at_watermark
        )


def next_batch(
    files: list[ReportFile], cursor: InboxCursor, cap: int
) -> tuple[list[ReportFile], InboxCursor]:
    """The oldest new files (at most `cap`) and the cursor after handing them to a run."""
    new = sorted((f for f in files if cursor.is_new(f)), key=lambda f: (f.mtime_ns, f.source_file))[:cap]
    if not new:
        return [], cursor
    watermark = new[-1].mtime_ns
    carried = cursor.at_watermark if watermark == cursor.watermark else set()
    return new, InboxCursor(watermark, carried | {file_key(f) for f in new if f.mtime_ns == watermark})


def inbox_tick(context: SensorEvaluationContext, reports: ReportsFolder) -> RunRequest | SkipReason:
    """One evaluation of the inbox sensor: a run request for new or changed files, or a skip."""
    cursor = InboxCursor.parse(context.cursor)
    batch, after = next_batch(scan_reports(reports.root), cursor, MAX_FILES_PER_TICK)
    if not batch:
        return SkipReason(f"no new or changed files under {reports.root}")
    context.update_cursor(after.dump())
    return RunRequest(
        run_key=f"inbox-{after.watermark}-{len(after.at_watermark)}",
        tags={"trigger": "inbox", "new_files": str(len(batch))},
    )


def inbox_sensor(job_name: str | None = None) -> SensorDefinition:
    """The inbox sensor, starting `automation_job(job_name)`."""

    @sensor(
        name="reports_inbox_sensor",
        job=automation_job(job_name),
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.STOPPED,
        description="Starts a run when files under REPORTS_DIR are added or changed.",
    )
    def reports_inbox_sensor(context: SensorEvaluationContext, reports: ReportsFolder):
        return inbox_tick(context, reports)

    return reports_inbox_sensor


def nightly_schedule(job_name: str | None = None) -> ScheduleDefinition:
    """The nightly full check, starting `automation_job(job_name)`."""
    return ScheduleDefinition(
        name="nightly_full_check",
        job=automation_job(job_name),
        cron_schedule="0 2 * * *",
        execution_timezone="Asia/Shanghai",
        default_status=DefaultScheduleStatus.STOPPED,
        description=(
            "Every night: the whole pipeline over REPORTS_DIR (unchanged files come from the cache; when "
            "nothing changed since the last publish, validation, load and report are skipped)."
        ),
    )


@run_status_sensor(
    run_status=DagsterRunStatus.SUCCESS,
    monitor_all_code_locations=False,
    default_status=DefaultSensorStatus.RUNNING,
    description="After a run succeeds: removes the step hand-offs no run will read again (pipelines.defs.handoffs).",
)
def handoff_cleanup(context: RunStatusSensorContext, io_manager: ResourceParam[RunScopedPickleIOManager]):
    removed = io_manager.prune(context.instance)
    return SkipReason(f"removed the hand-offs of: {', '.join(removed)}" if removed else "nothing to remove")
