"""Validate: the Great Expectations suites over the extracted facts and performance-indicator rows,
one asset check per rule."""

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

from pipelines import schema
from pipelines.batch import Extraction, ExtractionIndicators
from pipelines.defs.handoffs import read_as_narrower
from pipelines.defs.resources import ExtractCacheFolder
from pipelines.validation import (
    FACT_GRAIN,
    INDICATOR_GRAIN,
    Rule,
    ValidationOutcome,
    fact_rules,
    indicator_rules,
    validate_facts,
    validate_indicators,
)

GRAIN_CHECK = "fact_grain_unique"
INDICATOR_GRAIN_CHECK = "kpi_row_grain_unique"
PLACEHOLDER = re.compile(r"[{](\w+)[^}]*[}]")  # {range_max:g} in a rule's expected text
NAMED = r"<\1>"
read_as_narrower(ExtractionIndicators, Extraction)  # the indicator rows' step leaves the facts unread


def _rule_specs(rules: list[Rule], asset_name: str) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(
            rule.name,
            asset=asset_name,
            description=f"{rule.severity}: {PLACEHOLDER.sub(NAMED, rule.expected)}",
        )
        for rule in rules
    ]


def _rule_checks(outcome: ValidationOutcome) -> Iterator[AssetCheckResult]:
    """One check result per rule: passed, failing count and a sample of failing rows."""
    for rule in outcome.report["rules"]:
        sample = pd.DataFrame(rule["sample"])
        yield AssetCheckResult(
            check_name=rule["rule"],
            passed=rule["success"],
            severity=AssetCheckSeverity.ERROR if rule["severity"] == "error" else AssetCheckSeverity.WARN,
            metadata={
                "failing_count": rule["failing_count"],
                "severity": rule["severity"],
                "sample": MetadataValue.md(sample.to_markdown(index=False) if len(sample) else "none"),
            },
        )


@asset(
    group_name="validation",
    description="Facts that pass every error-level rule (warning-level failures flagged), one per grain.",
    check_specs=[
        *_rule_specs(fact_rules(), "validated_facts"),
        AssetCheckSpec(
            GRAIN_CHECK,
            asset="validated_facts",
            blocking=True,
            description=(
                "Structural: no null keys (the fiscal year may be unknown), one fact per grain; a failure "
                "stops the warehouse load."
            ),
        ),
    ],
)
def validated_facts(
    context: AssetExecutionContext, extract_cache: ExtractCacheFolder, extracted_facts: Extraction
) -> Iterator:
    facts = extracted_facts.facts
    outcome = validate_facts(
        facts,
        cache_root=extract_cache.root,
        documents=extracted_facts.documents,
        batch=extracted_facts.key or "",
    )
    yield Output(
        outcome,
        metadata={
            "facts_extracted": len(facts),
            "facts_accepted": len(outcome.accepted),
            "facts_rejected": len(outcome.rejected),
        },
    )
    yield from _rule_checks(outcome)
    yield _grain_check(outcome.accepted, FACT_GRAIN, GRAIN_CHECK, "fact_indicator_value")


@asset(
    group_name="validation",
    description=(
        "Performance-indicator rows (绩效指标 table rows) that pass every error-level rule "
        "(warning-level failures flagged)."
    ),
    check_specs=[
        *_rule_specs(indicator_rules(), "validated_indicators"),
        AssetCheckSpec(
            INDICATOR_GRAIN_CHECK,
            asset="validated_indicators",
            blocking=True,
            description="Structural: every row has its document and row number, once; a failure stops the load.",
        ),
    ],
)
def validated_indicators(
    context: AssetExecutionContext, extract_cache: ExtractCacheFolder, extracted_facts: ExtractionIndicators
) -> Iterator:
    rows = extracted_facts.indicators
    outcome = validate_indicators(rows, cache_root=extract_cache.root, batch=extracted_facts.key or "")
    yield Output(
        outcome,
        metadata={
            "rows_extracted": len(rows),
            "rows_accepted": len(outcome.accepted),
            "rows_rejected": len(outcome.rejected),
        },
    )
    yield from _rule_checks(outcome)
    yield _grain_check(outcome.accepted, INDICATOR_GRAIN, INDICATOR_GRAIN_CHECK, "fact_performance_indicator")


def _grain_check(accepted: pd.DataFrame, grain: list[str], name: str, table: str) -> AssetCheckResult:
    """No row without a key of its grain (but for a key its warehouse `table` may hold NULL in, such
    as an unknown fiscal year), and one row per grain."""
    keys = [column for column in grain if column not in schema.nullable(table)]
    null_keys = int(accepted[keys].isna().any(axis=1).sum()) if len(accepted) else 0
    duplicates = int(accepted.duplicated(grain).sum()) if len(accepted) else 0
    return AssetCheckResult(
        check_name=name,
        passed=null_keys == 0 and duplicates == 0,
        severity=AssetCheckSeverity.ERROR,
        metadata={"null_keys": null_keys, "duplicate_grains": duplicates},
    )
