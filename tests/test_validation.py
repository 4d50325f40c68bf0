"""The expectation suite on small batches of facts: each rule rejects or flags what breaks it."""

import json

import pandas as pd
import pytest

from pipelines.validation import fact_rules, prepare, validate_facts


def fact(**overrides) -> dict:
    row = {
        "fact_seq": 0, "document_key": "d1", "source_file": "a.txt", "institution": "某县图书馆",
        "province_code": "430000", "city_code": "430100", "county_code": None, "fiscal_year": 2022, "indicator_code": "visitors", "value": 1000.0,
        "unit": "person-visit", "qualifier": "exact", "is_target": False, "scope": "department",
        "source_locator": "line 1", "snippet": "接待读者1000人次", "raw_text": "1000人次",
        "note": None, "read_by": "text", "ocr_confidence": None,
    }  # fmt: skip
    row.update(overrides)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**r, "fact_seq": i} for i, r in enumerate(rows)]).astype({"fiscal_year": "Int64"})


def money(code: str, value: float, **overrides) -> dict:
    return fact(indicator_code=code, value=value, unit="CNY", **overrides)


CLEAN = [
    fact(),
    money("expenditure_total", 3489900.0),
    money("expenditure_basic", 3236200.0),
    money("expenditure_project", 253700.0),
    money("budget_total", 4000000.0),
    fact(indicator_code="budget_execution_rate", value=87.25, unit="percent"),
    money("income_total", 3500000.0),
    money("income_fiscal", 3400000.0),
    fact(indicator_code="staff_authorized", value=26.0, unit="person"),
    fact(indicator_code="staff_actual", value=25.0, unit="person"),
    fact(indicator_code="satisfaction_rate", value=95.0, unit="percent", qualifier="at_least"),
    fact(indicator_code="self_eval_score", value=96.5, unit="point"),
]


def test_clean_report_passes_every_rule():
    outcome = validate_facts(frame(*CLEAN))
    assert [r.rule.name for r in outcome.results if not r.success] == []
    assert {r.rule.name for r in outcome.results} == {r.name for r in fact_rules()}
    assert len(outcome.accepted) == len(CLEAN)
    assert outcome.accepted["flags"].isna().all()
    assert outcome.rejected.empty


@pytest.mark.parametrize(
    ("bad", "rule"),
    [
        (fact(institution=None), "institution_present"),
        (fact(fiscal_year=1998), "fiscal_year_in_range"),
        (fact(fiscal_year=2999), "fiscal_year_in_range"),
        (fact(value=None), "value_present"),
        (fact(indicator_code="no_such_code"), "indicator_code_known"),
        (fact(qualifier="roughly"), "qualifier_known"),
        (money("expenditure_total", -5.0), "value_not_below_range"),
        (money("expenditure_total", 2e11), "value_not_above_range"),
        (fact(indicator_code="satisfaction_rate", unit="percent", value=101.0), "value_not_above_range"),
        (fact(indicator_code="budget_execution_rate", unit="percent", value=5000.0), "value_not_above_range"),
        (fact(indicator_code="staff_actual", unit="person", value=150000.0), "value_not_above_range"),
        (fact(indicator_code="self_eval_score", unit="point", value=120.0), "value_not_above_range"),
        (fact(value=12.5), "count_is_whole"),
    ],
)
def test_error_rule_rejects_the_breaking_fact_only(bad, rule):
    outcome = validate_facts(frame(*CLEAN, {**bad, "document_key": "d9"}))
    assert len(outcome.accepted) == len(CLEAN)
    assert outcome.rejected["rule"].tolist() == [rule]
    row = outcome.rejected.iloc[0]
    assert row["stage"] == "validate"
    assert row["source_file"] == "a.txt"
    assert "observed" in row["detail"] and "expected" in row["detail"] and "{" not in row["detail"]


def test_a_range_rules_detail_names_the_bound_of_the_rows_indicator():
    outcome = validate_facts(frame(*CLEAN, {**money("expenditure_total", 2e11), "document_key": "d9"}))
    assert (
        outcome.rejected.iloc[0]["detail"]
        == "observed 2e+11, expected value <= 1e+11 (the dictionary's maximum)"
    )
    outcome = validate_facts(
        frame(
            *CLEAN,
            {**fact(indicator_code="satisfaction_rate", unit="percent", value=101.0), "document_key": "d9"},
        )
    )
    assert (
        outcome.rejected.iloc[0]["detail"] == "observed 101, expected value <= 100 (the dictionary's maximum)"
    )


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"province_code": None}, "region_resolved"),
        ({"fiscal_year": None}, "fiscal_year_present"),  # a report of unknown year: its figures stay
        (
            {"budget_execution_rate": 104.2, "budget_total": 1000000.0, "expenditure_total": 1042000.0},
            "execution_rate_at_most_100",
        ),
        ({"expenditure_basic": 3000000.0}, "expenditure_parts_add_up"),
        ({"budget_execution_rate": 95.0}, "execution_rate_matches"),
        ({"income_fiscal": 3600000.0}, "fiscal_income_within_total"),
        ({"staff_actual": 60.0}, "staff_actual_plausible"),
        ({"income_total": 3500000.0 * 10_000, "income_fiscal": 3400000.0 * 10_000}, "money_scale_consistent"),
        ({"note": "ratio 0.95 read as 95%"}, "read_as_printed"),
        ({"ocr_confidence": 0.62}, "ocr_confidence_low"),
    ],
)
def test_warning_rule_keeps_the_facts_and_flags_them(change, rule):
    rows = []
    for row in CLEAN:
        row = dict(row)
        if row["indicator_code"] in change:
            row["value"] = change[row["indicator_code"]]
        for column in ("province_code", "fiscal_year", "note", "ocr_confidence"):
            if column in change:
                row[column] = change[column]
        rows.append(row)
    outcome = validate_facts(frame(*rows))
    assert outcome.rejected.empty
    assert len(outcome.accepted) == len(CLEAN)
    flagged = outcome.accepted[outcome.accepted["flags"].fillna("").str.contains(rule)]
    assert len(flagged) >= 1
    failing = {r.rule.name for r in outcome.results if not r.success}
    assert rule in failing


def test_two_documents_disagreeing_are_flagged_not_dropped():
    outcome = validate_facts(
        frame(*CLEAN, {**CLEAN[0], "document_key": "d2", "value": 2000.0, "source_file": "b.txt"})
    )
    conflicting = outcome.accepted[
        outcome.accepted["flags"].fillna("").str.contains("consistent_across_documents")
    ]
    assert sorted(conflicting["value"]) == [1000.0, 2000.0]


def test_a_project_report_and_the_department_report_of_one_body_and_year_are_not_compared():
    """A project's budget is not the department's: values are compared across documents of the same
    report kind and project only (two project reports of one project still are)."""
    budget = money("budget_total", 4000000.0)
    rows = frame(
        budget,
        {**budget, "document_key": "d2", "value": 300000.0},
        {**budget, "document_key": "d3", "value": 1.0},
    )
    documents = pd.DataFrame(
        {"document_key": ["d1", "d2", "d3"], "report_kind": ["department", "project", "project"],
         "project": [None, "文物数字化项目", "文物数字化项目"]}
    )  # fmt: skip

    def flagged(outcome) -> list[float]:
        marked = outcome.accepted["flags"].fillna("").str.contains("consistent_across_documents")
        return sorted(outcome.accepted.loc[marked, "value"])

    assert flagged(validate_facts(rows, documents=documents)) == [1.0, 300000.0]
    documents.loc[2, "project"] = "另一个项目"
    assert flagged(validate_facts(rows, documents=documents)) == []
    assert flagged(validate_facts(rows)) == [1.0, 300000.0, 4000000.0]  # kinds unknown: all compared


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


def test_derived_columns_of_a_consistent_report():
    checked = prepare(frame(*CLEAN)).set_index("indicator_code")
    assert checked.at["expenditure_total", "parts_gap"] == pytest.approx(0)
    assert checked.at["budget_execution_rate", "rate_gap"] == pytest.approx(0.0025, abs=1e-3)
    assert checked.at["staff_actual", "staff_ratio"] == pytest.approx(25 / 26)
    assert checked["scale_gap"].max() < 1.5


def test_structural_check_fails_on_a_broken_grain():
    from pipelines.defs.assets.validation import GRAIN_CHECK, _grain_check
    from pipelines.validation import FACT_GRAIN

    outcome = validate_facts(frame(*CLEAN))
    assert _grain_check(outcome.accepted, FACT_GRAIN, GRAIN_CHECK, "fact_indicator_value").passed
    unknown_year = outcome.accepted.assign(fiscal_year=None)  # a key the fact table may hold NULL in
    assert _grain_check(unknown_year, FACT_GRAIN, GRAIN_CHECK, "fact_indicator_value").passed
    broken = outcome.accepted.copy()
    broken.loc[len(broken)] = broken.iloc[0]
    broken.loc[len(broken)] = {**broken.iloc[1].to_dict(), "institution": None}
    result = _grain_check(broken, FACT_GRAIN, GRAIN_CHECK, "fact_indicator_value")
    assert not result.passed
    assert (result.metadata["duplicate_grains"].value, result.metadata["null_keys"].value) == (1, 1)


def test_rows_judged_before_are_not_judged_again(tmp_path, monkeypatch):
    import pipelines.validation as validation

    judged: list[int] = []
    run_rules = validation.run_rules

    def counting(checked, rules):
        judged.append(len(checked))
        return run_rules(checked, rules)

    monkeypatch.setattr(validation, "run_rules", counting)
    facts = frame(
        *CLEAN,
        fact(institution=None, document_key="d2"),
        fact(indicator_code="satisfaction_rate", value=150.0, unit="percent", document_key="d3"),
    )
    first = validate_facts(facts, cache_root=tmp_path)
    again = validate_facts(facts, cache_root=tmp_path)
    uncached = validate_facts(facts)
    assert judged == [
        first.report["facts_checked"],
        uncached.report["facts_checked"],
    ]  # the second run judged nothing
    for outcome in (again, uncached):
        assert outcome.accepted.equals(first.accepted)
        assert outcome.rejected.equals(first.rejected)
        assert [r.failing_index for r in outcome.results] == [r.failing_index for r in first.results]
    # One changed value: only the rows whose rule columns changed are judged.
    changed = facts.copy()
    changed.loc[0, "value"] = changed.loc[0, "value"] + 1
    validate_facts(changed, cache_root=tmp_path)
    assert 1 <= judged[-1] < first.report["facts_checked"]


def test_the_same_batch_again_gets_the_remembered_outcome(tmp_path, monkeypatch):
    """A batch of the same rows as the last one validated is neither prepared nor judged again: its
    outcome comes back equal (frames, failing rows, report); a damaged outcome is recomputed."""
    import pipelines.validation as validation

    facts = frame(*CLEAN, fact(institution=None, document_key="d2"), fact(value=2000.0, document_key="d3"))
    facts = pd.concat(
        [facts, facts.tail(1).assign(fact_seq=len(facts), qualifier="approx")], ignore_index=True
    )
    first = validate_facts(facts, cache_root=tmp_path)
    assert len(first.rejected) == 2 and first.accepted["flags"].notna().any()
    prepared: list[int] = []
    real = validation.prepare
    monkeypatch.setattr(validation, "prepare", lambda *a: prepared.append(1) or real(*a))
    again = validate_facts(facts, cache_root=tmp_path)
    assert prepared == []
    pd.testing.assert_frame_equal(again.accepted, first.accepted)
    pd.testing.assert_frame_equal(again.rejected, first.rejected)
    assert again.results == first.results and again.report == first.report and again.suite == first.suite
    for kept in (tmp_path / "validation" / "outcomes").glob("facts-*/accepted.parquet"):
        kept.write_bytes(b"damaged")
    assert validate_facts(facts, cache_root=tmp_path).report == first.report
    assert prepared == [1]
    validate_facts(facts.assign(value=facts["value"] + 1), cache_root=tmp_path)  # another batch
    assert prepared == [1, 1]
    assert len(list((tmp_path / "validation" / "outcomes").glob("facts-*"))) == 1  # the last one only


def test_a_batch_key_stands_for_the_rows_it_was_extracted_as(tmp_path, monkeypatch):
    """With the extraction's key, the outcome is remembered under that key, not under the rows' hashes:
    the same key gets the outcome back without hashing a row; another key is judged afresh."""
    import pipelines.validation as validation

    facts = frame(*CLEAN, fact(value=2000.0, document_key="d3"))
    first = validate_facts(facts, cache_root=tmp_path, batch="batch-1")
    hashed: list[int] = []
    real = validation.row_hashes
    monkeypatch.setattr(validation, "row_hashes", lambda *a, **k: hashed.append(1) or real(*a, **k))
    assert validation.outcome_key(fact_rules(), facts, batch="batch-1") != validation.outcome_key(
        fact_rules(), facts, batch="batch-2"
    )
    again = validate_facts(facts, cache_root=tmp_path, batch="batch-1")
    assert hashed == []
    pd.testing.assert_frame_equal(again.accepted, first.accepted)
    prepared: list[int] = []
    real_prepare = validation.prepare
    monkeypatch.setattr(validation, "prepare", lambda *a: prepared.append(1) or real_prepare(*a))
    validate_facts(facts, cache_root=tmp_path, batch="batch-2")
    assert prepared == [1]


# Performance-indicator rows (绩效指标 table rows): a suite of their own.


def kpi(**overrides) -> dict:
    row = {
        "indicator_seq": 0, "document_key": "d1", "source_file": "p.txt", "row_number": 1,
        "institution": "某县图书馆", "province": "湖南省", "province_code": "430000", "city": None, "city_code": None,
        "county": None, "county_code": None, "fiscal_year": 2023, "report_kind": "project", "project": "阅读推广项目",
        "level1": "产出指标", "level2": "数量指标", "indicator": "阅读活动场次", "target_text": "≥20场",
        "actual_text": "24场", "target_value": 20.0, "actual_value": 24.0, "unit": "场", "comparator": ">=",
        "weight": 10.0, "score": 10.0, "deviation_reason": None, "source_locator": "table 2 row 3",
        "snippet": "产出指标 | 数量指标 | 阅读活动场次 | ≥20场 | 24场 | 10 | 10", "read_by": "text",
        "ocr_confidence": None,
    }  # fmt: skip
    row.update(overrides)
    return row


def kpi_frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**r, "indicator_seq": i, "row_number": i + 1} for i, r in enumerate(rows)]).astype(
        {"fiscal_year": "Int64", "weight": "float64", "score": "float64"}
    )


KPI_CLEAN = [
    kpi(),
    kpi(indicator="读者满意度", level1="满意度指标", level2="服务对象满意度指标", target_text="≥90%",
        actual_text="93%", target_value=90.0, actual_value=93.0, unit="percent", weight=10.0, score=9.5),
    kpi(indicator="活动开展及时性", level2="时效指标", target_text="及时", actual_text="及时", target_value=None,
        actual_value=None, unit=None, comparator=None, weight=None, score=None),
]  # fmt: skip


def test_clean_performance_indicator_rows_pass_every_rule():
    from pipelines.validation import indicator_rules, validate_indicators

    outcome = validate_indicators(kpi_frame(*KPI_CLEAN))
    assert {r.rule.name for r in outcome.results} == {r.name for r in indicator_rules()}
    assert [r.rule.name for r in outcome.results if not r.success] == []
    assert len(outcome.accepted) == len(KPI_CLEAN) and outcome.rejected.empty
    assert outcome.accepted["flags"].isna().all()
    assert outcome.report["rows_checked"] == len(KPI_CLEAN)


@pytest.mark.parametrize(
    ("bad", "rule", "observed"),
    [
        (kpi(indicator=None), "kpi_indicator_present", None),
        (kpi(indicator=" "), "kpi_indicator_present", None),
        (kpi(institution=None), "kpi_institution_present", None),
        (kpi(comparator="≈"), "kpi_comparator_known", None),
        (kpi(weight=120.0, score=None), "kpi_weight_in_range", 120.0),
        (kpi(weight=-1.0, score=None), "kpi_weight_in_range", -1.0),
        (kpi(score=150.0, weight=None), "kpi_score_in_range", 150.0),
    ],
)
def test_an_error_rule_rejects_the_breaking_row_only(bad, rule, observed):
    from pipelines.validation import validate_indicators

    outcome = validate_indicators(kpi_frame(*KPI_CLEAN, bad))
    assert len(outcome.accepted) == len(KPI_CLEAN)
    assert outcome.rejected["rule"].tolist() == [rule]
    row = outcome.rejected.iloc[0]
    assert (row["stage"], row["source_file"], row["source_locator"]) == ("validate", "p.txt", "table 2 row 3")
    assert row["detail"].startswith("performance indicator") and "expected" in row["detail"]
    assert pd.isna(row["indicator_code"])
    assert (pd.isna(row["value"]) and observed is None) or row["value"] == observed


def test_a_row_of_a_report_of_unknown_year_is_flagged_and_kept():
    from pipelines.validation import validate_indicators

    outcome = validate_indicators(kpi_frame(*KPI_CLEAN, kpi(fiscal_year=None)))
    assert outcome.rejected.empty and len(outcome.accepted) == len(KPI_CLEAN) + 1
    assert outcome.accepted["flags"].fillna("").str.contains("kpi_fiscal_year_present").sum() == 1


def test_a_score_above_its_weight_is_flagged_and_kept():
    from pipelines.validation import validate_indicators

    outcome = validate_indicators(
        kpi_frame(*KPI_CLEAN, kpi(indicator="图书外借册次", weight=10.0, score=12.0))
    )
    assert outcome.rejected.empty and len(outcome.accepted) == len(KPI_CLEAN) + 1
    flagged = outcome.accepted[outcome.accepted["flags"].notna()]
    assert flagged["indicator"].tolist() == ["图书外借册次"]
    assert flagged["flags"].tolist() == ["kpi_score_within_weight"]


def test_a_row_read_by_ocr_with_low_confidence_is_flagged_and_kept():
    from pipelines.validation import validate_indicators

    scanned = kpi(indicator="图书外借册次", read_by="ocr", ocr_confidence=0.7)
    outcome = validate_indicators(kpi_frame(*KPI_CLEAN, scanned, {**scanned, "ocr_confidence": 0.97}))
    assert outcome.rejected.empty and len(outcome.accepted) == len(KPI_CLEAN) + 2
    flagged = outcome.accepted[outcome.accepted["flags"].notna()]
    assert flagged["ocr_confidence"].tolist() == [0.7]
    assert flagged["flags"].tolist() == ["kpi_ocr_confidence_low"]


def test_rows_alike_in_their_rule_columns_are_flagged_once_each_when_judged_through_the_cache(tmp_path):
    from pipelines.validation import validate_indicators

    scanned = kpi(indicator="图书外借册次", read_by="ocr", ocr_confidence=0.7)
    outcome = validate_indicators(kpi_frame(*KPI_CLEAN, scanned, scanned), cache_root=tmp_path)
    flagged = outcome.accepted[outcome.accepted["flags"].notna()]
    assert flagged["flags"].tolist() == ["kpi_ocr_confidence_low"] * 2
    low = next(r for r in outcome.results if r.rule.name == "kpi_ocr_confidence_low")
    assert len(low.failing_index) == 2


def test_structural_check_of_performance_indicator_rows():
    from pipelines.defs.assets.validation import INDICATOR_GRAIN_CHECK, _grain_check
    from pipelines.validation import INDICATOR_GRAIN, validate_indicators

    accepted = validate_indicators(kpi_frame(*KPI_CLEAN)).accepted
    assert _grain_check(accepted, INDICATOR_GRAIN, INDICATOR_GRAIN_CHECK, "fact_performance_indicator").passed
    broken = pd.concat([accepted, accepted.head(1)], ignore_index=True)
    assert not _grain_check(
        broken, INDICATOR_GRAIN, INDICATOR_GRAIN_CHECK, "fact_performance_indicator"
    ).passed


def test_the_same_indicator_rows_again_get_the_remembered_outcome(tmp_path, monkeypatch):
    import pipelines.validation as validation
    from pipelines.validation import validate_indicators

    rows = kpi_frame(*KPI_CLEAN, kpi(indicator="  "), kpi(score=12.0))
    first = validate_indicators(rows, cache_root=tmp_path)
    assert len(first.rejected) == 1 and first.accepted["flags"].notna().any()
    monkeypatch.setattr(validation, "prepare_indicators", lambda rows: pytest.fail("prepared again"))
    again = validate_indicators(rows, cache_root=tmp_path)
    pd.testing.assert_frame_equal(again.accepted, first.accepted)
    pd.testing.assert_frame_equal(again.rejected, first.rejected)
    assert again.results == first.results and again.report == first.report


def test_rules_run_in_chunks_fail_the_same_rows(monkeypatch):
    import pipelines.validation as validation

    rows = [
        *CLEAN,
        fact(institution=None),
        fact(value=None, indicator_code="reading_rooms"),
        money("budget_total", -1.0),
    ]
    at_once = validate_facts(frame(*rows))
    monkeypatch.setattr(validation, "RULE_CHUNK", 2)
    chunked = validate_facts(frame(*rows))
    assert [r.failing_index for r in chunked.results] == [r.failing_index for r in at_once.results]
    assert any(r.failing_index for r in at_once.results)
    pd.testing.assert_frame_equal(chunked.accepted, at_once.accepted)
    pd.testing.assert_frame_equal(chunked.rejected, at_once.rejected)


def test_outcome_key_hashed_in_chunks_equals_the_whole_batch_hashed_at_once(monkeypatch):
    import hashlib

    import pipelines.validation as validation
    from pipelines.indicators import default_dictionary

    facts = frame(*CLEAN, fact(institution=None))
    rules = fact_rules()
    digest = hashlib.sha256(
        f"{validation.suite_version(rules)}|{sorted(default_dictionary().items())!r}".encode()
    )
    digest.update(repr([*facts.columns, *map(str, facts.dtypes)]).encode())
    digest.update(pd.util.hash_pandas_object(facts, index=False).to_numpy().tobytes())
    monkeypatch.setattr(validation, "RULE_CHUNK", 5)
    assert validation.outcome_key(rules, facts, None) == digest.hexdigest()[:16]


def test_nothing_rejected_the_accepted_facts_share_the_prepared_rows_memory():
    """No row fails an error rule: the accepted rows are not a copy of every fact."""
    import numpy as np

    outcome = validate_facts(frame(*CLEAN))
    assert not len(outcome.rejected)
    facts = frame(*CLEAN)
    checked = prepare(facts)
    from pipelines.validation import _judge, run_rules

    _, failing, kept = _judge(checked, run_rules(checked, fact_rules()))
    assert not len(failing)
    assert np.shares_memory(kept["value"].to_numpy(), checked["value"].to_numpy())


def test_the_results_describe_each_rule_and_keep_an_infinite_value_as_valid_json():
    huge = {**money("expenditure_total", float("inf")), "document_key": "d9"}
    report = validate_facts(frame(*CLEAN, huge)).report
    rule = next(r for r in report["rules"] if r["rule"] == "value_not_above_range")
    assert rule["expected"] == "value <= range_max (the dictionary's maximum)"
    strict = json.loads(json.dumps(rule["sample"], allow_nan=False))
    assert [row["value"] for row in strict] == ["inf"]
