"""The official forms read by their template (pipelines/extract/forms.py), in every shape they come:
real tables, pipe rows, one cell per line, cells separated by spaces, cells run together. The
texts are written for these tests in the shapes real reports take."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.extract.facts import extract_content
from pipelines.extract.forms import indicator_facts, read_forms
from pipelines.extract.forms.indicators import split_run, unglue
from pipelines.extract.forms.money import Cell, align_money_row, row_readings
from pipelines.extract.forms.tokens import Token, tokens
from pipelines.extract.kpi import clean_indicator_name, indicator_row, misread
from pipelines.extract.matching import Matcher
from pipelines.indicators import default_dictionary
from tests.builders import document_from_lines, table_document

COLUMNS = ["initial", "budget", "spent", "weight", "rate", "score"]


def form_facts(document) -> dict[tuple[str, str], float]:
    content = read_forms(document, Matcher(default_dictionary()))
    return {(f.indicator_code, f.scope): f.value for f in content.facts}


def aligned(columns, values) -> dict[str, str]:
    return {role: cell.raw for role, cell in align_money_row(columns, values).items()}


# --- money rows -------------------------------------------------------------------------------


def test_a_full_money_row_fills_every_column():
    assert aligned(COLUMNS, ["120.5", "118", "110.2", "10", "93.39%", "9.3"]) == {
        "initial": "120.5", "budget": "118", "spent": "110.2", "weight": "10", "rate": "93.39%", "score": "9.3",
    }  # fmt: skip


def test_vanished_cells_are_placed_by_what_the_form_guarantees():
    # 年初预算数 left empty and dropped: spent / budget = rate says which two amounts these are.
    assert aligned(COLUMNS, ["8", "8", "10", "100%", "10"]) == {
        "budget": "8", "spent": "8", "weight": "10", "rate": "100%", "score": "10",
    }  # fmt: skip
    # Only two amounts and a rate of 75 %: the budget is 40, the spending 30.
    assert aligned(COLUMNS, ["40", "30", "75%"]) == {"budget": "40", "spent": "30", "rate": "75%"}


def test_cells_printed_together_are_split_so_that_the_rate_holds():
    assert aligned(COLUMNS, ["505010100%"]) == {"budget": "50", "spent": "50", "weight": "10", "rate": "100%"}
    assert aligned(COLUMNS, ["12.512.512.5100%"]) == {
        "initial": "12.5", "budget": "12.5", "spent": "12.5", "rate": "100%",
    }  # fmt: skip
    assert aligned(COLUMNS, ["262610100.00%10"]) == {
        "budget": "26", "spent": "26", "weight": "10", "rate": "100.00%", "score": "10",
    }  # fmt: skip


def test_a_run_read_too_many_ways_is_not_split_and_glued_rows_of_real_length_still_are():
    # Four cells printed together: about 5,000 readings, all tried (a reading per split and a place
    # for each cell in the columns).
    assert len(row_readings(["1357.241357.241357.2410100%"], len(COLUMNS))) == 4950
    assert aligned(COLUMNS, ["1357.241357.241357.2410100%"]) == {
        "initial": "1357.24", "budget": "1357.24", "spent": "1357.24", "weight": "10", "rate": "100%",
    }  # fmt: skip
    # 28 digits and no point (an account number in a flattened page) read only as themselves: cut,
    # they would be about 100,000 readings; two runs of 16 digits, about 5,000 splits each, no reading.
    assert row_readings(["1234567891234567891234567891"], len(COLUMNS), split_single=True) == [
        [Cell(Decimal("1234567891234567891234567891"), False, "1234567891234567891234567891", token=0)]
    ]
    assert row_readings(["1234567891234567"] * 2, len(COLUMNS), split_single=True) == []


def test_a_number_with_three_decimals_is_not_split():
    assert aligned(COLUMNS, ["70", "68.125", "68.125"]) == {
        "initial": "70",
        "budget": "68.125",
        "spent": "68.125",
    }


def test_two_amounts_without_a_rate_are_budget_and_spending():
    # 年初预算数 is the column most often left empty.
    assert aligned(["initial", "budget", "spent"], ["15", "12"]) == {"budget": "15", "spent": "12"}


def test_two_readings_that_fit_equally_keep_only_what_they_agree_on():
    # 9 | 9 under 年初预算数 | 全年预算数 | 得分: the initial budget or the score? Only the budget is sure.
    assert aligned(["initial", "budget", "score"], ["9", "9"]) == {"budget": "9"}


def test_a_scrambled_form_prints_the_total_row_label_before_the_money_header():
    line = (
        "预算执行情况 (万元) (20 分) 一级指标 年度财政 资金总额 项目实施单位 某某中心 □ 预算数 (A) 执行数(B) "
        "执行率(B/A) 得分 (20 分*执行率) 150.5 120.4 80% 16 三级指标 年初目标值 (A) 实际完成值 (B) 得分"
    )
    facts = form_facts(document_from_lines(line))
    assert facts[("budget_total", "department")] == 1_505_000
    assert facts[("expenditure_total", "department")] == 1_204_000
    assert facts[("budget_execution_rate", "department")] == 80


def test_a_formula_mark_whose_closing_bracket_a_scan_lost():
    line = "预算执行情况(万元)(20分)预算数执行数执行率(B/A1得分年度财政资金总额80060075%15度效标80>"
    facts = form_facts(document_from_lines(line))
    assert facts[("budget_total", "department")] == 8_000_000
    assert facts[("expenditure_total", "department")] == 6_000_000
    assert facts[("budget_execution_rate", "department")] == 75


def test_formula_marks_whose_opening_bracket_was_lost_one_cell_per_line():
    lines = (
        "预算执行情况(万元)", "20分)", "预算数(A)", "执行数B)", "执行率B/A)", "年度财政资金总额", "640万元",
        "600万元", "93.75%", "年度绩效目标", "一级指标", "二级指标", "三级指标", "年初目标值(A", "实际完成值(B",
    )  # fmt: skip
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 6_400_000
    assert facts[("expenditure_total", "department")] == 6_000_000
    assert facts[("budget_execution_rate", "department")] == 93.75


INCOME_BESIDE_SPENDING = (
    "年度部门(单位)预算执行情况 | 预算收入(万元) | 预算支出(万元) |",
    "收入科目 | 预算数 | 执行数 | 支出科目 | 预算数 | 执行数 |",
    "财政拨款收入 | 512.6 | 498.2 | 人员经费 | 400.1 | 400.1 |",
    "事业收入 | | | 日常公用经费 | 112.5 | 98.1 |",
    "合计 | 512.60 | 498.20 | 合计 | 512.60 | 498.20 |",
)


@pytest.mark.parametrize("one_cell_per_line", [False, True])
def test_income_beside_spending_in_one_budget_block(one_cell_per_line: bool):
    lines = INCOME_BESIDE_SPENDING
    if one_cell_per_line:
        lines = tuple(f"{cell} |" for line in lines for cell in line.split(" | ") if cell.strip(" |"))
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 5_126_000
    assert facts[("expenditure_total", "department")] == 4_982_000
    assert facts[("income_total", "department")] == 4_982_000
    assert facts[("budget_fiscal", "fiscal")] == 5_126_000
    assert facts[("income_fiscal", "fiscal")] == 4_982_000


@pytest.mark.parametrize(
    ("unit_line", "fiscal_line", "fund_line", "fiscal"),
    [
        ("年度预算申请(万元", "其中: 一般公共预算:812.40", "政府性基金拨款:", 8_124_000),  # the form's unit
        ("年度预算申请", "其中: 一般公共预算:812.40万元", "政府性基金拨款:", 8_124_000),  # its own unit
        ("年度预算申请", "其中: 一般公共预算:812.40", "政府性基金拨款:", None),  # no unit: left out
        # 财政拨款 is 一般公共预算 and 政府性基金 together: with both, the fiscal budget is not printed
        ("年度预算申请(万元", "其中: 一般公共预算:812.40", "政府性基金拨款:118.82", None),
        ("年度预算申请(万元", "其中: 一般公共预算:812.40", "政府性基金拨款:0", 8_124_000),
    ],
)
def test_the_fiscal_budget_of_a_department_forms_split_by_source(unit_line, fiscal_line, fund_line, fiscal):
    lines = (
        unit_line, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
        "年度资金总额", "900.10", "1530.60", "1480.20", "10", "96.71%", "9.67",
        "按收入性质分:1530.60", "按支出性质分:1480.20", fiscal_line,
        "其中:基本支出:700.35", fund_line, "项目支出:779.85", "其他资金:718.20",
    )  # fmt: skip
    facts = form_facts(document_from_lines(*lines))
    assert facts.get(("budget_fiscal", "fiscal")) == fiscal
    assert ("expenditure_basic", "department") not in facts  # the split by nature: left out


def test_project_spending_of_a_basic_data_table_is_this_years_final_account():
    lines = (
        "经费控制情况(万元)", "2021年决算数", "2022年预算数", "2022年决算数", "三公经费", "3.2", "2.5", "2.1",
        "项目支出:", "512.40", "300.00", "468.75", "1、业务工作经费", "120.5", "110", "98.3",
    )  # fmt: skip
    assert form_facts(document_from_lines(*lines))[("expenditure_project", "department")] == 4_687_500
    wrong_years = (
        "经费控制情况(万元)",
        "2021年决算数",
        "2021年预算数",
        "2022年决算数",
        "项目支出:",
        "512.40",
        "300.00",
        "468.75",
    )
    assert ("expenditure_project", "department") not in form_facts(document_from_lines(*wrong_years))


def test_rows_go_on_after_a_numbered_note_in_the_total_rows_last_cell():
    lines = (
        "年度预算数(万元) |", "年初预算 |", "调整后预算数 |", "预算执行数 |", "预算执行率 |", "权重 |", "得分 |", "原因 |",
        "总额 |", "120.5 |", "130 |", "117 |", "90.00% |", "10 |", "9 |",
        "1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因;2.其他资金包括:社会投入资金、银行贷款. |",
        "其中:财政资金 |", "120.5 |", "130 |", "117 |", "90.00% |", "/ |", "/ |",
    )  # fmt: skip
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 1_300_000
    assert facts[("budget_fiscal", "fiscal")] == 1_300_000


def test_a_rate_printed_without_its_percent_sign_only_where_the_amounts_give_it():
    columns = ["budget", "spent", "rate", "score"]
    assert aligned(columns, ["80", "60", "75", "15"]) == {
        "budget": "80",
        "spent": "60",
        "rate": "75",
        "score": "15",
    }
    assert aligned(columns, ["80", "60", "15"]) == {"budget": "80", "spent": "60", "score": "15"}
    assert aligned(columns, ["80", "60", "70", "15"]) == {}


def test_a_row_of_text_is_not_a_money_row():
    assert aligned(COLUMNS, ["见说明"]) == {}


# --- the money block in its shapes -------------------------------------------------------------

PIPE_FORM = (
    "项目支出绩效自评表 | | |",
    "(2023年度) | |",
    "项目名称 | 乡村书屋设备购置 | |",
    "主管部门 | 某县文化和旅游局 | 实施单位 | 某县图书馆 |",
    "项目资金 (万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |",
    "年度资金总额 | 60 | 62.4 | 58.656 | 10 | 94% | 9.4 |",
    "其中:当年财政拨款 | 60 | 62.4 | 58.656 | — | 94% | — |",
    "上年结转资金 | — | — |",
    "其他资金 | — | — |",
)


def test_the_money_block_of_a_pipe_form():
    facts = form_facts(document_from_lines(*PIPE_FORM))
    assert facts[("budget_total", "department")] == 624000
    assert facts[("budget_total", "initial")] == 600000
    assert facts[("expenditure_total", "department")] == 586560
    assert facts[("budget_execution_rate", "department")] == 94
    assert facts[("budget_fiscal", "fiscal")] == 624000
    assert ("self_eval_score", "department") not in facts  # the money block's 得分 is not the total


def test_a_levels_share_of_the_money_is_a_part_not_the_fiscal_row():
    lines = (
        "资金投入情况(万元) | 全年预算数 | 全年执行数",
        "年度资金总额 | 700 | 690",
        "其中:中央财政资金 | 300 | 300",
        "自治区财政资金 | 150 | 150",
        "旗县财政资金 | 250 | 240",
    )
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 7000000
    assert ("budget_fiscal", "fiscal") not in facts
    assert facts[("budget_total", "other_funds")] in (3000000, 1500000, 2500000)


def test_the_money_block_one_cell_per_line():
    lines = (
        "项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "(万元)",
        "年度资金总额", "300", "300", "255", "10", "85%", "8.5", "其中:当年财政拨款", "300", "300", "255",
    )  # fmt: skip
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 3_000_000
    assert facts[("expenditure_total", "department")] == 2_550_000
    assert facts[("budget_execution_rate", "department")] == 85


def test_the_money_block_with_spaces_and_a_transfer_header():
    lines = (
        "转移支付(项目)名称 某某补助资金",
        "资金投入情况 (万元) 全年预算数( A ) 全年执行数( B ) 分值 预算执行率 ( B/A×100%) 得分",
        "年度资金总额: 7 7 10 100% 10",
        "其中:中央财政资金 7 7 ——",
    )
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 70000
    assert facts[("expenditure_total", "department")] == 70000
    assert facts[("budget_execution_rate", "department")] == 100
    assert ("budget_fiscal", "fiscal") not in facts  # central funds are not this body's appropriation


def test_a_caption_with_a_unit_is_not_a_column():
    lines = (
        "预算执行情况 | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因 |",
        "| 总额 | 9.00 | 9.00 | 8.10 | 90.00% | 10 | 9 | |",
    )
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 90000
    assert facts[("expenditure_total", "department")] == 81000
    assert facts[("budget_execution_rate", "department")] == 90


def test_rows_grouped_by_kind_of_income_and_of_spending():
    lines = (
        "预算资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |",
        "年度资金总额 | 820 | 860 | 817 | 10 | 95% | 9.5 |",
        "按收入性质分 | | | | | | |",
        "其中:一般公共预算 | 800 | 840 | 798 | | 95% | |",
        "政府性基金 | 20 | 20 | 19 | | 95% | |",
        "按支出性质分 | | | | | | |",
        "其中:基本支出 | 600 | 610 | 600 | | 98.36% | |",
        "项目支出 | 220 | 250 | 217 | | 86.8% | |",
    )
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 8_600_000
    assert facts[("expenditure_total", "department")] == 8_170_000
    assert facts[("budget_fiscal", "fiscal")] == 8_400_000
    assert facts[("expenditure_basic", "department")] == 6_000_000
    assert facts[("expenditure_project", "department")] == 2_170_000
    assert ("budget_total", "other_funds") in facts


def test_a_name_holding_a_money_word_stays_a_name_in_an_indicator_table():
    line = (
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 产出指标 时效指标 项目支出进度 ≥90% 95% 10 10 "
        "社会效益 资金总额控制 不超预算 未超预算 10 10"
    )
    rows = rows_of(document_from_lines(line))
    assert [(r.indicator.replace(" ", ""), r.level2, r.actual_text) for r in rows] == [
        ("项目支出进度", "时效指标", "95%"),
        ("资金总额控制", "社会效益指标", "未超预算"),
    ]


def test_an_unfilled_total_row_of_zeros_states_nothing():
    lines = (
        "项目资金 (万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额: 0 0 0 10 0 0 "
        "其中:本年财政拨款 45 44.5 44.5 上年结转资金 其他资金",
    )
    facts = form_facts(document_from_lines(*lines))
    assert ("budget_total", "department") not in facts
    assert facts[("budget_fiscal", "fiscal")] == 445000


def test_cells_run_together_after_their_labels():
    lines = (
        "项目资金 (万元)年初预算数全年预算数全年执行分值执行率得分年度资金总额505010100%其中:当年财政拨款",
    )
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 500000
    assert facts[("budget_execution_rate", "department")] == 100


def test_figures_run_together_with_the_dashes_of_empty_cells():
    # A Word form saved as one paragraph: the empty 权重 and 得分 cells of a part row print as //.
    lines = (
        "预算执行情况(10分)年度预算数(万元)年初预算调整后预算数预算执行数预算执行率权重得分原因"
        "总额8.008.006.0075.00%10其中:财政资金6.006.006.00100.00%//单位资金2.002.000.000.00%//",
    )
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 80000
    assert facts[("budget_fiscal", "fiscal")] == 60000
    assert facts[("expenditure_total", "fiscal")] == 60000


def test_a_money_column_printed_with_its_full_marks():
    # 分值(10分): the column's full marks inside its label; no 全年预算数 column, so the 年初预算数 is the budget.
    lines = (
        "项目资金(万元) 年初预算数(A)全年执行数(B)分值(10分)执行率(B/A)得分"
        "年度资金总额:240.5180.381075%7.5其中",
    )
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "initial")] == 2405000
    assert facts[("expenditure_total", "department")] == 1803800
    assert facts[("budget_execution_rate", "department")] == 75


def test_a_total_score_printed_with_its_full_marks():
    assert form_facts(document_from_lines("总分 100 96.5"))[("self_eval_score", "department")] == 96.5
    assert form_facts(document_from_lines("总分10093"))[("self_eval_score", "department")] == 93
    # the full marks inside the label, one cell per line
    assert (
        form_facts(document_from_lines("总分(100分)", "|", "95", "|", "自评等级"))[
            ("self_eval_score", "department")
        ]
        == 95
    )
    # the note below the form printed straight after the score
    assert (
        form_facts(document_from_lines("总分10091注:1.分值由各部门确定"))[("self_eval_score", "department")]
        == 91
    )
    # the label's unit, and the next label, printed against the score (cells run together)
    glued = document_from_lines("联系电话自评总分(分)97.93年初预算数全年预算数全年执行数")
    assert form_facts(glued)[("self_eval_score", "department")] == 97.93


def test_a_label_cell_and_its_figure_on_the_next_line():
    lines = ("人员编制", "18", "实有人数", "17", "计划安排资金(万元)", "230.5", "实际支出(万元)", "201.2")
    facts = form_facts(document_from_lines(*lines))
    assert facts[("staff_authorized", "department")] == 18
    assert facts[("staff_actual", "department")] == 17
    assert facts[("budget_total", "department")] == 2_305_000
    assert facts[("expenditure_total", "department")] == 2_012_000


def test_a_second_project_form_is_left_out_with_a_note():
    second = tuple(line.replace("乡村书屋设备购置", "古籍修复").replace("62.4", "30") for line in PIPE_FORM)
    content = read_forms(document_from_lines(*PIPE_FORM, *second), Matcher(default_dictionary()))
    budgets = [
        f.value for f in content.facts if f.indicator_code == "budget_total" and f.scope == "department"
    ]
    assert budgets == [624000]
    assert len(content.notes) == 1 and "古籍修复" in content.notes[0]


# --- indicator rows ----------------------------------------------------------------------------


def rows_of(document):
    return read_forms(document, Matcher(default_dictionary())).indicators


def printed(rows) -> list[tuple]:
    """Each row's name, target and actual as printed, weight and score."""
    return [(r.indicator, r.target_text, r.actual_text, r.weight, r.score) for r in rows]


def test_indicator_rows_of_a_real_table():
    document = table_document(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        ["产出指标", "数量指标", "指标1:新增图书册数", "≥3000册", "3250册", "20", "20", ""],
        ["", "", "指标2:流动服务点", "≥12个", "10个", "10", "8", "两处场地未落实"],
        ["满意度指标", "服务对象满意度指标", "★读者满意度", "≥90%", "95.2%", "10", "10", ""],
    )
    rows = rows_of(document)
    assert [r.indicator for r in rows] == ["新增图书册数", "流动服务点", "读者满意度"]
    first, second, third = rows
    assert (first.level1, first.level2, first.target_text, first.actual_text) == (
        "产出指标",
        "数量指标",
        "≥3000册",
        "3250册",
    )
    assert (first.target_value, first.actual_value, first.comparator, first.weight, first.score) == (
        3000,
        3250,
        ">=",
        20,
        20,
    )
    assert (second.score, second.deviation_reason) == (8, "两处场地未落实")
    assert (third.level1, third.level2, third.actual_value, third.unit) == (
        "满意度指标",
        "服务对象满意度指标",
        95.2,
        "percent",
    )


def test_a_word_table_made_of_pipe_rows_has_its_cells_packed_left():
    # Each printed line became a row of one table: cells stand in order, not under their headers.
    document = table_document(
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "全年实际完成值",
            "未完成原因和改进措施",
            "",
        ],
        ["产出指标", "数量指标", "改造户数", "≥120户", "126户", "", "", ""],
        ["质量指标", "指标1:验收合格率", "≥95%", "98%", "——", "", "", ""],
        ["指标2:返工率", "<=2%", "1%", "——", "", "", "", ""],
    )
    assert [(r.indicator, r.target_text, r.actual_text, r.level2) for r in rows_of(document)] == [
        ("改造户数", "≥120户", "126户", "数量指标"),
        ("验收合格率", "≥95%", "98%", "质量指标"),
        ("返工率", "<=2%", "1%", "质量指标"),
    ]


def test_a_table_of_indicators_ends_at_its_total_row():
    document = table_document(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "时效指标", "完工时间", "12月底前", "11月", "20", "20"],
        ["总分", "", "", "", "", "100", "97"],
    )
    content = read_forms(document, Matcher(default_dictionary()))
    assert [r.indicator for r in content.indicators] == ["完工时间"]
    assert [(f.indicator_code, f.value) for f in content.facts] == [("self_eval_score", 97)]


def test_indicator_rows_flattened_with_spaces_and_text_values():
    line = (
        "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
        "产出指标(50分) 数量指标 培训场次 ≥6场 7 10 10 质量指标 培训合格率 ≥95% 98% 10 10 "
        "资料归档完整性 完整规范 达成预期指标 10 10 效益指标(30分) 社会效益指标 群众参与程度 明显提升 达成预期指标 15 14 "
        "满意度指标(10分) 满意度指标 学员满意度 ≥90% 96% 10 10"
    )
    rows = rows_of(document_from_lines(line))
    assert printed(rows) == [
        ("培训场次", "≥6场", "7", 10, 10),
        ("培训合格率", "≥95%", "98%", 10, 10),
        ("资料归档完整性", "完整规范", "达成预期指标", 10, 10),
        ("群众参与程度", "明显提升", "达成预期指标", 15, 14),
        ("学员满意度", "≥90%", "96%", 10, 10),
    ]
    assert [r.level2 for r in rows] == ["数量指标", "质量指标", "质量指标", "社会效益指标", "满意度指标"]
    assert rows[3].level1 == "效益指标"


def test_a_header_whose_labels_wrap_onto_a_second_line():
    # 年度指标值 and 实际完成值 printed in narrow columns: 年度 / 实际 on the header's line, 指标值 /
    # 完成值 on the next one, after the other labels.
    lines = (
        "一级指标 二级指标 三级指标 年度 实际 分值 得分 偏差原因分析及改进措施",
        "指标值 完成值",
        "  产出指标 数量指标 服务对象人数 120人次 118人次 15 14 个别对象外出",
        "    质量指标 服务达标率 85% 90% 20 20",
        "总分 100 94",
    )
    rows = rows_of(document_from_lines(*lines))
    assert printed(rows) == [
        ("服务对象人数", "120人次", "118人次", 15, 14),
        ("服务达标率", "85%", "90%", 20, 20),
    ]


def test_values_with_a_comparator_or_a_unit_per_something_are_not_names():
    # One cell per line, 分值 before the values; >=570元/人*月 and 758元/人*月 are values.
    lines = (
        "三级指标 |", "分值 |", "年度指标值 |", "全年实际值 |", "得分 |",
        "质量指标 |",
        "城市低保标准 |", "5 |", ">=610元/人*月 |", "655元/人*月 |", "5 |",
        "特困人员基本生活标准 |", "5 |", ">=570元/人*月 |", "758元/人*月 |", "5 |",
        "临时救助标准——一户年最高3000元 |", "10 |", "<=3000元/户 |", "2600元/户 |", "10 |",
        "总分 |", "100 |",
    )  # fmt: skip
    rows = rows_of(document_from_lines(*lines))
    assert [(r.indicator, r.target_text, r.actual_text, r.weight, r.score) for r in rows][:2] == [
        ("城市低保标准", ">=610元/人*月", "655元/人*月", 5, 5),
        ("特困人员基本生活标准", ">=570元/人*月", "758元/人*月", 5, 5),
    ]
    # The last name ends in a figure (…最高3000元) and is cut there: that row may be lost, never misread.
    assert all(r.actual_text != "3000元" for r in rows)


def test_a_reason_follows_a_shortfall_and_text_after_a_row_met_in_full_starts_a_name():
    # One cell per line, empty cells gone: a reason is written where a row fell short; after a row
    # that met its target in full, a text cell is the first line of the next row's name.
    lines = (
        "三级指标 |", "分值 |", "年度指标值 |", "全年实际值 |", "得分 |", "未完成原因及拟采取的改进措施 |",
        "数量指标 |",
        "特困人员救助供养人数 |", "5 |", ">=4754人 |", "4604人 |", "5 |", "特困人员实行动态管理 |",
        "临时救助人数 |", "10 |", ">=7人 |", "7人 |", "10 |",
        "城乡居民 |", "医保参保率 |", "5 |", ">=95% |", "97% |", "5 |",
        "总分 |", "100 |",
    )  # fmt: skip
    rows = rows_of(document_from_lines(*lines))
    assert [(r.indicator, r.actual_text, r.deviation_reason) for r in rows] == [
        ("特困人员救助供养人数", "4604人", "特困人员实行动态管理"),
        ("临时救助人数", "7人", None),
        ("城乡居民 医保参保率", "97%", None),
    ]


def test_a_formula_mark_in_a_header_goes_a_placeholder_in_a_name_stays():
    lines = (
        "预算执行情况(万元)", "预算数(A)", "执行数(B)", "执行率(B/A)", "得分", "(20分*执行率)",
        "年度财政资金总额", "80", "60", "75", "15",
        "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分",
        "产出指标(40分)", "数量指标", "新建蓄水池(≥**立方米)", "120", "126", "4",
    )  # fmt: skip
    document = document_from_lines(*lines)
    assert form_facts(document)[("budget_execution_rate", "department")] == 75
    assert [(r.indicator, r.actual_text, r.score) for r in rows_of(document)] == [
        ("新建蓄水池(≥立方米)", "126", 4)
    ]


def test_a_table_without_points_columns_and_a_dash_for_no_deviation():
    lines = (
        "绩效指标 | 一级 指标 | 二级指标 | 三级指标 | 指标值 | 全年实际完成值 | 未完成原因和改进措施 |",
        "产出指标 | 质量指标 | 指标1:设备故障率 | <=2% | <=1% | —— |",
        "时效指标 | 指标1:完成安装的时间(不含调试) | 3个月 | 3个月 | —— |",
        "指标2:验收周期 | 2个月 | 3个月 | 供货延迟,下年提前招标 |",
    )
    assert [(r.indicator, r.target_text, r.actual_text, r.deviation_reason) for r in rows_of(document_from_lines(*lines))] == [
        ("设备故障率", "<=2%", "<=1%", "——"),
        ("完成安装的时间(不含调试)", "3个月", "3个月", "——"),
        ("验收周期", "2个月", "3个月", "供货延迟,下年提前招标"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("具体指标 教师满意度", "教师满意度"),
        ("具体指标:学生满意度", "学生满意度"),
        ("具体指标完成率", "具体指标完成率"),
    ],
)
def test_a_placeholder_cell_before_a_name_is_no_part_of_it(printed, name):
    assert clean_indicator_name(printed) == name


def test_a_list_number_before_a_name_is_printed_name_not_template_prefix():
    lines = (
        "一级指标 | 二级指标 | 三级指标 | 年初目标值 | 实际完成值 | 得分 |",
        "产出指标 | 数量指标 | 一、示范片建设 | ≧300亩 | 300亩 | 10.0 |",
        "1、侧深施肥 | ≧100亩 | 120亩 | 5.0 |",
        "(2)配方肥施用 | ≧200亩 | 200亩 | 5.0 |",
    )
    assert [(r.indicator, r.actual_text, r.score) for r in rows_of(document_from_lines(*lines))] == [
        ("一、示范片建设", "300亩", 10),
        ("1、侧深施肥", "120亩", 5),
        ("(2)配方肥施用", "200亩", 5),
    ]


def test_a_change_word_before_a_figure_and_a_target_glued_to_its_actual_value():
    lines = (
        "一级指标 二级指标 三级指标 年初目标值(A) 实际完成值(B) 得分",
        "产出指标 数量指标 公众号推文 不少于600篇600篇 8",
        "效益指标 社会效益指标 居民健康素养 提升10% 提升12% 6",
        "经济效益指标 带动农户增收 增长5% 增长5% 6",
        "时效指标 完成时间 2022年12月 2022年12月 5",
    )
    assert printed(rows_of(document_from_lines(*lines))) == [
        ("公众号推文", "不少于600篇", "600篇", None, 8),
        ("居民健康素养", "提升10%", "提升12%", None, 6),
        ("带动农户增收", "增长5%", "增长5%", None, 6),
        ("完成时间", "2022年12月", "2022年12月", None, 5),
    ]


def test_a_satisfaction_row_whose_cells_leave_out_the_percent_sign():
    def satisfaction(row: str) -> list[float]:
        header = "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |"
        document = document_from_lines(header, row)
        content = read_forms(document, Matcher(default_dictionary()))
        facts = indicator_facts(content.indicators, Matcher(default_dictionary()))
        return [f.value for f in facts if f.indicator_code == "satisfaction_rate" and not f.is_target]

    assert satisfaction("满意度指标 | 服务对象满意度指标 | 学生满意度 | ≥90 | 96 | 10 | 10 |") == [96]
    assert satisfaction("满意度指标 | 服务对象满意度指标 | 群众满意度 | 20 | 20 | 10 | 10 |") == []


def test_a_label_broken_over_lines_and_split_comparator_cells():
    lines = (
        "一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析 |",
        "产",
        "出",
        "指",
        "标 | 数量指标 | 巡查次数 | ≥ | 24 | 次 | 26 | 20 | 20 |",
    )
    rows = rows_of(document_from_lines(*lines))
    assert [(r.level1, r.indicator, r.target_text, r.actual_text, r.comparator) for r in rows] == [
        ("产出指标", "巡查次数", "≥24次", "26", ">="),
    ]


def test_indicator_rows_run_together():
    line = (
        "一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施产出指标数量指标"
        "维修座椅数量80个80个2020质量指标验收情况合格合格2018指标2:满意度指标服务对象满意度指标观众满意度95%97%2020指标2:"
    )
    rows = rows_of(document_from_lines(line))
    assert printed(rows) == [
        ("维修座椅数量", "80个", "80个", 20, 20),
        ("验收情况", "合格", "合格", 20, 18),
        ("观众满意度", "95%", "97%", 20, 20),
    ]


def test_indicator_rows_run_together_with_lines_broken_inside_cells():
    # A document-sharing site's text of a form: cells glued, a line break inside a cell kept as a
    # space or a newline, its page numbers (2、) where a page starts, labels inside names (执行率).
    lines = (
        "一级 指标二级 指标三级指标年度指标 值全年 完成值未完成原因和 改进措施产 出 指 标数量 指标"
        "农田灌溉渠道修 复率100%100%堤防巡查记录完整率100%",
        "2、100%质量 指标闸门启闭制 度执行率100%100%渠道淤积比例00时效 指标维修及时率100%",
        "100%绩效 指标效 益 指 标社会 效益 指标群众投诉事件 发生数0起0起",
    )
    rows = rows_of(document_from_lines(*lines))
    assert [(r.indicator, r.target_text, r.actual_text) for r in rows] == [
        ("农田灌溉渠道修 复率", "100%", "100%"),
        ("堤防巡查记录完整率", "100%", "100%"),
        ("闸门启闭制 度执行率", "100%", "100%"),
        ("渠道淤积比例", "0", "0"),
        ("维修及时率", "100%", "100%"),
        ("群众投诉事件 发生数", "0起", "0起"),
    ]
    assert (
        rows[-1].level2 == "社会效益指标"
    )  # the caption printed again at the page break did not end the table


def test_indicator_rows_run_together_with_a_status_after_each_and_bare_level_words():
    # A sharing site's text of a form without points: each row ends in a completion status run
    # into the next row's name; 二级指标 printed without 指标 (社会效益) where a row starts.
    line = (
        "一级指标二级指标三级指标年初目标值实际完成值未完成原因及改进措施产出指标产出数量"
        "巡护设备配备率100%320件达成预期指标界碑维护率100%12个达成预期指标产出质量"
        "违法案件查处率不低于90%达成预期指标产出时效火情2小时内处置率不低于95%达成预期指标"
        "效益指标社会效益重大安全事故0起达成预期指标群众知晓度是否明显提高是达成预期指标"
        "生态效益林地受损面积小于0.5‰达成预期指标"
    )
    rows = rows_of(document_from_lines(line))
    assert [(r.level2, r.indicator, r.target_text, r.actual_text) for r in rows] == [
        ("产出数量", "巡护设备配备率", "100%", "320件"),
        ("产出数量", "界碑维护率", "100%", "12个"),
        ("产出质量", "违法案件查处率", "不低于90%", "达成预期指标"),
        ("产出时效", "火情2小时内处置率", "不低于95%", "达成预期指标"),
        ("社会效益指标", "重大安全事故", "0起", "达成预期指标"),
        ("社会效益指标", "群众知晓度是否明显提高", "是", "达成预期指标"),
        ("生态效益指标", "林地受损面积", "小于0.5‰", "达成预期指标"),
    ]


def test_indicator_rows_run_together_with_points_before_the_values():
    line = (
        "一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因产出指标(70分)数量指标"
        "铺设管道长度10≥120米≥120米10质量指标工程验收合格率20100%100%18成本指标项目总投资1035万元35万元10"
    )
    rows = rows_of(document_from_lines(line))
    assert printed(rows) == [
        ("铺设管道长度", "≥120米", "≥120米", 10, 10),
        ("工程验收合格率", "100%", "100%", 20, 18),
        ("项目总投资", "35万元", "35万元", 10, 10),
    ]


def test_a_bare_level_word_under_a_level2_label_is_the_indicator_name():
    # 满意度 is a level's word printed without 指标; under 服务对象满意度指标 it names the row.
    # ﹦ (a small form variant) is the comparator =.
    lines = (
        "| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 实际完成值 | 分值 | 得分 |",
        "| 产出指标 | 质量指标 | 设备完好率 | ﹦ | 100 | % | 100 | 20 | 19 |",
        "| 满意度指标 | 服务对象满意度指标 | 满意度 | ≥ | 90 | % | 93 | 10 | 10 |",
    )
    rows = rows_of(document_from_lines(*lines))
    assert [(r.level2, r.indicator, r.comparator, r.actual_text, r.score) for r in rows] == [
        ("质量指标", "设备完好率", "=", "100", 19),
        ("服务对象满意度指标", "满意度", ">=", "93", 10),
    ]
    real = table_document(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "93%", "10", "10"],
    )
    assert [(r.level2, r.indicator, r.actual_text) for r in rows_of(real)] == [
        ("服务对象满意度指标", "满意度", "93%")
    ]


def test_an_indicator_row_with_empty_value_cells_keeps_its_points():
    lines = (
        "三级指标 年度指标值 实际完成值 分值 得分",
        "数量指标 指标1:完成渠道整治项目 2 2 10 10",
        "质量指标 指标1:工程质量达标 15 12",
        "指标2:档案资料完整 95 98",
    )
    rows = rows_of(document_from_lines(*lines))
    assert printed(rows) == [
        ("完成渠道整治项目", "2", "2", 10, 10),
        ("工程质量达标", None, None, 15, 12),
        ("档案资料完整", "95", "98", None, None),  # a score above its weight: these are the values
    ]


def test_rows_named_with_the_template_prefix_in_a_form_whose_header_was_scattered():
    # A form flattened column by column: the header's cells stand apart, amid cells of the first
    # rows; later rows keep their prefixed name and four cells together.
    text = (
        "一级 指标 年度 实际 指标值 完成值 指标1:修缮古建筑 12处 指标2:巡查文物点 不少于30 次 "
        "二级指标 三级指标 指标3:开放展厅 分值 得分 10处 3 3 40次 2 2 指标4:接待参观人次 5000人 6120人 4 4 "
        "指标5:讲解服务场次 120场 96场 3 2.4 指标6:藏品登记 入账率 100% 100% 5 5 指标7:展陈更新 2个 1个 "
        "指标8:观众满意度 90% 95% 3 3 2个 2个 3 3 总分 100 96"
    )
    rows = rows_of(document_from_lines(text))
    assert printed(rows) == [
        ("接待参观人次", "5000人", "6120人", 4, 4),
        ("讲解服务场次", "120场", "96场", 3, 2.4),
        ("藏品登记 入账率", "100%", "100%", 5, 5),  # a name wrapped in its cell
    ]  # 指标1-3, 7: cells not beside their name; 指标8: more than four cells follow, whose is unclear
    # The same rows read from a PDF whose line wraps lost the space between two cells.
    wrapped = "指标4:接待参观人次 5000人 6120人 4 4指标5:讲解服务场次 120场 96场3 2.4 指标6:开放展厅数10个 12个 3 3 总分 96"
    rows = rows_of(document_from_lines(wrapped))
    assert printed(rows) == [
        ("接待参观人次", "5000人", "6120人", 4, 4),
        ("讲解服务场次", "120场", "96场", 3, 2.4),
        ("开放展厅数", "10个", "12个", 3, 3),
    ]


CHONGQING_HEADER = [
    "指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值", "全年完成值",
    "得分系数(%)", "指标权重(分)", "指标得分(分)", "是否核心指标",
]  # fmt: skip
CHONGQING_ROWS = [
    ["人员经费控制率", "%", "定量指标", "100%", "", "96%", "100%", "2", "2", "否"],
    ["宣传活动次数", "次", "定量指标", "26次", "30次", "31次", "100%", "5", "5", "是"],
    ["资产管理安全性", "", "定性指标", "好", "", "好", "100%", "3", "3", "否"],
]
CHONGQING_READ = [
    ("人员经费控制率", "100%", "96%", 2, 2),
    ("宣传活动次数", "26次", "31次", 5, 5),
    ("资产管理安全性", "好", "好", 3, 3),
]


def test_a_unit_set_apart_from_its_figure_by_ocr_joins_it_where_no_unit_column_is():
    lines = (
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
        "产出指标 数量指标 补助村数量 =8 个 8 8 8 保障人数 =42 人 42 8 8",
    )
    assert printed(rows_of(document_from_lines(*lines))) == [
        ("补助村数量", "=8个", "8", 8, 8),
        ("保障人数", "=42人", "42", 8, 8),
    ]


def test_a_department_form_with_unit_nature_adjusted_target_and_core_columns():
    # A municipality's department form: 计量单位 and 指标性质 (定量 / 定性, not a comparator) before
    # the values, an adjusted target, a score coefficient and a core-indicator flag.
    assert printed(rows_of(table_document(CHONGQING_HEADER, *CHONGQING_ROWS))) == CHONGQING_READ
    pipes = ["| " + " | ".join(cell for cell in row) + " |" for row in (CHONGQING_HEADER, *CHONGQING_ROWS)]
    assert printed(rows_of(document_from_lines(*pipes))) == CHONGQING_READ
    older = (  # the earlier template: 指标值 | 指标权重(分) | 全年完成值 | 指标得分(分) | 说明
        "指标名称 计量单位 指标性质 指标值 指标权重(分) 全年完成值 指标得分(分) 说明",
        "林木管护面积 万亩 定量指标 28 10 28.5 10",
        "森林火灾受害率 % 定量指标 0.9 10 0 10",
    )
    assert printed(rows_of(document_from_lines(*older))) == [
        ("林木管护面积", "28万亩", "28.5", 10, 10),
        ("森林火灾受害率", "0.9%", "0", 10, 10),
    ]


def test_the_department_form_run_together_its_bare_figures_cut_by_the_header():
    # The earlier template flattened by a sharing site: a row is name, unit, then its four figures
    # (指标值, 指标权重, 全年完成值, 指标得分) with nothing between them; the header's last cells run
    # into the first row.
    line = (
        "指标名称计量单位指标性质指标值指标权重(分)全年完成值指标得分(分)说明"
        "林地管护完成率%901010010公益林管护面积万亩2810810火灾受害率%0.910010"
    )
    assert printed(rows_of(document_from_lines(line))) == [
        ("林地管护完成率", "90%", "100", 10, 10),
        ("公益林管护面积", "28万亩", "8", 10, 10),  # 28 | 10 | 81 | 0 fits too: a full score is likelier
        ("火灾受害率", "0.9%", "0", 10, 10),
    ]


@pytest.mark.parametrize(
    ("run", "kinds", "cells"),
    [
        ("901010010", ("value", "weight", "value", "score"), ["90", "10", "100", "10"]),
        ("0.4100.110", ("value", "weight", "value", "score"), ["0.4", "10", "0.1", "10"]),
        ("3807", ("value", "weight", "value", "score"), ["3", "8", "0", "7"]),  # the only cut that fits
        ("2020", ("value", "weight", "value", "score"), None),  # no weight fits
        ("22", ("weight", "score"), ["2", "2"]),
        ("105", ("weight", "score"), ["10", "5"]),
        # longer than any row's figures (an account number, digits of a flattened page): not cut, and
        # not tried (every way of cutting 160 digits in four took seconds)
        ("123456789012345678912345678901234567881010", ("value", "value", "weight", "score"), None),
        ("1" * 160, ("value", "value", "weight", "score"), None),
    ],
)
def test_split_run(run, kinds, cells):
    assert split_run(run, kinds) == cells


def test_rows_under_their_level_labels_in_a_fragment_without_the_header():
    # A form's last rows kept without the page that held its header: each row under its levels.
    lines = (
        "效益指标 |",
        "社会效益指标 |",
        "困难学生完成学业率 |",
        "100% |",
        "100% |",
        "满意度指标 | 服务对象满意度指标 | 受助学生满意度 | ≥90% | 96% | 10 | 10",
        "质量指标 | 2021年12月完成 | =95% | =95%",  # a date where the name should be: cells shifted
        "时效指标 | 发放及时率 | 100%100%10 | 10",  # values glued: not a lone value each
    )
    rows = rows_of(document_from_lines(*lines))
    assert [(r.level1, r.level2, *printed([r])[0]) for r in rows] == [
        ("效益指标", "社会效益指标", "困难学生完成学业率", "100%", "100%", None, None),
        ("满意度指标", "服务对象满意度指标", "受助学生满意度", "≥90%", "96%", 10, 10),
    ]
    facts = extract_content(document_from_lines(*lines), report_kind="project").facts
    assert {(f.indicator_code, f.is_target, f.value) for f in facts} >= {
        ("satisfaction_rate", False, 96),
        ("satisfaction_rate", True, 90),
    }


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("修缮面积300平方米320平方米2020", ["修缮面积", "300平方米", "320平方米", "20", "20"]),
        ("事故发生数0起0起", ["事故发生数", "0起", "0起"]),
        ("变质比例00", ["变质比例", "0", "0"]),
        ("说明无注:1、其他资金包括", ["说明无注:1、其他资金包括"]),
        ("慰问困难职工30人;走访老党员12人。", ["慰问困难职工30人;走访老党员12人。"]),
        ("投诉事件发生小于5次", ["投诉事件发生", "小于5次"]),
        ("办公用品单价不高于市场价5是是5", ["办公用品单价不高于市场价", "5", "是", "是", "5"]),
        ("2022年12月前完成", ["2022年12月前完成"]),
        ("≥100百分比", ["≥100百分比"]),
        ("指标1:指标2:", []),
        ("项目总成本≤90万元", ["项目总成本", "≤90万元"]),
        ("达标率≥95百分比", ["达标率", "≥95百分比"]),
        ("质量合格合格2020指标2", ["质量", "合格", "合格", "20", "20"]),  # a template slot: left out
        ("达成预期指标1010", ["达成预期指标", "10", "10"]),  # a value ending in 指标, its points glued
        ("效果明显达成预期指标", ["效果明显", "达成预期指标"]),  # a space lost at a line wrap
        ("基本达成预期目标", ["基本达成预期目标"]),
        ("项目是否达成预期目标", ["项目是否达成预期目标"]),  # a name
        ("完成3次达成预期指标", ["完成3次达成预期指标"]),
        ("达成预期指标界碑维护率", ["达成预期指标", "界碑维护率"]),  # the next row's name run in
        ("设备维护及安全性高高", ["设备维护及安全性", "高", "高"]),  # a word value, target and actual
        ("资产管理安全性 好好", ["资产管理安全性", "好", "好"]),
        ("完成完成", ["完成完成"]),  # no name before it
        ("达成预期目标值", ["达成预期目标值"]),
        ("重大安全事故0起达成预期指标", ["重大安全事故", "0起", "达成预期指标"]),  # 起: a unit
        ("知晓度是否提高是达成预期指标", ["知晓度是否提高", "是", "达成预期指标"]),  # a question answered
        ("火情2小时内处置率不低于95%达成预期指标", ["火情2小时内处置率", "不低于95%", "达成预期指标"]),
        ("受损面积小于0.5‰达成预期指标", ["受损面积", "小于0.5‰", "达成预期指标"]),
    ],
)
def test_unglue(text, pieces):
    assert [t.text for t in unglue(Token(text, "x"))] == pieces


def test_a_dictionary_row_also_gives_its_core_fact():
    document = table_document(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["满意度指标", "服务对象满意度指标", "读者满意度", "≥90%", "93%", "10", "10"],
    )
    facts = {(f.indicator_code, f.is_target): f.value for f in extract_content(document).facts}
    assert facts[("satisfaction_rate", False)] == 93
    assert facts[("satisfaction_rate", True)] == 90


def test_an_execution_rate_row_of_something_other_than_the_budget_gives_no_budget_rate():
    document = table_document(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "质量指标", "政策性收购价格执行率", "100%", "98%", "10", "9"],
        ["管理指标", "政府采购管理", "执行率", "100%", "97%", "5", "4"],
        ["管理指标", "预算执行", "预算执行率", "100%", "95.5%", "10", "9"],
    )
    rates = [f.value for f in extract_content(document).facts if f.indicator_code == "budget_execution_rate"]
    assert sorted(rates) == [95.5, 100]  # the budget row's actual and target only


def test_labels_are_found_whatever_their_spaces():
    labels = [t.label for t in tokens(document_from_lines("年度 总体 目标 绩 效 指 标 三级 指标")) if t.label]
    assert labels == ["年度总体目标", "绩效指标", "三级指标"]


def test_an_indicator_table_in_pipe_rows_ends_where_the_text_resumes():
    lines = (
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
        "产出指标 | 数量指标 | 送戏下乡场次 | ≥12场 | 14场 | 20 | 20 | 无",
        "经评价，该项目综合得分96分。",
    )
    rows = rows_of(document_from_lines(*lines))
    assert [(r.indicator, r.deviation_reason) for r in rows] == [("送戏下乡场次", "无")]


def _label_texts(labels) -> list[str]:
    """Texts made of labels, parts of labels, spaces, brackets of either width and numbers, and the
    text of every sample report."""
    import random

    from pipelines.extract.text import simplify
    from pipelines.readers import read_document
    from tests.test_pipeline import SAMPLES

    rng = random.Random(12)
    pieces = [*labels, "转移支付（项目）名称", "部门（单位）名称", "单位（盖章）", "年初", "预算", "全年 实际", "执行 率",
              "指标", "主管", "单位", " ", "\n", "12.5", "|", "万元"]  # fmt: skip
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    texts += [" ".join(label) for label in labels] + ["年初预算数预算数执行数", "偏差原因分析及改进 措施"]
    for path in sorted((SAMPLES / "reports").rglob("*")):
        try:
            document = read_document(path, SAMPLES / "reports")
        except Exception:  # the hostile samples
            continue
        texts.append("\n".join(block.text for block in document.blocks))
    return [simplify(text) for text in texts]


@pytest.mark.parametrize("which", ["form labels", "header field labels"])
def test_a_label_trie_finds_what_an_alternation_of_the_labels_longest_first_finds(which):
    """The label patterns are tries of the labels (one try per character, not per label): at every
    position they find the label an alternation of every label, longest first, finds (and so the
    same field key), with any whitespace and brackets of either width."""
    import re

    from pipelines.extract import header_fields
    from pipelines.extract.forms.tokens import LABEL_PATTERN, LABELS
    from pipelines.extract.text import label_of

    if which == "form labels":
        ordered = [(label, label) for label in sorted(LABELS, key=len, reverse=True)]
        pattern, of = LABEL_PATTERN, lambda m: label_of(m.group(0))
    else:
        ordered = header_fields._KEYED
        pattern, of = header_fields.LABEL_RE, header_fields._key_of
    alternation = re.compile(
        "|".join(f"(?P<l{i}>{header_fields.spaced_label(label)})" for i, (label, _) in enumerate(ordered))
    )
    matches = 0
    for text in _label_texts([label for label, _ in ordered]):
        expected = [
            (m.start(), m.end(), ordered[int(m.lastgroup[1:])][1]) for m in alternation.finditer(text)
        ]
        assert [(m.start(), m.end(), of(m)) for m in pattern.finditer(text)] == expected, text
        matches += len(expected)
    assert matches > 3000


# --- a page that starts inside the previous form -----------------------------------------------

TAIL_OF_ANOTHER_FORM = (
    "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 ||",
    "产出指标 | 数量指标 | 培训人次 | ≥ | 200 | 人次 | 完成 | 20 | 20 ||",
    "合计 | 100 | ||",
    "项目支出绩效自评表(2022年度) ||",
)
NAMED_FORM = (
    "项目名称 | 乡村学校图书补充 ||",
    "主管部门 | 某某县教育局 | 实施单位 | 某某县第二中学 ||",
    "项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 ||",
    "年度资金总额 | 12.5 | 12.5 | 11.9 | 10 | 95.2% | 9.5 ||",
)


def test_a_project_form_after_the_tail_of_an_unnamed_form_is_read():
    """Indicator rows before the first 项目名称, no money read yet: the end of a form cut off above."""
    document = document_from_lines(*TAIL_OF_ANOTHER_FORM, *NAMED_FORM)
    facts = {
        (f.indicator_code, f.scope): f.value for f in extract_content(document, report_kind="project").facts
    }
    assert facts[("budget_total", "department")] == 125_000
    assert facts[("expenditure_total", "department")] == 119_000
    assert facts[("budget_execution_rate", "department")] == 95.2


def test_in_a_department_report_a_project_form_after_indicator_rows_is_left_out():
    document = document_from_lines(*TAIL_OF_ANOTHER_FORM, *NAMED_FORM)
    department = read_forms(document, Matcher(default_dictionary()))
    assert not department.facts and "乡村学校图书补充" in department.notes[0]
    project = read_forms(document, Matcher(default_dictionary(), project_report=True))
    assert not project.notes and {f.indicator_code for f in project.facts} >= {"budget_total"}


def test_a_money_tables_zero_amounts_are_unfilled_cells_not_figures():
    document = table_document(
        ["资金来源", "年初预算数", "全年预算数", "全年执行数", "执行率"],
        ["年度资金总额", "30.00", "30.00", "27.00", "90.00%"],
        ["财政专户管理资金", "0.00", "0.00", "0.00", "0.00%"],
    )
    amounts = [f for f in extract_content(document).facts if f.unit == "CNY"]
    assert amounts and all(f.value > 0 for f in amounts)


def test_a_completion_status_cell_is_no_indicator_name():
    """单项指标完成情况 | 完成, then the row's points: neither the name nor the target and actual."""
    document = document_from_lines(
        "一级指标 二级指标 三级指标 指标分值 预期指标值 单项指标实际完成值 单项指标完成情况 自评得分",
        "符号 单位(文字描述) 单项指标得分 权重占比(%) 单项指标折算得分",
        "产出指标 数量指标 送戏下乡场次 全年送戏下乡的场次 >= 50 场 52场 完成 20.00 20.00 5.00",
        "效益指标 社会效益指标 群众观看率 观看群众占比 >= 75 %(百分比) 100% 完成30.00 30.00 9.00",
    )
    names = [row.indicator for row in extract_content(document, report_kind="project").indicators]
    assert not {"完成", "%"} & set(names)


def test_a_row_whose_name_has_no_word_is_left_out():
    """A scan's stray bracket read where a name stands: no indicator."""
    document = table_document(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "（", "10", "10", "5", "5"],
        ["产出指标", "数量指标", "培训场次", "10场", "12场", "5", "5"],
    )
    names = [row.indicator for row in extract_content(document, report_kind="project").indicators]
    assert names == ["培训场次"]


def test_a_money_header_with_columns_this_reader_does_not_know_and_row_numbers():
    """A provincial template: 行次, lettered columns, columns of its own (统筹整合资金数, 全年到位资金,
    预算到位), the rate headed 预算执行 with its formula, a line of column numbers, the unit in the
    row's label; an empty column vanished from the rows."""
    document = document_from_lines(
        "资金投入情况",
        "(万元)",
        "行次 全年预算数",
        "(A)",
        "统筹整合资金数",
        "(B)",
        "扣除统筹整合资金后预算金额",
        "(C)",
        "全年到位资金",
        "(D)",
        "预算到位",
        "(D/C×100%)",
        "全年执行资金",
        "(E)",
        "预算执行",
        "(E/C×100%)",
        "佐证材料",
        "列次 0 1 2 3 4 5 6 7 所需材料 上传端口",
        "年度资金总额(万元): 1 80.000000",
        "80.000000 80.000000 100.00% 62.000000 77.50%",
    )
    facts = form_facts(document)
    assert facts[("budget_total", "department")] == 800_000
    assert facts[("expenditure_total", "department")] == 620_000
    assert facts[("budget_execution_rate", "department")] == 77.5


def test_a_sum_row_after_the_parts_is_the_total_and_a_score_line_after_a_total_is_not():
    parts_then_sum = document_from_lines(
        "预算执行情况(万元)资金来源预算数(A)执行数(B)执行率(B/A)一般预算内拨款4848100%合计4848100%"
    )
    facts = form_facts(parts_then_sum)
    assert facts[("budget_total", "department")] == 480_000
    assert facts[("budget_fiscal", "fiscal")] == 480_000
    total_then_sum = document_from_lines(
        "项目资金(万元) | 全年预算数 | 全年执行数 | 执行率 ||",
        "年度资金总额 | 30 | 27 | 90% ||",
        "合计 | 100 | 96 ||",
    )
    assert form_facts(total_then_sum)[("budget_total", "department")] == 300_000


def test_row_labels_printed_before_a_scrambled_header_take_the_rows_after_it_in_order():
    """A spreadsheet flattened out of order: the rows' labels, then the header, then every row's
    figures, each row printing all its cells."""
    document = document_from_lines(
        "项目资金 年初预算数 (万元) 年度资金总额 其中:当年财政拨款 实施单位 全年预算数 全年执行数 分值 执行率 得分 "
        "48.20 47.90 10 99.38% 9.9 40.00 39.70 — 99.25% — 上年结转资金 — — 其他资金 — —"
    )
    facts = form_facts(document)
    assert facts[("budget_total", "department")] == 482_000
    assert facts[("expenditure_total", "department")] == 479_000
    assert facts[("budget_fiscal", "fiscal")] == 400_000
    # The same with two cells of the second row run together where a PDF line wrapped.
    glued = document_from_lines(document.blocks[0].text.replace("40.00 39.70", "40.0039.70"))
    assert form_facts(glued)[("budget_fiscal", "fiscal")] == 400_000


def test_parts_of_an_indicator_row_without_points_are_rows_of_their_own():
    """其中 rows under an indicator: their own values, no points; the next row's name stays whole."""
    document = document_from_lines(
        "三级指标 | 分值 | 年度指标值 | 全年实际值 | 得分 | 偏差原因 ||",
        "数量指标 | 补助茶园面积 | 20 | 30亩 | 30亩 | 20 ||",
        "其中新建茶园 | 10亩 | 10亩 ||",
        "其中改造茶园 | 20亩 | 20亩 ||",
        "补助农户数 | 10 | 50户 | 52户 | 10 ||",
    )
    rows = {
        r.indicator: (r.actual_text, r.score)
        for r in extract_content(document, report_kind="project").indicators
    }
    assert rows == {
        "补助茶园面积": ("30亩", 20),
        "其中新建茶园": ("10亩", None),
        "其中改造茶园": ("20亩", None),
        "补助农户数": ("52户", 10),
    }


@pytest.mark.parametrize("separator", [" | ", "  "])
def test_parts_without_of_which_are_rows_of_their_own_where_their_values_carry_units(separator):
    """Under a row of points only, indented parts with a figure and unit as target and actual: rows
    without points. A row whose second figure is bare (its points) is not taken for a part."""
    lines = [
        ["三级指标", "分值", "年度指标值", "全年实际值", "得分", "偏差原因"],
        ["数量指标", "★补助果树种植面积", "10", "10"],
        ["    柑橘种植面积", "12.5亩", "12亩"],
        ["    茶叶种植面积", "3亩", "3亩"],
        ["★补助牲畜养殖数量", "10", "9"],
        ["    山羊养殖数量", "140只", "126只"],
        ["救助标准", "4800元", "10"],
    ]
    document = document_from_lines(
        *(separator.join(cells) + (" ||" if "|" in separator else "") for cells in lines)
    )
    rows = {
        r.indicator: (r.target_text, r.actual_text, r.weight, r.score)
        for r in extract_content(document, report_kind="project").indicators
    }
    assert rows["柑橘种植面积"] == ("12.5亩", "12亩", None, None)
    assert rows["茶叶种植面积"] == ("3亩", "3亩", None, None)
    assert rows["山羊养殖数量"] == ("140只", "126只", None, None)
    assert rows["补助牲畜养殖数量"][2:] == (10, 9)
    assert ("4800元", "10", None, None) not in rows.values()


def test_a_name_holding_a_completion_status_is_cells_run_together_and_left_out():
    row = indicator_row(
        name="达成预期指标产出质量故障排查率", target="95%", actual="达成", locator="l", snippet=""
    )
    assert misread(row)
    assert not misread(indicator_row(name="目标达成率", target="95%", actual="96%", locator="l", snippet=""))


@pytest.mark.parametrize(
    ("name", "unreliable"), [("万元", True), ("(件)", True), ("公里", True), ("件数", False)]
)
def test_a_unit_cell_read_where_the_name_should_be_names_nothing(name, unreliable):
    row = indicator_row(name=name, target="20", actual="20", locator="l", snippet="")
    assert misread(row) is unreliable


@pytest.mark.parametrize(
    ("name", "unreliable"),
    [
        ("说明", True),
        ("…… 说明 注", True),
        ("评分标准 指标分值", True),
        ("指标", True),
        ("指标说明完整性", False),
    ],
)
def test_a_forms_own_words_read_where_the_name_should_be_name_nothing(name, unreliable):
    row = indicator_row(name=name, target="100%", actual="100%", locator="l", snippet="")
    assert misread(row) is unreliable


def test_a_name_split_at_its_figure_gives_no_row_made_of_its_pieces():
    """火情2小时内处置率 run together with its cells: 内处置率 starts no name and is no value."""
    document = document_from_lines(
        "一级指标二级指标三级指标年初目标值实际完成值未完成原因及改进措施产出指标产出时效"
        "火情2小时内处置率不低于95%98%无产出质量设备完好率不低于95%96%无"
    )
    rows = extract_content(document, report_kind="project").indicators
    assert not [r for r in rows if r.indicator.startswith("内") or (r.actual_text or "").startswith("内")]


@pytest.mark.parametrize(
    "header",
    [
        "一级指标 | 二级指标 | 三级指标 | 预期目标值 | 实际完成值 | 分值 | 得分 | 偏差原因",
        "一级指标 | 二级指标 | 绩效指标 | 年度指标值 | 实际完成情况 | 分值 | 得分 | 原因",
        "一级指标 | 二级指标 | 三级指标 | 年初目标值 | 年末完成值 | 分值 | 得分 | 原因",
        "一级指标 | 二级指标 | 三级指标 | 绩效目标值 | 绩效实际值 | 标准分值 | 评价得分 | 偏差",
        "一级指标 | 二级指标 | 指标内容 | 指标值 | 完成值 | 分值 | 得分 | 原因",
    ],
)
def test_indicator_headers_worded_otherwise_give_the_same_rows(header):
    document = document_from_lines(
        "某某县文化馆2023年度送戏下乡项目支出绩效自评表",
        header,
        "产出指标 | 数量指标 | 送戏下乡场次 | ≥20场 | 25场 | 20 | 20 | 无",
        "效益指标 | 社会效益指标 | 群众受益人次 | ≥5000人次 | 6000人次 | 20 | 18 | 部分村组未覆盖",
    )
    rows = {r.indicator: (r.actual_text, r.weight, r.score) for r in extract_content(document).indicators}
    assert rows == {"送戏下乡场次": ("25场", 20, 20), "群众受益人次": ("6000人次", 20, 18)}


@pytest.mark.parametrize(
    ("header", "total"),
    [
        ("资金投入情况(万元) | 计划投入 | 实际投入 | 执行率", "年度资金总额 | 30.00 | 27.00 | 90.00%"),
        (
            "项目资金(万元) | 批复预算 | 调整后预算 | 支出数 | 执行率",
            "年度资金总额 | 30.00 | 30.00 | 27.00 | 90.00%",
        ),
        ("单位:万元 | 预算数 | 决算数 | 执行率", "合计 | 30.00 | 27.00 | 90.00%"),
    ],
)
def test_money_headers_worded_otherwise_give_the_same_facts(header, total):
    facts = form_facts(document_from_lines(header, total))
    assert facts[("budget_total", "department")] == 300_000
    assert facts[("expenditure_total", "department")] == 270_000
    assert facts[("budget_execution_rate", "department")] == 90


def test_a_money_row_led_by_of_which_is_a_part_even_when_no_scope_word_names_it():
    document = document_from_lines(
        "项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
        "总金额 | 30.00 | 30.00 | 27.00 | 10 | 90.00% | 9",
        "其中:上级补助资金 | 20.00 | 20.00 | 18.00 | - | 90.00% | -",
    )
    budgets = [
        f.value
        for f in extract_content(document).facts
        if (f.indicator_code, f.scope) == ("budget_total", "department")
    ]
    assert budgets == [300_000]


def test_a_money_header_with_a_formula_and_full_marks_but_no_score_label_reads_its_rows():
    """执行率(全年执行数/全年预算数) is one column; 分值 without 得分: the score's cells still print."""
    document = document_from_lines(
        "某市司法局2021年度项目支出绩效自评表",
        "项目名称 司法业务经费 实施单位 某市司法局 项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 "
        "执行率(全年 执行数/全年 预算数) 年度资金总额: 480.50万元 480.50万元 470.20万元 10 97.86% 9.8 "
        "其中:当年财政拨款 480.50万元 480.50万元 470.20万元 10 97.86% 9.8",
    )
    facts = {
        (f.indicator_code, f.scope): f.value for f in extract_content(document, report_kind="project").facts
    }
    assert facts[("budget_total", "department")] == 4_805_000
    assert facts[("expenditure_total", "department")] == 4_702_000
    assert facts[("budget_execution_rate", "department")] == 97.86
    assert not any(code.startswith("income") for code, _ in facts)  # a form's 财政拨款 row is no income


def test_a_money_caption_run_into_a_rates_name_is_part_of_the_name():
    """预算资金拨款率, 项目资金到位率: indicator names that start with a money block's caption."""
    lines = (
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |",
        "产出指标 | 数量指标 | 预算执行率 | 100% | 83.5% | 20 | 18 |",
        "预算资金拨款率 | 100% | 100% | 10 | 10 |",
        "质量指标 | 项目资金到位率 | 100% | 98% | 10 | 9 |",
    )
    assert printed(rows_of(document_from_lines(*lines))) == [
        ("预算执行率", "100%", "83.5%", 20, 18),
        ("预算资金拨款率", "100%", "100%", 10, 10),
        ("项目资金到位率", "100%", "98%", 10, 9),
    ]
    money = (
        "项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
        "年度资金总额 100 100 95 10 95% 9.5",
    )
    assert form_facts(document_from_lines(*money))[("budget_total", "department")] == 1_000_000


def test_a_templates_numbered_slot_starts_a_row_of_its_own():
    """指标4.XX率 with its cells left empty, then 指标5:XX数 with its own: two names, not one, and the
    next row's name is no value of the row before."""
    lines = (
        "二级指标 三级指标 指标值 完成值",
        "质量指标 指标1.抽检完成率 100% 100%",
        "指标4.不合格产品处置率",
        "指标5:不良反应报告数 ≥150 150",
        "成本指标 指标1.培训成本 400元/人、天 180元/人、天",
        "指标2.抽验平均标准",
        "指标3.监管平均标准",
    )
    assert [(r.indicator, r.target_text, r.actual_text) for r in rows_of(document_from_lines(*lines))] == [
        ("抽检完成率", "100%", "100%"),
        ("不良反应报告数", "≥150", "150"),
        ("培训成本", "400元/人、天", "180元/人、天"),
    ]


def test_a_space_between_a_figure_and_its_unit_does_not_end_the_cell():
    """A scan's spacing inside a cell (3359.62 万, 100 %): one amount, and the money row reads whole."""
    lines = (
        "资金投入情况(万元) | 全年预算数(A) | 全年执行数(B) | 预算执行率(B/A×100%) |",
        "年度资金总额: | 3359.62 万 | 3359.62 万 | 100 % |",
        "其中:中央财政资金 | 829.3万 | 829.3万 | 100% |",
    )
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 33_596_200
    assert facts[("expenditure_total", "department")] == 33_596_200
    assert ("budget_fiscal", "fiscal") not in facts  # 中央财政资金: a level's share, not the fiscal row


@pytest.mark.parametrize(("printed_rate", "loaded"), [("14.46%", 14.46), ("0.145", 14.5), ("0.1", None)])
def test_a_rate_printed_as_a_fraction_is_read_and_a_coarse_one_left_out(printed_rate, loaded):
    """执行率 | 0.145 is 94 / 650 as a fraction; | 0.1 is the same rounded too far to load (10 or 14.46?);
    either way the row's budget and spending are read."""
    lines = (
        "预算执行情况(万元)(20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) |",
        f"年度财政资金总额 | 650 | 94 | {printed_rate} | 2.9 |",
        "年度绩效目标1 (80分) |",
    )
    facts = form_facts(document_from_lines(*lines))
    assert facts[("budget_total", "department")] == 6_500_000
    assert facts[("expenditure_total", "department")] == 940_000
    assert facts.get(("budget_execution_rate", "department")) == loaded


def test_the_blocks_points_after_the_header_head_its_score_column():
    """A 区域绩效目标自评表 one cell per line: 一级 | 二级 | 三级 | 年度指标值 | 实际完成指标值 | 50, the
    block's points standing where a score label would: each row's number after its actual is its score."""
    lines = (
        "年度绩效指标完成情况",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成指标值",
        "50",
        "产出指标",
        "质量指标",
        "指标1:监管人员培训",
        "已完成",
        "已完成",
        "5",
        "指标2:案件查办率",
        "100%",
        "98%",
        "4",
        "效益指标",
        "社会效益指标",
        "指标1:责任事故发生数",
        "0次",
        "0次",
        "3",
    )
    assert [
        (r.indicator, r.target_text, r.actual_text, r.weight, r.score)
        for r in rows_of(document_from_lines(*lines))
    ] == [
        ("监管人员培训", "已完成", "已完成", None, 5.0),
        ("案件查办率", "100%", "98%", None, 4.0),
        ("责任事故发生数", "0次", "0次", None, 3.0),
    ]


def test_a_value_with_words_before_its_figure_stays_one_cell():
    """每亩300 one cell per line: a target that says what its figure counts, not a name and 30 | 0."""
    lines = (
        "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
        "成本指标", "造林补助", "每亩300", "每亩300", "6", "6",
        "抚育补助", "每亩100", "每亩90", "6", "5",
    )  # fmt: skip
    assert [
        (r.indicator, r.target_text, r.actual_text, r.weight, r.score)
        for r in rows_of(document_from_lines(*lines))
    ] == [("造林补助", "每亩300", "每亩300", 6.0, 6.0), ("抚育补助", "每亩100", "每亩90", 6.0, 5.0)]


def test_a_value_that_lists_its_figures_is_one_cell():
    """完成1部宣传片,2套方案 in a pipe row: one value listing two figures, not a name, figures and words."""
    lines = (
        "二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 |",
        "数量指标 | 完成宣传片制作;完成实施方案 | 完成1部宣传片,2套方案 | 完成1部宣传片,2套方案 | 10 |",
        "质量指标 | 通过专家评审 | 通过 | 通过 | 10 |",
    )
    assert [
        (r.indicator, r.target_text, r.actual_text, r.score) for r in rows_of(document_from_lines(*lines))
    ] == [
        ("完成宣传片制作;完成实施方案", "完成1部宣传片,2套方案", "完成1部宣传片,2套方案", 10.0),
        ("通过专家评审", "通过", "通过", 10.0),
    ]


MONEY_WITH_METHOD = (
    [
        "部门(单位)总体资金(万元)",
        "资金来源",
        "年初预算数(A)",
        "全年执行数(B)",
        "分值(10分)",
        "得分",
        "得分计算方法",
    ],
    ["年度资金总额:", "1172.55", "1268.72", "10", "10", "执行率*该指标分值,最高不得超过分值上限。"],
    ["基本支出", "985.19", "914.97", "10", "10", ""],
    ["项目支出", "187.36", "353.75", "10", "10", ""],
)


@pytest.mark.parametrize("as_table", [False, True])
def test_a_rows_scoring_method_cell_does_not_end_the_money_block(as_table: bool):
    """得分计算方法 | 执行率*该指标分值,…: the words of the total row's last cell are a note, and the
    基本支出 / 项目支出 rows after it are still read (their 全年执行数 is the spending of each kind)."""
    rows = [[cell for cell in row if cell] for row in MONEY_WITH_METHOD]
    document = (
        table_document(*rows) if as_table else document_from_lines(*(" | ".join(r) + " | |||" for r in rows))
    )
    facts = form_facts(document)
    assert facts[("expenditure_basic", "department")] == 9_149_700
    assert facts[("expenditure_project", "department")] == 3_537_500
    assert facts[("expenditure_total", "department")] == 12_687_200


def test_a_numbered_target_table_one_cell_per_line():
    """序号 | 三级指标 | 年度指标值: each row's number ends the row before it, so a word target (拓宽) is
    no part of the next name, and a name that begins with 内 (内部刊物) is a name."""
    lines = (
        "序号 |", "三级指标 |", "年度指标值 |",
        "1 |", "全国助残日活动次数 |", "1次 |",
        "2 |", "内部刊物 |", "12期 |",
        "3 |", "宣传覆盖面 |", "拓宽 |",
        "4 |", "残疾人文化活动参与率 |", "推动全省提高 |",
        "5 |", "培训合格率 |", "100% |",
    )  # fmt: skip
    assert [(r.indicator, r.target_text, r.actual_text) for r in rows_of(document_from_lines(*lines))] == [
        ("全国助残日活动次数", "1次", None),
        ("内部刊物", "12期", None),
        ("宣传覆盖面", "拓宽", None),
        ("残疾人文化活动参与率", "推动全省提高", None),
        ("培训合格率", "100%", None),
    ]


def test_an_amount_run_against_the_next_figure_at_a_line_end():
    """年度资金总额: 620.82万元 620.82万元 620.82万元100 100% 10 (a PDF line's end lost the space): the
    amount ends at its unit, so the 分值, rate and score still stand and the 当年财政拨款 row is read."""
    text = (
        "项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分 "
        "年度资金总额: 620.82万元 620.82万元 620.82万元100 100% 10 "
        "其中:当年财政拨款 620.82万元 620.82万元 620.82万元 100 100% 10 上年结转资金 其他资金"
    )
    facts = form_facts(document_from_lines(text))
    assert facts[("budget_execution_rate", "department")] == 100
    assert facts[("budget_fiscal", "fiscal")] == 6_208_200


def test_pipe_cells_one_per_line_end_where_the_text_resumes():
    """A monitoring form's indicator table as one cell per line, each led by a pipe (| 三级指标), its
    actual values in a 实施进度 column (已完成100%: one value), then the report's text again: the
    rows are the table's, none is read out of the paragraphs after it."""
    doc = document_from_lines(
        "绩效", "指标", "| 一级指标", "| 二级指标", "| 三级指标", "| 指标值", "| 实施进度", "|",
        "产出指标", "| 数量指标", "| 培训次数", "| 至少全年开展3次培训", "| 已完成100%", "| |",
        "满意度指标", "| 满意度指标", "| 群众满意度", "| 85%", "| 已完成100%", "|",
        "3.分析评价申报内容是否与实际相符,申报目标是否合理可行",
        "(三)项目自评步骤及方法",
        "二、项目资金申报及使用情况",
        "批复下达预算资金10万元。",
    )  # fmt: skip
    rows = [(r.indicator, r.target_text, r.actual_text) for r in extract_content(doc).indicators]
    assert rows == [("培训次数", "至少全年开展3次培训", "已完成100%"), ("群众满意度", "85%", "已完成100%")]
    satisfaction = [f for f in extract_content(doc).facts if f.indicator_code == "satisfaction_rate"]
    assert [(f.value, f.is_target) for f in satisfaction] == [(85, True)]  # 已完成100%: progress, no rate


def test_a_money_block_whose_first_row_is_its_sum():
    """Chongqing's department form: 年初预算资金总额 | 实际投入资金额 | 产生差异的原因, then 合计 (the
    year's total money) and 其中:财政拨款, one cell after another."""
    doc = document_from_lines(
        "2021年部门整体绩效目标自评表",
        "资金情况(万元)",
        "年初预算资金总额(万元) 实际投入资金额(万元) 产生差异的原因",
        "合计 856.4 912.75 追加项目经费",
        "其中:财政拨款 856.4 912.75",
        "其他资金",
    )
    facts = {(f.indicator_code, f.scope): f.value for f in extract_content(doc).facts}
    assert facts[("budget_total", "initial")] == 8564000
    assert facts[("expenditure_total", "department")] == 9127500
    assert facts[("budget_fiscal", "fiscal+initial")] == 8564000
    assert ("income_fiscal", "fiscal") not in facts  # the form's fiscal row, not an income


def test_chongqing_indicator_rows_with_weight_before_unit():
    """三级指标 | 指标权重 | 计量单位 | 指标值 | 全年实际完成值 | 产生差异的原因及改进措施, cells apart by spaces:
    `25 %` is a weight and the unit column's %, and 总额 inside 招商引资总额 is part of the name."""
    doc = document_from_lines(
        "三级指标 指标权重 计量单位 指标值 全年实际完成值 产生差异的原因及改进措施",
        "固定资产投资增速 20 % 8.5 9.1",
        "招商引资总额 30 亿元 12 13.5",
        "新增规上企业(法人) 15 20 26",
    )
    rows = [(r.indicator, r.actual_text, r.weight) for r in extract_content(doc).indicators]
    assert rows == [
        ("固定资产投资增速", "9.1", 20),
        ("招商引资总额", "13.5", 30),
        ("新增规上企业(法人)", "26", 15),
    ]


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("设备维护成本元/次", "设备维护成本"),
        ("补助标准元/人", "补助标准"),
        ("元/人", "元/人"),
        ("公里/小时速度", "公里/小时速度"),
    ],
)
def test_a_unit_cell_run_into_the_end_of_a_name_is_no_part_of_it(printed, name):
    """成本指标 | 设备维护成本元/次 | 2万元 …: the 度量单位 cell (元/次) printed into the name's end."""
    assert clean_indicator_name(printed) == name


def test_a_rate_column_printed_with_its_unit_in_brackets_ends_no_money_header():
    doc = document_from_lines(
        "项目支出绩效自评表",
        *[
            "项目资金 (万元) |",
            "年初预算数 |",
            "全年预算数 |",
            "全年执行数 |",
            "分值 |",
            "执行率(%) |",
            "得分 |",
        ],
        *["年度资金总额 |", "0 |", "4.6 |", "4.6 |", "10 |", "100 |", "10 |"],
        *["其中:财政拨款 |", "0 |", "1.2 |", "1.2 |", "—— |", "100 |", "—— |"],
    )
    facts = {(f.indicator_code, f.scope): f.value for f in extract_content(doc).facts}
    assert facts[("budget_total", "department")] == 46000
    assert facts[("expenditure_total", "department")] == 46000
    assert facts[("budget_execution_rate", "department")] == 100
    assert facts[("budget_fiscal", "fiscal")] == 12000


def test_a_form_with_direction_and_comparator_columns_reads_each_row_under_its_name():
    header = [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标方向",
        "年度指标值",
        "实际完成值",
        "计量单位",
    ]
    doc = document_from_lines(
        "项目支出绩效自评表",
        *header, "分值", "得分", "偏差原因分析及改进措施",
        "产出指标", "数量指标",
        "指标1:巡查次数(次)", "正向", "大于等于", "4", "4", "次", "10", "10",
        "指标2:宣传册印制数(册)", "正向", "小于等于", "2", "2", "册", "9", "9",
        "质量指标", "指标1:巡查合格率", "正向", "等于", "100", "100", "%", "10", "10",
    )  # fmt: skip
    rows = {row.indicator: row for row in extract_content(doc, report_kind="project").indicators}
    assert set(rows) == {"巡查次数(次)", "宣传册印制数(册)", "巡查合格率"}
    assert (
        rows["巡查次数(次)"].comparator,
        rows["巡查次数(次)"].actual_value,
        rows["巡查次数(次)"].score,
    ) == (
        ">=",
        4,
        10,
    )
    assert rows["宣传册印制数(册)"].comparator == "<="


def test_the_older_project_form_gives_its_planned_investment_and_money_used():
    doc = document_from_lines(
        "某某项目绩效自评表",
        "一、项目基本情况",
        *["项目实施单位", "某某市商务局", "计划投资额", "(万元)", "120", "实际到位资金", "(万元)", "100"],
        *["实际使用情况(万元)", "95.5", "其中:", "中央财政", "0"],
    )
    facts = {(f.indicator_code, f.scope): f.value for f in extract_content(doc, report_kind="project").facts}
    assert facts[("budget_total", "department")] == 1200000
    assert facts[("expenditure_total", "department")] == 955000


def test_indicator_rows_run_together_one_a_line_with_reasons_and_one_digit_points():
    # A form's rows run together, one a line: the deviation reason after the points, then the next
    # row's name on the next line; one-digit 分值 and 得分 glued (99: 9 | 9); a 一级 word glued
    # after a 二级 label starts the name (项目管理覆盖面).
    lines = (
        "绩效指标一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施",
        "产出指标数量指标道路保洁完成率100%100%1515 ",
        "效益指标经济效益指标项目管理覆盖面100%90%99管理不够到位",
        "满意度指标服务对象满意度指标沿街商户满意度>80%>70%33宣传不到位",
        "群众满意度≧90%≧80%77宣传不到位",
        "总分:83",
    )
    rows = rows_of(document_from_lines(*lines))
    assert [
        (r.indicator, r.target_text, r.actual_text, r.weight, r.score, r.deviation_reason) for r in rows
    ] == [
        ("道路保洁完成率", "100%", "100%", 15, 15, None),
        ("项目管理覆盖面", "100%", "90%", 9, 9, "管理不够到位"),
        ("沿街商户满意度", ">80%", ">70%", 3, 3, "宣传不到位"),
        ("群众满意度", "≧90%", "≧80%", 7, 7, "宣传不到位"),
    ]
    assert rows[1].level1 == "效益指标"


def test_a_name_with_a_levels_points_run_into_it_is_no_row():
    # 管理指标30预算编审管理完整、准确率: a 一级 label, its points and a 二级 label glued to the name.
    line = (
        "一级指标二级指标三级指标年度指标值全年完成值分值得分偏差及原因分析"
        "管理指标30预算编审管理完整、准确率100%100%44"
    )
    assert rows_of(document_from_lines(line)) == []


def test_a_scoring_table_of_names_and_scores_only():
    # An evaluation's 指标体系评分表, a cell a line: no target or actual columns; each name's weight
    # in brackets after it; names followed by names are the levels; labels' words inside a name.
    lines = (
        "某某乡人民政府2018年度部门整体支出绩效评价报告",
        "一级指标", "二级指标", "三级指标", "得分",
        "投入(20分)", "目标设定(10分)", "绩效目标合理性(4分)", "4.00", "绩效指标明确性(6分)", "3.00",
        "过程(40分)", "预算执行(18分)", "项目支出执行率(3分)", "2.08", "预算完成率(3分)", "3.50",
        "二、主要绩效",
    )  # fmt: skip
    rows = rows_of(document_from_lines(*lines))
    assert [(r.level1, r.level2, r.indicator, r.weight, r.score) for r in rows] == [
        ("投入", "目标设定", "绩效目标合理性(4分)", 4, 4),
        ("投入", "目标设定", "绩效指标明确性(6分)", 6, 3),
        ("过程", "预算执行", "项目支出执行率(3分)", 3, 2.08),
    ]  # 3.50 of 3 points: left out


def test_a_scoring_tables_criteria_column_is_passed_over():
    # A real table: 评分标准 and 评分依据 columns of words (figures inside them too) stand between the
    # names and the points; the points are read from their own columns, a level cell merged over
    # rows (empty below its first row) stays the level of the rows under it.
    document = table_document(
        ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "评分依据", "得分"],
        ["投入(20分)", "预算编制(10分)", "目标设置", "4", "设定绩效目标得2分，目标明确得2分", "年度计划", "4"],
        ["", "", "预算编制规范性", "6", "符合规定得6分，每发现一处问题扣1分", "预算批复", "5"],
        ["过程(40分)", "预算执行(20分)", "预算执行率", "10", "执行率100%得10分，每低1个百分点扣0.5分", "决算报表", "9.5"],
        ["总分", "", "", "100", "", "", "93.5"],
        before=("某县图书馆2022年度部门整体支出绩效自评报告",),
    )  # fmt: skip
    rows = rows_of(document)
    assert [(r.level1, r.level2, r.indicator, r.weight, r.score) for r in rows] == [
        ("投入", "预算编制", "目标设置", 4, 4),
        ("投入", "预算编制", "预算编制规范性", 6, 5),
        ("过程", "预算执行", "预算执行率", 10, 9.5),
    ]


def test_an_explanation_column_in_a_tables_header_keeps_the_columns_after_it():
    # 指标解释 between the name and the values: the target, actual and points columns after it are
    # still read by column.
    document = table_document(
        ["一级指标", "二级指标", "三级指标", "指标解释", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "免费开放天数", "全年对外开放的天数", "≥300天", "310天", "10", "10"],
        ["效益指标", "满意度指标", "读者满意度", "抽样调查的满意程度", "≥90%", "95%", "10", "9"],
        before=("某县图书馆2022年度部门整体支出绩效自评报告",),
    )
    assert printed(rows_of(document)) == [
        ("免费开放天数", "≥300天", "310天", 10, 10),
        ("读者满意度", "≥90%", "95%", 10, 9),
    ]


def test_a_header_without_value_columns_over_rows_with_values_gives_no_rows():
    lines = (
        "一级指标",
        "二级指标",
        "三级指标",
        "得分",
        "产出指标",
        "数量指标",
        "培训人数",
        "≥100人",
        "120人",
        "10",
    )
    assert rows_of(document_from_lines(*lines)) == []


def test_run_together_rows_whose_actual_word_qualifies_the_target_word():
    # 及时 | 较及时, 达标 | 基本达标: the actual value is the target's word qualified; the points and
    # the reason follow; a row whose words fell short expects its reason.
    lines = (
        "绩效指标一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施",
        "产出指标时效指标工程完工及时性及时较及时77受天气影响",
        "效益指标生态效益指标扬尘控制程度达标基本达标33监管不够到位",
        "长效管理指标管护制度健全情况健全较健全33制度不够完善",
        "管护档案有效性有效有效55 ",
        "总分:90",
    )
    rows = rows_of(document_from_lines(*lines))
    assert [
        (r.level2, r.indicator, r.target_text, r.actual_text, r.weight, r.score, r.deviation_reason)
        for r in rows
    ] == [
        ("时效指标", "工程完工及时性", "及时", "较及时", 7, 7, "受天气影响"),
        ("生态效益指标", "扬尘控制程度", "达标", "基本达标", 3, 3, "监管不够到位"),
        ("长效管理指标", "管护制度健全情况", "健全", "较健全", 3, 3, "制度不够完善"),
        ("长效管理指标", "管护档案有效性", "有效", "有效", 5, 5, None),
    ]


def test_a_money_row_about_someone_elses_money_gives_no_core_fact():
    def income(name: str) -> list[float]:
        header = "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |"
        document = document_from_lines(
            header, f"效益指标 | 经济效益指标 | {name} | ≥11万元 | 12万元 | 20 | 20 |"
        )
        content = read_forms(document, Matcher(default_dictionary()))
        facts = indicator_facts(content.indicators, Matcher(default_dictionary()))
        return [f.value for f in facts if f.indicator_code == "income_total" and not f.is_target]

    assert income("特色产业带动增加受益农户收入(总收入)") == []  # the farmers' income
    assert income("年度总收入") == [120000]


def _allocation_facts(*lines: str) -> dict[tuple[str, str], float]:
    content = read_forms(document_from_lines(*lines), Matcher(default_dictionary()))
    return {(f.indicator_code, f.scope): f.value for f in content.facts}


def test_a_fujian_allocation_block_gives_budget_spending_rate_and_fiscal_budget():
    # 部门整体支出绩效自评表 of Fujian: 小计 is the budget, 年度拨付金额 the spending; cells in yuan under (万元).
    header = (
        "部门整体支出绩效自评表", "(2018年度)", "部门(单位)名称 某某市档案馆",
        "财政资金安排和使用情况  资金结构", "(万元)", "预算安排 拨付情况 结余情况",
        "年初部门预算安排金额", "历年结余结转", "年中调整金额③ 小计", "④ = ①+② +③",
        "年度拨付金额", "支出实现率(%)", "⑥=⑤/④", "本年度结余金额", "⑦=④-⑤", "资金结余率", "(%)", "⑧=⑦/④",
    )  # fmt: skip
    rows = (
        "财政资金小计 1200000 100000 0 1300000 1170000 90% 130000 10%",
        "①中央及省级财政资金",
        "其他资金小计",
        "合 计 1200000 100000 0 1300000 1170000 90% 130000 10%",
    )
    assert _allocation_facts(*header, *rows) == {
        ("budget_fiscal", "fiscal"): 1300000,
        ("budget_total", "department"): 1300000,
        ("expenditure_total", "department"): 1170000,
        ("budget_execution_rate", "department"): 90,
    }
    # The variant that folds the carry-over into its first column, in 万元 and without % signs.
    folded = (
        "(万元) 年初部门预算安排金额(含历年结余结转)① 年中调整金额② 小计 年度拨付金额 支出实现率(%)⑤=④/③ "
        "本年度结余金额⑥=③-④ 资金结余率(%)⑦=⑥/③",
        "合 计 130.54 58.07 188.61 188.45 99.92 0.16 0.08",
    )
    assert _allocation_facts(*folded)[("budget_total", "department")] == 1886100
    # A row that does not add up (a cell lost) gives nothing.
    broken = (*header[:-3], "合 计 1200000 100000 0 1400000 1170000 90% 130000 10%")
    assert _allocation_facts(*broken) == {}


def test_rows_under_level_labels_without_their_header_and_a_figure_inside_a_name():
    lines = (
        "质量指标 | 查处国道5类违法行为 | 2000起 | 2310起 | ||",
        "时效指标 | 2021年12月完成 | 100% | 100% | ||",
    )
    assert printed(rows_of(document_from_lines(*lines))) == [
        ("查处国道5类违法行为", "2000起", "2310起", None, None),  # cells shifted under 时效指标: no row
    ]


def test_a_value_with_its_comparator_is_never_points():
    lines = (
        "一级指标 | 二级指标 | 三级指标 | 分值 | 年度指标值 | 全年实际值 | 得分 |",
        "满意度指标 | 服务对象满意度指标 | 受助对象满意度 | 10 | >=9",
    )
    assert printed(rows_of(document_from_lines(*lines))) == []  # cut after its target: no score 9


def test_a_name_listing_things_counted_is_one_cell():
    lines = (
        "三级指标 年度指标值 全年实际完成值 分值 得分",
        "数量指标 台式电脑3台、打印机2台 100% 100% 5 5",
    )
    assert printed(rows_of(document_from_lines(*lines))) == [("台式电脑3台、打印机2台", "100%", "100%", 5, 5)]
