"""Step hand-offs: where one step's output waits for the steps that read it.

Every run writes under a folder of its own, `<base>/<run id>/<asset key>.pickle`, atomically (a
temporary name, then a rename), on a base that every machine of a deployment can reach: a local
folder by default, a folder on shared storage, or an fsspec URL (`s3://bucket/handoffs` with the
matching fsspec package installed). A step reads what its own run produced; for an asset that its
run did not materialize, the asset's latest materialization. Never another run's half-written
file, never a stale file left on the disk of whichever machine ran a step before.

Within one process a step is handed the very object an earlier step returned while that object is
still alive, not a second copy read back from its file; steps never change their inputs. (A run of
`pipelines.definitions.run_in_this_process` keeps no output for its result: once the steps that
read an output are done, it is freed, and a later step reads the file.)

A dataclass output is written field by field, with where each field starts: a step whose input is
annotated with a narrower dataclass (some of the output's fields, e.g. `ExtractionDocuments` of an
`Extraction`) reads only those fields (the warehouse load reads the extraction's documents and
paths, not its facts again).

Old folders are pruned: a succeeded run's as soon as later runs hold the latest materialization of
each of its assets; a failed or cancelled run's after the retention period (re-executing it from
the failed step needs them until then); a folder of a run this instance does not know, after the
retention period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import re
import shutil
import struct
import weakref
from pathlib import Path
from typing import Any, BinaryIO

from dagster import (
    AssetKey,
    ConfigurableIOManagerFactory,
    DagsterInstance,
    DagsterInvariantViolationError,
    DagsterRunStatus,
    DagsterType,
    InitResourceContext,
    InputContext,
    OutputContext,
    RunsFilter,
    UPathIOManager,
    make_python_type_usable_as_dagster_type,
)
from upath import UPath

from pipelines.memory import release_freed_memory
from pipelines.storage import dump_atomically, is_local

RUN_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EXTENSION = ".pickle"
FINISHED = (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)


class MissingHandoff(Exception):
    """An input whose upstream asset has no materialization to load."""


def _latest_run_of(instance: DagsterInstance, asset_key: AssetKey) -> str:
    event = instance.get_latest_materialization_event(asset_key)
    if event is None:
        raise MissingHandoff(
            f"asset {asset_key.to_user_string()} has never been materialized: materialize it first"
        )
    return event.run_id


class RunScopedPickleIOManager(UPathIOManager):
    """Pickles each output under its run's own folder; see the module docstring."""

    extension = EXTENSION

    def __init__(self, base_path: UPath, retention: dt.timedelta):
        super().__init__(base_path=base_path)
        self.retention = retention

    def prune(self, instance: DagsterInstance, current_run: str | None = None) -> list[str]:
        """`prune_handoffs` under this manager's base."""
        return prune_handoffs(self._base_path, instance, self.retention, current_run)

    def get_asset_relative_path(self, context: InputContext | OutputContext) -> UPath:
        return UPath(self._run_id(context), *context.asset_key.path)

    @staticmethod
    def _run_id(context: InputContext | OutputContext) -> str:
        if isinstance(context, OutputContext):
            return context.run_id
        try:  # produced in this run (or, re-executing from a failed step, in the parent run)
            run_id = context.upstream_output.run_id  # type: ignore[union-attr]
        except (AttributeError, DagsterInvariantViolationError):
            run_id = ""
        if RUN_ID.match(run_id):
            return run_id
        # An asset this run does not materialize (Dagster gives a placeholder run id).
        return _latest_run_of(context.instance, context.asset_key)

    def dump_to_path(self, context: OutputContext, obj: Any, path: UPath) -> None:
        dump_atomically(path, lambda handle: dump_handoff(obj, handle))
        _remember(path, obj)
        release_freed_memory()  # what the step made and dropped

    def load_from_path(self, context: InputContext, path: UPath) -> Any:
        context.add_input_metadata({"path": str(path)})
        release_freed_memory()  # the outputs earlier steps were the last to read
        try:
            wanted = context.dagster_type.typing_type
        except DagsterInvariantViolationError:  # a context built without one (tests, tools)
            wanted = Any
        live = _LIVE.get(str(path))
        obj = live() if live is not None else None
        if obj is not None:
            return _narrowed(obj, wanted)
        with path.open("rb") as handle:
            return load_handoff(handle, wanted)


@dataclasses.dataclass(frozen=True)
class _Fields:
    """The start of a dataclass hand-off: its class; the fields follow, then their offsets."""

    kind: type


_TRAILER = struct.Struct("<Q")  # the offset of the {field: offset} table, at the very end


def _by_fields(obj: Any) -> bool:
    """Whether `obj` is written field by field: a dataclass instance made from its fields."""
    return (
        dataclasses.is_dataclass(obj)
        and not isinstance(obj, type)
        and all(f.init for f in dataclasses.fields(obj))
    )


def dump_handoff(obj: Any, handle: BinaryIO) -> None:
    """Pickle `obj` to `handle` as a stream; a dataclass field by field (`load_handoff`)."""
    if not _by_fields(obj):
        pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
        return
    pickle.dump(_Fields(type(obj)), handle, protocol=pickle.HIGHEST_PROTOCOL)
    offsets = {}
    for field in dataclasses.fields(obj):
        offsets[field.name] = handle.tell()
        pickle.dump(getattr(obj, field.name), handle, protocol=pickle.HIGHEST_PROTOCOL)
    table = handle.tell()
    pickle.dump(offsets, handle, protocol=pickle.HIGHEST_PROTOCOL)
    handle.write(_TRAILER.pack(table))


def _narrower(kind: type, wanted: Any) -> bool:
    """Whether `wanted` is another dataclass, a subset of the fields of the dataclass `kind`."""
    dataclass_types = all(isinstance(t, type) and dataclasses.is_dataclass(t) for t in (kind, wanted))
    if not dataclass_types or issubclass(kind, wanted):
        return False
    return {f.name for f in dataclasses.fields(wanted)} <= {f.name for f in dataclasses.fields(kind)}


def _narrowed(obj: Any, wanted: Any) -> Any:
    """`obj`, or as the narrower dataclass `wanted` (its fields taken from `obj`)."""
    if not _narrower(type(obj), wanted):
        return obj
    return wanted(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(wanted)})


def read_as_narrower(narrow: type, wide: type) -> None:
    """Let `narrow` (a dataclass of some of `wide`'s fields) annotate a step's input: the step hand-offs
    read only its fields; another IO manager (a test's, Dagster's default) hands the whole `wide`
    object, which has them all."""
    make_python_type_usable_as_dagster_type(
        narrow,
        DagsterType(
            type_check_fn=lambda _, value: isinstance(value, narrow | wide),
            name=narrow.__name__,
            typing_type=narrow,
        ),
    )


def load_handoff(handle: BinaryIO, wanted: Any = Any) -> Any:
    """What `dump_handoff` wrote (or a plain pickle); as the narrower dataclass `wanted`, only its
    fields are read."""
    first = pickle.load(handle)
    if not isinstance(first, _Fields):
        return _narrowed(first, wanted)
    handle.seek(-_TRAILER.size, 2)
    (table,) = _TRAILER.unpack(handle.read(_TRAILER.size))
    handle.seek(table)
    offsets = pickle.load(handle)
    kind = wanted if _narrower(first.kind, wanted) else first.kind
    values = {}
    for field in dataclasses.fields(kind):
        handle.seek(offsets[field.name])
        values[field.name] = pickle.load(handle)
    return kind(**values)


_LIVE: dict[str, weakref.ref] = {}  # hand-off path -> the object this process wrote there, while alive


def _remember(path: UPath, obj: Any) -> None:
    """Keep a weak reference to `obj` as the content of `path` (lists, dicts and the like, which
    take none, are read back from the file)."""
    key = str(path)

    def forget(gone: weakref.ref) -> None:
        if _LIVE.get(key) is gone:
            del _LIVE[key]

    try:
        _LIVE[key] = weakref.ref(obj, forget)
    except TypeError:
        _LIVE.pop(key, None)


def _asset_keys(run_folder: UPath) -> list[AssetKey]:
    keys = []
    for file in run_folder.rglob(f"*{EXTENSION}"):
        relative = file.relative_to(run_folder)
        keys.append(AssetKey([*relative.parts[:-1], relative.name.removesuffix(EXTENSION)]))
    return keys


def _age(folder: UPath, now: dt.datetime) -> dt.timedelta:
    try:
        modified = folder.stat().st_mtime
    except (OSError, AttributeError):
        return dt.timedelta(0)
    return now - dt.datetime.fromtimestamp(modified, dt.UTC)


def _remove(folder: UPath) -> None:
    if is_local(folder):
        shutil.rmtree(folder.path, ignore_errors=True)
    else:
        folder.fs.rm(folder.path, recursive=True)


def prune_handoffs(
    base: UPath, instance: DagsterInstance, retention: dt.timedelta, current_run: str | None = None
) -> list[str]:
    """Remove the run folders nobody will read again (see the module docstring); returns their run ids."""
    if not base.exists():
        return []
    folders = {f.name: f for f in base.iterdir() if f.is_dir() and RUN_ID.match(f.name)}
    folders.pop(current_run or "", None)
    if not folders:
        return []
    records = {r.dagster_run.run_id: r for r in instance.get_run_records(RunsFilter(run_ids=list(folders)))}
    latest: set[str] = set()
    for key in {key for folder in folders.values() for key in _asset_keys(folder)}:
        event = instance.get_latest_materialization_event(key)
        if event is not None:
            latest.add(event.run_id)
    now = dt.datetime.now(dt.UTC)
    removed = []
    for run_id, folder in folders.items():
        record = records.get(run_id)
        if run_id in latest:
            continue
        if record is None:
            expired = _age(folder, now) > retention  # another instance's run, or a deleted one
        elif record.dagster_run.status not in FINISHED:
            expired = False
        elif record.dagster_run.status == DagsterRunStatus.SUCCESS:
            expired = True
        else:
            ended = record.end_time or record.update_timestamp.timestamp()
            expired = now - dt.datetime.fromtimestamp(ended, dt.UTC) > retention
        if expired:
            _remove(folder)
            removed.append(run_id)
    return sorted(removed)


class StepHandoffs(ConfigurableIOManagerFactory):
    """The IO manager of every asset: run-scoped pickles under `base` (HANDOFF_DIR), pruned after
    `retention_hours` (HANDOFF_RETENTION_HOURS) as the module docstring says."""

    base: str
    retention_hours: float = 72.0

    @property
    def base_path(self) -> UPath:
        return UPath(self.base) if "://" in self.base else UPath(Path(self.base).expanduser().resolve())

    def create_io_manager(self, context: InitResourceContext) -> RunScopedPickleIOManager:
        """The manager; in a run, every step that uses it first prunes the folders no run will read
        again (runs without a daemon, whose handoff_cleanup sensor would do it, stay bounded too)."""
        manager = RunScopedPickleIOManager(self.base_path, dt.timedelta(hours=self.retention_hours))
        if context.instance is not None and context.run is not None:
            manager.prune(context.instance, current_run=context.run.run_id)
        return manager
