"""Fact extraction from small texts written for the tests."""

import pytest

from pipelines.extract.facts import extract_content, extract_facts
from tests.builders import document_from_lines, table_document


def facts_by_code(document):
    return {(f.indicator_code, f.scope, f.is_target): f for f in extract_facts(document)}


def test_prose_money_staff_and_services():
    doc = document_from_lines(
        "全馆编制人数为30人，实有在职人员28人，另退休人员5人。",
        "2022年全年整体支出512.34万元，其中基本支出400.00万元，项目支出共计112.34万元。",
        "全年共新增读者证612个，接待到馆读者98000人次，图书流通40210册次，全年采编加工新书9001种，10234册。",
    )
    facts = facts_by_code(doc)
    expected = {
        "staff_authorized": 30, "staff_actual": 28, "staff_retired": 5,
        "expenditure_total": 5123400, "expenditure_basic": 4000000, "expenditure_project": 1123400,
        "new_reader_cards": 612, "visitors": 98000, "circulation": 40210, "acquisitions_volumes": 10234,
    }  # fmt: skip
    assert {code: facts[(code, "department", False)].value for code in expected} == expected
    assert facts[("expenditure_total", "department", False)].snippet.startswith(
        "2022年全年整体支出512.34万元"
    )
    assert facts[("staff_actual", "department", False)].source_locator == "line 1"


def test_qualifiers_and_targets():
    doc = document_from_lines(
        "年度目标为接待读者15万人次。",
        "全年接待读者约12万多人次，读者满意度达到96%以上。",
    )
    facts = extract_facts(doc)
    target = [f for f in facts if f.is_target]
    assert [(f.indicator_code, f.value) for f in target] == [("visitors", 150000)]
    achieved = {f.indicator_code: f for f in facts if not f.is_target}
    assert achieved["visitors"].qualifier == "approx"
    assert achieved["satisfaction_rate"].value == 96
    assert achieved["satisfaction_rate"].qualifier == "at_least"


def test_target_section_heading_marks_its_figures_as_targets():
    doc = document_from_lines(
        "（三）当年部门年度整体支出绩效目标。",
        "1、开展各类阅读推广活动150场。",
        "（四）履职完成情况。",
        "开展各类阅读推广活动162场。",
    )
    facts = [(f.value, f.is_target) for f in extract_facts(doc) if f.indicator_code == "events"]
    assert facts == [(150, True), (162, False)]


def test_scopes_in_one_sentence():
    doc = document_from_lines(
        "财政拨款全年预算数为300.00万元，全年执行数为270.00万元，执行率达90%；"
        "其他资金全年预算数为1.50万元，全年执行数为1.50万元，执行率达100%；"
        "基本支出的全年预算数为301.50万元，全年执行数为271.50万元。"
    )
    facts = facts_by_code(doc)
    assert facts[("budget_fiscal", "fiscal", False)].value == 3000000
    assert ("budget_total", "fiscal", False) not in facts  # one printed figure, one code
    assert facts[("expenditure_total", "fiscal", False)].value == 2700000
    assert facts[("budget_execution_rate", "fiscal", False)].value == 90
    assert facts[("budget_total", "other_funds", False)].value == 15000
    assert facts[("expenditure_basic", "department", False)].value == 2715000
    assert ("budget_total", "department", False) not in facts


def test_a_clause_of_the_years_own_money_ends_the_carry_over():
    """上年结转结余资金2万元,2021年中央下达…预算资金3万元: the 3万元 is this year's budget, not carried over;
    a carry-over clause whose sentence goes on without a year stays carried over."""
    doc = document_from_lines(
        "2021年度我局上年结转结余资金2万元,2021年中央下达专项转移支付预算资金3万元,进一步细化绩效指标。",
        "上年结转资金下达5万元,全部用于设备采购。",
    )
    facts = [(f.indicator_code, f.value, f.scope) for f in extract_content(doc, report_kind="transfer").facts]
    assert ("budget_total", 30000, "department") in facts
    assert ("budget_total", 30000, "carry_over") not in facts
    assert ("budget_total", 50000, "carry_over") in facts


def test_a_provinces_transfer_money_allocated_and_spent():
    """中央下达我省3批XX资金(水利部分),共计6800万元 … 资金已执行4132.8万元: the fund's budget (a bracketed
    part of its name, its sum after a comma) and its spending, in a transfer report."""
    doc = document_from_lines(
        "2022年,中央下达我省3批中央农业生产和水利救灾资金(水利部分),共计6800万元。",
        "目前,资金已执行4132.8万元,预算执行率60.78%。",
    )
    facts = {(f.indicator_code, f.scope): f.value for f in extract_content(doc, report_kind="transfer").facts}
    assert facts[("budget_total", "department")] == 68_000_000
    assert facts[("expenditure_total", "department")] == 41_328_000
    assert facts[("budget_execution_rate", "department")] == 60.78


def test_changes_and_prior_year_are_not_totals():
    doc = document_from_lines(
        "本年度收入合计200.00万元，上年度收入合计180.00万元，主要原因是增加基本支出20.00万元。",
        "其中2022年新增在编人员3人。",
    )
    facts = extract_facts(doc)
    assert [(f.indicator_code, f.value) for f in facts] == [("income_total", 2000000)]


def test_repeated_statement_counts_once():
    doc = document_from_lines("全年执行数为55.00万元。", "全年执行数为55.00万元。")
    assert len(extract_facts(doc)) == 1


def test_budget_table_with_unit_caption_and_scoped_rows():
    doc = table_document(
        ["项目", "年初预算数", "全年预算数", "全年执行数", "执行率"],
        ["年度资金总额", "120.5", "130", "117", "90%"],
        ["其中：财政拨款", "100", "110", "99", "90%"],
        before=("单位：万元",),
    )
    facts = facts_by_code(doc)
    assert facts[("budget_total", "initial", False)].value == 1205000
    assert facts[("budget_total", "department", False)].value == 1300000
    assert facts[("expenditure_total", "department", False)].value == 1170000
    assert facts[("budget_execution_rate", "department", False)].value == 90
    assert facts[("budget_fiscal", "fiscal", False)].value == 1100000
    assert facts[("budget_total", "department", False)].source_locator == "table 1 row 2 cell 3"


def test_label_value_cells():
    doc = table_document(["项目名称", "免费开放", "自评总分", "96.5"])
    facts = facts_by_code(doc)
    assert facts[("self_eval_score", "department", False)].value == 96.5


def test_fiscal_income_never_stands_for_the_income_total():
    doc = document_from_lines(
        "2023年一般公共预算财政拨款本年收入356.20万元，本年支出351.80万元。",
        "其中：财政拨款收入356.20万元。",
    )
    facts = facts_by_code(doc)
    assert facts[("income_fiscal", "fiscal", False)].value == 3562000
    assert not [key for key in facts if key[0] == "income_total"]
    # A budget stated only for 财政拨款 is the fiscal budget, once (budget_fiscal, not budget_total too).
    budget = facts_by_code(document_from_lines("财政拨款全年预算数为88.00万元。"))
    assert budget[("budget_fiscal", "fiscal", False)].value == 880000
    assert ("budget_total", "fiscal", False) not in budget


def test_actual_income_of_the_year_is_the_income_total():
    doc = document_from_lines("全年实际收入932.40万元，其中财政拨款收入801.10万元，上年结转结余131.30万元。")
    facts = facts_by_code(doc)
    assert facts[("income_total", "department", False)].value == 9324000
    assert facts[("income_fiscal", "fiscal", False)].value == 8011000
    assert {key[0] for key in facts} == {"income_total", "income_fiscal"}  # the carry-over is neither


def test_staff_wordings_and_parts_of_the_establishment():
    doc = document_from_lines(
        "本局行政事业总编制为64个，其中行政编9个、全额事业编55个。",
        "年末在编在岗41人，离退休干部17人，核定公务用车编制2辆。",
    )
    facts = facts_by_code(doc)
    assert facts[("staff_authorized", "department", False)].value == 64
    assert facts[("staff_actual", "department", False)].value == 41
    assert facts[("staff_retired", "department", False)].value == 17
    assert [f.value for f in extract_facts(doc) if f.indicator_code == "staff_authorized"] == [64]


def test_posts_filled_are_the_staff_in_post_and_funds_received_are_not():
    """事业编制10名,实际到位7名: the posts filled; 资金实际到位50万元 is money, no staff."""
    facts = facts_by_code(
        document_from_lines("我单位共有事业编制10名,实际到位7名,退休人员2名。", "资金实际到位50万元。")
    )
    assert facts[("staff_authorized", "department", False)].value == 10
    assert facts[("staff_actual", "department", False)].value == 7
    assert [f.value for f in extract_facts(document_from_lines("资金实际到位50万元。"))] == []


def test_a_part_of_the_establishment_is_no_total():
    # Two kinds of posts and no total: neither is the department's establishment.
    kinds = document_from_lines("机关行政编制18名，事业编制6名（下属信息中心）。实有在职人员22人。")
    assert {f.indicator_code for f in extract_facts(kinds)} == {"staff_actual"}
    # Parts after 其中 of a total the sentence states.
    parts = document_from_lines("核定人员编制总数35人（其中行政编制20人、机关事业编制15人）。")
    assert [f.value for f in extract_facts(parts)] == [35]
    # A 事业单位 states only 事业编制: that is its whole establishment.
    alone = document_from_lines("2021年，馆事业编制核定数 19 名，实有事业人员 17 名。")
    assert facts_by_code(alone)[("staff_authorized", "department", False)].value == 19
    # One kind with how it is managed in brackets, or in a unit of that kind: still the whole.
    for sentence, posts in (
        ("现有事业编制(参公)11名,2020年底实有人员9人。", 11),
        ("参公单位事业编制5名,其中,常务副会长1名。", 5),
    ):
        assert (
            facts_by_code(document_from_lines(sentence))[("staff_authorized", "department", False)].value
            == posts
        )


def test_a_figure_after_a_comma_and_other_words_is_not_the_alias_figure():
    doc = document_from_lines("核定编制内设机构4个，在编人员31人。")
    facts = facts_by_code(doc)
    assert ("staff_authorized", "department", False) not in facts
    assert facts[("staff_actual", "department", False)].value == 31


def test_income_and_spending_as_labels_of_list_items():
    doc = document_from_lines(
        "（三）年度收支情况",
        "1.收入：436.80万元，其中财政拨款收入420.00万元。",
        "2.支出：431.25万元。其中：人员经费300.10万元，公用经费40.15万元。",
    )
    facts = facts_by_code(doc)
    assert facts[("income_total", "department", False)].value == 4368000
    assert facts[("income_fiscal", "fiscal", False)].value == 4200000
    assert facts[("expenditure_total", "department", False)].value == 4312500
    # Inside a clause the bare words name something else's income or spending.
    other = document_from_lines(
        "商品和服务支出：38.5万元，其他收入：6万元，收入方面主要来源于财政拨款，共计420万元。"
    )
    assert extract_facts(other) == []


def test_basic_and_project_parts_of_a_budget_are_not_spending():
    doc = document_from_lines(
        "2023年部门年初预算数612万元，其中基本支出402万元，项目支出210万元。",
        "全年支出590.4万元，其中基本支出398.1万元，项目支出192.3万元。",
    )
    facts = facts_by_code(doc)
    assert facts[("budget_total", "basic", False)].value == 4020000
    assert facts[("budget_total", "project", False)].value == 2100000
    assert facts[("expenditure_basic", "department", False)].value == 3981000
    assert facts[("expenditure_project", "department", False)].value == 1923000
    planned = facts_by_code(document_from_lines("本年度部门预算安排基本支出150万元、项目支出36万元。"))
    assert {key[0] for key in planned} == {"budget_total"}
    # 一般公共预算 names a kind of funds, not a budget.
    fiscal = facts_by_code(document_from_lines("2023年一般公共预算财政拨款基本支出188.6万元。"))
    assert fiscal[("expenditure_basic", "fiscal", False)].value == 1886000


def test_one_projects_spending_or_rate_is_not_the_departments():
    doc = document_from_lines(
        "2、项目支出",
        "（1）馆藏数字化项目支出18.62万元，主要用于设备购置。",
        "部门整体预算执行率为93.4%，其中非遗保护项目执行率88%，文化惠民专项资金执行率100%。",
        "本年项目支出共计40.1万元。",
    )
    facts = facts_by_code(doc)
    assert facts[("expenditure_project", "department", False)].value == 401000
    rates = [f.value for f in extract_facts(doc) if f.indicator_code == "budget_execution_rate"]
    assert rates == [93.4]
    # The project of a project report opens its clause: its rate is the report's.
    own = facts_by_code(document_from_lines("项目预算执行率为96%。"))
    assert own[("budget_execution_rate", "department", False)].value == 96


def test_service_figures_of_several_bodies_or_of_an_area_are_not_the_bodys():
    doc = document_from_lines(
        "2022年，区文化局及其下属各单位、各街道文化站共开展活动320场，送书下乡5.2万册次。",
        "全区全年接待游客210万人次，旅游收入12亿元。",
        "全年开展各类阅读推广活动86场，接待读者7.5万人次。",
    )
    facts = facts_by_code(doc)
    assert {key[0] for key in facts} == {"events", "visitors"}
    assert facts[("events", "department", False)].value == 86
    assert facts[("visitors", "department", False)].value == 75000


def test_tourists_and_audiences_are_visitors_only_at_a_venue():
    bureau = document_from_lines("组织惠民演出40场，线下观众达到2.6万人次，接待游客5万人次。")
    assert [f.indicator_code for f in extract_facts(bureau)] == ["events"]
    venue = document_from_lines("我馆常年免费开放。", "受疫情影响，全年线下观众1.2万人次。")
    assert [(f.indicator_code, f.value) for f in extract_facts(venue)] == [("visitors", 12000)]
    museum = document_from_lines("做好纪念馆场馆运行，全年接待游客3.1万人次。")
    assert [(f.indicator_code, f.value) for f in extract_facts(museum)] == [("visitors", 31000)]


def test_one_kind_of_activity_among_several_is_not_the_events_total():
    kinds = document_from_lines("全年接待研学团队20余场，开展科普讲座8场，发放资料3000份。")
    assert [f.indicator_code for f in extract_facts(kinds)] == []
    total = document_from_lines("全年举办讲座25场、展览12场，共计开展各类活动37场。")
    assert [(f.indicator_code, f.value) for f in extract_facts(total)] == [("events", 37)]
    with_parts = document_from_lines("全年开展阅读推广活动120场，其中线上活动30场。")
    assert [(f.indicator_code, f.value) for f in extract_facts(with_parts)] == [("events", 120)]


def test_rate_stated_as_a_formula():
    doc = document_from_lines("预算执行率=全年执行数/全年预算数×100%=187.2/200×100%=93.6%。")
    facts = facts_by_code(doc)
    assert facts[("budget_execution_rate", "department", False)].value == 93.6
    assert {key[0] for key in facts} == {"budget_execution_rate"}
    bracketed = facts_by_code(document_from_lines("读者满意度（满意人数/调查人数）为97.5%。"))
    assert bracketed[("satisfaction_rate", "department", False)].value == 97.5


def test_figures_stated_respectively():
    doc = document_from_lines(
        "基本支出和项目支出分别为301.2万元和88.4万元。", "资金到位率和执行率分别为100%和91.3%。"
    )
    facts = facts_by_code(doc)
    assert facts[("expenditure_basic", "department", False)].value == 3012000
    assert facts[("expenditure_project", "department", False)].value == 884000
    assert facts[("budget_execution_rate", "department", False)].value == 91.3  # 到位率 is no execution rate
    unpaired = document_from_lines("编制数和实有人数分别为20人、18人、3人。")
    assert extract_facts(unpaired) == []


def test_a_budget_adjusted_during_the_year_counts_as_adjusted():
    doc = document_from_lines("全年预算数由年初的260万元调整为275.5万元，全年执行数270万元。")
    facts = facts_by_code(doc)
    assert facts[("budget_total", "department", False)].value == 2755000
    assert facts[("expenditure_total", "department", False)].value == 2700000


def test_traditional_characters_with_pinyin_glosses():
    doc = document_from_lines("全年預(yù)算數(shù)為320萬元，執(zhí)行數(shù)為288萬元，執(zhí)行率為90%。")
    facts = facts_by_code(doc)
    assert facts[("budget_total", "department", False)].value == 3200000
    assert facts[("expenditure_total", "department", False)].value == 2880000
    assert facts[("budget_execution_rate", "department", False)].value == 90
    assert facts[("budget_total", "department", False)].snippet.startswith("全年預(yù)算數(shù)為320萬元")


def test_a_form_printed_one_cell_per_paragraph_gives_its_staff_figures():
    doc = document_from_lines(
        "一、部门（单位）基本概况",
        "联系电话",
        "7712345",
        "人员编制",
        "36",
        "实有人数：",
        "33人",
        "职能职责概述",
    )
    facts = facts_by_code(doc)
    assert facts[("staff_authorized", "department", False)].value == 36
    assert facts[("staff_authorized", "department", False)].snippet == "人员编制 | 36"
    assert facts[("staff_actual", "department", False)].value == 33
    assert len(facts) == 2
    # A label followed by prose, or a figure with no label before it, is nothing.
    loose = document_from_lines("实有人数", "详见附表", "36")
    assert extract_facts(loose) == []


def test_a_fund_scope_scopes_money_not_the_score():
    doc = document_from_lines("某县部门项目支出绩效自评表（2022年）项目名称校舍维修经费自评得分96财政评分")
    facts = facts_by_code(doc)
    assert facts[("self_eval_score", "department", False)].value == 96


def test_budget_funds_completed_are_spending():
    doc = document_from_lines(
        "本项目共申请预算资金45万元。本项目共完成预算资金44.6万元，其中：20万元用于设备采购。"
    )
    facts = facts_by_code(doc)
    assert facts[("expenditure_total", "department", False)].value == 446000
    assert len(facts) == 1


def test_figures_after_a_goal_label_are_targets():
    doc = document_from_lines(
        "（三）2023年度绩效目标：全年接待读者不少于8万人次，举办各类活动不少于60场。",
        "（四）绩效目标完成情况：全年接待读者8.6万人次，举办各类活动72场。",
    )
    facts = [(f.indicator_code, f.value, f.is_target) for f in extract_facts(doc)]
    assert facts == [
        ("visitors", 80000, True), ("events", 60, True), ("visitors", 86000, False), ("events", 72, False)
    ]  # fmt: skip


def test_initial_budget_without_the_word_figure():
    doc = document_from_lines("2023年年初预算286.4万元，年中追加预算30万元，全年预算数316.4万元。")
    facts = facts_by_code(doc)
    assert facts[("budget_total", "initial", False)].value == 2864000
    assert facts[("budget_total", "department", False)].value == 3164000


def test_an_income_alias_before_a_budget_or_spending_word_introduces_no_income():
    doc = document_from_lines(
        "2023年度一般公共预算财政拨款支出预算为432万元，支出决算为428.8万元，完成预算的99.26%。",
        "本年收入决算数为436.1万元。",
    )
    facts = facts_by_code(doc)
    assert ("income_fiscal", "fiscal", False) not in facts
    assert facts[("expenditure_total", "fiscal", False)].value == 4288000
    assert facts[("income_total", "department", False)].value == 4361000


def test_a_statement_table_flattened_into_space_separated_lines():
    doc = document_from_lines(
        "收入支出决算总表",
        "单位：万元",
        "项目  决算数  项目  决算数",
        "二、事业收入  12.00  二、文化旅游体育与传媒支出  301.50",
        "本年收入合计  318.40  本年支出合计  309.95",
    )
    facts = facts_by_code(doc)
    assert facts[("income_total", "department", False)].value == 3184000
    assert facts[("expenditure_total", "department", False)].value == 3099500
    assert len(facts) == 2
    # Without a declared money unit a bare number is no amount; nor is a list number after an alias.
    assert extract_facts(document_from_lines("本年收入合计  318.40  本年支出合计  309.95")) == []
    listed = document_from_lines("单位：万元", "2、项目支出1.50、免费开放经费")
    assert extract_facts(listed) == []


def test_kinds_of_posts_listed_with_their_sum():
    # Every kind is a part; the sum after 共计 is no alias figure, so nothing is the total.
    doc = document_from_lines("本单位行政编制6名，事业编制11名，工勤编制2名，共计19名。")
    assert [f for f in extract_facts(doc) if f.indicator_code == "staff_authorized"] == []
    # A body with only administrative posts: they are its establishment.
    only = document_from_lines("核定行政编制14名，实有人数13人。")
    assert facts_by_code(only)[("staff_authorized", "department", False)].value == 14
    # The body's own name before 人员编制 (残联机关) is no kind of post.
    named = document_from_lines("核定机关人员编制总数共计27人（其中行政编制20人、机关事业编制7人）。")
    assert [f.value for f in extract_facts(named)] == [27]


def test_a_number_split_by_a_space_is_not_read_in_part():
    doc = document_from_lines("全馆现有职工 2 3 人，退休人员4人。")
    facts = facts_by_code(doc)
    assert ("staff_actual", "department", False) not in facts
    assert facts[("staff_retired", "department", False)].value == 4


def test_a_figure_of_an_earlier_year_in_a_comparison_is_not_the_years():
    doc = document_from_lines(
        "2022年接待读者7.6万人次，2023年接待读者8.9万人次。", "2022年在职人员21人，2023年在职人员19人。"
    )
    facts = facts_by_code(doc)
    assert facts[("visitors", "department", False)].value == 89000
    assert facts[("staff_actual", "department", False)].value == 19
    assert len(extract_facts(doc)) == 2


def test_online_visits_are_not_visitors():
    doc = document_from_lines(
        "数字资源访问量12万人次，线上服务读者2.4万人次。", "全年到馆接待读者6.1万人次。"
    )
    assert [(f.indicator_code, f.value) for f in extract_facts(doc)] == [("visitors", 61000)]


def test_budgeted_income_is_not_income():
    doc = document_from_lines(
        "2023年部门预算收入956.3万元，其中财政拨款收入930万元，其他收入26.3万元。",
        "全年收入981.6万元，其中财政拨款收入955.2万元。",
    )
    facts = facts_by_code(doc)
    assert facts[("income_total", "department", False)].value == 9816000
    assert facts[("income_fiscal", "fiscal", False)].value == 9552000
    # 部门预算收入 is the department's budget (its revenue side), not income received
    assert facts[("budget_total", "department", False)].value == 9563000
    assert len(extract_facts(doc)) == 3


def test_a_budget_total_stated_beside_the_adjusted_budget_is_the_initial_one():
    doc = document_from_lines("2023年部门预算总额956.3万元，调整后预算981.6万元，全年执行数975万元。")
    facts = facts_by_code(doc)
    assert facts[("budget_total", "department", False)].value == 9816000
    assert facts[("budget_total", "initial", False)].value == 9563000


def test_prose_rules_stay_linear_on_one_huge_line():
    import time

    unit = (
        "全年支出512.34万元,基本支出和项目支出分别为300万元和200万元,预算执行率=实际支出/预算数×100%=95%,"
        "2022年接待读者8万人次,2023年接待读者9万人次,其中事业编制7名,行政编制3名,32.532.530.192.6%,"
    )
    doc = document_from_lines(unit * (300_000 // len(unit)))
    started = time.monotonic()
    extract_facts(doc)
    assert time.monotonic() - started < 10  # about 0.6 s; quadratic rules took minutes


def test_several_execution_rates_side_by_side():
    doc = document_from_lines("项目支出执行率94%，基本支出执行率100%，整体预算执行率97.2%。")
    rates = {f.scope: f.value for f in extract_facts(doc) if f.indicator_code == "budget_execution_rate"}
    assert rates == {"project": 94, "basic": 100, "department": 97.2}


def test_a_sum_told_after_its_parts_is_the_budget_and_the_parts_are_not():
    doc = document_from_lines(
        "某某县农业农村局2023年度农田灌溉补助资金绩效自评报告",
        "2023年上级财政下达我县农田灌溉补助资金:甲镇项目40万元;乙镇项目25万元。共计下达农田灌溉补助资金65万元,已发放资金60万元。",
    )
    facts = extract_content(doc, report_kind="transfer").facts
    assert [f.value for f in facts if f.indicator_code == "budget_total"] == [650_000]
    assert [f.value for f in facts if f.indicator_code == "expenditure_total"] == [600_000]


def test_a_projects_total_funds_and_quota_are_its_budget_and_executed_funds_are_spending():
    total = document_from_lines("2023年度河道治理专项资金总计86.5万元,其中监理费22万元,测绘费4.5万元。")
    facts = extract_content(total, report_kind="project").facts
    assert [f.value for f in facts if f.indicator_code == "budget_total"] == [865_000]
    executed = document_from_lines("项目年初批复预算300万元,实际执行资金总额310万元,其中10万元为募集资金。")
    facts = extract_content(executed, report_kind="project").facts
    assert [f.value for f in facts if f.indicator_code == "budget_total"] == [3_000_000]
    assert [f.value for f in facts if f.indicator_code == "expenditure_total"] == [3_100_000]
    quota = document_from_lines(
        "2023年某某县农村公路养护专项资金指标154万元,已全部拨付。"
    )  # 指标: a budget quota
    facts = extract_content(quota, report_kind="transfer").facts
    assert [f.value for f in facts if f.indicator_code == "budget_total"] == [1_540_000]
    planned = document_from_lines(
        "项目计划投资120万元,实际完成投资118万元。"
    )  # 计划投资: the budget, no plan
    budgets = [
        f for f in extract_content(planned, report_kind="project").facts if f.indicator_code == "budget_total"
    ]
    assert [(f.value, f.is_target) for f in budgets] == [(1_200_000, False)]
    labelled = document_from_lines(
        "计划投资额(万元)110.00实际使用情况(万元)84.74"
    )  # a form's labels, run together
    facts = extract_content(labelled, report_kind="project").facts
    assert {f.indicator_code: f.value for f in facts} == {
        "budget_total": 1_100_000,
        "expenditure_total": 847_400,
    }
    # In a department report 资金总额 is not read as the budget (it may be any fund's).
    department = extract_content(total, report_kind="department").facts
    assert not [f for f in department if f.indicator_code == "budget_total"]


def test_the_general_budget_appropriation_is_the_fiscal_budget_only_under_a_budget_head():
    doc = document_from_lines(
        "(一)收入预算:2022年年初预算数305.54万元,其中:一般公共预算拨款300.54万元,政府性基金预算拨款5万元。"
    )
    facts = facts_by_code(doc)
    assert facts[("budget_fiscal", "fiscal", False)].value == 3_005_400
    spending = document_from_lines("2022年全年支出305.54万元,其中:一般公共预算拨款支出300.54万元。")
    assert not [f for f in extract_facts(spending) if f.indicator_code == "budget_fiscal"]


def test_the_execution_rate_of_procurement_or_a_plan_is_not_the_budgets():
    facts = facts_by_code(document_from_lines("政府采购管理执行率100%,合同执行率98%,预算执行率96.5%。"))
    assert facts[("budget_execution_rate", "department", False)].value == 96.5
    assert len([k for k in facts if k[0] == "budget_execution_rate"]) == 1


def test_indicator_rows_told_as_list_items():
    doc = document_from_lines(
        "某某乡人民政府2022年度中央农业生产发展补助经费项目支出绩效自评报告",
        "因此评价得分95分。",
        "1.测土配方施肥覆盖率,年初目标值≥90%,实际完成值92%,自评得分20分;",
        "2.服务农户满意率,年初目标值≥90%,实际完成值≥95%,自评得分18分;",
    )
    content = extract_content(doc, report_kind="transfer")
    rows = {r.indicator: (r.target_text, r.actual_text, r.score) for r in content.indicators}
    assert rows == {"测土配方施肥覆盖率": ("≥90%", "92%", 20), "服务农户满意率": ("≥90%", "≥95%", 18)}
    scores = [f.value for f in content.facts if f.indicator_code == "self_eval_score"]
    assert scores == [95]  # not an item's 自评得分
    general = document_from_lines("对照年初批复设定的各项指标值进行打分,自评得分96分。")
    assert [f.value for f in facts_by_code(general).values() if f.indicator_code == "self_eval_score"] == [96]
    assert [
        f.value for f in content.facts if f.indicator_code == "satisfaction_rate" and not f.is_target
    ] == [95]


def test_an_indicator_told_in_a_sentence_of_its_own_gives_its_figure_but_no_row():
    """A numbered list of indicators is their table told as a list; a sentence of its own with a target
    and an achieved value (…满意度,年初目标值≥95%,实际完成值94.60%,扣1分) gives the achieved figure only."""
    doc = document_from_lines(
        "某某中学2023年度校舍维修项目绩效自评报告",
        "C满意度指标",
        "学生对校舍维修项目实施的满意度,年初目标值≥95%,实际完成值96.5%。",
        "家长对校舍维修项目实施的满意度,年初目标值≥95%,实际完成值94.60%,扣1分。",
    )
    content = extract_content(doc, report_kind="project")
    assert content.indicators == ()
    achieved = [f.value for f in content.facts if f.indicator_code == "satisfaction_rate" and not f.is_target]
    assert achieved == [96.5, 94.6]


def test_a_bare_amount_after_a_labels_stray_bracket_and_family_planning_is_no_plan():
    doc = document_from_lines(
        "某某县2024年度中央对地方转移支付计划生育服务项目绩效自评表",
        "计划生育服务资金(万元) 年度预算资金总额): 350.50",
    )
    facts = extract_content(doc, report_kind="transfer").facts
    assert [(f.value, f.is_target) for f in facts if f.indicator_code == "budget_total"] == [
        (3_505_000, False)
    ]


def test_civil_service_managed_posts_of_one_kind_are_the_whole_establishment():
    """参照公务员管理事业编制 is one kind of post, not two: told alone, it is the body's establishment."""
    alone = facts_by_code(document_from_lines("2023年末单位参照公务员管理事业编制6人,实有人数5人。"))
    assert alone[("staff_authorized", "department", False)].value == 6
    parts = facts_by_code(
        document_from_lines("单位编制15人,其中行政编制5人、参照公务员管理事业编制6人、事业编制4人。")
    )
    assert [k for k in parts if k[0] == "staff_authorized"] == [("staff_authorized", "department", False)]
    assert parts[("staff_authorized", "department", False)].value == 15


def test_the_budget_approved_at_the_start_of_the_year_gives_way_to_the_adjusted_one():
    facts = facts_by_code(document_from_lines("本年度年初批复预算为520.30万元,调整后预算530万元。"))
    assert facts[("budget_total", "initial", False)].value == 5_203_000
    assert facts[("budget_total", "department", False)].value == 5_300_000


@pytest.mark.parametrize(
    ("sentence", "code", "value"),
    [
        ("2023年预算安排资金520.30万元。", "budget_total", 5_203_000),
        ("2023年批复预算520.30万元。", "budget_total", 5_203_000),
        ("2023年总预算520.30万元。", "budget_total", 5_203_000),
        ("2023年部门预算520.30万元。", "budget_total", 5_203_000),
        ("核定编制数12人,在职在编10人。", "staff_actual", 10),
        ("编制人数12人,实际在岗10人。", "staff_actual", 10),
        ("预算完成率96.5%。", "budget_execution_rate", 96.5),
        ("最终得分95分,等级为优。", "self_eval_score", 95),
        ("本年度收入决算520.30万元。", "income_total", 5_203_000),
        ("全年累计支出520.30万元。", "expenditure_total", 5_203_000),
        ("全年共支出资金520.30万元。", "expenditure_total", 5_203_000),
        ("全年入馆人数12500人次。", "visitors", 12_500),
        ("截至12月31日,项目资金已支付48万元。", "expenditure_total", 480_000),
        ("本项目共安排资金50万元,实际使用48万元。", "expenditure_total", 480_000),
        ("2023年度部门收入520.30万元。", "income_total", 5_203_000),
        ("评分结果:95分。", "self_eval_score", 95),
        ("镇机关共有工作人员41人,其中行政编制20人。", "staff_actual", 41),
        ("本会现有在职干部职工12人,退休人员3人。", "staff_actual", 12),
        ("核定编制10人,实有在编人数9人。", "staff_actual", 9),
        ("全年本馆服务观众3.5万人次。", "visitors", 35_000),
        ("2023年部门预算总支出650.40万元。", "budget_total", 6_504_000),
        ("2021年度,某镇卫生院支出为430.2258万元。", "expenditure_total", 4_302_258),
        ("部门绩效自评工作总体得分为86.5分,评级为“优”。", "self_eval_score", 86.5),
        ("年度资金支出率为87.5%。", "budget_execution_rate", 87.5),
    ],
)
def test_more_wordings_of_budgets_staff_rates_scores_income_and_spending(sentence, code, value):
    facts = facts_by_code(document_from_lines(sentence))
    assert facts[(code, "department", False)].value == value


def test_funds_received_are_not_the_budget():
    facts = extract_content(
        document_from_lines(
            "某某县2023年度送戏下乡项目支出绩效自评报告", "项目资金到位50万元,到位率100%,已支付48万元。"
        ),
        report_kind="project",
    ).facts
    assert [(f.indicator_code, f.value) for f in facts] == [("expenditure_total", 480_000)]


def test_a_projects_final_accounts_figure_is_its_spending_but_not_a_departments():
    # 决算数 beside a project's 预算数 is what the project spent; in a department report the same word
    # may be of income (收入决算数) or of another year, so it is read there only as a form's column.
    sentence = "该项目2021年预算数为24.00万元,决算数为18.00万元。"
    title = "某某县2021年度村道养护项目支出绩效自评报告"
    project = extract_content(document_from_lines(title, sentence), report_kind="project").facts
    assert {(f.indicator_code, f.value) for f in project} == {
        ("budget_total", 240_000),
        ("expenditure_total", 180_000),
    }
    department = extract_content(document_from_lines(title, sentence), report_kind="department").facts
    assert "expenditure_total" not in {f.indicator_code for f in department}


def test_a_projects_payments_so_far_are_its_spending():
    # 累计支付 in a project or transfer report: what the project has paid out in all.
    doc = document_from_lines(
        "某某县2024年度村级文化广场建设项目支出绩效自评报告",
        "项目结算价为615200.00元,项目累计支付资金合计598400.50元,其中中央补助资金450000元。",
    )
    facts = extract_content(doc, report_kind="transfer").facts
    assert [f.value for f in facts if f.indicator_code == "expenditure_total"][:1] == [598_400.50]


def test_indicator_rows_told_as_list_items_without_points():
    doc = document_from_lines(
        "某某县2023年度送戏下乡项目支出绩效自评报告",
        "1.送戏下乡场次,年度目标值20场,实际完成值25场;",
        "2.群众满意度,目标值90%,实际完成95%。",
    )
    content = extract_content(doc, report_kind="project")
    rows = {r.indicator: (r.target_text, r.actual_text, r.score) for r in content.indicators}
    assert rows == {"送戏下乡场次": ("20场", "25场", None), "群众满意度": ("90%", "95%", None)}


def test_the_balanced_grand_totals_of_final_accounts_give_income_but_no_spending():
    """支出总计 of 决算 balances 收入总计 (it holds the year-end balances): not what was spent."""
    facts = facts_by_code(document_from_lines("2022年度收入总计3000.00万元,支出总计3000.00万元。"))
    assert facts[("income_total", "department", False)].value == 30_000_000
    assert not any(code == "expenditure_total" for code, *_ in facts)


def test_an_indicators_weight_is_not_its_figure():
    doc = document_from_lines("指标权重原则上设置为预算执行率指标10%、成本指标20%、满意度指标10%。")
    assert not facts_by_code(doc)


def test_a_figure_of_a_part_named_after_zhong_is_not_the_wholes():
    facts = facts_by_code(
        document_from_lines(
            "财政拨款支出按经济科目分类,其中:基本支出中人员经费221.59万元、日常公用经费7.32万元。"
        )
    )
    assert not [k for k in facts if k[0] == "expenditure_basic"]  # 人员经费 is a part of 基本支出
    central = document_from_lines("2021年度,下达我县中央专项彩票公益金补助资金200万元。")
    facts = extract_content(central, report_kind="transfer").facts
    assert [f.value for f in facts if f.indicator_code == "budget_total"] == [2000000]  # 中央: no part


def test_staff_words_after_the_authorised_establishment_count_the_posts():
    text = "本单位财政核定编制在职人员为 36 人,年末实有在职人员为 34 人,退休人员 64 人。"
    facts = facts_by_code(document_from_lines(text))
    assert facts[("staff_authorized", "department", False)].value == 36
    assert facts[("staff_actual", "department", False)].value == 34


def test_spending_right_after_a_part_of_the_money_is_that_parts():
    """追加预算X万元,支出Y万元 and 安排专项资金X万元,支出Y万元: the part's spending, not the year's."""
    title = "某某中心2021年度部门整体支出绩效自评报告"
    for sentence in (
        "2021年某某中心追加预算82.25万元,支出7.48万元。",
        "2021年某某中心安排专项资金5.6万元,支出1.51万元。",
    ):
        assert not [
            f
            for f in extract_facts(document_from_lines(title, sentence))
            if f.indicator_code == "expenditure_total"
        ]
    whole = facts_by_code(document_from_lines(title, "2021年某某中心年初预算100万元,支出98万元。"))
    assert whole[("expenditure_total", "department", False)].value == 980_000


def test_the_retired_after_a_headcounts_bracket_are_not_among_its_parts():
    text = "本年实有人数106人(其中:财政拨款在职人员104人,自收自支事业人员2人),退休人员30人。"
    facts = facts_by_code(document_from_lines("某某法院2016年度部门整体支出绩效自评报告", text))
    assert facts[("staff_actual", "department", False)].value == 106
    assert facts[("staff_retired", "department", False)].value == 30
    inside = facts_by_code(document_from_lines("实有人数48人(其中在职26人,离退休22人)。"))
    assert inside[("staff_actual", "department", False)].value == 26  # the retired inside: the part in post


def test_income_of_the_final_accounts_is_the_years_income():
    text = "2020年部门决算收入4426.19万元,支出4426.19万元,其中基本支出894.38万元。"
    facts = facts_by_code(document_from_lines("某某局2020年度部门整体支出绩效自评报告", text))
    assert facts[("income_total", "department", False)].value == 44_261_900
    assert facts[("expenditure_total", "department", False)].value == 44_261_900


def test_a_figure_after_of_which_is_a_parts_even_when_the_whole_has_no_unit():
    doc = document_from_lines("2017年末在职21人,离退休人员62(其中:离休人员8人,财政供养退休人员13人)。")
    assert ("staff_retired", "department", False) not in facts_by_code(doc)


def test_staff_in_post_at_the_years_end_is_the_staff():
    doc = document_from_lines("2017年末在职21人,离退休人员62人。")
    facts = facts_by_code(doc)
    assert facts[("staff_actual", "department", False)].value == 21
    assert facts[("staff_retired", "department", False)].value == 62


@pytest.mark.parametrize(
    "sentence",
    ["实有编制12人,2020年末在职11人、退休14人,共25人。", "年末在职11人(含借调人员2人)、退休14人。"],
)
def test_a_bare_word_leading_an_item_of_a_list_of_figures_is_that_items(sentence):
    facts = facts_by_code(document_from_lines(sentence))
    assert facts[("staff_actual", "department", False)].value == 11
    assert facts[("staff_retired", "department", False)].value == 14


@pytest.mark.parametrize(
    ("sentence", "staff", "posts"),
    [
        ("现有员工120人,其中:核定编制数8人,编外人员112人。", 120, 8),
        ("2020年末实际在职编制人员13名。", 13, None),
        ("在编教师数为31 人。", 31, None),
    ],
)
def test_staff_in_post_in_other_words_and_the_posts_authorised_among_them(sentence, staff, posts):
    facts = facts_by_code(document_from_lines(sentence))
    assert facts[("staff_actual", "department", False)].value == staff
    authorised = facts.get(("staff_authorized", "department", False))
    assert (authorised.value if authorised else None) == posts
