"""Validate: the Great Expectations suite over the extracted facts, one asset check per rule."""

import re
from collections.abc import Iterator

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    MetadataValue,
    Output,
    asset,
)

from pipelines.resources import ExtractCacheFolder
from pipelines.stages import Extraction
from pipelines.validation import FACT_GRAIN, ValidationOutcome, fact_rules, validate_facts

GRAIN_CHECK = "fact_grain_unique"
PLACEHOLDER = re.compile(r"[{](\w+)[^}]*[}]")  # {range_max:g} in a rule's expected text
NAMED = r"<\1>"


@asset(
    group_name="validate",
    description="Facts that pass every error-level rule (warning-level failures flagged), one per grain.",
    check_specs=[
        *(
            AssetCheckSpec(
                rule.name,
                asset="validated_facts",
                description=f"{rule.severity}: {PLACEHOLDER.sub(NAMED, rule.expected)}",
            )
            for rule in fact_rules()
        ),
        AssetCheckSpec(
            GRAIN_CHECK,
            asset="validated_facts",
            blocking=True,
            description="Structural: no null keys, one fact per grain; a failure stops the warehouse load.",
        ),
    ],
)
def validated_facts(
    context: AssetExecutionContext, extract_cache: ExtractCacheFolder, extracted_facts: Extraction
) -> Iterator:
    facts = extracted_facts.facts
    outcome = validate_facts(facts, cache_root=extract_cache.root)
    yield Output(
        outcome,
        metadata={
            "facts_extracted": len(facts),
            "facts_accepted": len(outcome.accepted),
            "facts_rejected": len(outcome.rejected),
        },
    )
    for rule in outcome.report["rules"]:
        sample = pd.DataFrame(rule["sample"])
        yield AssetCheckResult(
            check_name=rule["rule"],
            passed=rule["success"],
            severity=AssetCheckSeverity.WARN,
            metadata={
                "failing_count": rule["failing_count"],
                "severity": rule["severity"],
                "sample": MetadataValue.md(sample.to_markdown(index=False) if len(sample) else "none"),
            },
        )
    yield _grain_check(outcome)


def _grain_check(outcome: ValidationOutcome) -> AssetCheckResult:
    accepted = outcome.accepted
    null_keys = int(accepted[FACT_GRAIN].isna().any(axis=1).sum()) if len(accepted) else 0
    duplicates = int(accepted.duplicated(FACT_GRAIN).sum()) if len(accepted) else 0
    return AssetCheckResult(
        check_name=GRAIN_CHECK,
        passed=null_keys == 0 and duplicates == 0,
        severity=AssetCheckSeverity.ERROR,
        metadata={"null_keys": null_keys, "duplicate_grains": duplicates},
    )
