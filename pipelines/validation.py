"""The expectation suites: every rule a fact, or a performance-indicator row, must pass, as Great
Expectations 1.x expectations.

Rules are defined once here, versioned with the code. Error-level rules reject the failing facts
(they go to `v_rejected` with the rule, the observed value and what was expected); warning-level
rules keep the fact and add the rule's name to its `flags` (one row per fact and rule in
`v_warnings`). Rules that compare a fact with others (parts adding up to a total, a rate matching its
budget and expenditure, a money figure 10,000 times off its report, two documents disagreeing) run
on columns that `prepare` derives first, so every rule is a plain per-row expectation.
Performance-indicator rows (绩效指标 table rows) have a suite of their own (`indicator_rules`), in the
same style: error-level failures go to `v_rejected`, warning-level ones to the row's `flags`.
Great Expectations is imported lazily (it costs seconds) and runs in an ephemeral, in-memory
context with progress bars off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from pipelines import schema
from pipelines.indicators import default_dictionary
from pipelines.model import DEPARTMENT
from pipelines.storage import write_atomically, write_folder_atomically

Severity = Literal["error", "warning"]
Condition = tuple[str, Literal["==", "!=", "in", "not in"], Any]  # (column, operator, value)

# The fact grain: one value per institution x year x indicator x document x scope x target flag.
FACT_GRAIN = schema.grain("extracted_facts")
# The same figure as stated by different documents.
CROSS_DOCUMENT_KEY = [
    "institution", "province_code", "city_code", "county_code", "fiscal_year", "indicator_code", "scope", "is_target",
]  # fmt: skip
QUALIFIERS = ["exact", "at_least", "at_most", "approx"]
PARTS_TOLERANCE = 0.01  # basic + project within 1 % of the total
RATE_TOLERANCE = 0.5  # percentage points
STAFF_RATIO_CEILING = 2.0  # actual staff at most twice the authorised headcount
SCALE_GAP_CEILING = 3.5  # orders of magnitude: 10,000 times off is 4
NON_COUNT_UNITS = ["CNY", "percent", "point"]
# A performance-indicator row: its document and its place among the document's rows.
INDICATOR_GRAIN = schema.grain("extracted_indicators")
COMPARATORS = [">=", "<=", "=", ">", "<"]
FORM_POINTS = 100  # 分值 and 得分 are points of a form scored out of 100
# Below this recognition confidence a figure read by OCR is flagged (a misread digit is likely).
OCR_CONFIDENCE_FLOOR = 0.85
RULE_CHUNK = 50_000  # rows validated by Great Expectations at once


@dataclass(frozen=True)
class Rule:
    """One named rule: a Great Expectations expectation type with its arguments and a severity."""

    name: str
    severity: Severity
    expectation: str  # class name in great_expectations.expectations
    kwargs: dict[str, Any]
    expected: str  # what a passing value looks like, for v_rejected.detail
    where: tuple[Condition, ...] = ()  # rows the rule applies to (all conditions hold); empty: every row
    observed: str = "value"  # the column whose value a failure reports


@dataclass(frozen=True)
class RuleResult:
    """How one rule went on one batch of facts."""

    rule: Rule
    failing_index: list[int]

    @property
    def success(self) -> bool:
        return not self.failing_index


TEMPLATE_FIELD = re.compile(
    r"\{(\w+)(?::([^}]*))?\}"
)  # {range_max:g} in a rule's `expected`: the row's bound


def _rule(name: str, severity: Severity, expectation: str, expected: str, **kwargs: Any) -> Rule:
    where = tuple(kwargs.pop("where", ()))
    observed = kwargs.pop("observed", kwargs.get("column", "value"))
    return Rule(name, severity, expectation, kwargs, expected, where, observed)


def fact_rules(current_year: int | None = None) -> list[Rule]:
    """The suite, in the order failures are reported."""
    year = current_year or dt.date.today().year
    codes = "|".join(sorted(default_dictionary()))
    not_null = "ExpectColumnValuesToNotBeNull"
    between = "ExpectColumnValuesToBeBetween"
    return [
        # Completeness
        _rule("institution_present", "error", not_null, "an institution name", column="institution"),
        _rule("fiscal_year_present", "warning", not_null, "a fiscal year", column="fiscal_year"),
        _rule("fiscal_year_in_range", "error", between, f"2000 <= year <= {year}", column="fiscal_year", min_value=2000, max_value=year),
        _rule("region_resolved", "warning", not_null, "a province with its division code", column="province_code"),
        _rule("value_present", "error", not_null, "a number", column="value"),
        _rule(
            "indicator_code_known", "error", "ExpectColumnValuesToMatchRegex",
            "a code of the indicator dictionary",
            column="indicator_code", regex=f"^(?:{codes})$",
        ),
        _rule("qualifier_known", "error", "ExpectColumnValuesToBeInSet", "|".join(QUALIFIERS), column="qualifier", value_set=QUALIFIERS),
        # Ranges from the indicator dictionary
        _rule(
            "value_not_below_range", "error", "ExpectColumnPairValuesAToBeGreaterThanB", "value >= {range_min:g} (the dictionary's minimum)",
            column_A="value", column_B="range_min", or_equal=True, ignore_row_if="either_value_is_missing",
        ),
        _rule(
            "value_not_above_range", "error", "ExpectColumnPairValuesAToBeGreaterThanB", "value <= {range_max:g} (the dictionary's maximum)",
            column_A="range_max", column_B="value", or_equal=True, ignore_row_if="either_value_is_missing",
        ),
        _rule(
            "execution_rate_at_most_100", "warning", between, "execution rate <= 100",
            column="value", max_value=100, where=[("indicator_code", "==", "budget_execution_rate")],
        ),
        _rule(
            "count_is_whole", "error", "ExpectColumnValuesToBeInSet", "a whole number",
            column="value_is_whole", value_set=[True], where=[("unit", "not in", NON_COUNT_UNITS)], observed="value",
        ),
        # Consistency inside a report
        _rule(
            "expenditure_parts_add_up", "warning", between, f"basic + project within {PARTS_TOLERANCE:.0%} of the total",
            column="parts_gap", max_value=PARTS_TOLERANCE, observed="parts_gap",
        ),
        _rule(
            "execution_rate_matches", "warning", between, f"rate within {RATE_TOLERANCE} points of expenditure / budget x 100",
            column="rate_gap", max_value=RATE_TOLERANCE, observed="rate_gap",
        ),
        _rule(
            "fiscal_income_within_total", "warning", between, "fiscal income <= total income",
            column="fiscal_income_excess", max_value=0.5, observed="fiscal_income_excess",
        ),
        _rule(
            "staff_actual_plausible", "warning", between, f"actual staff <= {STAFF_RATIO_CEILING:g} x authorised",
            column="staff_ratio", max_value=STAFF_RATIO_CEILING, observed="staff_ratio",
        ),
        # Units
        _rule(
            "money_scale_consistent", "warning", between,
            f"within 10^{SCALE_GAP_CEILING} of the report's other money figures (alone: of its peers')",
            column="scale_gap", max_value=SCALE_GAP_CEILING, observed="scale_gap",
        ),
        _rule(
            "read_as_printed", "warning", "ExpectColumnValuesToBeNull",
            "the figure read as printed (no unit or ratio reinterpretation)", column="note",
        ),
        # Reading
        _rule(
            "ocr_confidence_low", "warning", between, f"OCR confidence >= {OCR_CONFIDENCE_FLOOR} (read from a scan)",
            column="ocr_confidence", min_value=OCR_CONFIDENCE_FLOOR, observed="ocr_confidence",
        ),
        # Across documents
        _rule(
            "consistent_across_documents", "warning", between,
            "one value per institution, year, indicator, report kind and project",
            column="conflicting_values", max_value=1, observed="conflicting_values",
        ),
    ]  # fmt: skip


def indicator_rules() -> list[Rule]:
    """The suite of performance-indicator rows, in the order failures are reported."""
    not_null = "ExpectColumnValuesToNotBeNull"
    between = "ExpectColumnValuesToBeBetween"
    return [
        _rule("kpi_institution_present", "error", not_null, "an institution name", column="institution"),
        _rule("kpi_fiscal_year_present", "warning", not_null, "a fiscal year", column="fiscal_year"),
        _rule(
            "kpi_indicator_present", "error", not_null, "a 三级指标 name",
            column="indicator_named", observed="indicator",
        ),
        _rule(
            "kpi_comparator_known", "error", "ExpectColumnValuesToBeInSet", "|".join(COMPARATORS),
            column="comparator", value_set=COMPARATORS,
        ),
        _rule(
            "kpi_weight_in_range", "error", between, f"0 <= weight (分值) <= {FORM_POINTS}",
            column="weight", min_value=0, max_value=FORM_POINTS,
        ),
        _rule(
            "kpi_score_in_range", "error", between, f"0 <= score (得分) <= {FORM_POINTS}",
            column="score", min_value=0, max_value=FORM_POINTS,
        ),
        _rule(
            "kpi_score_within_weight", "warning", "ExpectColumnPairValuesAToBeGreaterThanB",
            "score (得分) <= weight (分值)",
            column_A="weight", column_B="score", or_equal=True, ignore_row_if="either_value_is_missing",
            observed="score",
        ),
        _rule(
            "kpi_ocr_confidence_low", "warning", between, f"OCR confidence >= {OCR_CONFIDENCE_FLOOR} (read from a scan)",
            column="ocr_confidence", min_value=OCR_CONFIDENCE_FLOOR, observed="ocr_confidence",
        ),
    ]  # fmt: skip


def _report_of(facts: pd.DataFrame, documents: pd.DataFrame | None) -> pd.DataFrame:
    """Each fact's report kind and project (columns _report_kind, _project), from its document."""
    if documents is None:
        return pd.DataFrame({"_report_kind": "department", "_project": ""}, index=facts.index)
    kinds = documents.drop_duplicates("document_key").set_index("document_key")
    return pd.DataFrame(
        {
            "_report_kind": facts["document_key"].map(kinds["report_kind"]).fillna("department"),
            "_project": facts["document_key"].map(kinds["project"]).fillna(""),
        },
        index=facts.index,
    )


def prepare_indicators(rows: pd.DataFrame) -> pd.DataFrame:
    """The performance-indicator rows with the derived columns the rules check."""
    rows = rows.reset_index(drop=True)
    named = [name if isinstance(name, str) and name.strip() else None for name in rows["indicator"]]
    return rows.assign(indicator_named=pd.Series(named, index=rows.index, dtype="object"))


def _same_document(facts: pd.DataFrame, code: str, scope: str | None = None) -> pd.Series:
    """For each fact, the value its document states for `code` (in the fact's scope, or in `scope`)."""
    keys = ["document_key", "scope", "is_target"]
    table = facts.loc[facts["indicator_code"] == code, [*keys, "value"]].drop_duplicates(keys)
    left = facts[keys].assign(scope=scope) if scope else facts[keys]
    return left.merge(table, on=keys, how="left")["value"].set_axis(facts.index).astype("float64")


def _scale_gaps(facts: pd.DataFrame) -> pd.Series:
    """Orders of magnitude between a money figure and its report's other money figures: the other one
    when there are two, the median when there are more; alone in its report, the median of the same
    indicator in other reports."""
    money = (facts["unit"] == "CNY") & (facts["value"] > 0)
    logs = np.log10(facts["value"].where(money).astype("float64"))
    by_document = logs.groupby(facts["document_key"])
    count = by_document.transform("count")
    other_of_two = by_document.transform("sum") - logs
    reference = by_document.transform("median").where(count > 2, other_of_two)
    by_code = logs.groupby(facts["indicator_code"])
    peers = ((by_code.transform("sum") - logs) / (by_code.transform("count") - 1)).where(
        by_code.transform("count") > 1
    )
    reference = reference.where(count > 1, peers)
    return (logs - reference).abs().where(money)


def prepare(facts: pd.DataFrame, report_of: pd.DataFrame | None = None) -> pd.DataFrame:
    """The facts with the derived columns the rules check. `report_of` (document_key, report_kind,
    project: the documents frame) keeps reports of different kinds or projects apart across
    documents: a project's budget is not the department's."""
    dictionary = default_dictionary()
    facts = facts.reset_index(drop=True)
    codes = facts["indicator_code"]
    value = facts["value"].astype("float64")
    derived = pd.DataFrame(index=facts.index)
    derived["range_min"] = codes.map({c: i.min_value for c, i in dictionary.items()}).astype("float64")
    derived["range_max"] = codes.map({c: i.max_value for c, i in dictionary.items()}).astype("float64")
    derived["value_is_whole"] = (value % 1 == 0) | value.isna()
    basic = _same_document(facts, "expenditure_basic", DEPARTMENT)
    project = _same_document(facts, "expenditure_project", DEPARTMENT)
    is_total = (codes == "expenditure_total") & (facts["scope"] == DEPARTMENT)
    derived["parts_gap"] = ((basic + project - value).abs() / value).where(is_total & (value > 0))
    budget = _same_document(facts, "budget_total")
    spent = _same_document(facts, "expenditure_total")
    derived["rate_gap"] = (
        (spent / budget * 100 - value).abs().where((codes == "budget_execution_rate") & (budget > 0))
    )
    income = _same_document(facts, "income_total", DEPARTMENT)
    derived["fiscal_income_excess"] = (value - income).where(codes == "income_fiscal")
    authorised = _same_document(facts, "staff_authorized", DEPARTMENT)
    derived["staff_ratio"] = (value / authorised).where((codes == "staff_actual") & (authorised > 0))
    derived["scale_gap"] = _scale_gaps(facts)
    report = _report_of(facts, report_of)
    distinct = (
        pd.concat([facts[CROSS_DOCUMENT_KEY], report], axis=1)
        .assign(value=facts["value"])
        .groupby([*CROSS_DOCUMENT_KEY, *report.columns], dropna=False)["value"]
        .transform("nunique")
    )
    derived["conflicting_values"] = distinct.where(facts["institution"].notna()).astype("float64")
    return pd.concat([facts, derived], axis=1)


def run_rules(facts: pd.DataFrame, rules: list[Rule]) -> list[RuleResult]:
    """Validate prepared `facts` against `rules` with Great Expectations; failing row positions per
    rule. Every rule is a per-row expectation, so the rows go through it RULE_CHUNK at a time (what
    Great Expectations holds while it validates does not grow with the batch)."""
    failing: dict[str, list[int]] = {rule.name: [] for rule in rules}
    for start in range(0, len(facts), RULE_CHUNK):
        for result in _run_rules_once(facts.iloc[start : start + RULE_CHUNK], rules):
            failing[result.rule.name].extend(start + i for i in result.failing_index)
    return [RuleResult(rule, failing[rule.name]) for rule in rules]


def _run_rules_once(facts: pd.DataFrame, rules: list[Rule]) -> list[RuleResult]:
    """`run_rules` over one chunk of rows, in one Great Expectations validation."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    batch = (
        context.data_sources.add_pandas("reports")
        .add_dataframe_asset("facts")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": facts[rule_columns(rules)].reset_index(drop=True)})
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
    failing: dict[str, list[int]] = {}
    for result in outcome.results:
        name = result.expectation_config.meta["rule"]
        if result.exception_info and result.exception_info.get("raised_exception"):
            raise RuntimeError(f"rule {name} could not run: {result.exception_info}")
        failing[name] = sorted(int(i) for i in result.result.get("unexpected_index_list") or [])
    return [RuleResult(rule, failing[rule.name]) for rule in rules]


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
    rejected: (
        pd.DataFrame
    )  # columns: source_file, stage, reason, detail, rule, indicator_code, value, source_locator
    results: list[RuleResult]  # failing positions among the facts checked (after the grain)
    report: dict[str, Any]  # `validation_report`: counts and failing samples per rule, as plain data
    suite: str = ""  # `suite_version` of the rules


def _rejection_rows(
    facts: pd.DataFrame, rules: list[str], reasons: list[str], details: list[str]
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": facts["source_file"].to_numpy(),
            "stage": "validate",
            "reason": reasons,
            "detail": details,
            "rule": rules,
            "indicator_code": facts["indicator_code"].to_numpy(),
            "value": facts["value"].to_numpy(),
            "source_locator": facts["source_locator"].to_numpy(),
        }
    )


def resolve_grain(facts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep one fact per grain: exact before approximate, then the first stated; reject the others."""
    # Ordered and compared on the grain columns only; the rows are copied only when some go.
    order = (
        facts[[*FACT_GRAIN, "fact_seq"]]
        .assign(_approx=facts["qualifier"] != "exact")
        .sort_values(["_approx", "fact_seq"], kind="stable")
    )
    duplicated = order.duplicated(FACT_GRAIN, keep="first")
    kept = facts.loc[~duplicated.reindex(facts.index)] if duplicated.any() else facts
    kept = kept if kept["fact_seq"].is_monotonic_increasing else kept.sort_values("fact_seq")
    dropped = facts.loc[order.index[duplicated.to_numpy()]]
    first = kept.set_index(FACT_GRAIN) if len(dropped) else kept
    details = []
    for row in dropped.itertuples(index=False):
        winner = first.loc[tuple(getattr(row, c) for c in FACT_GRAIN)]
        same = "the same value" if winner["value"] == row.value else f"{winner['value']:.10g}"
        details.append(
            f"observed {row.value:.10g} at {row.source_locator}; kept {same} stated at {winner['source_locator']}"
        )
    n = len(dropped)
    return kept, _rejection_rows(
        dropped, ["unique_fact_grain"] * n, ["stated more than once in the document"] * n, details
    )


def _describe(value: Any) -> str:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return "missing" if math.isnan(value) else f"{value:.10g}"
    return "missing" if value is None or value is pd.NA else repr(value)


def _judge(
    checked: pd.DataFrame, results: list[RuleResult]
) -> tuple[dict[int, list[Rule]], pd.DataFrame, pd.DataFrame]:
    """Rows failing error-level rules (with those rules), the failing rows, and the other rows with
    the warning-level rules they broke in `flags`."""
    errors: dict[int, list[Rule]] = {}
    flags: dict[int, list[str]] = {}
    for result in results:
        for i in result.failing_index:
            if result.rule.severity == "error":
                errors.setdefault(i, []).append(result.rule)
            else:
                flags.setdefault(i, []).append(result.rule.name)
    failing = sorted(errors)
    kept = checked.drop(index=failing) if failing else checked  # drop copies every row, even of none
    kept = kept.assign(flags=[",".join(flags.get(i, [])) or None for i in kept.index])
    return errors, checked.loc[failing], kept


def _observed_detail(checked: pd.DataFrame, i: int, rules: list[Rule]) -> str:
    return "; ".join(
        f"observed {_describe(checked.at[i, r.observed])}, expected {_expected(r, checked, i)}" for r in rules
    )


def _expected(rule: Rule, checked: pd.DataFrame, i: int) -> str:
    """The rule's `expected` with the row's bounds filled in (`value <= {range_max:g}`: the dictionary's
    maximum of the row's indicator)."""
    return TEMPLATE_FIELD.sub(lambda m: format(checked.at[i, m[1]], m[2] or ""), rule.expected)


def validate_facts(
    facts: pd.DataFrame,
    rules: list[Rule] | None = None,
    cache_root: Path | None = None,
    documents: pd.DataFrame | None = None,
    batch: str = "",
) -> ValidationOutcome:
    """One fact per grain, then the suite: error-level failures rejected, warning-level ones flagged.

    With `cache_root`, rows judged by an earlier run with the same rule values are not judged again,
    and a batch of the same rows as the last one validated gets that outcome back (`outcome_key`; with
    `batch`, the key of the extraction the facts are, in place of hashing every row).
    With `documents` (the extracted documents), values are compared across documents of the same
    report kind and project only.
    """
    rules = rules or fact_rules()
    key = outcome_key(rules, facts, documents, batch=batch) if cache_root is not None else None
    if key and (remembered := remembered_outcome(cache_root, "facts", key, rules)):  # type: ignore[arg-type]
        return remembered
    kept, duplicates = resolve_grain(facts.reset_index(drop=True))
    checked = prepare(kept, documents)
    results = run_rules_cached(checked, rules, cache_root)
    errors, rows, judged = _judge(checked, results)
    failing = list(rows.index)
    rejected = _rejection_rows(
        rows,
        [errors[i][0].name for i in failing],
        [f"failed rule {', '.join(r.name for r in errors[i])}" for i in failing],
        [_observed_detail(checked, i, errors[i]) for i in failing],
    )
    kept = kept.reset_index(drop=True)
    accepted = (kept if len(judged) == len(kept) else kept.loc[judged.index]).assign(flags=judged["flags"])
    parts = [frame for frame in (rejected, duplicates) if len(frame)]
    all_rejected = pd.concat(parts, ignore_index=True) if parts else rejected
    accepted = accepted.reset_index(drop=True)
    report = validation_report(checked, results, len(accepted), len(all_rejected))
    outcome = ValidationOutcome(accepted, all_rejected, results, report, suite_version(rules))
    if key:
        remember_outcome(cache_root, "facts", key, outcome)  # type: ignore[arg-type]
    return outcome


def validate_indicators(
    rows: pd.DataFrame, rules: list[Rule] | None = None, cache_root: Path | None = None, batch: str = ""
) -> ValidationOutcome:
    """The performance-indicator suite: rows failing an error-level rule are rejected (to
    `v_rejected`, stage validate, with the rule), warning-level failures flagged in `flags`.

    `accepted` has the columns of `rows` plus `flags`; `rejected` the columns of the rejection table.
    """
    rules = rules or indicator_rules()
    key = outcome_key(rules, rows, batch=batch) if cache_root is not None else None
    if key and (remembered := remembered_outcome(cache_root, "indicators", key, rules)):  # type: ignore[arg-type]
        return remembered
    checked = prepare_indicators(rows)
    results = run_rules_cached(checked, rules, cache_root)
    errors, failing_rows, judged = _judge(checked, results)
    failing = list(failing_rows.index)
    rejected = pd.DataFrame(
        {
            "source_file": failing_rows["source_file"].to_numpy(),
            "stage": "validate",
            "reason": [f"failed rule {', '.join(r.name for r in errors[i])}" for i in failing],
            "detail": [
                f"performance indicator {_describe(checked.at[i, 'indicator'])} "
                f"(row {checked.at[i, 'row_number']}): {_observed_detail(checked, i, errors[i])}"
                for i in failing
            ],
            "rule": [errors[i][0].name for i in failing],
            "indicator_code": None,
            "value": [_number(checked.at[i, errors[i][0].observed]) for i in failing],
            "source_locator": failing_rows["source_locator"].to_numpy(),
        },
        columns=REJECTED_COLUMNS,
    )
    accepted = (
        rows.reset_index(drop=True).loc[judged.index].assign(flags=judged["flags"]).reset_index(drop=True)
    )
    columns = ["source_file", "row_number", "indicator", "source_locator"]
    report = validation_report(checked, results, len(accepted), len(rejected), columns=columns, noun="rows")
    outcome = ValidationOutcome(accepted, rejected, results, report, suite_version(rules))
    if key:
        remember_outcome(cache_root, "indicators", key, outcome)  # type: ignore[arg-type]
    return outcome


REJECTED_COLUMNS = schema.columns("rejection")


def _number(value: Any) -> float | None:
    """An observed value as a number for v_rejected.value (None for text or a missing value)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return None
    return None if math.isnan(float(value)) else float(value)


def validation_report(
    checked: pd.DataFrame,
    results: list[RuleResult],
    accepted: int,
    rejected: int,
    sample_rows: int = 5,
    columns: list[str] | None = None,
    noun: str = "facts",
) -> dict[str, Any]:
    """The results of a run as plain data (kept as JSON beside the warehouse)."""
    columns = columns or ["source_file", "indicator_code", "value", "source_locator"]
    rules = []
    for result in results:
        observed = result.rule.observed
        shown = [*columns, observed] if observed not in columns else columns
        first = result.failing_index[:sample_rows]
        sample = json_records(checked[shown].iloc[first]) if first else []  # most rules fail no row
        rules.append(
            {
                "rule": result.rule.name,
                "severity": result.rule.severity,
                "expectation": result.rule.expectation,
                "expected": TEMPLATE_FIELD.sub(r"\1", result.rule.expected),  # value <= range_max (…)
                "success": result.success,
                "failing_count": len(result.failing_index),
                "sample": sample,
            }
        )
    return {
        f"{noun}_checked": len(checked),
        f"{noun}_accepted": accepted,
        f"{noun}_rejected": rejected,
        "rules": rules,
    }


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: NaN as null, an infinite number as the text inf or -inf (JSON has
    no number for it)."""
    return [
        {k: _json_value(v) for k, v in row.items()} for row in frame.astype(object).to_dict(orient="records")
    ]


def _json_value(value: Any) -> Any:
    try:
        missing = bool(pd.isna(value))  # None, NaN, NA, NaT
    except (TypeError, ValueError):  # a list or array: not a missing scalar
        missing = False
    if missing:
        return None
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def suite_version(rules: list[Rule]) -> str:
    """What a rule's verdict depends on besides the row: this code, the rules' arguments (which
    carry the dictionary's codes and the current year) and the versions of Great Expectations and
    of pandas (whose row hashes key the cached verdicts)."""
    versions = "".join(f"{name}={metadata.version(name)};" for name in ("great_expectations", "pandas"))
    return hashlib.sha256(Path(__file__).read_bytes() + repr(rules).encode() + versions.encode()).hexdigest()[
        :16
    ]


def rule_columns(rules: list[Rule]) -> list[str]:
    """Every column any rule reads: a row's verdicts depend on these values only."""
    columns: dict[str, None] = {}
    for rule in rules:
        for key in ("column", "column_A", "column_B"):
            if key in rule.kwargs:
                columns[rule.kwargs[key]] = None
        for name, _, _ in rule.where:
            columns[name] = None
    return list(columns)


def _read_verdicts(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Row hashes (unique) and, beside each, the names of the rules that row failed joined by commas,
    as an earlier run judged; empty when the file is missing or cannot be read (the rows are judged
    again)."""
    try:
        verdicts = pd.read_parquet(path)
        return verdicts["row_hash"].to_numpy(dtype=np.uint64), verdicts["failed"].to_numpy(dtype=object)
    except (OSError, ValueError, KeyError):
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=object)


def run_rules_cached(checked: pd.DataFrame, rules: list[Rule], cache_root: Path | None) -> list[RuleResult]:
    """`run_rules`, but Great Expectations only sees rows whose rule columns it has not judged before.

    Every rule is a per-row expectation on the prepared columns (cross-row comparisons are derived
    columns), so a row with the same values gets the same verdicts. Verdicts are kept per suite
    version, keyed by a hash of the row's rule columns; the file keeps only the rows of the last run.
    """
    if cache_root is None or checked.empty:
        return run_rules(checked, rules)
    path = cache_root / "validation" / f"verdicts-{suite_version(rules)}.parquet"
    known_keys, known_failed = _read_verdicts(path)
    keys = pd.util.hash_pandas_object(checked[rule_columns(rules)], index=False).to_numpy(dtype=np.uint64)
    position = pd.Index(known_keys).get_indexer(keys)
    new = np.flatnonzero(position < 0)
    failed = np.full(len(keys), "", dtype=object)
    failed[position >= 0] = known_failed[position[position >= 0]]
    if len(new):
        fresh = checked if len(new) == len(checked) else checked.iloc[new].reset_index(drop=True)
        names: dict[int, list[str]] = {}
        for result in run_rules(fresh, rules):
            for key in {int(keys[new[i]]) for i in result.failing_index}:  # rows alike share one verdict
                names.setdefault(key, []).append(result.rule.name)
        failed[new] = [",".join(names.get(int(key), ())) for key in keys[new]]
    current_keys, first = np.unique(keys, return_index=True)
    if len(new) or len(current_keys) != len(known_keys):
        verdicts = pd.DataFrame({"row_hash": current_keys, "failed": failed[first]})
        write_atomically(path, verdicts.to_parquet(index=False))
    failing: dict[str, list[int]] = {rule.name: [] for rule in rules}
    for i in np.flatnonzero(failed != ""):
        for name in failed[i].split(","):
            failing[name].append(int(i))
    return [RuleResult(rule, failing[rule.name]) for rule in rules]


def outcome_key(rules: list[Rule], *frames: pd.DataFrame | None, batch: str = "") -> str:
    """A key of a suite's run over `frames`: the `suite_version`, the indicator dictionary (its
    ranges shape derived columns) and every column name, type and value of the frames; or, where the
    frames are a batch's extraction with its key (`batch`: paths, contents and the code that read
    them), that key in place of their values."""
    digest = hashlib.sha256(f"{suite_version(rules)}|{sorted(default_dictionary().items())!r}".encode())
    if batch:
        digest.update(f"|batch {batch}".encode())
        return digest.hexdigest()[:16]
    for frame in frames:
        if frame is not None:
            digest.update(repr([*frame.columns, *map(str, frame.dtypes)]).encode())
            for hashes in row_hashes(frame):
                digest.update(hashes.tobytes())
    return digest.hexdigest()[:16]


def row_hashes(frame: pd.DataFrame, as_text: bool = False) -> Iterator[np.ndarray]:
    """pandas' row hashes of `frame` (with its fixed key; of the values as text with `as_text`),
    RULE_CHUNK rows at a time: a row's hash depends on that row only."""
    for start in range(0, len(frame), RULE_CHUNK):
        rows = frame.iloc[start : start + RULE_CHUNK]
        yield pd.util.hash_pandas_object(rows.astype(str) if as_text else rows, index=False).to_numpy()


def _outcome_folder(cache_root: Path, suite: str, key: str) -> Path:
    return cache_root / "validation" / "outcomes" / f"{suite}-{key}"


def remembered_outcome(cache_root: Path, suite: str, key: str, rules: list[Rule]) -> ValidationOutcome | None:
    """The outcome kept by `remember_outcome` under `key`; None when there is none or it cannot be read."""
    folder = _outcome_folder(cache_root, suite, key)
    try:
        kept = json.loads((folder / "outcome.json").read_bytes())
        return ValidationOutcome(
            pd.read_parquet(folder / "accepted.parquet"),
            pd.read_parquet(folder / "rejected.parquet"),
            [RuleResult(rule, [int(i) for i in kept["failing"][rule.name]]) for rule in rules],
            kept["report"],
            kept["suite"],
        )
    except (OSError, ValueError, KeyError, TypeError):  # pyarrow's ArrowInvalid is a ValueError
        return None


def remember_outcome(cache_root: Path, suite: str, key: str, outcome: ValidationOutcome) -> None:
    """Keep `outcome` as the suite's last one (Parquet and JSON, never a pickle); a frame Parquet
    cannot hold leaves nothing kept."""
    folder = _outcome_folder(cache_root, suite, key)

    def fill(partial: Path) -> None:
        outcome.accepted.to_parquet(partial / "accepted.parquet", index=False)
        outcome.rejected.to_parquet(partial / "rejected.parquet", index=False)
        failing = {result.rule.name: result.failing_index for result in outcome.results}
        kept = {"failing": failing, "report": outcome.report, "suite": outcome.suite}
        (partial / "outcome.json").write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")

    try:
        write_folder_atomically(folder, fill)
    except (ValueError, TypeError):  # pyarrow's ArrowInvalid / ArrowTypeError
        return
    for other in folder.parent.glob(f"{suite}-*"):
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
