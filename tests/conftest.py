"""Hypothesis profiles: `ci` (the default: a fixed seed, so a run is reproducible) and `explore`
(`pytest --hypothesis-profile=explore`: new random examples, many more of them)."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "explore", deadline=None, max_examples=3000, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")
