"""The production instance settings validate against Dagster's schema and name the Postgres storage."""

from pathlib import Path

import pytest
import yaml

from tests.builders import PROJECT_ROOT


@pytest.mark.parametrize("path", [PROJECT_ROOT / "dagster.yaml", PROJECT_ROOT / "deploy" / "dagster.yaml"])
def test_instance_settings_are_valid(path: Path, tmp_path, monkeypatch):
    from dagster._core.instance.config import dagster_instance_config

    for name in ("DAGSTER_PG_HOST", "DAGSTER_PG_DB", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD"):
        monkeypatch.setenv(name, "x")
    (tmp_path / "dagster.yaml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["telemetry"] == {"enabled": False}
    assert config["concurrency"]["pools"]["default_limit"] == 1


def test_production_storage_is_postgres():
    pytest.importorskip("dagster_postgres", reason="dagster-postgres is a dev dependency")
    settings = yaml.safe_load((PROJECT_ROOT / "deploy" / "dagster.yaml").read_text(encoding="utf-8"))
    assert set(settings["storage"]) == {"postgres"}
    assert settings["run_coordinator"]["class"] == "QueuedRunCoordinator"
