"""What analysts query beyond the contract: the dictionary inside the database, lookup tables, the
views of one row per institution and year, regional rollups, like-for-like change, coverage and
performance-indicator attainment, and sums that are right (exact decimals, ratios of sums,
institutions counted by key, one figure under one code, an area's tourists not a venue's visitors)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.indicators import FISCAL_TWINS
from tests.test_pipeline import PROJECT_ROOT, SAMPLES, query, run_pipeline

EXAMPLES = PROJECT_ROOT / "sql" / "examples.sql"
QUESTION = re.compile(r"^-- (Q\d+)\. (.*?)\n(?=SELECT|WITH)(.*?);", re.S | re.M)


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_table_view_and_column_explains_itself(built):
    assert rows(built, "SELECT count(*) FROM duckdb_columns() WHERE NOT internal AND comment IS NULL") == [
        (0,)
    ]
    assert rows(built, "SELECT count(*) FROM duckdb_columns() WHERE NOT internal")[0][0] > 300
    assert rows(built, "SELECT count(*) FROM duckdb_tables() WHERE comment IS NULL") == [(0,)]
    assert rows(built, "SELECT count(*) FROM duckdb_views() WHERE NOT internal AND comment IS NULL") == [(0,)]


def test_lookup_tables_explain_every_code_the_warehouse_uses(built):
    for used, lookup in [
        ("SELECT DISTINCT unit FROM fact_indicator_value", "SELECT unit FROM dim_unit"),
        ("SELECT DISTINCT unit FROM dim_indicator", "SELECT unit FROM dim_unit"),
        ("SELECT DISTINCT qualifier FROM fact_indicator_value", "SELECT qualifier FROM dim_qualifier"),
        ("SELECT DISTINCT report_kind FROM dim_document WHERE report_kind IS NOT NULL", "SELECT report_kind FROM dim_report_kind"),
        ("SELECT DISTINCT institution_type FROM dim_institution", "SELECT institution_type FROM dim_institution_type"),
        ("SELECT DISTINCT admin_level FROM dim_institution", "SELECT admin_level FROM dim_admin_level"),
        ("SELECT rule FROM validation_result", "SELECT rule FROM dim_validation_rule"),
    ]:  # fmt: skip
        assert set(rows(built, used)) <= set(rows(built, lookup)), used
    meanings = rows(built, "SELECT label_zh, meaning FROM dim_unit WHERE unit = 'CNY'")
    assert meanings == [("元", "Money in yuan (万元 and 亿元 converted: 12.5万元 is 125000).")]
    kinds = dict(rows(built, "SELECT institution, institution_type FROM dim_institution"))
    assert {kinds[name] for name in kinds if name.endswith("图书馆")} == {"library"}
    assert {kinds[name] for name in kinds if name.endswith("博物馆")} == {"museum"}
    levels = rows(
        built, "SELECT DISTINCT admin_level, county_code IS NULL, city_code IS NULL FROM dim_institution"
    )
    assert set(levels) <= {("county", False, False), ("city", True, False), ("province", True, True)}
    assert {level for level, *_ in levels} == {"county", "city", "province"}


def test_money_is_an_exact_decimal_and_counts_are_integers(built):
    types = dict(
        rows(
            built,
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'v_institution_year'",
        )
    )
    assert types["budget_total"] == types["expenditure_total"] == "DECIMAL(18,4)"
    assert types["staff_actual"] == types["visitors"] == types["events"] == "BIGINT"
    fact_value = rows(
        built,
        "SELECT data_type FROM duckdb_columns() WHERE table_name = 'fact_indicator_value' AND column_name = 'value'",
    )
    assert fact_value == [("DECIMAL(18,4)",)]
    # The rollup's total is the exact sum of the values it rolls up: no 5383874.720000001.
    by_group: dict[tuple, Decimal] = defaultdict(Decimal)
    for province, year, code, value in rows(
        built,
        "SELECT province_code, fiscal_year, indicator_code, value FROM v_institution_values WHERE unit = 'CNY'",
    ):
        by_group[(province, year, code)] += value
    totals = rows(
        built,
        "SELECT province_code, fiscal_year, indicator_code, total FROM v_province_rollup WHERE unit = 'CNY'",
    )
    assert totals and all(total == by_group[(p, y, c)] for p, y, c, total in totals)
    assert all(
        isinstance(total, Decimal) and total == total.quantize(Decimal("0.01")) for *_, total in totals
    )
    staff = rows(built, "SELECT staff_actual FROM v_institution_year WHERE staff_actual IS NOT NULL")
    assert staff and all(isinstance(n, int) for (n,) in staff)  # prints as 30, not 30.0


def test_the_execution_rate_of_a_rollup_is_a_ratio_of_sums(built):
    pairs = query(
        built,
        "SELECT province_code, fiscal_year, budget_total::DOUBLE AS b, expenditure_total::DOUBLE AS s"
        " FROM v_institution_year WHERE budget_total > 0 AND expenditure_total IS NOT NULL",
    )
    rollup = query(
        built,
        "SELECT province_code, fiscal_year, execution_rate::DOUBLE AS rate, mean::DOUBLE AS mean"
        " FROM v_province_rollup WHERE indicator_code = 'budget_execution_rate'",
    )
    differs = 0
    for row in rollup.itertuples():
        mine = pairs[(pairs.province_code == row.province_code) & (pairs.fiscal_year == row.fiscal_year)]
        assert row.rate == pytest.approx(100 * mine.s.sum() / mine.b.sum(), abs=1e-4)
        differs += abs(row.rate - row.mean) > 0.5
    assert differs  # in the samples the mean of rates and the ratio of sums are not the same figure


def test_an_areas_tourists_are_not_a_bodys_visitors(built):
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    tourists = query(
        built,
        "SELECT institution, value, snippet FROM v_facts_by_scope WHERE indicator_code = 'visitors' AND snippet LIKE '%游客%'",
    )
    assert tourists.empty, tourists
    bureau = [doc for doc in truth["documents"].values() if doc["institution"].endswith("局")]
    assert bureau and all("visitors" not in doc["facts"] for doc in bureau)


def test_one_printed_figure_is_filed_under_one_code(built):
    """The 财政拨款 part of a total is its fiscal code only: never income_total and income_fiscal (or
    budget_total and budget_fiscal) for the same printed figure, so summing a scope counts it once."""
    pairs = " OR ".join(
        f"(a.indicator_code = '{total}' AND b.indicator_code = '{fiscal}')"
        for total, fiscal in FISCAL_TWINS.items()
    )
    twice = rows(
        built,
        "SELECT count(*) FROM fact_indicator_value a JOIN fact_indicator_value b USING (document_key, source_locator,"
        f" raw_text, value, is_target) WHERE a.scope LIKE 'fiscal%' AND ({pairs})",
    )
    assert twice == [(0,)]
    fiscal = rows(
        built,
        "SELECT count(*) FROM fact_indicator_value WHERE indicator_code IN ('income_fiscal', 'budget_fiscal')",
    )
    assert fiscal[0][0] > 0  # the fiscal figures are there, under their own codes


REPORT = "{name}2022年度部门整体支出绩效自评报告\n一、基本情况\n本馆编制人数12人，实有人数{staff}人。\n全年预算数为200.00万元，全年支出{spent}万元，预算执行率{rate}%。\n"


def test_institutions_are_counted_by_key_not_by_name(tmp_path):
    """Two libraries of one name in two counties are two institutions in every count."""
    for county, staff, spent, rate in [("浏阳市", 11, "190.00", "95.00"), ("宁乡市", 9, "180.00", "90.00")]:
        folder = tmp_path / "in" / "湖南省" / "长沙市" / county
        folder.mkdir(parents=True)
        text = REPORT.format(name="少年儿童图书馆", staff=staff, spent=spent, rate=rate)
        (folder / "少年儿童图书馆2022年度部门整体支出绩效自评报告.txt").write_text(text, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    assert run_pipeline(tmp_path / "in", warehouse).success
    institutions = rows(warehouse, "SELECT institution, county FROM dim_institution ORDER BY county")
    assert institutions == [("少年儿童图书馆", "宁乡市"), ("少年儿童图书馆", "浏阳市")]
    staff = rows(
        warehouse, "SELECT institutions, total FROM v_province_rollup WHERE indicator_code = 'staff_actual'"
    )
    assert staff == [(2, Decimal("20.0000"))]
    assert rows(warehouse, "SELECT count(*) FROM v_institution_year") == [(2,)]
    rates = rows(
        warehouse,
        "SELECT region_level, institutions, execution_rate FROM v_region_rollup WHERE indicator_code = 'budget_execution_rate' ORDER BY region_code",
    )
    assert rates == [
        ("province", 2, Decimal("92.5000")),
        ("city", 2, Decimal("92.5000")),
        ("county", 1, Decimal("95.0000")),
        ("county", 1, Decimal("90.0000")),
    ]
    projects = rows(warehouse, "SELECT count(*) FROM v_project_rollup")
    assert projects == [(0,)]


def test_year_over_year_compares_the_same_institutions(built):
    change = query(built, "SELECT * FROM v_year_over_year")
    assert not change.empty and set(change["region_level"]) == {"institution", "province", "city", "county"}
    assert (change["previous_year"] == change["fiscal_year"] - 1).all()
    mine = change[change["region_level"] == "institution"]
    assert (mine["institutions"] == 1).all()
    for row in change[
        (change["region_level"] == "province") & ~change["unit"].isin(["percent", "point"])
    ].itertuples():
        members = mine[
            (mine["province"] == row.province)
            & (mine["indicator_code"] == row.indicator_code)
            & (mine["fiscal_year"] == row.fiscal_year)
        ]
        assert row.institutions == len(members)
        assert row.current_value == pytest.approx(members["current_value"].sum())
        assert row.previous_value == pytest.approx(members["previous_value"].sum())
    both_years = query(built, "SELECT institution_key FROM v_institution_year GROUP BY 1 HAVING count(*) = 2")
    assert set(mine["institution_key"]) == set(both_years["institution_key"])


def test_coverage_counts_institutions_with_a_document_and_those_stating_each_indicator(built):
    coverage = query(built, "SELECT * FROM v_coverage WHERE region_level = 'province'")
    documented = query(
        built,
        "SELECT province, fiscal_year, count(*) AS n FROM v_institution_year GROUP BY ALL",
    ).set_index(["province", "fiscal_year"])["n"]
    for row in coverage.itertuples():
        assert row.institutions_with_document == documented[(row.region, row.fiscal_year)]
    stated = query(
        built, "SELECT province, fiscal_year, count(circulation) AS n FROM v_institution_year GROUP BY ALL"
    )
    circulation = coverage[coverage["indicator_code"] == "circulation"].set_index(["region", "fiscal_year"])
    for row in stated.itertuples():
        assert circulation.loc[(row.province, row.fiscal_year), "institutions_reporting"] == row.n
    assert coverage["coverage_percent"].between(0, 100).all() and (coverage["coverage_percent"] < 100).any()


def test_performance_indicator_attainment_accounts_for_every_row(built):
    attainment = query(built, "SELECT * FROM v_kpi_attainment")
    assert (
        attainment["indicator_rows"].sum()
        == rows(built, "SELECT count(*) FROM v_performance_indicators")[0][0]
    )
    assert (
        attainment["met"] + attainment["not_met"] + attainment["not_comparable"]
        == attainment["indicator_rows"]
    ).all()
    assert attainment["met"].sum() > 0 and attainment["not_met"].sum() > 0
    short = rows(
        built,
        "SELECT count(*) FROM v_performance_indicators WHERE comparator = '>=' AND actual_value < target_value",
    )
    assert attainment["not_met"].sum() >= short[0][0] > 0


def test_rollups_are_ordered_by_official_division_codes(built):
    provinces = [code for (code,) in rows(built, "SELECT province_code FROM v_province_rollup")]
    assert provinces == sorted(provinces)
    regions = [code for (code,) in rows(built, "SELECT region_code FROM v_region_rollup")]
    assert regions == sorted(regions)


def examples() -> list[tuple[str, str, str]]:
    return QUESTION.findall(EXAMPLES.read_text(encoding="utf-8"))


def test_the_example_questions_all_run_and_answer(built):
    questions = examples()
    assert len(questions) >= 10
    with duckdb.connect(str(built), read_only=True) as con:
        answers = {number: con.execute(sql).df() for number, _, sql in questions}
    empty = [number for number, answer in answers.items() if answer.empty]
    assert empty == [], f"questions without an answer on the samples: {empty}"
    visits = answers["Q2"]
    assert not visits.duplicated(["institution", "fiscal_year"]).any()  # no target beside the achieved figure
    q1 = answers["Q1"]
    assert ((q1["spent_percent"] - q1["mean_of_stated_rates"]).abs() > 0.5).any()


def test_the_readme_examples_run_and_do_not_mix_targets_with_achieved_figures(built):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    analysts = readme.split("## For analysts", 1)[1].split("\n## ", 1)[0]
    statements = [
        statement.strip()
        for block in re.findall(r"```sql\n(.*?)```", analysts, re.S)
        for statement in block.split(";")
        if statement.strip()
    ]
    assert len(statements) >= 5
    with duckdb.connect(str(built), read_only=True) as con:
        for statement in statements:
            answer = con.execute(statement).df()
            if "'visitors'" in statement:
                assert not answer.empty
                assert not answer.duplicated(["institution", "fiscal_year"]).any(), statement
