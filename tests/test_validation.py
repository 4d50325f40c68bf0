"""The expectation suite: each rule rejects or flags what breaks it, a clean batch passes all."""

import pandas as pd
import pytest

from pipelines.validation import fact_rules, validate_facts


def fact(**overrides) -> dict:
    row = {
        "fact_seq": 0, "document_key": "d1", "source_file": "a.txt", "institution": "某县图书馆",
        "fiscal_year": 2022, "indicator_code": "visitors", "value": 1000.0, "unit": "person-visit",
        "qualifier": "exact", "is_target": False, "scope": "department", "source_locator": "line 1",
        "snippet": "接待读者1000人次", "raw_text": "1000人次", "indicator_name": None, "note": None,
    }  # fmt: skip
    row.update(overrides)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**r, "fact_seq": i} for i, r in enumerate(rows)]).astype({"fiscal_year": "Int64"})


CLEAN = [
    fact(),
    fact(indicator_code="expenditure_total", value=3489900.0, unit="CNY"),
    fact(indicator_code="satisfaction_rate", value=95.0, unit="percent", qualifier="at_least"),
    fact(indicator_code="self_eval_score", value=96.5, unit="point"),
    fact(indicator_code="budget_execution_rate", value=86.73, unit="percent"),
]


def test_clean_batch_passes_every_rule():
    outcome = validate_facts(frame(*CLEAN))
    assert all(result.success for result in outcome.results)
    assert {r.rule.name for r in outcome.results} == {r.name for r in fact_rules()}
    assert len(outcome.accepted) == len(CLEAN)
    assert outcome.rejected.empty


@pytest.mark.parametrize(
    ("bad", "rule"),
    [
        (fact(institution=None), "institution_present"),
        (fact(fiscal_year=None), "fiscal_year_present"),
        (fact(fiscal_year=1995), "fiscal_year_in_range"),
        (fact(fiscal_year=2999), "fiscal_year_in_range"),
        (fact(indicator_code="no_such_code"), "indicator_code_known"),
        (fact(qualifier="roughly"), "qualifier_known"),
        (fact(indicator_code="expenditure_total", unit="CNY", value=-5.0), "money_in_range"),
        (fact(indicator_code="expenditure_total", unit="CNY", value=2e11), "money_in_range"),
        (fact(indicator_code="satisfaction_rate", unit="percent", value=101.0), "percent_in_range"),
        (
            fact(indicator_code="budget_execution_rate", unit="percent", value=5000.0),
            "execution_rate_in_range",
        ),
        (fact(value=-3.0), "count_is_whole_non_negative"),
        (fact(indicator_code="self_eval_score", unit="point", value=120.0), "score_in_range"),
    ],
)
def test_error_rule_rejects_the_breaking_fact_only(bad, rule):
    outcome = validate_facts(frame(*CLEAN, bad))
    assert len(outcome.accepted) == len(CLEAN)
    assert outcome.rejected["rule"].tolist() == [rule]
    row = outcome.rejected.iloc[0]
    assert row["stage"] == "validate"
    assert row["source_file"] == "a.txt"
    assert "expected" in row["detail"]


def test_warning_rule_keeps_the_fact_and_flags_it():
    over = fact(indicator_code="budget_execution_rate", unit="percent", value=104.2, document_key="d2")
    outcome = validate_facts(frame(*CLEAN, over))
    assert len(outcome.accepted) == len(CLEAN) + 1
    assert outcome.rejected.empty
    flagged = outcome.accepted[outcome.accepted["value"] == 104.2]
    assert flagged["flags"].tolist() == ["execution_rate_at_most_100"]


def test_one_fact_per_grain_exact_before_approximate():
    outcome = validate_facts(
        frame(
            fact(value=120000.0, qualifier="approx", source_locator="line 2"),
            fact(value=112500.0, source_locator="line 9"),
        )
    )
    assert outcome.accepted["value"].tolist() == [112500.0]
    rejected = outcome.rejected.iloc[0]
    assert (rejected["rule"], rejected["value"]) == ("unique_fact_grain", 120000.0)
    assert "line 9" in rejected["detail"]
