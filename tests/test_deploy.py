"""The instance settings: both files validate against Dagster's schema, and the production one
works for real: `dagster instance migrate` against a PostgreSQL server on a port of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.builders import PROJECT_ROOT
from tests.services import POSTGRES_MISSING, postgres_server

pytestmark = pytest.mark.slow  # a real PostgreSQL (make test-slow)

DAGSTER = Path(sys.executable).parent / "dagster"
DEPLOY_YAML = PROJECT_ROOT / "deploy" / "dagster.yaml"
PG_VARIABLES = (
    "DAGSTER_PG_HOST",
    "DAGSTER_PG_PORT",
    "DAGSTER_PG_DB",
    "DAGSTER_PG_USER",
    "DAGSTER_PG_PASSWORD",
)


@pytest.mark.parametrize("path", [PROJECT_ROOT / "dagster.yaml", DEPLOY_YAML])
def test_instance_settings_are_valid(path: Path, tmp_path, monkeypatch):
    from dagster._core.instance.config import dagster_instance_config

    for name in (*PG_VARIABLES, "DAGSTER_COMPUTE_LOG_DIR"):
        monkeypatch.setenv(name, "1")
    (tmp_path / "dagster.yaml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["telemetry"] == {"enabled": False}
    assert config["concurrency"]["pools"]["default_limit"] == 1


def test_production_settings_read_every_connection_detail_from_the_environment():
    settings = yaml.safe_load(DEPLOY_YAML.read_text(encoding="utf-8"))
    assert set(settings["storage"]) == {"postgres"}
    database = settings["storage"]["postgres"]["postgres_db"]
    for field in ("hostname", "port", "db_name", "username", "password"):
        assert set(database[field]) == {"env"}, f"{field} is not read from an environment variable"
    assert settings["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert settings["compute_logs"]["config"]["base_dir"] == {"env": "DAGSTER_COMPUTE_LOG_DIR"}


@pytest.mark.skipif(POSTGRES_MISSING is not None, reason=POSTGRES_MISSING or "")
def test_production_instance_migrates_on_a_real_postgres(tmp_path):
    """What a deployment does first; failed with `No module named 'psycopg'` (SQLAlchemy 2.1 picks
    psycopg 3 for postgresql://) and could not reach a server on any port but 5432."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DEPLOY_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    with postgres_server() as postgres:
        env = {
            **os.environ, **postgres.environment(), "DAGSTER_HOME": str(home),
            "DAGSTER_COMPUTE_LOG_DIR": str(tmp_path / "logs"),
        }  # fmt: skip
        migrated = subprocess.run([DAGSTER, "instance", "migrate"], env=env, capture_output=True, text=True)
        assert migrated.returncode == 0, migrated.stdout[-2000:] + migrated.stderr[-2000:]
        info = subprocess.run([DAGSTER, "instance", "info"], env=env, capture_output=True, text=True)
        assert info.returncode == 0, info.stderr[-2000:]
        assert "PostgresRunStorage" in info.stdout, info.stdout
