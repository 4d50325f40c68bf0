"""Small reports written to break one rule each, through the whole pipeline: where each ends up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.validation import fact_rules
from tests.test_pipeline import query, run_pipeline

TITLE = "{name}2022年度部门整体支出绩效自评报告"
REPORTS = {
    # file name: (text, rule, where the failing fact ends up)
    "长沙县图书馆自评报告.txt": ("长沙县图书馆部门整体支出绩效自评报告\n全年整体支出100.00万元。", "fiscal_year_present", "flagged"),
    "old_year.txt": ("望城区图书馆1998年度部门整体支出绩效自评报告\n全年整体支出100.00万元。", "fiscal_year_in_range", "rejected"),
    "no_place.txt": (TITLE.format(name="星光社区图书馆") + "\n全年整体支出100.00万元。", "region_resolved", "flagged"),
    "too_satisfied.txt": (TITLE.format(name="宁乡市图书馆") + "\n读者满意度达到120%。全年整体支出100.00万元。", "value_not_above_range", "rejected"),
    "half_card.txt": (TITLE.format(name="浏阳市图书馆") + "\n全年新增读者证12.5个。全年整体支出100.00万元。", "count_is_whole", "rejected"),
    "over_budget.txt": (TITLE.format(name="醴陵市图书馆") + "\n全年预算数100.00万元，全年执行数104.50万元，预算执行率104.5%。", "execution_rate_at_most_100", "flagged"),
    "parts.txt": (TITLE.format(name="攸县图书馆") + "\n全年整体支出100.00万元，其中基本支出60.00万元，项目支出30.00万元。", "expenditure_parts_add_up", "flagged"),
    "rate.txt": (TITLE.format(name="茶陵县图书馆") + "\n全年预算数100.00万元，全年执行数90.00万元，预算执行率95%。", "execution_rate_matches", "flagged"),
    "income.txt": (TITLE.format(name="炎陵县图书馆") + "\n本年收入合计100.00万元，其中财政拨款收入120.00万元。", "fiscal_income_within_total", "flagged"),
    "staff.txt": (TITLE.format(name="渌口区图书馆") + "\n编制数10人，实有人数30人。", "staff_actual_plausible", "flagged"),
    "scale.txt": (TITLE.format(name="湘潭县图书馆") + "\n全年整体支出3489900万元，其中基本支出323.62万元，项目支出25.37万元。", "money_scale_consistent", "flagged"),
    "ratio.txt": (TITLE.format(name="韶山市图书馆") + "\n项目资金 年初预算数 全年预算数 全年执行数 执行率\n(万元) 年度资金总额 29 29 27.8 0.958", "read_as_printed", "flagged"),
    "a_first.txt": (TITLE.format(name="湘乡市图书馆") + "\n全年接待读者10000人次。", "consistent_across_documents", "flagged"),
    "b_revised.txt": (TITLE.format(name="湘乡市图书馆") + "（修订）\n全年接待读者12000人次。", "consistent_across_documents", "flagged"),
    "twice.txt": (TITLE.format(name="湘潭市图书馆") + "\n全年接待读者约5万人次。全年接待读者48000人次。", "unique_fact_grain", "rejected"),
}  # fmt: skip
UNNAMED = ("no_institution.txt", "部门整体支出绩效自评报告\n（2022年度）\n本单位全年整体支出100.00万元。")
CLEAN = (
    "clean.txt",
    TITLE.format(name="长沙市图书馆")
    + "\n全年整体支出100.00万元，其中基本支出60.00万元，项目支出40.00万元。",
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rule_reports")
    for name, (text, _, _) in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, text in (CLEAN, UNNAMED):
        (folder / name).write_text(text, encoding="utf-8")
    path = tmp_path_factory.mktemp("rules_warehouse") / "rules.duckdb"
    assert run_pipeline(folder, path).success
    return path


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_each_broken_rule_lands_where_analysts_look(warehouse, name):
    _, rule, outcome = REPORTS[name]
    rejected = query(warehouse, f"SELECT * FROM v_rejected WHERE source_file = '{name}'")
    warnings = query(warehouse, f"SELECT * FROM v_warnings WHERE source_file = '{name}'")
    if outcome == "rejected":
        assert rule in set(rejected["rule"]), rejected
        row = rejected[rejected["rule"] == rule].iloc[0]
        assert row["stage"] == "validate" and row["reason"] and row["detail"]
    else:
        assert rule in set(warnings["rule"]), warnings
        assert rejected.empty, rejected


def test_every_rule_that_a_report_can_break_is_covered():
    reachable = {r.name for r in fact_rules()} - {
        "value_present",
        "indicator_code_known",
        "qualifier_known",
        "value_not_below_range",
        "institution_present",  # a body never named is its file's name: see the test below
        "ocr_confidence_low",  # needs a scan read with low confidence: tests/test_validation.py covers it
    }
    assert reachable <= {rule for _, rule, _ in REPORTS.values()}


def test_clean_report_passes_every_rule(warehouse):
    assert query(warehouse, f"SELECT * FROM v_warnings WHERE source_file = '{CLEAN[0]}'").empty
    assert query(warehouse, f"SELECT * FROM v_rejected WHERE source_file = '{CLEAN[0]}'").empty
    assert query(warehouse, f"SELECT status FROM dim_document WHERE source_file = '{CLEAN[0]}'")[
        "status"
    ].tolist() == ["loaded"]


def test_a_report_that_never_names_its_body_is_loaded_under_its_file_name(warehouse):
    loaded = query(
        warehouse,
        "SELECT d.status, i.institution, i.institution_source, v.value FROM dim_document d"
        " JOIN v_indicator_values v USING (source_file) JOIN dim_institution i USING (institution)"
        f" WHERE d.source_file = '{UNNAMED[0]}'",
    )
    assert loaded.values.tolist() == [["loaded", "no_institution", "file_name", 1000000.0]]


def test_facts_loaded_plus_rejected_equal_facts_extracted(warehouse):
    documents = query(warehouse, "SELECT * FROM dim_document")
    assert len(documents) == len(REPORTS) + 2
    assert (documents["facts_loaded"] + documents["facts_rejected"] == documents["facts_extracted"]).all()
    loaded = query(
        warehouse, "SELECT document_key, count(*) AS n FROM fact_indicator_value GROUP BY ALL"
    ).set_index("document_key")["n"]
    assert documents.set_index("document_key")["facts_loaded"].sub(loaded, fill_value=0).eq(0).all()
    status = documents.set_index("source_file")["status"]
    assert status["old_year.txt"] == "rejected"
    assert status["too_satisfied.txt"] == "partly_rejected"


def test_rollup_takes_one_value_per_institution_when_documents_disagree(warehouse):
    rollup = query(
        warehouse, "SELECT * FROM v_province_rollup WHERE indicator_code = 'visitors' AND fiscal_year = 2022"
    )
    by_institution = query(
        warehouse,
        "SELECT * FROM v_institution_values WHERE indicator_code = 'visitors' AND institution = '湘乡市图书馆'",
    )
    assert by_institution["value"].tolist() == [12000.0]  # the later path wins on a tie of ingestion time
    assert rollup["institutions"].sum() == 2  # 湘乡 once, 湘潭市 once


def test_validation_results_are_kept_in_the_warehouse_not_in_files(warehouse):
    assert not (warehouse.parent / "validation").exists()  # nothing grows beside the warehouse
    results = query(warehouse, "SELECT * FROM validation_result WHERE suite = 'facts'").set_index("rule")
    assert set(results.index) == {r.name for r in fact_rules()}
    assert results.loc["count_is_whole", "failing_count"] == 1
    assert json.loads(results.loc["count_is_whole", "sample"])[0]["source_file"] == "half_card.txt"


def test_institution_values_are_the_latest_documents_figures(warehouse):
    stated = query(
        warehouse,
        "SELECT v.institution_key, v.fiscal_year, v.indicator_code, v.value, v.scope, v.source_file,"
        " d.ingested_at FROM v_indicator_values v JOIN dim_document d USING (source_file)"
        " WHERE NOT v.is_target AND v.report_kind = 'department' AND v.fiscal_year IS NOT NULL",
    )
    grain = ["institution_key", "fiscal_year", "indicator_code"]
    assert (stated.groupby(grain)["source_file"].nunique() > 1).any()  # documents disagree somewhere
    latest = stated.sort_values(["ingested_at", "source_file"]).groupby(grain).tail(1).set_index(grain)
    chosen = query(warehouse, "SELECT * FROM v_institution_values").set_index(grain)
    assert chosen.index.is_unique and chosen.index.sort_values().equals(latest.index.sort_values())
    picked = chosen.loc[latest.index, ["source_file", "value", "scope"]]
    assert picked.equals(latest[["source_file", "value", "scope"]])


def test_a_report_of_unknown_year_keeps_its_figures_out_of_the_per_year_views(warehouse):
    name = "长沙县图书馆自评报告.txt"
    stated = query(
        warehouse, f"SELECT fiscal_year, value FROM v_indicator_values WHERE source_file = '{name}'"
    )
    assert stated["fiscal_year"].isna().all() and stated["value"].tolist() == [1_000_000.0]
    institution = query(warehouse, f"SELECT institution_key FROM v_documents WHERE source_file = '{name}'")
    key = institution["institution_key"].iloc[0]
    assert query(warehouse, f"SELECT * FROM v_institution_values WHERE institution_key = '{key}'").empty
    for view in (
        "v_region_rollup",
        "v_province_rollup",
        "v_coverage",
        "v_institution_year",
        "v_kpi_attainment",
    ):
        assert (
            query(warehouse, f"SELECT count(*) AS n FROM {view} WHERE fiscal_year IS NULL")["n"].iloc[0] == 0
        )
