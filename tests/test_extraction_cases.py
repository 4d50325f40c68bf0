"""The hard cases of real reports, each pinned by a small text written for the test."""

import pandas as pd
import pytest

from pipelines.extract.facts import extract_content, extract_facts
from pipelines.extract.identity import extract_identity
from pipelines.extract.text import join_page_breaks
from pipelines.model import Document, TextBlock
from pipelines.validation import validate_facts
from tests.builders import document_from_lines, table_document


def achieved(document) -> dict[tuple[str, str], float]:
    return {(f.indicator_code, f.scope): f.value for f in extract_facts(document) if not f.is_target}


def read_as(document, report_kind: str) -> dict[tuple[str, str], float]:
    """Facts of a document read as a report of `report_kind` (as the pipeline reads a project's)."""
    return {
        (f.indicator_code, f.scope): f.value for f in extract_content(document, report_kind=report_kind).facts
    }


def test_self_evaluation_table_flattened_with_pipes():
    doc = document_from_lines(
        "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | |||",
        "年度资金总额 | 80 | 96.5 | 90.2 | 10 | 93.47% | 9.3 | |||",
        "其中：财政拨款 | 80 | 95 | 88.7 | - | - | - | |||",
    )
    facts = achieved(doc)
    assert facts[("budget_total", "initial")] == 800000
    assert facts[("budget_total", "department")] == 965000
    assert facts[("expenditure_total", "department")] == 902000
    assert facts[("budget_execution_rate", "department")] == 93.47
    assert facts[("budget_fiscal", "fiscal")] == 950000
    assert ("self_eval_score", "department") not in facts  # 得分 of one row is not the report's score


def test_table_flattened_into_space_separated_lines_with_ratio_rate():
    doc = document_from_lines(
        "项目资金 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
        "(万元) 年度资金总额 12 12 11.4 10 0.95 9.5",
        "其中:当年财政拨款 12 12 11.4 10 0.95 9.5",
    )
    facts = extract_facts(doc)
    rate = next(f for f in facts if f.indicator_code == "budget_execution_rate" and f.scope == "department")
    assert rate.value == 95
    assert rate.note and "0.95" in rate.note
    assert achieved(doc)[("expenditure_total", "department")] == 114000


@pytest.mark.parametrize(
    ("printed", "loaded"),
    [("0.96", [(96, "ratio 0.96 read as 96%")]), ("1.00", [(100, "ratio 1.00 read as 100%")]), ("0.1", [])],
)
def test_a_rate_column_of_a_prose_table_printed_as_a_ratio(printed, loaded):
    doc = table_document(["单位", "支出预算", "支出决算", "预算执行率"], ["本单位", "100", "96", printed])
    facts = [f for f in extract_facts(doc) if f.indicator_code == "budget_execution_rate"]
    assert [(f.value, f.note) for f in facts] == loaded  # 0.1: rounded too far to say which rate it was


def test_a_schools_teachers_in_post_are_its_staff():
    doc = document_from_lines(
        "某县某某中心校2024年度部门整体支出绩效自评报告",
        "中心校下辖8所完全小学,学校现有在职教师251名,3284名在校生。我校共有退休教职工39人。",
    )
    assert achieved(doc)[("staff_actual", "department")] == 251


def test_wan_header_over_yuan_figures_is_noted_and_flagged():
    doc = table_document(
        ["项目（万元）", "年初预算数", "全年预算数", "全年执行数"],
        ["年度资金总额", "3,724,055.00", "4,764,453.11", "4,614,453.11"],
    )
    facts = [f for f in extract_facts(doc) if f.scope == "department"]
    budget = next(f for f in facts if f.indicator_code == "budget_total")
    assert budget.value == 4764453.11
    assert "万元" in budget.note
    frame = pd.DataFrame(
        [
            {**f.__dict__, "fact_seq": i, "document_key": "d", "source_file": "t.docx", "institution": "某馆",
             "fiscal_year": 2023, "province_code": "430000", "city_code": None, "county_code": None,
             "read_by": "text", "ocr_confidence": None}
            for i, f in enumerate(facts)
        ]
    ).astype({"fiscal_year": "Int64"})  # fmt: skip
    outcome = validate_facts(frame)
    assert set(outcome.accepted["flags"].dropna()) == {"read_as_printed"}


def test_number_split_by_a_page_marker():
    doc = document_from_lines(
        "（二）项目支出情况本年收入1230.14万元，本年支出123", "3、2.23万元，年末结转和结余0.18万元。"
    )
    blocks = join_page_breaks(doc).blocks
    assert len(blocks) == 1 and blocks[0].locator == "line 1+line 2"
    facts = achieved(doc)
    assert facts[("expenditure_project", "department")] == 12322300


def _pdf_rows(*pages: list[tuple[str, ...]]) -> Document:
    """A PDF-like document: per page, its table rows (one table per page)."""
    blocks = [
        TextBlock(" | ".join(cells), f"page {p} table 1 row {r}", "table_row", p, cells)
        for p, rows in enumerate(pages, start=1)
        for r, cells in enumerate(rows, start=1)
    ]
    return Document("report.pdf", "0" * 64, "pdf", tuple(blocks), len(pages))


KPI_HEADER = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")


def test_a_row_cut_by_a_page_break_is_joined_and_read_whole():
    doc = _pdf_rows(
        [KPI_HEADER, ("产出指标", "数量指标", "指标1:种植苗木数量", "≥500株", "520株", "10", "10"),
         ("", "时效指", "指标1:完成", "10月前", "9月", "5", "4")],
        [("", "标", "栽植的时间", "", "", "", ""),
         ("", "", "指标2:验收合格率", "≥90%", "96%", "5", "5")],
    )  # fmt: skip
    blocks = join_page_breaks(doc).blocks
    assert [b.locator for b in blocks][-2:] == [
        "page 1 table 1 row 3+page 2 table 1 row 1",
        "page 2 table 1 row 2",
    ]
    assert blocks[-2].cells[1:3] == ("时效指标", "指标1:完成栽植的时间") and blocks[-2].page == 1
    rows = {row.indicator: row for row in extract_content(doc).indicators}
    assert rows["完成栽植的时间"].actual_text == "9月" and rows["完成栽植的时间"].score == 4
    assert rows["验收合格率"].score == 5


def test_a_row_at_the_top_of_a_page_with_figures_of_its_own_is_not_joined():
    first = [KPI_HEADER, ("产出指标", "数量指标", "指标1:种植苗木数量", "≥500株", "520株", "10", "10")]
    figures = _pdf_rows(first, [("产出指标", "数量指标", "指标2:补植数量", "≥50株", "60株", "10", "10")])
    numbered = _pdf_rows(first, [("", "", "2.补植苗木数量", "", "", "", "")])
    later_page = _pdf_rows(first, [], [("", "", "补植数量", "", "", "", "")])
    for doc in (figures, numbered, later_page):
        assert join_page_breaks(doc) is doc
    # Only the first row of a page can be the rest of the row before it.
    cut = _pdf_rows(
        [*first[:1], ("产出指标", "数量指", "种植苗木", "", "", "", "")],
        [("", "标", "数量", "", "", "", ""), ("", "", "说明", "", "", "", "")],
    )
    assert [b.cells[2] for b in join_page_breaks(cut).blocks[1:]] == ["种植苗木数量", "说明"]


def test_spaces_inside_chinese_words_and_a_section_scope():
    doc = document_from_lines(
        "(一)基本支出情况本单位一般公共预算财政 拨款基本支出年初结转和结余0万元,本年收入216万元,本年 支出216万元。"
    )
    assert achieved(doc)[("expenditure_basic", "department")] == 2160000


def test_traditional_characters_and_full_width_digits():
    doc = document_from_lines(
        "全年預算數為１２０萬元，全年執行數為１１４萬元，預算執行率達９５％。讀者滿意度達到９８％以上。"
    )
    facts = {f.indicator_code: f for f in extract_facts(doc)}
    assert facts["budget_total"].value == 1200000
    assert facts["expenditure_total"].value == 1140000
    assert facts["budget_execution_rate"].value == 95
    assert (facts["satisfaction_rate"].value, facts["satisfaction_rate"].qualifier) == (98, "at_least")
    assert "預算" in facts["budget_total"].snippet  # the snippet is the original text


def test_performance_indicator_table_rows_become_records_and_dictionary_rows_facts():
    doc = table_document(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "开展讲座次数", "≥20次", "24次", "10", "10"],
        ["", "", "修缮建筑面积", "6000平方米", "6200平方米", "10", "10"],
        ["满意度指标", "服务对象满意度", "读者满意度", "≥90%", "96%", "10", "10"],
        ["效益指标", "社会效益", "服务质量", "良好", "良好", "10", "10"],
    )
    content = extract_content(doc)
    facts = {(f.indicator_code, f.is_target): f for f in content.facts}
    assert facts[("events", False)].value == 24
    assert (facts[("events", True)].value, facts[("events", True)].qualifier) == (20, "at_least")
    assert facts[("satisfaction_rate", False)].value == 96
    assert not any(code.startswith("kpi:") for code, _ in facts)  # other rows are records, not facts
    rows = {row.indicator: row for row in content.indicators}
    assert list(rows) == ["开展讲座次数", "修缮建筑面积", "读者满意度", "服务质量"]
    area = rows["修缮建筑面积"]
    assert (area.target_value, area.actual_value, area.unit) == (6000, 6200, "平方米")
    assert (rows["读者满意度"].comparator, rows["读者满意度"].actual_value) == (">=", 96)
    assert (rows["服务质量"].target_text, rows["服务质量"].actual_text, rows["服务质量"].actual_value) == (
        "良好",
        "良好",
        None,
    )


def test_label_and_value_in_neighbouring_cells():
    doc = table_document(["项目名称:", "某某整体支出", "自评总分:", "99.68"])
    assert achieved(doc)[("self_eval_score", "department")] == 99.68


def test_increase_and_carry_over_figures_are_not_totals():
    doc = document_from_lines(
        "年初预算数185.00万元，年末支出合计325.89万元，支出合计比年初预算数多140.89万元，主要原因是增加基本支出84.16万元。",
        "财政拨款年初结转和结余2.27万元，本年收入1446.02万元。",
    )
    facts = achieved(doc)
    assert facts == {
        ("budget_total", "initial"): 1850000,
        ("expenditure_total", "department"): 3258900,
        ("income_fiscal", "fiscal"): 14460200,  # the fiscal part of the income, not the income total
    }


def test_forecasts_are_targets_and_changes_are_not_levels():
    doc = document_from_lines(
        "全年接待读者15.6万人次。",
        "2024年预计接待读者16万人次。",
        "较上年增加接待读者1.2万人次，增长8.3%。",
    )
    visitors = [(f.value, f.is_target) for f in extract_facts(doc) if f.indicator_code == "visitors"]
    assert visitors == [(156000, False), (160000, True)]


def test_form_one_cell_per_line_with_self_score_column_and_unclosed_unit():
    """A provincial 部门整体支出绩效自评表 one cell per line: the caption's unit loses its closing
    bracket, the score column is 自评得分, and the rows after it split the year's money by nature
    with one figure each (a budget's part or spending? left out)."""
    doc = document_from_lines(
        "年度预算申请", "(万元", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "自评得分",
        "年度资金总额", "500.00", "620.50", "600.25", "10", "96.74%", "9.7",
        "按支出性质分:600.25", "其中:基本支出:300.10", "项目支出:300.15",
    )  # fmt: skip
    facts = achieved(doc)
    assert facts[("budget_total", "initial")] == 5000000
    assert facts[("budget_total", "department")] == 6205000
    assert facts[("expenditure_total", "department")] == 6002500
    assert facts[("budget_execution_rate", "department")] == 96.74
    assert not {code for code, _ in facts} & {"expenditure_basic", "expenditure_project"}


def test_a_year_starting_the_next_cell_is_not_a_staff_figure():
    doc = document_from_lines("编制数", "2023 年实际在职人数")
    assert not [f for f in extract_facts(doc) if f.indicator_code.startswith("staff")]


def test_a_note_numbered_after_the_money_row_and_a_rule_threshold():
    """1. starts the form's printed instructions; 未达到90%的需说明原因 is a rule, not the year's rate."""
    doc = document_from_lines(
        "年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因 |",
        "总额 | 100.50 | 120.00 | 118.00 | 98.33% | 10 | | 1.预算执行率=预算执行数/调整后预算数,"
        "预算执行率未达到90%的需说明原因(100字以内)",
    )
    facts = extract_facts(doc)
    assert [f.value for f in facts if f.indicator_code == "budget_execution_rate"] == [98.33]
    assert achieved(doc)[("expenditure_total", "department")] == 1180000


def test_a_sum_row_gives_the_score_only_beside_its_full_marks():
    rows = ("一级指标 | 二级指标 | 三级指标 | 指标值 | 完成值 | 权重 | 得分",
            "产出指标 | 数量指标 | 开展培训场次 | ≥10场 | 12场 | 50 | 50",
            "效益指标 | 社会效益指标 | 培训覆盖率 | ≥90% | 95% | 50 | 45")  # fmt: skip
    without_score = document_from_lines(*rows, "合计 | 100 | |")
    assert not [f for f in extract_facts(without_score) if f.indicator_code == "self_eval_score"]
    assert [k.indicator for k in extract_content(without_score).indicators] == ["开展培训场次", "培训覆盖率"]
    with_score = document_from_lines(*rows, "合计 | 100 | 95 |")
    assert [f.value for f in extract_facts(with_score) if f.indicator_code == "self_eval_score"] == [95]


def test_pinyin_glosses_inside_form_labels():
    doc = document_from_lines(
        "項目資金(萬元) | 年初預(yù)算數(shù) | 全年預(yù)算數(shù) | 全年執(zhí)行數(shù) | 執(zhí)行率",
        "年度資金總額 | 10.00 | 12.00 | 11.40 | 95.00%",
    )
    facts = achieved(doc)
    assert facts[("budget_total", "department")] == 120000
    assert facts[("expenditure_total", "department")] == 114000
    assert facts[("budget_execution_rate", "department")] == 95


def test_amounts_in_wan_without_yuan():
    """资金29.6万: 万 with 元 left out is an amount in yuan x 10,000, whatever unit the text declared."""
    doc = document_from_lines("单位:万元", "投入资金29.6万,执行数29.6万,执行率100%。")
    facts = extract_facts(doc)
    spent = next(f for f in facts if f.indicator_code == "expenditure_total")
    assert (spent.value, spent.raw_text) == (296000, "29.6万")


def test_staff_listed_after_a_total_with_bare_words():
    """现有人员35人,其中在职14人,退休21人: bare 在职 / 退休 leading a list item, figure right after."""
    facts = achieved(document_from_lines("本馆现有人员35人,其中在职14人,退休21人。"))
    assert facts[("staff_actual", "department")] == 14
    assert facts[("staff_retired", "department")] == 21
    party = achieved(document_from_lines("支部共有党员30名,其中在职党员20人,退休党员10人。"))
    assert not {code for code, _ in party} & {"staff_actual", "staff_retired"}


def test_indicator_header_of_two_rows_read_one_after_the_other():
    """The first header row names 年度指标值 over three sub-columns that the second row names after the
    levels; comparison signs printed with look-alikes (≧, a box-drawing ═) are ≥ and =."""
    doc = document_from_lines(
        "绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 | 三级指标 "
        "| 指标性质 | 指标值 | 度量单位 | 产出指标 | 数量指标 | 培训人次 | ≧ | 120 | 人次 | 130 | 20 | 20 |",
        "| 质量指标 | 培训合格率 | ═ | 100 | % | 98% | 10 | 8 |",
    )
    rows = extract_content(doc).indicators
    assert [(k.indicator, k.comparator, k.target_value, k.actual_text, k.weight, k.score) for k in rows] == [
        ("培训人次", ">=", 120, "130", 20, 20),
        ("培训合格率", "=", 100, "98%", 10, 8),
    ]


def test_a_part_row_printed_together_splits_under_its_total():
    """年度资金总额:202010100.00%10 then 其中:本年财政拨款2020: the part's 2020 is above the total's 20,
    so it is 20 | 20 printed together; a part that fits under the total stays as printed."""
    header = "资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分"
    glued = achieved(
        document_from_lines(header + "年度资金总额:202010100.00%10其中:本年财政拨款2020其他资金")
    )
    assert glued[("budget_total", "department")] == 200000
    assert glued[("budget_fiscal", "fiscal")] == 200000
    fits = achieved(
        document_from_lines(header, "年度资金总额 30 30 10 100% 10", "其中:本年财政拨款 25.50 24.00")
    )
    assert fits[("budget_fiscal", "fiscal")] == 255000
    above = achieved(document_from_lines(header, "年度资金总额 30 30 10 100% 10", "其中:本年财政拨款 3030"))
    assert above[("budget_fiscal", "fiscal")] == 300000


def test_a_row_of_staff_headers_then_the_row_of_their_figures():
    """编制数 | 2023 年实际在职人数 | 控制率, then 46 | 50 | 108.70%, one cell per line; the ratio's
    figure may be left out; figures that do not match the headers one for one are no facts."""
    rows = ("财政供养人员情况(人)", "编制数", "2023 年实际在职人数", "控制率")
    facts = achieved(document_from_lines(*rows, "46", "50", "108.70%", "经费控制情况(万元)"))
    assert (facts[("staff_authorized", "department")], facts[("staff_actual", "department")]) == (46, 50)
    facts = achieved(document_from_lines(*rows, "11", "16", "经费控制情况(万元)"))
    assert (facts[("staff_authorized", "department")], facts[("staff_actual", "department")]) == (11, 16)
    one = achieved(document_from_lines(*rows, "16", "经费控制情况(万元)"))
    assert not {code for code, _ in one} & {"staff_authorized", "staff_actual"}
    # A title above that mentions 编制, its year set apart by OCR, is no header of the row.
    title = ("2023 年某某乡人民政府决算编制说明", "附件一")
    facts = achieved(document_from_lines(*title, *rows, "46", "50", "108.70%", "经费控制情况(万元)"))
    assert (facts[("staff_authorized", "department")], facts[("staff_actual", "department")]) == (46, 50)


def test_money_cells_printed_with_their_unit():
    doc = document_from_lines(
        "年度预算申请", "(万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
        "年度资金总额", "120.5万元", "130万元", "117万元", "10", "90%", "9",
    )  # fmt: skip
    facts = achieved(doc)
    assert facts[("budget_total", "department")] == 1300000
    assert facts[("expenditure_total", "department")] == 1170000
    assert facts[("budget_execution_rate", "department")] == 90


def test_a_score_heading_then_its_figure_as_a_paragraph():
    doc = document_from_lines("一、自评结论", "(一)自评得分", "96.5分。", "(二)绩效目标完成情况")
    assert achieved(doc)[("self_eval_score", "department")] == 96.5


@pytest.mark.parametrize("sentence", ["全年收支总体平衡,整体评分93", "部门整体支出绩效自评整体得分93分。"])
def test_the_whole_evaluations_score_in_other_words(sentence):
    assert achieved(document_from_lines(sentence))[("self_eval_score", "department")] == 93


def test_project_money_in_the_words_of_a_project_or_fund_report():
    # A fund's budget issued (下达预算) or stated as 经费预算, its spending as 实际执行 (not 实际执行率).
    doc = document_from_lines(
        "某县2022年农田水利补助资金项目支出绩效自评报告",
        "2022年该项目实际下达预算350万元，全年实际执行332.5万元，实际执行率95%。",
        "共投入水利设施维护经费预算120万元。",
    )
    assert (
        achieved(document_from_lines("本年度学校安排支出共计87.06万元。"))[
            ("expenditure_total", "department")
        ]
        == 870600
    )
    facts = extract_facts(doc)
    assert [(f.indicator_code, f.value) for f in facts if not f.is_target][:3] == [
        ("budget_total", 3500000),
        ("expenditure_total", 3325000),
        ("budget_execution_rate", 95),
    ]
    assert ("budget_total", 1200000) in {(f.indicator_code, f.value) for f in facts}


@pytest.mark.parametrize(
    ("sentence", "code", "value"),
    [
        ("市财政下达我县农村公路养护补助资金共计180万元。", "budget_total", 1_800_000),
        ("共下达本县文物保护专项经费320万元,具体为修缮工程200万元。", "budget_total", 3_200_000),
        ("省财政下达我县“三馆一站”免费开放补助资金40万元。", "budget_total", 400_000),
        (
            "《关于下达2022年农村公路养护资金及绩效目标的通知》下达我县养护资金180万元。",
            "budget_total",
            1_800_000,
        ),
        ("全年完成发放补助资金141.5万元。", "expenditure_total", 1_415_000),
        ("截至12月31日,资金已使用2.00万元,结余0万元。", "expenditure_total", 20_000),
        ("已按合同足额拨付资金66.50万元。", "expenditure_total", 665_000),
        ("2022年度上级安排本区林业生态保护恢复资金480.50万元。", "budget_total", 4_805_000),
        ("本校收到公用经费补助资金118.90万元,全年发放108.60万元。", "expenditure_total", 1_086_000),
        ("村养殖基地建设项目,项目总投资39.50万元,其中中央衔接资金35万元。", "budget_total", 395_000),
        ("省财政共安排困难群众基本生活救助资金1200万元,其中城乡低保900万元。", "budget_total", 12_000_000),
        ("项目年预算批复金额为300万元,实际执行资金总额290万元。", "budget_total", 3_000_000),
        (
            "通知下达我市宣汉县文化馆锣鼓保护补助40万元,下达我市渠县传承人补助2万元。"
            "2021年我市保护资金下达42万元,到位率100%。",
            "budget_total",
            420_000,
        ),
        ("上级下达镜湖区中央转移支付资金(残疾人事业发展补助资金)29.6万元。", "budget_total", 296_000),
        (
            "省下达我县湖南省体育强省(全民健身)专项资金48.5万元。",
            "budget_total",
            485_000,
        ),  # the province names the fund
    ],
)
def test_money_passed_down_to_a_fund_named_at_length_and_paid_out(sentence, code, value):
    doc = document_from_lines("某县2022年农村公路养护补助资金绩效自评报告", sentence)
    facts = extract_content(doc, report_kind="transfer").facts
    assert [(f.value, f.is_target) for f in facts if f.indicator_code == code] == [(value, False)]


def test_what_was_done_told_under_a_heading_about_goals_is_achieved_but_a_goal_label_stays_a_goal():
    doc = document_from_lines(
        "某县2022年农村危房改造补助资金绩效自评报告",
        "一、绩效目标情况",
        "全年计划改造100户,实际完成改造120户,发放补助资金为240.5万元。",
        "1.资金目标:工程款已拨付资金80万元。",
    )
    facts = extract_content(doc, report_kind="transfer").facts
    assert [(f.value, f.is_target) for f in facts if f.indicator_code == "expenditure_total"] == [
        (2_405_000, False),
        (800_000, True),
    ]


def test_an_adjusted_budget_in_its_own_words_and_money_cells_in_wan_without_yuan():
    adjusted = document_from_lines(
        "某县林业局2024年度部门整体支出绩效自评报告",
        "2024年部门年初预算500.00万元,年中调整预算为620.50万元。",
    )
    assert achieved(adjusted)[("budget_total", "department")] == 6_205_000
    told_bare = document_from_lines(
        "某县林业局2024年度部门整体支出绩效自评报告",
        "2024年初本局收入预算500.00万元,其中财政拨款收入480万元。年中调整预算620.50万元,其中财政拨款收入600万元。",
    )
    budgets = {
        (f.scope, f.value)
        for f in extract_facts(told_bare)
        if f.indicator_code == "budget_total" and not f.is_target
    }
    assert budgets == {("initial", 5_000_000), ("department", 6_205_000)}  # the year's first, then its final
    form = document_from_lines(
        "某县医疗保障局2023年度转移支付资金绩效自评表",
        "资金投入情况(万元) | 全年预算数(A) | 全年执行数(B) | 预算执行率(B/A×100%)",
        "年度资金总额: | 1200.5万 | 1100.5万 | 91.67%",
    )
    facts = achieved(form)
    assert (facts[("budget_total", "department")], facts[("expenditure_total", "department")]) == (
        12_005_000,
        11_005_000,
    )


def test_a_headcount_with_the_retired_among_its_parts_is_not_the_staff_figure():
    doc = document_from_lines(
        "某县疾病预防控制中心2021年度部门整体支出绩效自评报告",
        "本中心共有职工96人，其中：在职职工81人，退休人员15人。",
    )
    assert achieved(doc) == {("staff_actual", "department"): 81, ("staff_retired", "department"): 15}
    whole = document_from_lines(
        "某县文化馆2021年度部门整体支出绩效自评报告", "本馆共有职工30人，其中在编25人。"
    )
    assert achieved(whole) == {("staff_actual", "department"): 30}  # no retired part: the whole stands
    bracketed = document_from_lines(
        "某县档案馆2021年度部门整体支出绩效自评报告", "年末实有人数40人(在职28人,离退休12人)。"
    )
    assert achieved(bracketed) == {("staff_actual", "department"): 28, ("staff_retired", "department"): 12}


def test_brackets_scope_only_what_they_hold():
    doc = document_from_lines(
        "某县文化馆2021年度部门整体支出绩效自评报告",
        "全年预算数150万元(含上年结转20万元),全年支出140万元(其中基本支出90万元)。",
        "年初预算数100万元(调整后预算数120万元)。",
    )
    facts = achieved(doc)
    assert facts[("expenditure_total", "department")] == 1_400_000  # 上年结转 ends with its bracket
    assert facts[("budget_total", "department")] in (1_500_000, 1_200_000)
    assert [
        f.value
        for f in extract_content(doc).facts
        if f.indicator_code == "budget_total" and f.scope == "department"
    ] == [1_500_000, 1_200_000]  # an adjusted budget in brackets is no part


def test_a_budget_under_a_heading_about_goals_is_still_the_budget():
    doc = document_from_lines(
        "某省2022年度中央农业补助资金绩效自评报告",
        "（一）绩效目标分解下达情况。",
        "2022年共投入农业生产补助经费预算5200万元，年度绩效目标为完成培训3000人次。",
    )
    facts = {(f.indicator_code, f.is_target): f.value for f in extract_facts(doc)}
    assert facts[("budget_total", False)] == 52000000
    # The heading printed in the line it heads (a page's text run into one paragraph): no goal either.
    run_on = document_from_lines(
        "一、绩效目标分解下达情况某省财政厅(某财指〔2022〕30号)下达2022年某某专项资金20万元,二、绩效目标完成情况"
    )
    assert [
        (f.indicator_code, f.is_target, f.value) for f in extract_facts(run_on, report_kind="transfer")
    ] == [("budget_total", False, 200000)]
    plan = document_from_lines("某县图书馆2022年部门整体支出绩效自评报告", "下年度计划预算数80万元。")
    assert {(f.indicator_code, f.is_target) for f in extract_facts(plan)} == {("budget_total", True)}


def test_a_project_reports_own_words_name_its_totals_only_there():
    lines = (
        "某县2022年农村道路建设项目支出绩效自评报告",
        "项目资金共860万元，已完成拨付817万元，执行率95%。",
    )
    in_project = {
        (f.indicator_code, f.scope): f.value
        for f in extract_facts(document_from_lines(*lines), report_kind="project")
    }
    assert in_project == {
        ("budget_total", "department"): 8600000,
        ("expenditure_total", "department"): 8170000,
        ("budget_execution_rate", "department"): 95,
    }
    # In a department report the same words are one item's money, not the body's totals.
    in_department = extract_facts(document_from_lines(*lines), report_kind="department")
    assert {f.indicator_code for f in in_department} == {"budget_execution_rate"}
    # A form's caption 项目资金 is no column of figures, even in a project report.
    form = document_from_lines(
        "项目资金 (万元) | 年初预算数 | 全年预算数 | 全年执行数 | 执行率", "年度资金总额 | 30 | 30 | 27 | 90%"
    )
    facts = {(f.indicator_code, f.scope): f.value for f in extract_facts(form, report_kind="project")}
    assert (
        facts[("budget_total", "department")] == 300000
        and facts[("expenditure_total", "department")] == 270000
    )


def test_a_form_row_read_by_its_template_is_not_read_again_by_column_position():
    # The rate's cell vanished: 10 | 10 are the weight and the score, not an execution rate of 10 %.
    doc = document_from_lines(
        "项目资金(万元) 年初预算数 全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分",
        "年度资金总额: 640 640 640 10 10",
    )
    facts = achieved(doc)
    assert facts[("expenditure_total", "department")] == 6400000
    assert ("budget_execution_rate", "department") not in facts


def test_a_total_of_fiscal_money_is_the_fiscal_budget_too():
    doc = document_from_lines(
        "预算执行情况(万元) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 |",
        "年度财政资金总额 | 42.5 | 40 | 94.12% | 19 |",
    )
    facts = achieved(doc)
    assert facts[("budget_total", "department")] == facts[("budget_fiscal", "fiscal")] == 425000


def test_posts_filled_are_posts_when_the_staff_in_post_are_counted_apart():
    counted_apart = document_from_lines(
        "某县发展和改革局2021年度部门整体支出绩效自评报告",
        "我局实有编制数40人，年末在职人数36人、离退休人数20人。",
    )
    assert achieved(counted_apart) == {
        ("staff_authorized", "department"): 40,
        ("staff_actual", "department"): 36,
        ("staff_retired", "department"): 20,
    }
    alone = document_from_lines("某县档案馆2021年度部门整体支出绩效自评报告", "本馆实有编制数12人。")
    assert achieved(alone) == {("staff_actual", "department"): 12}


def test_a_figure_after_a_comparison_sign_in_prose_is_a_target():
    doc = document_from_lines(
        "7.服务对象满意度指标。受益群众满意度≥90%。", "经问卷调查,受益群众满意度达到96%。"
    )
    assert achieved(doc)[("satisfaction_rate", "department")] == 96
    assert [f.value for f in extract_facts(doc) if f.is_target] == [90]


def test_a_kind_of_post_among_the_parts_of_a_headcount_is_not_the_posts():
    doc = document_from_lines("本单位现有人数23人,其中:行政人员15人,事业编制人员8人。")
    facts = achieved(doc)
    assert facts[("staff_actual", "department")] == 23
    assert ("staff_authorized", "department") not in facts


def test_project_report_allocation_and_completed_investment():
    doc = document_from_lines(
        "某某县2022年乡村道路硬化工程绩效自评报告",
        "(一)资金投入情况分析。该项目下达资金80万元,实际完成投资76.5万元。",
    )
    facts = read_as(doc, "project")
    assert facts[("budget_total", "department")] == 800000
    assert facts[("expenditure_total", "department")] == 765000
    assert ("budget_total", "department") not in achieved(doc)  # a department report's 下达资金 is passed on


def test_a_score_after_a_goal_self_evaluation_form_title_is_achieved():
    doc = document_from_lines("某某项目绩效目标自评表(2023年度)项目总得分92分项目名称某某项目")
    assert achieved(doc)[("self_eval_score", "department")] == 92


def test_a_page_break_inside_numbers_joins_their_ends_but_a_full_row_of_figures_stands_alone():
    cut = [KPI_HEADER, ("效益指标", "社会", "群众知", "≥9", "9", "10", "9")]
    doc = _pdf_rows(cut, [("", "效益指标", "晓率", "0%", "6%", "", "")])
    row = join_page_breaks(doc).blocks[-1]
    assert row.cells[1:5] == ("社会效益指标", "群众知晓率", "≥90%", "96%")
    whole = _pdf_rows(cut, [("", "", "宣传覆盖", "9", "9", "10", "9")])
    assert join_page_breaks(whole) is whole


def test_a_department_forms_split_of_the_budget_by_nature_is_no_spending():
    doc = document_from_lines(
        "年度预算申请(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
        "按收入性质分:", "按支出性质分:", "其中:一般公共预算:820.5万元", "其中:基本支出:610.3万元",
        "项目支出:210.2万元", "年度总体目标", "二、部门支出情况", "全年基本支出605.1万元。",
    )  # fmt: skip
    facts = achieved(doc)
    assert facts[("budget_total", "basic")] == 6_103_000 and facts[("budget_total", "project")] == 2_102_000
    assert facts[("expenditure_basic", "department")] == 6_051_000
    assert ("expenditure_project", "department") not in facts


def test_spending_of_a_named_year_and_not_of_the_year_before():
    facts = achieved(document_from_lines("2022年度支出385.6万元,其中:基本支出300.1万元,项目支出85.5万元。"))
    assert facts[("expenditure_total", "department")] == 3_856_000
    assert ("expenditure_total", "department") not in achieved(document_from_lines("上年度支出402.3万元。"))


def test_general_budget_appropriation_is_fiscal_income():
    facts = achieved(
        document_from_lines("2023年决算总收入210.5万元,其中:一般预算内拨款180.2万元,其他收入30.3万元。")
    )
    assert (
        facts[("income_total", "department")] == 2_105_000 and facts[("income_fiscal", "fiscal")] == 1_802_000
    )


def test_a_rate_label_before_a_bare_number_that_may_be_a_weight_gives_no_rate():
    assert ("budget_execution_rate", "department") not in achieved(
        document_from_lines("预算执行率 | 8 | 8 |")
    )
    assert (
        achieved(document_from_lines("预算执行率 | 96.5 |"))[("budget_execution_rate", "department")] == 96.5
    )


def test_the_amount_due_for_the_year_is_the_budget_its_rate_is_taken_against():
    doc = document_from_lines(
        "某某区民政局2023年度中央对地方转移支付绩效自评报告",
        "2023年上级下拨护理费5.2万元,区级下拨2.6万元,全年应执行数为7.8万元,实际执行率为100%。",
    )
    facts = achieved(doc)
    assert facts[("budget_total", "department")] == 78000
    assert ("expenditure_total", "department") not in facts


def test_a_budget_written_as_budget_funds():
    doc = document_from_lines("某某图书馆2022年度图书购置项目绩效自评报告", "预算经费5万元,用于图书采购。")
    assert achieved(doc)[("budget_total", "department")] == 50000


def as_reported(document) -> dict[tuple[str, str], float]:
    """The achieved facts as a run finds them: with the report kind its identity gives."""
    kind = extract_identity(document).report_kind
    return {
        (f.indicator_code, f.scope): f.value
        for f in extract_facts(document, report_kind=kind)
        if not f.is_target
    }


def test_money_passed_down_to_the_body_is_a_project_reports_budget():
    doc = document_from_lines(
        "某某县林业局2022年度项目绩效自评报告",
        "(森林防火补助经费项目)",
        "1.项目资金到位情况。县财政局下达我局森林防火补助经费32.5万元,全部到位。",
    )
    assert as_reported(doc)[("budget_total", "department")] == 325000
    fund = document_from_lines(
        "某某区民政局2022年度中央财政困难群众救助补助资金绩效自评报告",
        "2022年中央财政困难群众救助补助资金下达我区86万元,已全额拨付。",
    )
    assert as_reported(fund)[("budget_total", "department")] == 860000


def test_money_passed_down_is_no_budget_of_a_department_report():
    doc = document_from_lines(
        "某某县文化馆2022年度部门整体支出绩效自评报告", "县财政局下达我馆免费开放经费20万元。"
    )
    assert ("budget_total", "department") not in as_reported(doc)


def test_money_handed_down_or_given_as_a_quota_is_a_project_reports_budget():
    handed_down = document_from_lines(
        "某某镇人民政府2021年度项目支出绩效自评报告",
        "(河道清淤专项经费)",
        "区政府下拨河道清淤相关工作48.3万元至我镇,已全部用于清淤。",
    )
    assert as_reported(handed_down)[("budget_total", "department")] == 483000
    quota = document_from_lines(
        "某某县司法局2021年度项目支出绩效自评报告",
        "(法律援助经费项目)",
        "2021年度县财政划给我局法律援助经费,指标金额是36万元,实际拨付金额是35万元。",
    )
    assert as_reported(quota)[("budget_total", "department")] == 360000
    department = document_from_lines(
        "某某县文化馆2021年度部门整体支出绩效自评报告", "县财政下拨我馆免费开放经费12万元。"
    )
    assert ("budget_total", "department") not in as_reported(department)


def test_indicator_rows_under_a_scrambled_header_are_not_money_rows():
    # Pipe rows of a web page's form: the indicator header is run into the goals' row (it holds a
    # figure, so it is no header), and the rows that follow sit under the money header's columns.
    doc = document_from_lines(
        "2022年度项目支出绩效自评表 | 部门:某某县某某中学 |",
        "| 项目名称 | 学生营养改善专项资金 | 主管部门 | 某某县教育体育局 | 实施单位 | 某某县某某中学 | 项目资金 (元) |",
        "| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | 年度资金总额 |",
        "| 52000.5 | 52000.5 | 10 | 100% | 10 | 其中:当年财政 拨款 |",
        "| 52000.5 | 52000.5 | — |",
        "| — | 年度 总体 目标 | 预期目标 | 实际完成情况 | 保障营养 | 保障营养 | 绩效指标 | 年度指标值 | 实际完成值 | "
        "分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | "
        "产出指标 | 数量指标 | 受助人数 | ≥ | 640 | 人次 | 640 | 10 | 10 |",
        "| 质量指标 | 营养改善计划覆盖率 | ≥ | 100 | % | 100% | 10 | 10 |",
        "| 时效指标 | 资金到位及时率 | ≥ | 100 | % | 100% | 10 | 7 |",
    )
    budgets = {(f.scope, f.value) for f in extract_facts(doc) if f.indicator_code == "budget_total"}
    assert budgets == {("department", 52000.5)}


def test_a_header_rows_last_cell_is_no_label_of_the_row_below():
    doc = document_from_lines("人员编制 | 在职人员 | 离退休人员", "12人 | 10人 | 3人")
    facts = {(f.indicator_code, f.value) for f in extract_facts(doc)}
    assert facts == {("staff_authorized", 12), ("staff_actual", 10), ("staff_retired", 3)}


def test_a_bare_small_amount_with_no_unit_anywhere_is_left_out():
    """520.30 with no unit stated may be yuan or 万元: left out; 2345678.91 can only be yuan."""
    small = document_from_lines("收入合计 | 支出合计 | 结余", "520.30 | 515.00 | 5.30")
    assert not [f for f in extract_facts(small) if f.unit == "CNY"]
    large = document_from_lines("收入合计 | 支出合计 | 结余", "2345678.91 | 2301234.56 | 44444.35")
    assert {f.indicator_code: f.value for f in extract_facts(large)} == {
        "income_total": 2345678.91,
        "expenditure_total": 2301234.56,
    }


def test_one_kind_of_staff_among_several_is_no_headcount_but_the_only_kind_is():
    several = document_from_lines(
        "某区妇女联合会2022年度部门整体支出绩效自评报告",
        "现有在职在编行政人员4人,参公1人,机关工勤人员1人。",
    )
    assert ("staff_actual", "department") not in achieved(several)
    only = document_from_lines(
        "某县文化馆2022年度部门整体支出绩效自评报告", "实有事业人员 18 名、离退休人员 6 名。"
    )
    assert achieved(only)[("staff_actual", "department")] == 18


def test_the_amount_finally_passed_down_after_a_cut_is_the_years_budget():
    doc = document_from_lines(
        "某区2021年困难群众救助补助资金绩效自评报告",
        "2021年救助补助资金下达我区120万元,其中低保资金100万元,孤儿生活保障金20万元,调减30万元,全年实际下达90万元。",
    )
    facts = extract_content(doc, report_kind="transfer").facts
    budgets = {f.scope: f.value for f in facts if f.indicator_code == "budget_total" and not f.is_target}
    assert budgets == {"initial": 1_200_000, "department": 900_000}


@pytest.mark.parametrize("sentence", ["经自评,本项目评价分96分,等级为优秀。", "项目自评得分96分。"])
def test_the_score_of_a_report_in_its_words(sentence):
    doc = document_from_lines("某县畜牧局2021年度动物防疫补助经费绩效自评报告", sentence)
    assert achieved(doc)[("self_eval_score", "department")] == 96


@pytest.mark.parametrize(
    ("lines", "code", "not_the_bodys", "the_bodys"),
    [
        # 编制 as a verb: 编制18个绩效目标指标 counts the indicators a unit set, not its posts.
        (("该项目共编制18个绩效目标指标,其中一级指标3个,三级指标18个。", "本单位核定编制12个,实有在职人员10人。"),
         "staff_authorized", [18], 12),
        # 带动贫困户总收入N万元: the households' income a project brought, not the body's income.
        (("项目带动受益建档立卡贫困户总收入35.6万元,村集体年收入48.2万元。", "本年收入合计615.40万元。"),
         "income_total", [356000, 482000], 6154000),
    ],
)  # fmt: skip
def test_figures_of_other_things_told_with_the_bodys_words(lines, code, not_the_bodys, the_bodys):
    doc = document_from_lines("某县乡村振兴局某某项目绩效自评报告", *lines)
    values = [f.value for f in extract_facts(doc) if f.indicator_code == code]
    assert not set(not_the_bodys) & set(values)
    assert the_bodys in values


def test_an_areas_indicator_score_is_not_the_reports_score():
    """一、资金管理方面,指标评价得分14: one area's indicators scored, not the self-evaluation's total."""
    doc = document_from_lines(
        "某市财政衔接推进乡村振兴补助资金绩效自评报告",
        "一、资金管理方面,指标评价得分14",
        "县本级预算安排的衔接资金为52万元,指标评价得分8分。",
        "综上,自评得分92分。",
    )
    scores = [f.value for f in extract_facts(doc) if f.indicator_code == "self_eval_score"]
    assert scores == [92]


@pytest.mark.parametrize("sentence", ["局机关现有退休37人,在职职工95人。", "在职人数95人,退休人数37人。"])
def test_retired_staff_told_as_currently_retired_or_as_a_number_of_retired(sentence):
    doc = document_from_lines("某县林业局2021年度部门整体支出绩效自评报告", sentence)
    assert achieved(doc)[("staff_retired", "department")] == 37


def test_sums_passed_down_in_batches_are_parts_but_a_total_told_first_is_kept():
    """Several sums one paragraph tells as passed down (下达) are batches, each a part of the year's
    money: none is the budget. A first sum as large as the rest together is their total, told before them."""
    batches = document_from_lines(
        "某县文物管理所2020年文物保护专项资金项目绩效自评报告",
        "该工程预算控制数为420万元,分别于2020年3月下达第一笔经费180万元,8月下达第二批专项经费240万元。",
    )
    told_first = document_from_lines(
        "某县市场监督管理局2021年食品监管专项转移支付绩效自评报告",
        "2021年中央下达食品监管专项转移支付预算资金8万元,下达我局食品监管补助资金4万元。",
    )

    def budgets(doc):
        facts = extract_facts(doc, report_kind="transfer")
        return sorted(f.value for f in facts if f.indicator_code == "budget_total" and not f.is_target)

    assert 1800000 not in budgets(batches) and 2400000 not in budgets(batches)
    assert budgets(told_first) == [80000]


def test_a_project_reports_own_funds_counted_by_the_words_before_them():
    doc = document_from_lines(
        "某某市水务局2021年度项目支出绩效自评报告",
        "下达我局供水管网改造项目经费86.50万元。",
        "实际支出项目资金80.20万元,项目资金执行率为92.72%。",
    )
    facts = read_as(doc, "project")
    assert facts[("expenditure_total", "department")] == 802000
    assert facts[("budget_execution_rate", "department")] == 92.72


def test_in_a_department_report_project_funds_rate_is_not_the_departments():
    doc = document_from_lines(
        "某某市水务局2021年度部门整体支出绩效自评报告",
        "全年预算数500万元,实际支出480万元。",
        "基本支出200万元,项目资金执行率为90%。",
    )
    rates = [f for f in extract_facts(doc) if f.indicator_code == "budget_execution_rate"]
    assert rates == []


def test_money_in_a_section_on_how_budget_and_goals_were_passed_down_is_the_years():
    doc = document_from_lines(
        "某某县统计局普查经费项目2020年度绩效自评报告",
        "(二)分解下达资金预算和绩效目标情况",
        "该项目2020年度资金预算120万元,支出118.5万元。",
        "(三)年度绩效目标",
        "全年支出计划120万元。",
    )
    spent = [(f.value, f.is_target) for f in extract_facts(doc) if f.indicator_code == "expenditure_total"]
    assert (1185000.0, False) in spent


def test_each_ones_figure_is_not_the_bodys():
    doc = document_from_lines(
        "某某省红十字会2021年度部门整体支出绩效自评报告",
        "下设备灾救护中心、医学捐献服务中心2个公益一类事业单位,编制各12人,现有管理人员6人。",
    )
    assert ("staff_authorized", "department") not in achieved(doc)


def test_posts_run_as_civil_servants_are_no_second_kind_of_post():
    doc = document_from_lines(
        "某某省红十字会2021年度部门整体支出绩效自评报告",
        "会机关事业编制27人,参照公务员管理,现有人员24人,内设办公室等3个部室。",
    )
    facts = achieved(doc)
    assert (facts[("staff_authorized", "department")], facts[("staff_actual", "department")]) == (27, 24)
    # Two kinds of post named side by side are each a part: no department figure.
    kinds = document_from_lines(
        "某某局2021年度部门整体支出绩效自评报告", "行政编制5人,参照公务员管理事业编制3人。"
    )
    assert ("staff_authorized", "department") not in achieved(kinds)


def test_a_whole_named_after_the_parts_of_other_scopes_is_the_bodys():
    facts = achieved(document_from_lines("本年财政拨款 802.5万元,事业收入 310.2万元,本年总收入 1112.7万元。"))
    assert facts[("income_fiscal", "fiscal")] == 8_025_000
    assert facts[("income_total", "department")] == 11_127_000
    # the scope word right before the whole still scopes it
    facts = achieved(document_from_lines("财政拨款收入合计 802.5万元。"))
    assert ("income_total", "department") not in facts


@pytest.mark.parametrize(
    ("spent", "printed", "rate"),
    [("85.2", "100%", None), ("85.2", "85.2%", 85.2), ("103.1", "100%", 100)],
)
def test_a_printed_rate_the_rows_amounts_contradict_is_left_out(spent, printed, rate):
    doc = document_from_lines(
        "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
        f"年度资金总额 | 100 | 100 | {spent} | 10 | {printed} | 10",
    )
    facts = achieved(doc)
    assert facts.get(("budget_execution_rate", "department")) == rate  # capped at 100%: no contradiction
    assert facts[("expenditure_total", "department")] == round(float(spent) * 10000)


def test_the_budget_of_the_three_public_expenses_is_not_the_bodys_budget():
    facts = achieved(document_from_lines("2019年度预算安排的 三公经费 总额为12万元,年度预算320万元。"))
    assert facts[("budget_total", "department")] == 3_200_000
    assert ("budget_total", "department") not in achieved(
        document_from_lines("2019年度预算安排的 三公经费 总额为12万元。")
    )


def test_a_money_row_with_an_amount_printed_once_too_often():
    doc = document_from_lines(
        "项目资金(万元) 年初预算数 全年预算数(A) 全年执行数(B) 分值 预算执行率(B/A) 得分",
        "年度资金总额: 35.2 35.2 35.2 35.2 10 100% 10",
    )
    facts = achieved(doc)
    assert facts[("budget_total", "department")] == facts[("expenditure_total", "department")] == 352_000
    assert facts[("budget_execution_rate", "department")] == 100  # not the 10 standing in its place
    # the twin left out only where spent / budget then gives the printed rate
    doc = document_from_lines(
        "项目资金(万元) 年初预算数 全年预算数(A) 全年执行数(B) 分值 预算执行率(B/A) 得分",
        "年度资金总额: 30.1 35.2 35.2 33.0 10 100% 10",
    )
    assert ("budget_execution_rate", "department") not in achieved(doc)


def test_budgeted_spending_is_the_budget_but_not_in_the_general_public_budgets_words():
    facts = achieved(document_from_lines("2021年预算支出88.5万元,全年支出80.1万元。"))
    assert facts[("budget_total", "department")] == 885_000
    assert ("budget_total", "department") not in achieved(document_from_lines("一般公共预算支出88.5万元。"))


def test_fiscal_appropriation_with_its_own_figure_scopes_only_that_figure():
    facts = achieved(
        document_from_lines("2021年财政拨款95.2万元,预算支出95.2万元,全年支出90.4万元,执行率94.96%。")
    )
    assert facts[("income_fiscal", "fiscal")] == 952_000
    assert facts[("budget_total", "department")] == 952_000
    assert facts[("expenditure_total", "department")] == 904_000
    assert facts[("budget_execution_rate", "department")] == 94.96


def test_money_paid_out_and_used_in_a_project_report_is_its_spending():
    doc = document_from_lines(
        "某县某小学2023年度公用经费项目支出绩效自评报告",
        "2023年公用经费项目资金总额6.1万元,拨付使用资金5.8万元,预算执行率95.08%。",
    )
    facts = read_as(doc, "project")
    assert facts[("expenditure_total", "department")] == 58_000


def test_a_figure_followed_by_its_completion_status_is_achieved():
    doc = document_from_lines(
        "某局2019年度运动队经费项目支出绩效自评报告",
        "本项目年初共制定3个绩效目标,分别为:",
        "1、投入-成本目标-预算执行率100%;",
        "具体完成情况为:",
        "1、投入-成本目标-预算执行率81.25%,未完成;",
    )
    rates = [
        (f.value, f.is_target) for f in extract_facts(doc) if f.indicator_code == "budget_execution_rate"
    ]
    assert rates == [(100, True), (81.25, False)]


def test_the_payment_rate_of_a_projects_money_is_its_execution_rate():
    facts = achieved(document_from_lines("资金预算80万元,支付率96.5%,资金到位率100%。"))
    assert facts[("budget_execution_rate", "department")] == 96.5  # 到位率: funds received, no rate


def test_money_a_finance_bureau_pays_down_is_the_budget_and_money_paid_out_is_spending():
    doc = document_from_lines(
        "某县林业局2021年森林抚育项目支出绩效自评报告",
        "某某县财政局于2021年9月2日以文件拨付资金150万元,用于森林抚育。",
        "项目已完工,已按施工合同支付项目资金148.2万元。",
        "中央下达转移支付资金预算150万元。",
    )
    facts = read_as(doc, "project")
    assert facts[("budget_total", "department")] == 1_500_000
    assert facts[("expenditure_total", "department")] == 1_482_000


def test_a_funds_sum_told_after_its_parts_is_the_budget_of_a_transfer_report():
    lines = (
        "某某区专项转移支付2023年度农机购置补贴实施情况",
        "2023年度省级拨付我区农机购置补贴资金40万元,中央拨付12万元,上年度结余的资金3.5万元,共计55.5万元。",
    )
    facts = read_as(document_from_lines(*lines), "transfer")
    assert facts[("budget_total", "department")] == 555_000
    wrong_sum = (lines[0], "省级拨付资金40万元,中央拨付12万元,共计55.5万元。")
    facts = read_as(document_from_lines(*wrong_sum), "transfer")
    assert facts.get(("budget_total", "department")) != 555_000  # the parts do not add up to it


def test_fiscal_appropriation_in_a_project_report_is_its_fiscal_budget():
    doc = document_from_lines(
        "某镇扶贫资金项目支出绩效自评报告", "年度资金40.5万元,本年度财政拨款40.5万元,执行率100%。"
    )
    facts = read_as(doc, "project")
    assert facts[("budget_fiscal", "fiscal")] == 405_000
    assert ("income_fiscal", "fiscal") not in facts
    department = read_as(doc, "department")
    assert ("income_fiscal", "fiscal") in department  # a department's 财政拨款 is its income


def test_the_years_funds_of_a_project_report_are_its_budget():
    doc = document_from_lines("某镇扶贫资金项目支出绩效自评报告", "年度资金40.5万元,已全部支出,执行率100%。")
    facts = read_as(doc, "project")
    assert facts[("budget_total", "department")] == 405_000


def test_money_spent_in_a_project_reports_words_is_its_spending():
    doc = document_from_lines(
        "某局2020年度会议经费项目绩效自评报告", "会议经费严格管理,支出资金0.31万元,执行率100%。"
    )
    facts = read_as(doc, "project")
    assert facts[("expenditure_total", "department")] == 3_100


@pytest.mark.parametrize(
    ("sentence", "spent"),
    [
        ("2024年中央、省财政衔接推进乡村振兴补助资金820万元,全部在规定时限内及时下达拨付。", False),
        ("2023年度基本公共卫生服务资金1250万元全部执行到位。", True),
        ("2023年度干部教育培训专项资金820万元,全额拨付到位。", False),
    ],
)
def test_a_fund_passed_on_or_spent_whole_gives_its_budget(sentence, spent):
    doc = document_from_lines(
        "某区2024年度转移支付资金绩效自评报告", sentence, "其中:甲资金30万元全部拨付到位。"
    )
    facts = read_as(doc, "transfer")
    amount = facts[("budget_total", "department")]
    assert amount in (8_200_000, 12_500_000)  # not the part after 其中
    assert (facts.get(("expenditure_total", "department")) == amount) is spent


@pytest.mark.parametrize(
    "paragraph",
    [
        "纳入绩效评价的资金共500万元,其中:中央资金200万元,省级资金300万元。",
        "2023年度安排衔接资金500万元。其中,中央资金120.5万元、省级资金300万元、县级资金79.5万元,建设6个项目。",
    ],
)
def test_a_funds_total_told_before_parts_that_add_up_to_it_is_a_project_reports_budget(paragraph):
    doc = document_from_lines("某县2023年度衔接资金项目绩效自评报告", paragraph)
    assert read_as(doc, "transfer")[("budget_total", "department")] == 5_000_000
    assert ("budget_total", "department") not in read_as(doc, "department")


@pytest.mark.parametrize(
    "paragraph",
    [
        "纳入绩效评价的资金共500万元,其中:中央资金200万元。",  # the parts told do not make the total
        "纳入评价的资金共500万元,其中:已使用300万元,结余200万元。",  # the parts are what was spent
        "全年支出资金500万元,其中:人员经费200万元,公用经费300万元。",  # a total spent
        "安排资金500万元(其中:中央资金200万元,省级资金300万元)。",  # parts in brackets
    ],
)
def test_a_total_before_parts_that_do_not_make_it_a_budget_is_no_budget(paragraph):
    doc = document_from_lines("某县2023年度衔接资金项目绩效自评报告", paragraph)
    assert ("budget_total", "department") not in read_as(doc, "transfer")


def test_a_budget_read_elsewhere_that_is_a_part_of_a_total_before_its_parts_gives_way_to_the_total():
    doc = document_from_lines(
        "某县2023年度优抚补助资金绩效自评报告",
        "2023年收到中央下达优抚补助资金300万元,自治区下达120万元,地方匹配80万元。",
        "2023年收到财政资金共500万元,其中:中央资金300万元,自治区资金120万元,地方资金80万元。",
    )
    assert read_as(doc, "transfer")[("budget_total", "department")] == 5_000_000


def test_a_budget_named_in_the_report_wins_over_a_total_before_its_parts():
    doc = document_from_lines(
        "某县2023年度衔接资金项目绩效自评报告",
        "纳入绩效评价的资金共500万元,其中:中央资金200万元,省级资金300万元。",
        "项目全年预算数480万元,全年执行数480万元。",
    )
    assert read_as(doc, "transfer")[("budget_total", "department")] == 4_800_000


@pytest.mark.parametrize(
    ("sentence", "spent"),
    [
        ("2023年度批复支出预算800万元,实际执行支出预算760万元,部门整体预算执行率为95%。", 7_600_000),
        ("年初预算200万元,全年执行150万元,执行率75%。", 1_500_000),
        ("年初预算200万元,全年执行150万元,执行率80%。", None),  # the rate does not check: left out
        ("年初预算200万元,其中公用经费150万元,执行率75%。", None),  # no spending words before it
    ],
)
def test_spending_in_bare_words_after_a_budget_is_checked_by_the_sentences_rate(sentence, spent):
    facts = achieved(document_from_lines("某局2023年度部门整体支出绩效自评报告", sentence))
    assert facts.get(("expenditure_total", "department")) == spent


@pytest.mark.parametrize(
    ("sentence", "spent"),
    [
        ("年度财政资金预算800万元,执行520万元,执行率65%。", 5_200_000),
        ("年度财政资金预算800万元,执行520万元,执行率70%。", None),  # the rate does not check
    ],
)
def test_spending_after_a_fiscal_budget_is_checked_by_its_rate_and_kept_in_its_scope(sentence, spent):
    facts = achieved(document_from_lines("某县2023年度农产品仓储设施建设项目支出绩效自评报告", sentence))
    assert facts.get(("expenditure_total", "fiscal")) == spent
    assert ("expenditure_total", "department") not in facts


def test_a_projects_only_budget_told_as_fiscal_money_is_its_budget_too():
    title = "某县2022年度城区道路保洁项目支出绩效自评报告"
    told = document_from_lines(title, "本项目2022年财政拨款为人民币286.40万元,按季度拨付。")
    assert read_as(told, "project") == {
        ("budget_fiscal", "fiscal"): 2_864_000,
        ("budget_total", "department"): 2_864_000,
    }
    assert ("budget_total", "department") not in read_as(
        told, "department"
    )  # a body's fiscal part is no total
    with_total = document_from_lines(title, "项目总预算400万元,其中财政拨款286.40万元。")
    assert read_as(with_total, "project")[("budget_total", "department")] == 4_000_000
    # A form's total row filled with zeros and its fiscal row filled: the fiscal row is not the total.
    form = document_from_lines(
        title,
        "项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
        "年度资金总额 0 0 0 10 0 0",
        "其中:当年财政拨款 60 58.5 58.5 - 100% -",
    )
    assert "budget_total" not in {code for code, _ in read_as(form, "project")}


@pytest.mark.parametrize(
    ("sentence", "fiscal"),
    [
        ("该项目年初预算资金为24万元,全部为县级财政资金,当年资金全部到位。", 240_000),
        ("项目资金24万元,均来源于市级财政拨款。", 240_000),
        ("项目资金24万元,全部为村集体自筹资金。", None),  # not fiscal money
        ("项目总投资50万元,其中市级资金24万元,全部为财政资金。", None),  # a part's words
    ],
)
def test_a_projects_budget_said_to_be_all_fiscal_money_is_its_fiscal_budget_too(sentence, fiscal):
    facts = read_as(document_from_lines("某县2021年度助学项目支出绩效自评报告", sentence), "project")
    assert facts.get(("budget_fiscal", "fiscal")) == fiscal


@pytest.mark.parametrize(
    ("lines", "budget", "spending"),
    [
        # the fund's money and its spending, checked by the sentence's rate: the budget and spending
        (("县里收到某某道路养护补助资金合计800万元,已支出520万元,资金支付率65%。",), 8_000_000, 5_200_000),
        # a later fund's pair is one part of the first
        (
            (
                "县里收到公路建设补助资金合计800万元,已支出520万元,资金支付率65%。",
                "收到桥梁维护补助资金300万元,已支出30万元,资金支付率10%。",
            ),
            8_000_000,
            5_200_000,
        ),
        # the rate does not check the figures: no spending (the sum is still the fund's money)
        (("县里收到某某道路养护补助资金合计800万元,已支出520万元,资金支付率60%。",), 8_000_000, None),
        (("县里收到某某道路养护补助资金800万元,已支出520万元,资金支付率60%。",), None, None),
        # money arrived is no fund's budget
        (("到位资金合计800万元,已支出520万元,资金支付率65%。",), None, None),
    ],
)
def test_a_funds_money_and_spending_checked_by_the_rate(lines, budget, spending):
    facts = read_as(document_from_lines("某县2023年度道路养护专项资金绩效自评报告", *lines), "transfer")
    assert facts.get(("budget_total", "department")) == budget
    assert facts.get(("expenditure_total", "department")) == spending


@pytest.mark.parametrize(
    ("lines", "budget"),
    [
        # a fund told as a sum is the budget where nothing else names one
        (("某县2022年农业生态保护补助资金共计960万元,其中:实施禁牧补助120万亩。",), 9_600_000),
        (("2022年训练经费合计60万元,用于队员训练和比赛。",), 600_000),
        # the first sum only: a later one is another thing's
        (("2022年训练经费合计60万元。", "其他项目经费合计20万元。"), 600_000),
        # a budget named elsewhere wins
        (("2022年训练经费合计60万元。", "本项目预算55万元。"), 550_000),
        # a sum spent is no budget
        (("2022年使用训练经费合计60万元。",), None),
    ],
)
def test_a_funds_money_told_as_a_sum_is_the_only_budget(lines, budget):
    facts = read_as(
        document_from_lines("某县体校2022年度运动队训练经费项目支出绩效自评报告", *lines), "project"
    )
    assert facts.get(("budget_total", "department")) == budget


@pytest.mark.parametrize(
    ("sentence", "budget", "spending"),
    [
        # the fund's money paid out, told after its name: spending, not the budget
        ("项目预算150万元。目前项目资金已拨付120万元。", 1_500_000, 1_200_000),
        ("本项目资金均已支付86.5万元。", None, 865_000),
        # money passed down to the body is still its budget
        ("县财政局下达项目资金150万元。", 1_500_000, None),
    ],
)
def test_a_funds_money_paid_out_after_its_name_is_spending(sentence, budget, spending):
    facts = read_as(document_from_lines("某县2021年度乡村道路建设项目绩效自评报告", sentence), "project")
    assert facts.get(("budget_total", "department")) == budget
    assert facts.get(("expenditure_total", "department")) == spending


def test_a_budget_amount_and_the_budget_executed():
    facts = achieved(
        document_from_lines("2017 年预算金额 120.5 万元,经费来源为财政补助收入,预算执行 90万元,执行率 75%。")
    )
    assert facts[("budget_total", "department")] == 1_205_000
    assert facts[("expenditure_total", "department")] == 900_000
    assert facts[("budget_execution_rate", "department")] == 75  # 预算执行率 stays the rate


def test_money_paid_in_all_is_the_spending():
    facts = achieved(document_from_lines("2023年共支付福利彩票公益金85万元,其中支付运营补贴40万元。"))
    assert facts[("expenditure_total", "department")] == 850_000


def test_income_earned_and_spending_incurred_in_the_period():
    facts = achieved(document_from_lines("2023年当期取得收入3651200.50元,2023年当期发生支出3600100.25元。"))
    assert facts[("income_total", "department")] == 3_651_200.50
    assert facts[("expenditure_total", "department")] == 3_600_100.25


@pytest.mark.parametrize(
    "sentence",
    [
        "严格控制“三公”经费支出,2023年“三公”经费共支出0.19万元,其中公务接待费0.19万元。",
        "2021年我局部门预算三公经费总支出28.7万元。",
        "2024年度“三公”经费财政拨款支出决算为17100元。",
    ],
)
def test_the_spending_of_the_three_official_expenses_is_not_the_bodys_spending(sentence):
    assert ("expenditure_total", "department") not in achieved(document_from_lines(sentence))
    stated_beside = achieved(document_from_lines(sentence, "2023年全年实际支出512.34万元。"))
    assert stated_beside[("expenditure_total", "department")] == 5_123_400


def test_the_shares_of_the_units_a_fund_was_handed_on_to_are_parts():
    doc = document_from_lines(
        "某县2024年中央专项彩票公益金绩效自评报告",
        "一、中央专项彩票公益金下达情况",
        "某县2024年中央专项彩票公益金项目资金440万元,项目资金已经分配下达到项目建设单位:"
        "甲村文化公园项目资金140万元、乙村便民服务中心项目资金160万元。",
    )
    facts = extract_content(doc, report_kind="transfer").facts
    assert [(f.indicator_code, f.value) for f in facts if not f.is_target] == [("budget_total", 4_400_000)]


def test_a_space_after_a_figures_decimal_point_is_no_break_in_it():
    doc = document_from_lines(
        "1、烈士纪念设施维修项目:预算35. 3万元,2022年全年实际支付35. 3万元,使用率100%。"
    )
    facts = achieved(doc)
    assert facts[("expenditure_total", "department")] == 353_000
    assert 30_000 not in facts.values()


def test_a_decrease_printed_with_a_minus_sign_is_no_budget():
    doc = document_from_lines(
        "2022年部门年初预算收入1020.31万元,年内调整预算数-159.39万元,决算收入860.92万元。"
    )
    budgets = [f.value for f in extract_facts(doc) if f.indicator_code == "budget_total"]
    assert budgets == [10_203_100]


def test_money_added_during_the_year_is_no_budget_of_the_project():
    doc = document_from_lines("某局2024年度项目支出绩效自评报告", "年中追加项目资金79.53万元,涉及项目4个。")
    assert ("budget_total", "department") not in read_as(doc, "project")
    doc = document_from_lines("某局2024年度项目支出绩效自评报告", "本年项目资金79.53万元,涉及项目4个。")
    assert read_as(doc, "project")[("budget_total", "department")] == 795_300


def test_budgeted_income_split_into_basic_and_project_spending_is_the_budget():
    doc = document_from_lines("我所2017年财政预算收入965.9万元,其中:基本支出37.97万元,项目支出927.93万元。")
    assert achieved(doc)[("budget_total", "department")] == 9_659_000


def test_a_budget_told_before_an_adjustment_in_other_words_is_the_first_one():
    doc = document_from_lines(
        "2021年初某某会收入预算为1116.20万元,经调整,2021年度某某会全年预算安排收入为1449.54万元。"
    )
    facts = achieved(doc)
    assert facts[("budget_total", "department")] == 14_495_400
    assert facts[("budget_total", "initial")] == 11_162_000
    doc = document_from_lines("示范项目总预算36,620万元,经调整后资金的来源为:中央财政补助10,000万元。")
    assert achieved(doc)[("budget_total", "department")] == 366_200_000  # no budget after the adjustment


def test_a_years_budget_is_the_budget_and_an_addition_to_it_is_not():
    doc = document_from_lines("该项目2018年预算7,800,000.00元,实际支出4,573,732.68元,节约3,226,267.32元。")
    facts = achieved(doc)
    assert facts[("budget_total", "department")] == 7_800_000
    assert facts[("expenditure_total", "department")] == 4_573_732.68
    doc = document_from_lines("本年预算追加数为767.86万元。")
    assert ("budget_total", "department") not in achieved(doc)


def test_money_allocated_to_a_fund_whose_name_starts_with_zhong_is_the_funds():
    doc = document_from_lines("一、项目基本情况", "2019年财政安排中和木材检查站租金项目经费11.2万元。")
    assert read_as(doc, "project")[("budget_total", "department")] == 112_000
    assert ("expenditure_total", "department") not in achieved(
        document_from_lines("基本支出中人员经费221万元。")
    )
