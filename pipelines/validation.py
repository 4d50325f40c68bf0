"""The expectation suites: every rule a fact must pass, as Great Expectations 1.x expectations.

Rules are defined once here, versioned with the code. Error-level rules reject the failing facts
(they go to `v_rejected` with the rule's name); warning-level rules keep the fact and add the rule's
name to its `flags`. Great Expectations is imported lazily (it costs seconds) and runs in an
ephemeral, in-memory context with progress bars off.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from pipelines.extract.matching import KPI_PREFIX
from pipelines.indicators import default_dictionary

Severity = Literal["error", "warning"]
Condition = tuple[str, Literal["==", "!=", "in", "not in"], Any]  # (column, operator, value)
MONEY_CEILING_YUAN = 1e11

# The fact grain: one value per institution x year x indicator x document x scope x target flag.
FACT_GRAIN = ["institution", "fiscal_year", "indicator_code", "document_key", "scope", "is_target"]
QUALIFIERS = ["exact", "at_least", "at_most", "approx"]


@dataclass(frozen=True)
class Rule:
    """One named rule: a Great Expectations expectation type with its arguments and a severity."""

    name: str
    severity: Severity
    expectation: str  # class name in great_expectations.expectations
    kwargs: dict[str, Any]
    expected: str  # what a passing value looks like, for v_rejected.detail
    where: tuple[Condition, ...] = ()  # rows the rule applies to (all conditions hold); empty: every row


@dataclass(frozen=True)
class RuleResult:
    """How one rule went on one batch of facts."""

    rule: Rule
    failing_index: list[int]

    @property
    def success(self) -> bool:
        return not self.failing_index


def fact_rules(current_year: int | None = None) -> list[Rule]:
    """The per-fact suite."""
    year = current_year or dt.date.today().year
    codes = sorted(default_dictionary())
    return [
        Rule("institution_present", "error", "ExpectColumnValuesToNotBeNull", {"column": "institution"}, "an institution name"),
        Rule("fiscal_year_present", "error", "ExpectColumnValuesToNotBeNull", {"column": "fiscal_year"}, "a fiscal year"),
        Rule("value_present", "error", "ExpectColumnValuesToNotBeNull", {"column": "value"}, "a number"),
        Rule(
            "fiscal_year_in_range", "error", "ExpectColumnValuesToBeBetween",
            {"column": "fiscal_year", "min_value": 2000, "max_value": year}, f"2000 <= year <= {year}",
        ),
        Rule(
            "indicator_code_known", "error", "ExpectColumnValuesToMatchRegex",
            {"column": "indicator_code", "regex": f"^(?:{re.escape(KPI_PREFIX)}.+|{'|'.join(codes)})$"},
            f"a code of the indicator dictionary or {KPI_PREFIX}<name> from a performance table",
        ),
        Rule("qualifier_known", "error", "ExpectColumnValuesToBeInSet", {"column": "qualifier", "value_set": QUALIFIERS}, "|".join(QUALIFIERS)),
        Rule(
            "money_in_range", "error", "ExpectColumnValuesToBeBetween",
            {"column": "value", "min_value": 0, "max_value": MONEY_CEILING_YUAN}, f"0 <= yuan < {MONEY_CEILING_YUAN:.0e}", (("unit", "==", "CNY"),),
        ),
        Rule(
            "percent_in_range", "error", "ExpectColumnValuesToBeBetween",
            {"column": "value", "min_value": 0, "max_value": 100}, "0 <= percent <= 100",
            (("unit", "==", "percent"), ("indicator_code", "!=", "budget_execution_rate")),
        ),
        Rule(
            "execution_rate_in_range", "error", "ExpectColumnValuesToBeBetween",
            {"column": "value", "min_value": 0, "max_value": 1000}, "0 <= execution rate <= 1000",
            (("indicator_code", "==", "budget_execution_rate"),),
        ),
        Rule(
            "execution_rate_at_most_100", "warning", "ExpectColumnValuesToBeBetween",
            {"column": "value", "max_value": 100}, "execution rate <= 100",
            (("indicator_code", "==", "budget_execution_rate"),),
        ),
        Rule(
            "count_is_whole_non_negative", "error", "ExpectColumnValuesToBeBetween",
            {"column": "value", "min_value": 0}, "a count >= 0",
            (("unit", "not in", ["CNY", "percent", "point"]),),
        ),
        Rule(
            "score_in_range", "error", "ExpectColumnValuesToBeBetween",
            {"column": "value", "min_value": 0, "max_value": 100}, "0 <= score <= 100", (("unit", "==", "point"),),
        ),
        Rule(
            "read_as_printed", "warning", "ExpectColumnValuesToBeNull", {"column": "note"},
            "the figure read as printed (no unit or ratio reinterpretation)",
        ),
    ]  # fmt: skip


def run_rules(facts: pd.DataFrame, rules: list[Rule]) -> list[RuleResult]:
    """Validate `facts` against `rules` with Great Expectations; the failing row positions per rule."""
    if facts.empty:
        return [RuleResult(rule, []) for rule in rules]
    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    batch = (
        context.data_sources.add_pandas("reports")
        .add_dataframe_asset("facts")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": facts.reset_index(drop=True)})
    )
    suite = gx.ExpectationSuite(
        name="fact_rules",
        expectations=[
            getattr(gxe, rule.expectation)(
                **rule.kwargs, **_row_condition(rule), meta={"rule": rule.name}, severity=_gx_severity(rule)
            )
            for rule in rules
        ],
    )
    outcome = batch.validate(suite, result_format="COMPLETE")
    by_name = {rule.name: rule for rule in rules}
    results = []
    for result in outcome.results:
        rule = by_name[result.expectation_config.meta["rule"]]
        if result.exception_info and result.exception_info.get("raised_exception"):
            raise RuntimeError(f"rule {rule.name} could not run: {result.exception_info}")
        results.append(
            RuleResult(rule, sorted(int(i) for i in result.result.get("unexpected_index_list") or []))
        )
    return results


def _row_condition(rule: Rule) -> dict[str, Any]:
    """The rule's `where` as a Great Expectations row condition."""
    if not rule.where:
        return {}
    from great_expectations.expectations.row_conditions import Column

    operators = {
        "==": lambda c, v: c == v,
        "!=": lambda c, v: c != v,
        "in": lambda c, v: c.is_in(v),
        "not in": lambda c, v: c.is_not_in(v),
    }
    conditions = [operators[op](Column(name), value) for name, op, value in rule.where]
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return {"row_condition": combined}


def _gx_severity(rule: Rule) -> str:
    return "critical" if rule.severity == "error" else "warning"


@dataclass(frozen=True)
class ValidationOutcome:
    """Facts split by the suite: accepted (with warning flags) and rejected (with rule and detail)."""

    accepted: pd.DataFrame
    rejected: pd.DataFrame  # columns: source_file, stage, reason, detail, rule, indicator_code, value
    results: list[RuleResult]


def _rejection_rows(facts: pd.DataFrame, rule_name: str, reason: str, details: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": facts["source_file"].to_numpy(),
            "stage": "validate",
            "reason": reason,
            "detail": details,
            "rule": rule_name,
            "indicator_code": facts["indicator_code"].to_numpy(),
            "value": facts["value"].to_numpy(),
            "source_locator": facts["source_locator"].to_numpy(),
        }
    )


def resolve_grain(facts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep one fact per grain: exact before approximate, then the first stated; reject the others."""
    order = facts.assign(_approx=facts["qualifier"] != "exact").sort_values(
        ["_approx", "fact_seq"], kind="stable"
    )
    duplicated = order.duplicated(FACT_GRAIN, keep="first")
    kept = order[~duplicated].drop(columns="_approx").sort_values("fact_seq")
    dropped = order[duplicated].drop(columns="_approx")
    first = kept.set_index(FACT_GRAIN)
    details = []
    for row in dropped.itertuples(index=False):
        winner = first.loc[tuple(getattr(row, c) for c in FACT_GRAIN)]
        same = "the same value" if winner["value"] == row.value else f"{winner['value']:g}"
        details.append(
            f"observed {row.value:g} at {row.source_locator}; kept {same} stated at {winner['source_locator']}"
        )
    return kept, _rejection_rows(
        dropped, "unique_fact_grain", "stated more than once in the document", details
    )


def validate_facts(facts: pd.DataFrame, rules: list[Rule] | None = None) -> ValidationOutcome:
    """Run the suite, reject error-level failures, flag warning-level ones, keep one fact per grain."""
    rules = rules or fact_rules()
    facts = facts.reset_index(drop=True)
    results = run_rules(facts, rules)
    rejected_parts = []
    failed_rows: set[int] = set()
    flags: dict[int, list[str]] = {}
    for result in results:
        if result.rule.severity == "warning":
            for i in result.failing_index:
                flags.setdefault(i, []).append(result.rule.name)
            continue
        fresh = [i for i in result.failing_index if i not in failed_rows]
        failed_rows.update(fresh)
        failing = facts.iloc[fresh]
        details = [
            f"observed {v!r}; expected {result.rule.expected}" for v in failing[_observed_column(result.rule)]
        ]
        rejected_parts.append(
            _rejection_rows(failing, result.rule.name, f"failed rule {result.rule.name}", details)
        )
    passing = facts.drop(index=sorted(failed_rows))
    passing = passing.assign(flags=[",".join(flags.get(i, [])) or None for i in passing.index])
    accepted, duplicates = resolve_grain(passing)
    rejected = (
        pd.concat([*rejected_parts, duplicates], ignore_index=True)
        if rejected_parts or len(duplicates)
        else duplicates
    )
    return ValidationOutcome(accepted.reset_index(drop=True), rejected.reset_index(drop=True), results)


def _observed_column(rule: Rule) -> str:
    return rule.kwargs.get("column", "value")
