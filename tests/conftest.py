"""Hypothesis profiles: `ci` (the default: a fixed seed, so a run is reproducible) and `explore`
(`pytest --hypothesis-profile=explore`: new random examples, many more of them); the sample
warehouse, built once per session for every module that reads it."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "explore", deadline=None, max_examples=3000, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """The samples' warehouse and the run that built it (read-only: the build publishes mode 0444)."""
    from tests.test_pipeline import SAMPLES, run_pipeline

    warehouse = tmp_path_factory.mktemp("wh") / "reports.duckdb"
    result = run_pipeline(SAMPLES / "reports", warehouse)
    assert result.success
    return warehouse, result


@pytest.fixture(scope="session")
def built(build) -> Path:
    return build[0]
