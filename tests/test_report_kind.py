"""Report kind (department / project / transfer) and the project's or fund's name, from texts written
for the tests in the shapes real reports come in."""

import pytest

from pipelines.extract.facts import extract_content
from pipelines.extract.header_fields import header_text
from pipelines.extract.identity import extract_identity
from pipelines.extract.report_kind import detect_kind
from pipelines.model import Document, TextBlock
from tests.builders import document_from_lines, table_document


def kind_of(*lines: str) -> tuple[str, str | None]:
    return detect_kind(header_text(document_from_lines(*lines)))


def test_department_form_and_prose_report():
    assert kind_of("部门整体支出绩效自评表", "（2023年度）", "部门 | 洞口县某某服务中心 |") == (
        "department",
        None,
    )
    assert kind_of("新宁县档案馆2021年度部门整体支出绩效自评报告", "一、部门概况") == ("department", None)


@pytest.mark.parametrize(
    "title",
    ["某某区住房和城乡建设局2022年度项目支出部门评价报告和绩效自评表", "某某县文化馆2021年项目支出评价报告"],
)
def test_a_title_naming_project_spending_evaluated_by_the_department_is_a_projects(title):
    assert kind_of(title, "根据区财政局的通知要求,现将评价情况报告如下。")[0] == "project"


@pytest.mark.parametrize(
    ("title", "kind", "name"),
    [
        ("某省体育事业宣传推广经费项目2019年度绩效自评报告", "project", "某省体育事业宣传推广经费项目"),
        ("1、某县文化馆演出器材购置项目绩效自评报告", "project", "某县文化馆演出器材购置项目"),
        ("某县农业农村局耕地保护补助资金转移支付区域(项目)绩效目标自评表", "transfer", "某县农业农村局耕地保护补助资金"),
    ],
)  # fmt: skip
def test_a_titles_project_name_before_its_year_its_transfer_words_or_after_a_page_number(title, kind, name):
    """The body's name before the project's is cut by identity extraction (extract_identity)."""
    assert kind_of(title, "根据通知要求,现将自评情况报告如下。") == (kind, name)


def test_a_report_that_names_no_kind_is_a_department_report():
    assert kind_of("武冈市档案馆2020年度预算绩效自评报告", "武冈市财政局：", "现将自评情况报告如下。") == (
        "department",
        None,
    )


def test_a_pages_dash_bulleted_metadata_lines_leave_the_forms_title_in_the_title_zone():
    metadata = [f"- {line}" for line in ("索引号", "01234567-8/20230529-00001", "发文机构", "某某区农业农村局",
                                         "公开目录", "绩效自评报告", "文 号", "浏览量", "日期", "2023-05-29")]  # fmt: skip
    lines = ("某某区2021年中央耕地保护补助资金绩效自评", *metadata, "2022年度项目支出绩效自评表")
    assert (
        kind_of(*lines, "单位名称:某某区农业技术推广站", "项目名称 | 某某区2021年中央耕地保护补助资金 |")[0]
        == "project"
    )


def test_project_form_on_one_line_takes_the_project_name_up_to_the_next_field():
    text = (
        "附件: 项目支出绩效自评表 (2022年度) 项目名称 乡镇道路养护 主管部门 219-某某镇人民政府 "
        "实施单位 219001-某某镇人民政府 项目资金 (万元) 年初预算数"
    )
    assert kind_of(text) == ("project", "乡镇道路养护")


def test_project_form_as_pipe_rows_keeps_a_budget_code_printed_in_the_name():
    assert kind_of(
        "部门预算项目支出绩效自评表(2023年度) | | | |",
        "项目名称 | | 43052200T0001-森林防火专项工作经费 | | |",
        "主管部门 | | 绥宁县林业局 | 实施单位(盖章) | 绥宁县林业局 |",
    ) == ("project", "43052200T0001-森林防火专项工作经费")


def test_project_form_as_a_word_table():
    doc = table_document(
        ["项目支出绩效自评表", "", ""],
        ["项目名称", "乡村文化惠民演出", ""],
        ["主管部门", "隆回县文化旅游广电体育局", "实施单位", "隆回县文化馆"],
    )
    identity = extract_identity(doc)
    assert (identity.report_kind, identity.project) == ("project", "乡村文化惠民演出")


def test_glued_project_form_cuts_the_name_at_the_next_field_not_at_a_section_word():
    text = "1、项目支出绩效自评表(2020年度)项目名称农村项目资金管理系统维护主管部门某某局实施单位某某中心"
    assert kind_of(text) == ("project", "农村项目资金管理系统维护")


def test_project_form_one_cell_per_line_after_a_prose_summary():
    assert kind_of(
        "洞口县文化旅游广电体育局2021年公共文化服务专项资金使用情况",
        "项目绩效自评综述：根据年初设定的绩效目标，项目自评得分为92分，全年预算数为50万元。",
        "项目支出绩效自评表",
        "（2021年度）",
        "项目名称",
        "",
        "公共文化服务经费",
        "",
        "主管部门",
        "洞口县文化旅游广电体育局",
    ) == ("project", "公共文化服务经费")


def test_transfer_form_takes_the_fund_name_of_its_name_field():
    assert kind_of(
        "中央补助地方某某事业发展专项资金转移支付区域(项目)绩效自评表",
        "( 2024 年度)",
        "转移支付(项目)名称 2024年某某事业发展专项资金补助地方资金",
        "省级主管部门 某省某某厅",
        "地方主管部门 某某县文化和旅游局 资金使用单位 某某县文化馆",
    ) == ("transfer", "2024年某某事业发展专项资金补助地方资金")


def test_transfer_region_form_without_the_word_transfer_in_its_title():
    assert (
        kind_of(
            "区域绩效自评表",
            "（2022年度）",
            "项目名称 | 农业生产发展资金 |",
            "地方主管部门 | 某某县农业农村局 |",
        )[0]
        == "transfer"
    )


def test_fund_passed_down_named_only_in_a_prose_title():
    kind, project = kind_of(
        "洞口县2022年中央补助地方公共文化服务体系建设专项资金绩效自评报告", "一、基本情况"
    )
    assert kind == "transfer"
    assert project == "2022年中央补助地方公共文化服务体系建设专项资金"  # the year is the fund's own


@pytest.mark.parametrize(
    "title",
    ["某省2022年度中央水利发展资金绩效自评报告", "某县2023年衔接推进乡村振兴资金绩效自评报告"],
)
def test_central_and_rural_revitalisation_funds_are_transfers(title):
    assert kind_of(title, "一、基本情况")[0] == "transfer"


def test_project_named_only_in_a_prose_title():
    assert kind_of("洞口县图书馆2021年度免费开放项目支出绩效自评报告", "一、项目概况") == (
        "project",
        "免费开放项目",
    )


def test_the_outline_of_a_transfers_report_under_a_title_that_names_no_kind():
    lines = (
        "根据绩效管理相关文件要求,对2023年某某补助经费项目实施情况开展了自评。",
        "一、基本情况",
        "(一)转移支付概况。",
    )
    assert kind_of(*lines)[0] == "transfer"


def test_a_title_that_names_only_the_kind_names_no_project():
    assert kind_of("某某县水利局2021年度项目资金绩效自评报告", "一、项目概况") == ("project", None)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("某某市交通运输局关于2023年度省级交通专项资金(普通公路水路建设)绩效自评报告", "transfer"),
        ("2016年度“科学普及专项资金”绩效评价报告", "transfer"),
        ("某某区农业农村委员会2019年度项目资金重点绩效评价结果", "project"),
    ],
)
def test_a_funds_title_with_a_bracket_or_quote_after_the_name_or_a_key_evaluation(title, kind):
    assert kind_of(title, "一、基本情况")[0] == kind


@pytest.mark.parametrize(
    "words", ["一级项目", "部门预算项目", "2020年部门预算项目", "财政支出项目", "建设项目", "绩效项目"]
)
def test_a_kind_of_project_in_a_project_field_names_no_project(words):
    lines = ("项目支出绩效自评表", f"项目名称 {words} 主管部门 某某县交通运输局 实施单位 某某县交通运输局")
    assert kind_of(*lines) == ("project", None)
    named = (
        "项目支出绩效自评表",
        "项目名称 乡村道路建设项目 主管部门 某某县交通运输局 实施单位 某某县交通运输局",
    )
    assert kind_of(*named) == ("project", "乡村道路建设项目")


def test_a_saved_pages_bracketed_metadata_lines_are_not_counted_as_title_lines():
    metadata = [
        "[ 索引号 ] 11500111588916377K/2022-00027 [ 发文字号 ]", "[ 主题分类 ] 财政 [ 体裁分类 ] 资金分配",
        "[ 发布机构 ] 某某区建设局 [ 发布日期 ] 2022-03-17", "[ 成文日期 ] 2022-03-17 [ 有效性 ]",
    ]  # fmt: skip
    lines = [
        *metadata,
        *metadata,
        *metadata,
        "某某区建设管理局 2021年度项目资金绩效自评报告",
        "根据通知要求,现报告如下。",
    ]
    assert kind_of(*lines) == ("project", None)


def test_a_project_named_in_brackets_after_the_title_or_as_a_works_title():
    assert kind_of("某某县卫生健康局2023年度项目绩效自评报告(乡村医生培训经费项目)", "一、自评结论") == (
        "project",
        "乡村医生培训经费项目",
    )
    assert kind_of("某某县2021年第二批农村公路提质改造工程绩效自评报告", "一、绩效目标") == (
        "project",
        "2021年第二批农村公路提质改造工程",
    )


def test_a_bracketed_project_name_may_hold_a_bracket_of_its_own():
    title = "某市图书馆2022年度项目支出绩效自评报告(2022年文化馆(站)免费开放补助经费)"
    assert kind_of(title, "一、项目概况") == ("project", "2022年文化馆(站)免费开放补助经费")


def test_a_title_broken_over_lines_names_its_project_in_brackets_on_the_last():
    lines = ("某某市水务局2022年度", "项目绩效自评报告", "(市级“河长制”工作经费项目)", "一、项目基本情况")
    assert kind_of(*lines) == ("project", "市级“河长制”工作经费项目")


def test_a_fund_named_before_the_year_in_a_title_is_a_transfer():
    assert (
        kind_of("某某盟城乡医疗救助补助资金2023年度绩效自评报告", "一、绩效目标分解下达情况")[0] == "transfer"
    )


def test_a_year_printed_with_a_space_stays_in_the_project_name():
    lines = (
        "2021 年农业技术推广资金项目自评表",
        "项目名称 2021 年农业技术推广资金 主管部门 某某县农业农村局",
    )
    assert kind_of(*lines) == ("project", "2021年农业技术推广资金")


def test_the_opening_sentence_names_a_prose_report_and_a_linked_fund_is_a_transfer():
    lines = (
        "为做好资金绩效管理工作,根据有关规定,现将2023年某某县水利局衔接推进乡村振兴资金项目绩效自评报告如下:",
        "一、绩效目标分解下达情况",
    )
    assert kind_of(*lines)[0] == "transfer"
    assert (
        kind_of("现将2023年某某县水利局小型水库维修项目绩效自评情况报告如下:", "一、基本情况")[0] == "project"
    )


def test_the_first_kind_a_title_names_decides():
    # A department report whose title goes on to mention a project form bundled with it.
    assert kind_of(
        "某某中心2018绩效评价自评报告及评分表（整体支出和信息采集服务费专项支出）", "二、概况"
    ) == (
        "department",
        None,
    )
    assert kind_of("某某市部门整体支出绩效评价自评报告、某某市财政专项支出绩效自评报告")[0] == "department"


def test_a_cited_notice_or_a_sentence_does_not_set_the_kind():
    assert kind_of(
        "根据《关于开展2021年度项目支出绩效自评工作的通知》要求，现将我局情况报告如下。", "一、部门概况"
    ) == ("department", None)
    assert kind_of("2021年，我局按照项目支出绩效自评的要求开展了自评，现将情况报告如下。")[0] == "department"


def test_a_project_name_field_heading_a_form_makes_a_project_report():
    assert kind_of("绩效自评报告", "项目名称：农村饮水安全巩固提升", "实施单位：某某县水利局") == (
        "project",
        "农村饮水安全巩固提升",
    )


def test_a_table_column_headed_project_name_does_not():
    assert kind_of(
        "某某县档案馆2021年度绩效自评报告",
        "一、项目支出情况",
        "项目名称 | 预算数 | 执行数",
        "档案数字化 | 20 | 18",
    ) == ("department", None)


def test_identity_carries_kind_and_project():
    doc = document_from_lines(
        "项目支出绩效自评表",
        "（2021年度）",
        "项目名称 | 教学设备购置 |",
        "主管部门 | 邵阳市教育局 | 实施单位 | 邵阳市第二中学 |",
    )
    identity = extract_identity(doc)
    assert (identity.institution, identity.report_kind, identity.project) == (
        "邵阳市第二中学",
        "project",
        "教学设备购置",
    )


def test_headings_of_the_body_are_not_titles():
    assert kind_of(
        "新宁县人民法院2021年度预算绩效自评报告",
        "一、基本情况",
        "二、项目支出绩效自评情况",
        "（一）项目支出绩效自评表",
    ) == ("department", None)


def test_a_glued_project_name_ends_at_a_person_or_date_label():
    text = (
        "1、项目支出绩效自评表(2020年度)项目名称乡村道路维护经费项目负责人王某主管部门某某局实施单位某某中心"
    )
    assert kind_of(text) == ("project", "乡村道路维护经费")
    assert kind_of("项目支出绩效自评表 项目名称 某某镇道路维护经费 项目资金（万元） 年初预算数")[1] == (
        "某某镇道路维护经费"
    )


def test_on_a_space_separated_line_the_project_name_is_one_cell_and_keeps_its_brackets():
    assert kind_of("项目支出绩效自评表 项目名称 农村道路维护经费 项目级次 一般项目 主管部门 某某局")[1] == (
        "农村道路维护经费"
    )
    assert kind_of("项目支出绩效自评表 项目名称 公共服务经费(体系建设专项资金) 主管部门 某某局")[1] == (
        "公共服务经费(体系建设专项资金)"
    )


def test_a_project_report_does_not_take_a_table_column_heading_for_its_project():
    assert kind_of(
        "某某县文化馆2021年度送戏下乡项目支出绩效自评报告",
        "项目名称 | 预算数 | 执行数",
        "送戏下乡 | 20 | 18",
    ) == ("project", "送戏下乡项目")


def test_a_saved_pages_metadata_lines_before_the_title_are_not_title_lines():
    chrome = ("• 索引号", "• 0000-2/2023-0001", "• 发布机构", "• 雨湖区文化和旅游局", "• 公开目录", "• 自评报告",
              "• 发布日期", "• 2023-04-27", "• 文号", "• 浏览量", "• 主题词")  # fmt: skip
    doc = document_from_lines(*chrome, "雨湖区图书馆2022年度项目支出绩效自评报告", "一、自评结论")
    identity = extract_identity(doc)
    assert (identity.institution, identity.report_kind) == ("雨湖区图书馆", "project")


def test_bracketed_page_labels_and_a_title_broken_before_its_last_words():
    """[ 索引号 ] lines, a breadcrumb, dates and codes are the page's, not the report's; a title broken
    before 绩效自评报告 is one title."""
    chrome = ("综合新闻", "您当前的位置: 部门>财政局>预算", "[ 索引号 ]", "11500000000000000X/2025-00001",
              "[ 发布机构 ]", "某某县财政局", "[ 成文日期 ]", "2025-05-30", "[ 有效性 ]", "有效")  # fmt: skip
    doc = document_from_lines(
        *chrome, "某某县财政局", "2024年度中央、省级转移支付资金", "绩效自评报告", "一、基本情况"
    )
    identity = extract_identity(doc)
    assert (identity.report_kind, identity.project) == ("transfer", "中央、省级转移支付资金")


def test_a_title_naming_a_fund_is_a_transfers_but_not_a_bodys_own_budget():
    assert kind_of("某某县水利局2023年度农田水利发展资金绩效评价表", "一、资金投入情况") == (
        "transfer",
        "农田水利发展资金",
    )
    assert kind_of("某某县教育局2023年度部门预算资金绩效自评报告", "一、部门概况") == ("department", None)


def test_a_project_named_after_the_bodys_name_does_not_start_with_it():
    doc = document_from_lines(
        "某某县水利局",
        "为做好项目绩效管理工作,现将2022年某某县水利局农村饮水安全巩固提升资金项目绩效自评报告如下:",
        "一、绩效目标分解下达情况",
    )
    identity = extract_identity(doc)
    assert identity.institution == "某某县水利局"
    assert identity.project == "农村饮水安全巩固提升资金项目"


def test_a_project_name_cut_by_a_page_break_is_read_whole():
    def row(locator: str, page: int, *cells: str) -> TextBlock:
        return TextBlock(" | ".join(cells), locator, kind="table_row", cells=cells, page=page)

    blocks = (
        TextBlock("项目支出绩效自评表(2023年度)", "page 1 para 1", page=1),
        row("page 1 table 1 row 1", 1, "项目名称", "2023年全县图书馆古籍修复与数字化补", "", ""),
        row("page 2 table 1 row 1", 2, "", "助资金项目", "", ""),
        row("page 2 table 1 row 2", 2, "主管部门", "某某县文化和旅游局", "实施单位", "某某县图书馆"),
    )
    identity = extract_identity(Document("a.pdf", "2" * 64, "pdf", blocks, pages=2))
    assert identity.project == "2023年全县图书馆古籍修复与数字化补助资金项目"


def test_central_subsidy_funds_are_a_transfer_even_in_a_project_title():
    assert kind_of("2021年中央农机购置补贴经费项目支出绩效自评报告", "一、自评结论")[0] == "transfer"


def test_a_project_of_money_passed_down_from_above_is_a_transfer():
    assert kind_of(
        "某某区2023年农机作业补贴项目支出绩效自评报告",
        "一、项目基本情况",
        "2023年上级财政下达我区农机作业补贴资金120万元,已全部发放。",
    ) == ("transfer", "2023年农机作业补贴项目")
    assert kind_of(
        "某某区2023年农机作业补贴项目支出绩效自评报告",
        "一、项目基本情况",
        "2023年区财政安排农机作业补贴资金120万元。",
    ) == ("project", "2023年农机作业补贴项目")


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("某市文化和旅游局关于中央支持地方公共文化服务体系建设补助资金支出绩效的自评报告", "transfer"),
        ("(直达资金)某区新建滨河路工程项目2020年度绩效自评报告", "project"),
        ("某区土门中心小学2021项目资金 绩效自评报告", "project"),
    ],
)
def test_titles_naming_a_fund_spent_or_a_projects_money(title, kind):
    assert kind_of(title, "一、基本情况")[0] == kind


def test_a_year_printed_right_before_the_name_is_the_projects_own_a_years_period_is_not():
    # Projects are named by their year (2021年森林抚育项目); 2021年度 is the period the report covers.
    assert kind_of("某县林业局2021年森林抚育项目支出绩效自评报告", "一、项目概况")[1] == "2021年森林抚育项目"
    assert kind_of("某县林业局2021年度森林抚育项目支出绩效自评报告", "一、项目概况")[1] == "森林抚育项目"


def test_a_title_reporting_on_a_fund_names_it_after_about():
    assert kind_of("某市体育局关于全民健身补助资金支出绩效的自评报告", "一、基本情况") == (
        "transfer",
        "全民健身补助资金",
    )
    assert kind_of("某县教育局关于2022年度学生资助项目绩效自评的报告", "一、项目概况") == (
        "project",
        "学生资助项目",
    )


def test_a_project_name_field_broken_before_the_titles_last_words_ends_at_the_project():
    lines = (
        "某县林业局2023年造林补助资金项目支出绩效自评报告",
        "项目名称: 2023年造林补助资金项目支出",
        "绩效自评报告",
    )
    assert kind_of(*lines) == ("project", "2023年造林补助资金项目")


def test_a_bare_title_with_a_bracketed_project_line_or_a_fund_of_the_body_is_a_project():
    assert kind_of(
        "某某县农业技术推广站2019年度绩效自评报告", "(良种繁育示范推广项目)", "一、项目基本情况"
    ) == (
        "project",
        "良种繁育示范推广项目",
    )
    assert kind_of("某某县畜牧局2020年地方品种资源保护经费的绩效自评报告", "一、项目概况") == (
        "project",
        "2020年地方品种资源保护经费",
    )
    # a subsidy passed down (补助经费) stays a transfer
    assert kind_of("某某县2021年残疾人康复补助经费绩效自评报告", "一、基本情况")[0] == "transfer"


def test_a_goals_self_evaluation_told_in_the_opening_sentence_is_a_project_report():
    lines = (
        "某某县乡村振兴指挥部:",
        "现将2024年某某镇某某社区排水设施配套项目绩效目标自评报告如下:",
        "一、绩效目标分解下达情况",
    )
    assert kind_of(*lines)[0] == "project"


def test_a_sentence_saying_the_evaluation_is_done_is_no_title():
    text = "现已完成某某县2022年衔接资金实施项目绩效目标自评,意见收集人:某某。项目名称 某某水库标尺安装 主管部门 某某县水利局 实施单位 某某县水利局"
    assert kind_of(text, "一、绩效目标") == ("project", "某某水库标尺安装")


def test_a_subsidy_paid_out_evaluated_after_the_event_is_a_project():
    assert kind_of("2023年困难群众取暖补贴事后绩效评价报告", "一、项目概况") == (
        "project",
        "2023年困难群众取暖补贴",
    )


def test_a_title_naming_no_kind_takes_the_kind_of_its_first_heading():
    assert kind_of("某某县水务局2022年度绩效自评报告", "一、项目概况", "(一)项目基本情况")[0] == "project"
    assert kind_of("某某县水务局2022年度绩效自评报告", "一、部门基本情况", "(一)部门职能")[0] == "department"
    lines = ("一、绩效目标分解下达情况", "(一)下达农机购置补贴资金预算和绩效目标情况。")
    assert kind_of(*lines)[0] == "transfer"  # the outline of a transfer's self-evaluation report


def test_a_funds_batch_after_its_name_stays_in_the_name():
    title = "关于某某区转移支付2022年度中央农业防灾减灾资金(第三批)绩效自评报告"
    assert kind_of(title, "一、基本情况") == ("transfer", "中央农业防灾减灾资金(第三批)")


def test_a_fund_named_in_brackets_before_the_word_transfer():
    title = "某某县水利局(中央水利发展资金—小型水库维修养护补助)转移支付2023年度绩效自评报告"
    assert kind_of(title, "一、绩效目标分解下达情况") == ("transfer", "中央水利发展资金—小型水库维修养护补助")
    # a body's own bracket (站) names no fund
    assert kind_of("某某县文化馆(站)转移支付2023年度绩效自评报告") == ("transfer", None)


def test_a_report_without_a_title_is_named_by_what_its_opening_sentence_evaluates():
    lines = (
        "根据绩效管理相关文件要求,对2023年学生营养改善补助经费项目实施情况开展了自评,现将自评情况报告如下:",
        "一、基本情况",
        "(一)转移支付概况。",
    )
    assert kind_of(*lines) == ("transfer", "2023年学生营养改善补助经费")
    # a department's opening names no project
    department = (
        "根据要求,对本单位2023年度部门整体支出开展了绩效自评,现将自评情况报告如下:",
        "一、部门基本情况",
    )
    assert kind_of(*department) == ("department", None)


def test_the_kinds_words_before_a_funds_name_are_not_the_name():
    title = "某某区2024年度转移支付财政衔接推进乡村振兴补助资金绩效评价自评报告"
    assert kind_of(title, "区财政局:") == ("transfer", "财政衔接推进乡村振兴补助资金")


def test_a_special_funds_name_field_and_a_title_printed_in_the_name_cell():
    lines = (
        "XX补助资金区域绩效目标自评表",
        "专项名称",
        "食品安全监管补助资金",
        "中央主管部门",
        "市场监管总局",
    )
    assert kind_of(*lines) == ("transfer", "食品安全监管补助资金")
    form = (
        "项目支出绩效自评表",
        "项目名称 | 2020年某某执法补助经费支出绩效自评表 |",
        "主管部门 | 某某局 | 实施单位 | 某某分局 |",
    )
    assert kind_of(*form) == ("project", "2020年某某执法补助经费")


def test_a_title_without_a_year_names_its_project():
    """XX乡XX站提升改造项目绩效自评报告: the title is the project's name; a body's 专项资金 names none."""
    kind, project = kind_of(
        "银川市兴庆区月牙湖乡滨河家园垃圾转运站提升改造项目绩效自评报告", "一、项目基本情况"
    )
    assert (kind, project) == ("project", "银川市兴庆区月牙湖乡滨河家园垃圾转运站提升改造项目")
    school = extract_identity(document_from_lines("耒阳市第四中学专项资金绩效自评价报告", "一、基本情况"))
    assert (school.institution, school.project) == ("耒阳市第四中学", None)


def test_a_report_without_a_title_whose_money_part_opens_with_the_project_funds_received_is_a_projects():
    doc = document_from_lines(
        "一、绩效自评工作开展情况",
        "根据区财政局通知要求,我中心开展了重点项目绩效评价工作。",
        "二、绩效目标自评完成情况分析",
        "1.项目资金到位情况分析。",
        "区级财政年初预算安排80万元专项资金,已及时拨付资金30.5万元。",
    )
    kind = extract_identity(doc).report_kind
    assert kind == "project"
    spent = [
        f.value
        for f in extract_content(doc, report_kind=kind).facts
        if f.indicator_code == "expenditure_total"
    ]
    assert spent == [305000.0]  # 拨付资金 is spending in a project's report


def test_a_report_without_a_title_says_in_its_opening_what_it_evaluated():
    text = (
        "根据《某旗财政局关于开展2023年度绩效自评工作的通知》文件要求,某某苏木人民政府开展并完成了本部门涉及"
        "2023年度中央对地方转移支付预算执行情况绩效自评工作,结果综述如下:\n项目一:某某项目,全年预算数10万元。"
    )
    assert detect_kind(text)[0] == "transfer"
    # The notice quoted names no kind; an opening that names none leaves the report a department's.
    plain = "根据《某县财政局关于开展转移支付绩效自评工作的通知》要求,我局开展了绩效自评工作。\n一、基本情况"
    assert detect_kind(plain)[0] == "department"


def test_a_report_on_the_whole_body_and_its_projects_is_a_departments():
    text = "某某市水源调度中心2022年整体和项目支出绩效自评总结报告\n一、绩效管理工作开展情况"
    assert detect_kind(text) == ("department", None)


def test_a_pages_classification_field_is_no_title():
    lines = ("号: /202001-00012 信息分类: 项目绩效评价", "内容分类: 城乡建设 发文日期: 2022-09-05",
             "某某区生态环境分局2021年度部门绩效自评情况总结")  # fmt: skip
    assert kind_of(*lines, "一、部门基本情况") == ("department", None)


def test_a_project_named_in_quotes_or_by_a_transfer_reports_first_heading():
    assert kind_of("某市某办公室2017年度“国内联络工作”项目绩效评价报告", "一、基本情况") == (
        "project",
        "国内联络工作",
    )
    assert (
        kind_of("某市林业局关于“三三制”补助经费使用情况", "一、基本情况")[1] != "三三制"
    )  # a term inside a name
    transfer = (
        "某省某厅2021年度中央对地方转移支付预算执行",
        "绩效自评报告",
        "一、中央某某救灾资金",
        "(一)基本情况",
    )
    assert kind_of(*transfer) == ("transfer", "中央某某救灾资金")


def test_a_transfer_reports_fund_named_by_the_notice_that_passed_it_down():
    lines = (
        "某县2022年度中央对地方转移支付预算执行情况绩效自评报告",
        "根据《财政部关于下达2022年城市某某补助资金预算的通知》(财建〔2022〕1号),中央财政下达我县资金。",
    )
    assert kind_of(*lines) == ("transfer", "城市某某补助资金")


def test_a_report_that_opens_on_the_passing_down_of_a_fund_is_a_transfers():
    lines = (
        "一、中央专项彩票公益金下达情况",
        "2024年省财政下达我区中央专项彩票公益金支持社会公益项目资金440万元。",
    )
    assert kind_of(*lines)[0] == "transfer"
    assert kind_of("一、部门基本情况", "2024年部门整体支出440万元。")[0] == "department"


@pytest.mark.parametrize(
    ("lines", "kind", "name"),
    [
        # what the fund is for, in brackets after its name, is part of the name
        (
            ("某市交通局关于2023年度省级交通专项资金(乡村道路养护)绩效自评报告", "一、基本情况"),
            "transfer",
            "省级交通专项资金(乡村道路养护)",
        ),
        # a year glued to the name without 年 is no part of it
        (("2021图书资料购置经费项目绩效自评报告", "一、基本情况"), "project", "图书资料购置经费项目"),
        # an opening that evaluates a kind of project only (对一级项目进行自评) does not hide the title's name
        (
            ("文化馆展览布置经费项目绩效自评报告", "根据有关要求,我馆对一级项目进行自评,现将情况报告如下。"),
            "project",
            "文化馆展览布置经费项目",
        ),
    ],
)
def test_a_titles_project_name_with_its_purpose_a_glued_year_or_an_opening_naming_no_project(
    lines, kind, name
):
    assert kind_of(*lines) == (kind, name)
