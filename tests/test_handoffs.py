"""Step hand-offs (pipelines/handoffs.py): each run's outputs apart from every other run's, written
atomically, an asset outside the run loaded from its latest materialization, old folders pruned."""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
import time
import weakref

import pytest
from dagster import (
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    PythonObjectDagsterType,
    asset,
    build_input_context,
    build_output_context,
    build_run_status_sensor_context,
    materialize,
)
from upath import UPath

from pipelines.defs.automation import handoff_cleanup
from pipelines.defs.handoffs import StepHandoffs
from pipelines.defs.resources import resources_from_environment

RUN_A = "aaaaaaaa-0000-4000-8000-000000000001"
RUN_B = "bbbbbbbb-0000-4000-8000-000000000002"
KEY = AssetKey("extracted_facts")


@pytest.fixture
def manager(tmp_path, monkeypatch):
    """The IO manager the code location configures (HANDOFF_DIR pointing into tmp_path)."""
    monkeypatch.setenv("HANDOFF_DIR", str(tmp_path / "handoffs"))
    factory = resources_from_environment()["io_manager"]
    assert isinstance(factory, StepHandoffs)
    return factory.create_io_manager(_no_instance())


def _no_instance():
    from dagster import build_init_resource_context

    return build_init_resource_context()


def _write(manager, run_id: str, value) -> None:
    manager.handle_output(
        build_output_context(asset_key=KEY, run_id=run_id, name="result", step_key="s"), value
    )


def _read(manager, run_id: str, as_type: type | None = None):
    upstream = build_output_context(asset_key=KEY, run_id=run_id, name="result", step_key="s")
    kind = PythonObjectDagsterType(as_type) if as_type else None
    return manager.load_input(build_input_context(upstream_output=upstream, asset_key=KEY, dagster_type=kind))


def test_two_runs_outputs_of_one_asset_stay_apart(manager, tmp_path):
    """Dagster's default IO manager kept one file per asset for all runs: run A then read run B's."""
    _write(manager, RUN_A, "facts of run A")
    _write(manager, RUN_B, "facts of run B")
    assert _read(manager, RUN_A) == "facts of run A"
    assert _read(manager, RUN_B) == "facts of run B"
    assert sorted(p.name for p in (tmp_path / "handoffs").iterdir()) == [RUN_A, RUN_B]


@asset
def first() -> int:
    return 1


@asset
def second(first: int) -> int:
    return first + 1


@asset
def broken(first: int) -> int:
    raise RuntimeError("this step fails")


def handoff_cleanup_prunes(instance, run_id: str, resources) -> list[str]:
    """The handoff_cleanup sensor's evaluation after run `run_id` succeeded."""
    context = build_run_status_sensor_context(
        sensor_name="handoff_cleanup",
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run_id),
        dagster_event=instance.all_logs(run_id, of_type=DagsterEventType.RUN_SUCCESS)[0].dagster_event,
        resources=resources,
    )
    result = handoff_cleanup(context)
    return sorted(result.skip_message.removeprefix("removed the hand-offs of: ").split(", "))


def _folders(base) -> set[str]:
    return {p.name for p in base.iterdir()} if base.exists() else set()


def test_latest_materialization_loaded_and_finished_runs_pruned(tmp_path):
    base = tmp_path / "handoffs"
    resources = {"io_manager": StepHandoffs(base=str(base), retention_hours=1)}
    with DagsterInstance.ephemeral() as instance:
        run_1 = materialize([first, second], instance=instance, resources=resources).run_id
        assert _folders(base) == {run_1}

        # Only `second`: its input comes from `first`'s latest materialization (run 1), which stays.
        run_2 = materialize([first, second], selection=[second], instance=instance, resources=resources)
        loaded = [
            e.event_specific_data.metadata["path"].value
            for e in run_2.all_events
            if e.event_type_value == "LOADED_INPUT"
        ]
        assert len(loaded) == 1 and f"/{run_1}/" in loaded[0]
        assert _folders(base) == {run_1, run_2.run_id}

        # A failed run keeps its outputs for the retention period (re-execution needs them).
        failed = materialize(
            [first, broken], instance=instance, resources=resources, raise_on_error=False
        ).run_id
        # A folder of a run this instance never saw: kept while recent, removed once old.
        stranger_new, stranger_old = base / RUN_A, base / RUN_B
        stranger_new.mkdir()
        stranger_old.mkdir()
        old = time.time() - 2 * 3600
        os.utime(stranger_old, (old, old))

        run_3 = materialize([first, second], instance=instance, resources=resources).run_id
        # Each step prunes before it runs: run 1 went when the failed run re-materialized `first`;
        # run 2 still held the latest `second` when run 3's steps started.
        assert _folders(base) == {run_2.run_id, run_3, failed, RUN_A}
        # After run 3 succeeded (what the handoff_cleanup sensor does): run 2 goes. The failed run's
        # `first` was superseded too, but it failed within the retention period: kept.
        assert handoff_cleanup_prunes(instance, run_3, resources) == [run_2.run_id]
        assert _folders(base) == {run_3, failed, RUN_A}

        short = {"io_manager": StepHandoffs(base=str(base), retention_hours=0)}
        run_4 = materialize([first, second], instance=instance, resources=short).run_id
        handoff_cleanup_prunes(instance, run_4, short)
        assert _folders(base) == {run_4}


def test_an_object_store_base_works_like_a_folder():
    """fsspec's in-memory filesystem stands for an object store (s3://, gs://): no rename there."""
    resources = {"io_manager": StepHandoffs(base="memory://handoffs-test", retention_hours=1)}
    base = UPath("memory://handoffs-test")
    with DagsterInstance.ephemeral() as instance:
        run_1 = materialize([first, second], instance=instance, resources=resources).run_id
        assert pickle.loads((base / run_1 / "second.pickle").read_bytes()) == 2
        run_2 = materialize([first, second], instance=instance, resources=resources).run_id
        assert handoff_cleanup_prunes(instance, run_2, resources) == [run_1]
        assert {p.name for p in base.iterdir()} == {run_2}


def test_in_one_process_a_step_gets_the_live_output_and_else_the_file(manager):
    """While an output is alive in this process, steps are handed it, not a copy read back."""
    value = KeyedValue("facts")
    _write(manager, RUN_A, value)
    assert _read(manager, RUN_A) is value
    del value
    assert _read(manager, RUN_A) == KeyedValue("facts")  # gone from memory: read from the file
    _write(manager, RUN_B, ["a list", "takes no weak reference"])
    assert _read(manager, RUN_B) == ["a list", "takes no weak reference"]


@dataclasses.dataclass(frozen=True)
class KeyedValue:
    name: str


@dataclasses.dataclass(frozen=True)
class Wide:
    kept: str
    big: object
    count: int = 0


@dataclasses.dataclass(frozen=True)
class Narrow:
    kept: str
    count: int = 0


class NeverRead:
    """Unpickling it fails: a field read as a narrower type must not be read at all."""

    def __reduce__(self):
        return (_refuse, ())


def _refuse():
    raise AssertionError("a field the reader does not want was unpickled")


def test_a_dataclass_output_read_as_a_narrower_one_reads_only_its_fields(manager):
    wide = Wide("documents", NeverRead(), 3)
    _write(manager, RUN_A, wide)
    assert _read(manager, RUN_A, Narrow) == Narrow("documents", 3)  # the live object, narrowed
    del wide
    assert _read(manager, RUN_A, Narrow) == Narrow("documents", 3)  # from the file: `big` never read
    with pytest.raises(AssertionError, match="does not want"):
        _read(manager, RUN_A)


def test_a_plain_pickle_of_an_earlier_version_still_loads(manager, tmp_path):
    _write(manager, RUN_A, KeyedValue("placeholder"))
    (file,) = (tmp_path / "handoffs" / RUN_A).rglob("*.pickle")
    file.write_bytes(pickle.dumps(Wide("documents", "facts", 3)))
    assert _read(manager, RUN_A) == Wide("documents", "facts", 3)
    assert _read(manager, RUN_A, Narrow) == Narrow("documents", 3)


_MADE: list = []  # weak references to what wide_output returned


@asset
def wide_output() -> Wide:
    output = Wide("documents", ["facts"] * 3, 3)
    _MADE.append(weakref.ref(output))
    return output


@asset
def narrow_input(wide_output: Narrow) -> int:
    return wide_output.count


def test_a_run_in_this_process_keeps_no_output_and_steps_read_the_files(tmp_path):
    """Nothing holds a step's output once it is written: the next step reads it back (narrowed)."""
    from dagster import execute_job, reconstructable

    instance = DagsterInstance.ephemeral()
    resources = {"io_manager": StepHandoffs(base=str(tmp_path / "handoffs"))}
    result = execute_job(reconstructable(_narrow_job), instance, run_config={"resources": {"io_manager": {"config": dict(resources["io_manager"])}}})  # fmt: skip
    assert result.success and result.asset_materializations_for_node("narrow_input")
    gc.collect()  # a reference cycle of the step's frames may still hold it; nothing else may
    assert _MADE and _MADE[-1]() is None  # freed once written and read: the run kept no copy


def _narrow_job():
    from dagster import Definitions, define_asset_job, in_process_executor

    job = define_asset_job("narrow", executor_def=in_process_executor)
    defs = Definitions(
        assets=[wide_output, narrow_input],
        jobs=[job],
        resources={"io_manager": StepHandoffs(base="/nonexistent")},
    )
    return defs.resolve_job_def("narrow")


def test_the_validation_steps_read_only_the_extractions_fields_they_need(manager):
    """The indicator rows' validation reads the rows and the batch key of the extraction's hand-off,
    and the warehouse load its documents: neither unpickles the facts again."""
    import pandas as pd

    from pipelines.batch import Extraction, ExtractionDocuments, ExtractionIndicators
    from pipelines.defs.assets.validation import validated_indicators
    from pipelines.defs.assets.warehouse import duckdb_warehouse

    assert validated_indicators.op.ins["extracted_facts"].dagster_type.typing_type is ExtractionIndicators
    assert duckdb_warehouse.op.ins["extracted_facts"].dagster_type.typing_type is ExtractionDocuments
    rows = pd.DataFrame({"indicator": ["某指标"]})
    extraction = Extraction(pd.DataFrame(), pd.DataFrame(), NeverRead(), rows, [], key="batch-1")
    _write(manager, RUN_A, extraction)
    del extraction
    read = _read(manager, RUN_A, ExtractionIndicators)
    assert read.key == "batch-1" and read.indicators.equals(rows)
