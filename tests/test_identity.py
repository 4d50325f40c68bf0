"""Institution, fiscal year and region from report texts written for the tests."""

import pytest

from pipelines.extract.identity import extract_identity
from pipelines.extract.text import without_unpaired_brackets
from tests.builders import document_from_lines, table_document


def test_title_with_name_then_year():
    doc = document_from_lines(
        "宁乡市图书馆2022年度部门整体支出绩效自评报告", "一、部门概况", "2021年新馆开放。"
    )
    identity = extract_identity(doc)
    assert (identity.institution, identity.fiscal_year) == ("宁乡市图书馆", 2022)
    assert (identity.institution_source, identity.year_source) == ("title", "title")
    region = identity.region
    assert (region.province, region.city, region.county) == ("湖南省", "长沙市", "宁乡市")
    assert (region.province_code, region.city_code) == ("430000", "430100")


def test_year_first_title_and_province_level_institution():
    doc = document_from_lines("2023年度湖南省图书馆整体支出绩效自评报告", "我馆是省级公共图书馆。")
    identity = extract_identity(doc)
    assert identity.institution == "湖南省图书馆"
    assert identity.fiscal_year == 2023
    assert (identity.region.province, identity.region.city, identity.region.county) == ("湖南省", None, None)


def test_name_on_its_own_line_and_year_without_nian():
    doc = document_from_lines("2022部门整体支出绩效报告", "景东彝族自治县文化馆", "一、部门概况")
    identity = extract_identity(doc)
    assert identity.institution == "景东彝族自治县文化馆"
    assert identity.fiscal_year == 2022
    assert identity.region.city == "普洱市"


def test_a_banner_line_printed_as_a_list_item_names_the_body_whole():
    doc = document_from_lines(
        "- 中国共产党某某县委员会政法委员会", "-", "发布机构某某县人民政府",
        "县委政法委2023年度部门整体支出绩效自评报告", "一、部门概况",
    )  # fmt: skip
    identity = extract_identity(doc)
    assert identity.institution == "中国共产党某某县委员会政法委员会"  # not 某某县委员会, found in the text
    assert identity.institution_source == "line"


def test_a_form_that_states_no_year_is_of_the_year_before_its_spring_fill_date():
    spring = extract_identity(
        document_from_lines("单位名称:某某镇人民政府 填报日期:2021.5.18", "基本支出总额 | 864.2万 |")
    )
    assert (spring.fiscal_year, spring.year_source) == (2020, "fill_date")
    summer = extract_identity(
        document_from_lines("单位名称:某某镇人民政府 填报日期:2021.8.18", "基本支出总额 | 864.2万 |")
    )
    assert summer.fiscal_year is None  # filled later in the year: of that year, or of any year before


def test_labelled_field():
    doc = document_from_lines("项目支出绩效自评表", "（2021年度）", "项目实施单位：芦溪县博物馆 联系人：某某")
    identity = extract_identity(doc)
    assert identity.institution == "芦溪县博物馆"
    assert identity.institution_source == "field"
    assert identity.fiscal_year == 2021


@pytest.mark.parametrize(
    ("lines", "institution", "county"),
    [
        (
            (
                "部门整体支出绩效自评报告",
                "（2021年度）",
                "我馆主要职能是提供借阅服务，有计划地开展县区图书馆业务辅导。",
                "促进湘潭市图书馆事业更好发展。",
            ),
            "湘潭市图书馆",
            None,
        ),
        (  # 和县 is a county, but here 和 joins 县委 to what came before; the body opens its paragraph
            (
                "2021年度部門整體支出績效自評報告",
                "根據上級文件精神和縣委、縣政府有關要求,現將我單位績效自評情況報告如下:",
                "一、部門基本情況",
                "茶陵縣供銷合作社聯合社成立於1952年,共有編製12人。",
            ),
            "茶陵县供销合作社联合社",
            "茶陵县",
        ),
        (  # a county named by one character and 县
            ("2022年度部门整体支出绩效自评报告", "一、部门基本情况", "攸县图书馆成立于1956年,编制8人。"),
            "攸县图书馆",
            "攸县",
        ),
    ],
)
def test_name_only_in_the_body_is_found_by_its_place(lines, institution, county):
    identity = extract_identity(document_from_lines(*lines))
    assert (identity.institution, identity.institution_source) == (institution, "text")
    assert (identity.region.province, identity.region.county) == ("湖南省", county)


def test_path_is_the_last_resort():
    doc = document_from_lines(
        "部门整体支出绩效自评报告", "我馆全年运行平稳。", source_file="湖南/衡阳县图书馆/2022.txt"
    )
    identity = extract_identity(doc)
    assert (identity.institution, identity.institution_source) == ("衡阳县图书馆", "path")
    assert (identity.fiscal_year, identity.year_source) == (2022, "path")


def test_no_identity_at_all():
    identity = extract_identity(
        document_from_lines("会议通知", "请各位准时参加。", source_file="a/notes.txt")
    )
    assert (identity.institution, identity.institution_source) == ("notes", "file_name")  # recorded as such
    assert identity.fiscal_year is None


def test_year_written_in_chinese_numerals():
    doc = document_from_lines("浏阳市文化馆二〇二三年度部门整体支出绩效自评报告", "2024年3月完成自评。")
    identity = extract_identity(doc)
    assert (identity.fiscal_year, identity.year_source) == (2023, "title")


def test_a_forms_year_caption_wins_over_a_funds_year_in_the_title():
    doc = document_from_lines(
        "某某县林业局2023年造林补助资金项目支出绩效自评报告", "(2024年度)", "一、基本情况"
    )
    assert extract_identity(doc).fiscal_year == 2024
    same = document_from_lines("某某县林业局2023年度项目支出绩效自评表", "（2023年度）")
    assert extract_identity(same).fiscal_year == 2023


def test_a_form_title_starting_with_its_year_after_a_pages_metadata_lines():
    metadata = (
        "- 索引号",
        "- 01234567-8/20230529-00001",
        "- 发文机构",
        "- 某某区农业农村局",
        "- 日期",
        "- 2023-05-29",
    )
    doc = document_from_lines(
        "某某区2021年中央耕地保护补助资金绩效自评", *metadata, *metadata,
        "2022年度项目支出绩效自评表", "单位名称:某某区农业技术推广站",
    )  # fmt: skip
    assert extract_identity(doc).fiscal_year == 2022
    # A year in the middle of a line is no form title: the title's year stands.
    other = document_from_lines("某某区2021年中央耕地保护补助资金绩效自评", "对照2022年度项目支出绩效自评表")
    assert extract_identity(other).fiscal_year == 2021


# Form headers as they reach us: the same fields flattened in different ways. Names and places are
# made up for the tests (real division names, invented bodies).


def test_form_on_one_line_with_single_spaces_takes_the_implementing_unit_without_its_budget_code():
    doc = document_from_lines(
        "附件2 项目支出绩效自评表 （2021年度） 项目名称 乡村道路养护补助 主管部门 103-隆回县交通运输局 "
        "实施单位 103001-隆回县农村公路养护中心 项目资金（万元） 年初预算数 全年预算数 全年执行数"
    )
    identity = extract_identity(doc)
    assert (identity.institution, identity.institution_source) == ("隆回县农村公路养护中心", "field")
    assert (identity.region.city, identity.region.county) == ("邵阳市", "隆回县")
    assert identity.fiscal_year == 2021


def test_pipe_rows_with_empty_cells_and_a_stamp_note():
    doc = document_from_lines(
        "项目支出绩效自评表 | | | |",
        "（2022年度） | | |",
        "项目名称 | | 农田水利设施维修 | | |",
        "主管部门 | 洞口县水利局 | | 实施单位（盖章） | 洞口县水利工程管理站 | |",
        "项目资金（万元） | 年初预算数 | 全年预算数",
    )
    assert extract_identity(doc).institution == "洞口县水利工程管理站"


def test_a_company_carrying_out_a_project_is_not_the_reporting_body():
    lines = (
        "项目名称 | 野生菌加工车间建设项目 |",
        "主管部门 | 南华县农业农村局 | 实施单位 | 南华县国有资本管理有限公司 |",
    )
    assert extract_identity(document_from_lines(*lines)).institution == "南华县农业农村局"


def test_a_central_schools_title_names_it_over_the_pages_banner_line():
    chrome = (
        "- 开远市教育体育局",
        "-",
        "索引号kysjytyj/2025-00152",
        "-",
        "发布机构开远市教育体育局",
        "-",
        "文号",
        "-",
    )
    doc = document_from_lines(
        *chrome, "发布日期2025-06-25", "-", "时效性有效",
        "开远市乐白道中心校2024年度部门整体和项目支出绩效自评报告", "一、部门基本情况",
    )  # fmt: skip
    assert extract_identity(doc).institution == "开远市乐白道中心校"


def test_an_implementing_section_without_a_place_reports_as_the_body_it_belongs_to():
    lines = ("某某市公安局禁毒项目绩效支出自评表", "项目名称 禁毒经费", "主管部门 {} 实施单位 {}")
    doc = document_from_lines(*lines[:2], lines[2].format("宣城市公安局", "禁毒支队"))
    assert extract_identity(doc).institution == "宣城市公安局"
    # A section named with its place is a body of its own.
    placed = document_from_lines(*lines[:2], lines[2].format("宣城市公安局", "宣城市公安局交通警察支队"))
    assert extract_identity(placed).institution == "宣城市公安局交通警察支队"


def test_word_table_cells_are_read_like_pipe_rows():
    doc = table_document(
        ["部门整体支出绩效自评表", "", ""],
        ["单位名称", "新宁县城市管理综合执法大队", ""],
        ["预算资金（万元）", "年初预算数", "全年执行数"],
    )
    assert extract_identity(doc).institution == "新宁县城市管理综合执法大队"


def test_one_cell_per_line_with_blank_lines_between_label_and_value():
    doc = document_from_lines(
        "部门整体支出绩效自评表",
        "（2020年度）",
        "单位名称",
        "",
        "新化县第一中学",
        "",
        "主管部门",
        "",
        "新化县教育局",
    )
    identity = extract_identity(doc)
    assert identity.institution == "新化县第一中学"
    assert (identity.region.city, identity.region.county) == ("娄底市", "新化县")


def test_glued_cells_end_the_name_at_the_next_label_not_at_its_first_ending():
    doc = document_from_lines(
        "1、项目支出绩效自评表(2021年度)项目名称惠民演出经费主管部门隆回县花鼓戏剧团实施单位"
        "隆回县文化旅游广电体育局机关项目资金(万元)年初预算数全年预算数"
    )
    assert extract_identity(doc).institution == "隆回县文化旅游广电体育局机关"


def test_ocr_garbled_implementing_unit_label_with_cells_out_of_order():
    doc = document_from_lines(
        "1、项目支出绩效自评表(2021年)项目名称校舍维修经费主管部门邵东市教育局实施早位自评得分95"
        "财政审核评分邵东市第三中学项目资金(万元)年初预算数"
    )
    identity = extract_identity(doc)
    assert identity.institution == "邵东市第三中学"
    assert (identity.region.city, identity.region.county) == ("邵阳市", "邵东市")


def test_label_glued_to_the_name_is_not_part_of_it():
    doc = document_from_lines(
        "城步苗族自治县部门整体支出绩效评价自评报告", "（2019年度）", "部门（单位）名称城步苗族自治县审计局"
    )
    identity = extract_identity(doc)
    assert identity.institution == "城步苗族自治县审计局"
    assert identity.region.county == "城步苗族自治县"


def test_spaced_out_label_and_value_after_many_spaces():
    doc = document_from_lines(
        "部门整体支出绩效评价自评报告", "单 位 名 称 ：    武冈市档案馆       ", "评价方式：自评"
    )
    assert extract_identity(doc).institution == "武冈市档案馆"


def test_transfer_form_takes_the_local_department_not_the_provincial_one_or_a_company_using_the_fund():
    doc = document_from_lines(
        "中央对地方转移支付区域绩效自评表",
        "（2022年度）",
        "转移支付（项目）名称 农业生产发展资金",
        "省级主管部门 湖南省农业农村厅",
        "地方主管部门 中共武冈市委农村工作领导小组办公室 资金使用单位 武冈市某某农业开发有限公司",
    )
    identity = extract_identity(doc)
    assert identity.institution == "中共武冈市委农村工作领导小组办公室"
    assert (identity.region.city, identity.region.county) == ("邵阳市", "武冈市")


def test_a_public_body_using_the_fund_reports_it_before_the_local_department():
    doc = document_from_lines(
        "转移支付区域(项目)绩效目标自评表 | |||", "(2023年度) | |||",
        "中央主管部门 | 国家文物局 | ||", "地方主管部门 | 武冈市文化旅游广电体育局 | 资金使用单位 | 武冈市博物馆 | ||",
    )  # fmt: skip
    assert extract_identity(doc).institution == "武冈市博物馆"


def test_a_web_page_breadcrumb_names_the_department_not_the_portal_above_it():
    doc = document_from_lines(
        "某某县人民政府", "首页 >> 部门信息公开 >> 某某县水务局 >> 正文",
        "2022年农村饮水安全巩固提升工程绩效自评报告", "一、绩效目标分解下达情况",
    )  # fmt: skip
    assert extract_identity(doc).institution == "某某县水务局"


def test_a_breadcrumbs_folder_year_is_not_the_reports_year():
    doc = document_from_lines(
        "首页 > 专题专栏 > 财政预决算公开 > 2019年及以后年度部门预决算 > 某某纪念馆",
        "某某纪念馆2022年部门整体支出绩效自评报告", "一、部门概况",
    )  # fmt: skip
    identity = extract_identity(doc)
    assert (identity.fiscal_year, identity.year_source) == (2022, "title")


def test_a_title_names_a_division_of_a_bureau():
    doc = document_from_lines(
        "竞训处财政支出项目绩效评价自评报告", "一、部门预决算情况", "2017年训练经费合计300万元。"
    )
    assert extract_identity(doc).institution == "竞训处"


def test_a_body_named_by_its_level_word_takes_the_place_the_text_names():
    """我院 …; 市中级人民法院主要职责: the city comes from the one city the text names (its finance
    bureau's notice); a second city leaves it unnamed."""
    lines = (
        "根据《张家界市财政局关于开展2016年度市级财政资金绩效自评工作的通知》文件精神,现将我院整体支出绩效自评结果报告如下:",
        "一、单位概况",
        "市中级人民法院主要职责:依法独立行使审判权。本年实有人数106人。",
    )
    assert extract_identity(document_from_lines(*lines)).institution == "张家界市中级人民法院"
    other = (*lines, "根据湘潭市财政局通知。")
    assert extract_identity(document_from_lines(*other)).institution != "张家界市中级人民法院"


def test_a_web_pages_publisher_names_the_body_when_the_report_does_not():
    """发布机构 区文广旅体局 over a report that names no body: the publisher, completed with the district
    the text is about; a finance bureau publishing the report is no reporting body."""
    lines = (
        "发布机构 区文广旅体局 发文日期 2023-01-10",
        "2022年区本级体彩公益金绩效使用自评报告",
        "2022年,财政下拨体育馆运行经费为190万元,做好宁波市奉化区体育馆疫苗接种点的保障工作。",
    )
    identity = extract_identity(document_from_lines(*lines))
    assert (identity.institution, identity.institution_source) == ("奉化区文广旅体局", "publisher")
    by_finance = ("来源:奉化区财政局 发布时间:2023-01-10", *lines[1:])
    assert extract_identity(document_from_lines(*by_finance)).institution_source != "publisher"


def test_a_list_items_number_is_no_part_of_the_body_it_names():
    doc = document_from_lines(
        "一、绩效目标分解下达情况",
        "(一)金寨县麻埠镇人民政府2023年度下达上级资金转移支付755.19万元。",
    )
    assert extract_identity(doc).institution == "金寨县麻埠镇人民政府"


def test_a_bare_publisher_is_no_body_and_a_bureau_is_no_place():
    """发布单位:林业局 over a text whose notices come from 雅安市财政局 雅安市林业局: a bare name is not
    taken (whose 林业局?), and a title's 林业局 completed from the text is 雅安市林业局, not the finance
    bureau's name run into it."""
    notice = "根据《雅安市财政局 雅安市林业局关于下达2022年林业改革发展资金的通知》,下达资金100万元。"
    bare = extract_identity(document_from_lines("发布单位:林业局 发布时间: 2023-06-12", notice))
    assert bare.institution_source != "publisher"
    titled = extract_identity(document_from_lines("林业局2022年度林业改革发展资金绩效自评报告", notice))
    assert titled.institution == "雅安市林业局"


def test_fund_user_when_the_form_names_no_local_department():
    doc = document_from_lines(
        "转移支付区域绩效自评表", "资金使用单位 | 绥宁县农业技术推广中心 |", "资金投入情况（万元）"
    )
    assert extract_identity(doc).institution == "绥宁县农业技术推广中心"


def test_city_level_unit_under_a_city_department_has_no_county():
    doc = document_from_lines(
        "项目支出绩效自评表", "（2021年度）", "主管部门 | 邵阳市教育局 | 实施单位 | 邵阳市第二中学 |"
    )
    region = extract_identity(doc).region
    assert (region.province, region.city, region.county) == ("湖南省", "邵阳市", None)


def test_unit_name_without_a_place_takes_the_region_of_its_supervising_department():
    doc = document_from_lines("项目支出绩效自评表", "主管部门 | 银川市教育局 | 实施单位 | 第六中学 |")
    identity = extract_identity(doc)
    assert identity.institution == "第六中学"
    assert (identity.region.province, identity.region.city, identity.region.county) == (
        "宁夏回族自治区",
        "银川市",
        None,
    )
    assert "supervising department" in identity.region.note


def test_a_community_is_no_body_named_by_its_first_character():
    doc = document_from_lines("2023年度项目绩效自评报告", "对茶陵县某某镇某某社区排水设施项目开展自评。")
    assert not (extract_identity(doc).institution or "").endswith("社")  # 社区, not a 社


def test_a_body_whose_name_holds_the_word_society_is_named_whole():
    doc = document_from_lines(
        "一、部门概况",
        "2023年度茶陵县社会养老保险服务中心内设6个部门。",
        "2023年度部门整体支出228万元。",
    )
    assert extract_identity(doc).institution == "茶陵县社会养老保险服务中心"  # 社会, not a 社


def test_a_web_pages_metadata_lines_with_their_values_are_not_names():
    doc = document_from_lines(
        "-", "索引号000012345/2018-00001", "-", "发布机构茶陵县人民政府", "-", "文号", "-",
        "发布日期2017-09-27", "-", "时效性有效", "茶陵县档案局2016年整体支出绩效自评报告", "一、部门基本情况",
    )  # fmt: skip
    identity = extract_identity(doc)
    assert (identity.institution, identity.institution_source) == ("茶陵县档案局", "title")


def test_title_in_traditional_characters():
    doc = document_from_lines(
        "臨澧縣圖書館2021年度部門整體支出績效自評報告", "一、部門基本情況", "本館編制8人。"
    )
    identity = extract_identity(doc)
    assert identity.institution == "临澧县图书馆"
    assert (identity.region.city, identity.region.county) == ("常德市", "临澧县")


def test_simplified_text_with_one_traditional_looking_place_name_is_not_converted():
    doc = document_from_lines("乾县图书馆2021年度部门整体支出绩效自评报告", "一、部门基本情况")
    identity = extract_identity(doc)
    assert identity.institution == "乾县图书馆"
    assert identity.region.province == "陕西省"


def test_title_with_guanyu_between_name_and_year():
    doc = document_from_lines("洞口县疾病预防控制中心关于2021年度部门整体支出绩效自评的报告", "一、基本情况")
    assert extract_identity(doc).institution == "洞口县疾病预防控制中心"


def test_the_finance_bureau_whose_notice_is_cited_is_not_the_reporting_body():
    doc = document_from_lines(
        "部门整体支出绩效自评报告",
        "根据《绥宁县财政局关于开展2021年度部门整体支出绩效自评工作的通知》要求，绥宁县财政局统一部署，"
        "现将绥宁县档案馆自评情况报告如下。",
        "绥宁县档案馆是公益一类事业单位，预算由绥宁县财政局下达。",
    )
    identity = extract_identity(doc)
    assert (identity.institution, identity.institution_source) == ("绥宁县档案馆", "text")


def test_a_county_body_the_city_passed_money_to_is_not_the_body_that_says_our_city():
    lines = (
        "一、基本情况",
        "2021年,省财政下达我市宣汉县文化馆锣鼓保护补助40万元,下达我市渠县传承人补助2万元。",
        "我市及时将资金拨付到位。",
    )
    assert extract_identity(document_from_lines(*lines)).institution_source != "text"
    # A county's own report names its county's body as itself.
    own = ("一、基本情况", "宣汉县文化馆是公益一类事业单位。", "2021年省财政下达我县补助40万元。")
    assert extract_identity(document_from_lines(*own)).institution == "宣汉县文化馆"


def test_a_finance_bureau_line_is_not_taken_for_the_reporting_body():
    doc = document_from_lines(
        "部门整体支出绩效自评报告", "新宁县财政局", "一、基本情况", "新宁县档案馆全年运行平稳。"
    )
    assert extract_identity(doc).institution == "新宁县档案馆"


def test_a_label_inside_a_sentence_is_not_a_field():
    doc = document_from_lines(
        "2021年度项目支出绩效自评报告",
        "本项目由项目实施单位洞口县文化馆组织演出。",
        "洞口县图书馆负责场地，洞口县图书馆提供设备，洞口县图书馆组织观众。",
    )
    identity = extract_identity(doc)
    assert identity.institution_source == "text"  # the sentence's 实施单位 was not read as a field


def test_region_from_the_text_when_no_institution_is_named():
    doc = document_from_lines(
        "部门整体支出绩效自评报告", "（2021年度）", "邵阳市大祥区各项工作有序推进，邵阳市大祥区经济平稳。"
    )
    identity = extract_identity(doc)
    assert identity.institution_source == "file_name"
    assert (identity.region.province, identity.region.county, identity.region.source) == (
        "湖南省",
        "大祥区",
        "text",
    )


def test_region_from_the_folders_when_neither_name_nor_text_has_a_place():
    doc = document_from_lines(
        "部门整体支出绩效自评报告", "我局全年运行平稳。", source_file="湖南省/邵阳市/邵阳县/2021年报告.txt"
    )
    region = extract_identity(doc).region
    assert (region.province, region.city, region.county, region.source) == (
        "湖南省",
        "邵阳市",
        "邵阳县",
        "path",
    )


def test_a_title_naming_the_supervising_department_gives_way_to_the_implementing_unit():
    doc = document_from_lines(
        "新化县教育局2021年度项目支出绩效自评表",
        "项目名称 | 校舍维修 |",
        "主管部门 | 新化县教育局 | 实施单位 | 新化县第三中学 |",
    )
    assert extract_identity(doc).institution == "新化县第三中学"


def test_an_implementing_unit_that_abbreviates_the_title_name_is_the_same_body():
    doc = document_from_lines(
        "洞口县文化旅游广电体育局2021年公共文化服务专项资金使用情况",
        "项目支出绩效自评表",
        "项目名称",
        "公共文化服务经费",
        "主管部门",
        "洞口县文化旅游广电体育局",
        "实施单位",
        "洞口县文旅广体局",
    )
    assert extract_identity(doc).institution == "洞口县文化旅游广电体育局"


def test_bare_department_and_unit_cells_are_labels_only_where_a_cell_ends():
    assert extract_identity(
        document_from_lines("部门整体支出绩效自评表", "部门（单位） | 绥宁县融媒体中心 | |")
    ).institution == ("绥宁县融媒体中心")
    assert extract_identity(
        document_from_lines("部门整体支出绩效自评表", "单位", "", "新宁县林业局", "", "预算资金（万元）")
    ).institution == ("新宁县林业局")


def test_path_names_the_body_with_an_ending_only_a_whole_name_has():
    doc = document_from_lines(
        "部门整体支出绩效自评报告",
        "全年运行平稳。",
        source_file="湖南省/邵阳市/新邵县陈家坊镇人民政府/2021年部门整体支出绩效自评报告.txt",
    )
    identity = extract_identity(doc)
    assert (identity.institution, identity.institution_source) == ("新邵县陈家坊镇人民政府", "path")
    doc = document_from_lines(
        "部门整体支出绩效自评报告", source_file="reports/新宁县林业局部门整体支出自评.docx"
    )
    assert extract_identity(doc).institution == "新宁县林业局"


def test_other_one_character_misreadings_of_the_implementing_unit_label():
    for label in ("实旅单位", "实施单立", "実施单位"):
        doc = document_from_lines(
            f"1、项目支出绩效自评表(2021年)项目名称校舍维修经费主管部门邵东市教育局{label}邵东市第三中学项目资金(万元)"
        )
        assert extract_identity(doc).institution == "邵东市第三中学", label


def test_two_names_glued_in_one_value_are_cut_where_the_second_place_name_starts():
    from pipelines.extract.identity import field_name

    assert field_name("邵东市教育局邵东市第三中学") == "邵东市教育局"
    assert field_name("邵东市公安局交通警察大队联系人") == "邵东市公安局交通警察大队"
    assert field_name("洞口县文化馆 张三") == "洞口县文化馆"
    assert field_name("新洲区 文化和旅游局") == "新洲区文化和旅游局"
    assert field_name("南充市林业") == "南充市林业"  # cut by OCR, still the unit's name
    assert field_name("新洲区") is None  # a place, not a body
    assert field_name("本单位") is None


def test_a_name_without_its_place_is_completed_from_the_header():
    """The title names 水利局; the page's publisher line prints it whole with its district."""
    doc = document_from_lines(
        "发布机构: 雨湖区水利局 发文日期: 2023-04-02", "2022年水利局部门整体支出绩效自评表", "一、基本情况"
    )
    assert extract_identity(doc).institution == "雨湖区水利局"
    # a supervisor's label and name before the name are no place: the name stays as printed
    fielded = document_from_lines(
        "转移支付区域绩效自评表", "省级主管部门 中共湖南省委宣传部",
        "地方主管部门 中共湘潭市雨湖区委宣传部 资金使用单位 中共湘潭市雨湖区委宣传部", "（2023年度）",
    )  # fmt: skip
    assert extract_identity(fielded).institution == "中共湘潭市雨湖区委宣传部"


def test_short_names_of_federations_and_a_website_banner():
    assert extract_identity(
        document_from_lines("雨湖区残联2023年度部门整体支出绩效自评报告")
    ).institution == ("雨湖区残联")
    banner = document_from_lines(
        "欢迎来到雨湖区政协网站!", "部门整体支出绩效评价报告", "2022年部门决算收入100万元。"
    )
    assert extract_identity(banner).institution == "雨湖区政协"


def test_traditional_title_with_pinyin_glosses():
    doc = document_from_lines("湘潭市雨湖區(qū)圖書館2023年度整體支出績效自評報告", "一、基本情況")
    assert extract_identity(doc).institution == "湘潭市雨湖区图书馆"


def test_a_body_in_a_county_renamed_since_is_not_cut_to_a_shorter_place_inside_its_name():
    """崇礼县 (a 区 since 2016) holds 礼县, another province's county: the body stays 崇礼县's."""
    doc = document_from_lines(
        "2014年度部门整体支出绩效自评报告", "一、项目基本情况。崇礼县第二小学下设两个校区,现有教职工60人。"
    )
    identity = extract_identity(doc)
    assert identity.institution == "崇礼县第二小学"
    assert (identity.region.province, identity.region.county) == ("河北省", "崇礼县")


def test_a_forms_evaluation_year_field_gives_the_fiscal_year():
    doc = document_from_lines(
        "项目支出绩效自评报告", "项目名称:某县水库除险加固工程", "评價年度:2022", "填报日期:2023年4月25日"
    )
    identity = extract_identity(doc)
    assert (identity.fiscal_year, identity.year_source) == (2022, "field")


@pytest.mark.parametrize(
    ("lines", "institution"),
    [
        (  # a body's report about a fund
            ["某市文化和旅游局关于中央支持地方公共文化服务体系建设补助资金支出绩效的自评报告",
             "根据《某市财政局转发财政部关于开展2022年度绩效自评工作的通知》要求,现将自评情况报告如下:"],
            "某市文化和旅游局",
        ),
        (  # a party school on its own line, its other name in brackets
            ["中共某某市委党校(某某市行政学院)", "2021年度部门整体支出绩效自评报告", "一、部门基本情况"],
            "中共某某市委党校(某某市行政学院)",
        ),
        (  # a township's report titled by the place alone: its government, named whole in the text
            ["附件3", "某某乡部门整体支出绩效自评报告", "(2022年度)",
             "某某乡人民政府主要职能职责:贯彻执行党和国家的路线、方针、政策。"],
            "某某乡人民政府",
        ),
        (["某某镇2022年度项目支出绩效自评报告", "项目年度目标:完成补贴的发放。"], "某某镇"),
        (  # 自治区XX厅 completed with the one autonomous region the text names
            ["项目名称:自治区大气污染防治资金", "主管部门(公章):自治区生态环境厅", "委托单位:宁夏回族自治区财政厅",
             "评价年度:2023"],
            "宁夏回族自治区生态环境厅",
        ),
        (  # a title's short place name gives way to a field naming the same body in full (not a section)
            ["某甸县林业和草原局2023年造林补助资金项目支出绩效自评报告", "部门名称(公章):某甸回族彝族自治县林业和草原局",
             "项目单位:某甸回族彝族自治县林业和草原局资源管理科"],
            "某甸回族彝族自治县林业和草原局",
        ),
    ],
)  # fmt: skip
def test_bodies_named_by_a_report_about_a_fund_a_line_of_their_own_a_township_a_region_or_a_field(
    lines, institution
):
    assert extract_identity(document_from_lines(*lines)).institution == institution


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("XX县文化馆)", "XX县文化馆"),  # a name cut from inside a bracket
        ("(XX县文化馆", "XX县文化馆"),
        ("XX县文化馆(", "XX县文化馆"),
        (")XX县文化馆", "XX县文化馆"),
        ("中共XX省委党校(XX行政学院)", "中共XX省委党校(XX行政学院)"),  # its other name stays
        ("(2023年)XX项目", "(2023年)XX项目"),
    ],
)
def test_brackets_without_a_partner_leave_a_name(value, kept):
    assert without_unpaired_brackets(value) == kept


def test_a_label_printed_twice_names_the_body_in_full_once():
    lines = (
        "单位名称:某某县长岭镇政府 填报日期:2022.3.10",
        "单位名称 | 某某县长岭镇人民政府 |",
        "部门整体支出总额 | 864.2 | 100% | 20 |",
    )
    assert extract_identity(document_from_lines(*lines)).institution == "某某县长岭镇人民政府"
    # two different bodies under the same label: the first stands
    other = ("单位名称:某某县长岭镇政府", "单位名称 | 某某县林业局 |")
    assert extract_identity(document_from_lines(*other)).institution == "某某县长岭镇政府"


def test_a_saved_pages_title_field_names_the_body_below_its_banner():
    lines = (
        "长者模式", "无障碍浏览", "某某市某某区人民政府 www.example.gov.cn", "政府信息公开", "政府信息公开指南",
        "政府信息公开制度", "法定主动公开内容",
        "发布机构: 某某市某某区人民政府办公室 发布日期: 2021-08-27",
        "名 称: 某某市某某区长岭镇人民政府2020年度部门整体支出绩效评价报告",
        "文号: 关键字: 人民政府,年度,整体",
        "某某市某某区长岭镇人民政府2020年度部门整体支出绩效评价报告",
        "一、部门概况", "某某区人民政府办公室转发。",
    )  # fmt: skip
    assert extract_identity(document_from_lines(*lines)).institution == "某某市某某区长岭镇人民政府"


def test_a_report_without_a_title_is_the_body_it_introduces():
    lines = (
        "一、部门概况",
        "长岭动物疫病预防控制中心是某某区农业农村局下属二级事业单位。",
        "(二)人员情况。我单位共有事业编制10名,实际到位7名。",
    )
    identity = extract_identity(document_from_lines(*lines))
    assert (identity.institution, identity.institution_source) == ("长岭动物疫病预防控制中心", "line")


def test_a_name_the_text_declares_short_for_a_longer_one_is_given_in_full():
    doc = document_from_lines(
        "湘西州文旅局2022年度部门整体支出绩效自评报告",
        "根据有关文件要求,湘西土家族苗族自治州文化广电和旅游局(以下简称“湘西州文旅局”)开展了绩效自评。",
    )
    assert extract_identity(doc).institution == "湘西土家族苗族自治州文化广电和旅游局"


def test_a_title_that_abbreviates_the_body_named_whole_on_a_line_of_its_own():
    doc = document_from_lines(
        "宁乡市文旅局2022年度项目绩效评价报告",
        "宁乡市文化旅游广电体育局",
        "2022年度文旅专项资金项目自评报告",
        "市文旅局本着提高资金效益的理念开展自评。",
    )
    assert extract_identity(doc).institution == "宁乡市文化旅游广电体育局"
    # another body of the same place on a line of its own is not the body's full name
    other = document_from_lines(
        "宁乡市文旅局2022年度项目绩效评价报告", "宁乡市财政局", "2022年度文旅专项资金项目自评报告"
    )
    assert extract_identity(other).institution == "宁乡市文旅局"


def test_a_body_the_page_publishes_under_its_full_name_is_given_in_full():
    def page(publisher: str):
        return document_from_lines(
            "索引号 001/2024-00012 组配分类 部门项目",
            f"发布机构 {publisher}(广播电视局) 发文日期 2024-04-19",
            "信息来源 醴陵市文旅局(市广电新闻出版局) 主题导航 文化",
            "醴陵市2023年文化遗产保护资金转移支付绩效自评报告",
            "一、资金下达情况",
            "省财政厅下达资金后,市财政局及时将专项资金下达到醴陵市文旅局,按管理办法规范使用。",
        )

    assert extract_identity(page("醴陵市文化和旅游局")).institution == "醴陵市文化和旅游局"
    # a publisher whose name the body's does not abbreviate is another body
    assert extract_identity(page("醴陵市财政局")).institution == "醴陵市文旅局"


def test_among_bodies_named_as_often_the_pages_publisher_reports():
    doc = document_from_lines(
        "食品监管补助资金区域绩效目标自评表",
        "来源:雨湖区市场监管局 发布时间:2022-08-15 18:21 浏览次数:",
        "专项名称",
        "食品监管补助资金",
        "省级主管部门",
        "湖南省市场监管局",
        "自评得分",
        "100",
    )
    assert extract_identity(doc).institution == "雨湖区市场监管局"


def test_a_body_named_with_its_autonomous_prefectures_short_form_before_its_project():
    doc = document_from_lines(
        "红河州第三人民医院慢性病防治项目州级补助资金2023年度绩效自评报告",
        "一、绩效目标完成情况分析",
        "州财政下达红河州第三人民医院慢性病防治项目州级补助资金3.00万元。",
    )
    identity = extract_identity(doc)
    assert (identity.institution, identity.institution_source) == ("红河州第三人民医院", "text")
    assert identity.region.city == "红河哈尼族彝族自治州"


def test_a_funeral_home_is_a_body_and_a_verb_ending_in_ban_ends_no_name():
    doc = document_from_lines(
        "建水县殡仪馆2023年绩效自评",
        "一、部门基本情况",
        "建水县殡仪馆具体承办全县遗体火化、接运等殡仪服务。",
    )
    assert extract_identity(doc).institution == "建水县殡仪馆"


@pytest.mark.parametrize(
    ("title", "body", "project"),
    [
        ("某某市广播电视台2022年度部门整体支出绩效自评报告", "某某市广播电视台", None),
        ("某县气象台2022年度部门整体支出绩效自评报告", "某县气象台", None),
        # the body's name glued to the project's: each is its own
        ("大理市广播电视台新闻节目制作经费项目绩效自评报告", "大理市广播电视台", "新闻节目制作经费项目"),
    ],
)
def test_broadcasting_and_weather_stations_are_bodies(title, body, project):
    identity = extract_identity(document_from_lines(title, "一、基本情况"))
    assert (identity.institution, identity.project) == (body, project)


def test_a_transfer_forms_title_names_the_fund_and_its_field_the_body():
    doc = document_from_lines(
        "2023年度中央转移支付区域(全民健身中心项目)绩效自评表",
        "转移支付(项目)名称 | 苍溪县全民健身中心项目 | |",
        "地方主管部门 | 苍溪县人民政府 | 资金使用单位 | 苍溪县体育发展中心 | |",
        "全年预算数(A) | 全年执行数(B) | 预算执行率 | |",
        "年度资金总额: | 500 | 450 | 90% | |",
    )
    assert extract_identity(doc).institution == "苍溪县体育发展中心"


def test_a_sentence_that_opens_with_a_bureau_and_a_year_is_no_title():
    doc = document_from_lines(
        "2021年度项目绩效自评报告",
        "根据县财政局2021年预算安排,该项目2021年度资金预算80万元。",
        "项目由陵水黎族自治县气象局实施,陵水黎族自治县气象局负责资金管理。",
    )
    assert extract_identity(doc).institution == "陵水黎族自治县气象局"


def test_a_year_alone_under_a_forms_title_is_the_forms_year():
    doc = document_from_lines(
        "某某镇2021年预算绩效评价结果公开", "财政项目支出绩效自评表", "2020年度", "项目名称道路养护"
    )
    assert extract_identity(doc).fiscal_year == 2020
    # Not under a form's title, a year alone is no caption: the title's year stands.
    other = document_from_lines("某某镇2021年预算绩效评价结果公开", "附表", "2020年度")
    assert extract_identity(other).fiscal_year == 2021


def test_a_fields_name_is_not_cut_inside_its_bracket():
    doc = document_from_lines(
        "财政项目支出绩效自评表",
        "主管部门松江区某某镇人民政府实施单位松江区某某镇人民政府(本部)",
    )
    assert extract_identity(doc).institution == "松江区某某镇人民政府"


def test_a_township_government_named_in_the_opening_sentence():
    doc = document_from_lines(
        "根据《阿拉善左旗财政局关于开展绩效自评工作的通知》要求,阿拉善左旗某某苏木人民政府开展并完成了"
        "本部门转移支付绩效自评工作。",
        "项目一:嘎查集体经济项目,全年预算数20万元,完成预算的100%。",
    )
    assert extract_identity(doc).institution == "阿拉善左旗某某苏木人民政府"


def test_a_report_that_states_no_year_is_of_the_year_before_its_page_was_published():
    doc = document_from_lines(
        "公开日期", "2019-11-26", "某某乡人民政府部门整体支出绩效评价报告结果公示", "本项目总得分为72.21分。"
    )
    identity = extract_identity(doc)
    assert (identity.fiscal_year, identity.year_source) == (2018, "publish_date")
    stated = document_from_lines("发布时间:2023-10-31", "某某局2022年度部门整体支出绩效自评报告")
    assert extract_identity(stated).fiscal_year == 2022  # a year the report states comes first


def test_a_year_of_history_in_an_opening_sentence_is_not_the_reports_year():
    doc = document_from_lines(
        "一、部门基本情况",
        "某某省红十字会成立于1911年,建国后于1957年改组重建,2001年6月理顺管理体制。",
        "2021年度某某省红十字会批复支出预算1824.15万元,部门整体预算执行率为93.81%。",
    )
    assert extract_identity(doc).fiscal_year == 2021


def test_a_title_that_prints_its_place_without_the_level_word_is_spelled_out_from_the_text():
    doc = document_from_lines(
        "新邵某某山林场2017年防火经费绩效评价报告",
        "1、新邵县某某山林场2017年防火经费绩效评价报告根据财政部有关办法,现将评价情况报告如下。",
    )
    assert extract_identity(doc).institution == "新邵县某某山林场"
    alone = document_from_lines("新邵某某山林场2017年防火经费绩效评价报告", "全年支出10万元。")
    assert extract_identity(alone).institution == "新邵某某山林场"  # nothing spells it out: as printed


def test_a_report_that_states_no_year_is_of_the_year_whose_last_day_it_names():
    doc = document_from_lines(
        "发布时间:2023-03-02",
        "某某奖励资金项目支出绩效评价自评报告",
        "项目资金12万元于2022年10月30日下达,我镇于2022年12月31日之前全部支出。",
    )
    identity = extract_identity(doc)
    assert (identity.fiscal_year, identity.year_source) == (2022, "year_end")


def test_a_covers_bare_year_of_a_form_filled_that_spring_is_the_year_after_the_reports():
    cover = (
        "项目支出绩效自评报告",
        "项目名称:某某维护经费",
        "填报日期:2025年4月28日",
        "某某市财政局制",
        "2025年",
    )
    identity = extract_identity(document_from_lines(*cover, "一、项目基本情况"))
    assert (identity.fiscal_year, identity.year_source) == (2024, "fill_date")
    stated = document_from_lines("项目支出绩效自评报告", "填报日期:2025年4月28日", "2024年度")
    assert extract_identity(stated).fiscal_year == 2024


def test_a_report_of_a_period_of_one_whole_year_is_of_that_year():
    doc = document_from_lines(
        "某某区财政支出项目绩效评价自评报告",
        "报告日期:2017 年7 月 15  日",
        "项目实施期",
        "2016年1月起至2016年12 月止",
    )
    identity = extract_identity(doc)
    assert (identity.fiscal_year, identity.year_source) == (2016, "period")


def test_a_pages_field_labels_before_a_name_on_its_line_are_no_part_of_it():
    doc = document_from_lines(
        "索引号 000-2023-01", "关键词 发布机构 某某县民政局", "关于某某补助资金绩效自评情况的报告"
    )
    assert extract_identity(doc).institution == "某某县民政局"


def test_the_body_a_text_introduces_and_the_year_it_says_it_evaluates():
    doc = document_from_lines(
        "为加强管理,根据某某市财政局《关于报送2020年预算绩效目标和2019年度自评报告的通知》要求,"
        "我院对2019年度部门整体支出情况进行绩效自评,现报告如下:",
        "一、基本情况",
        "某某职业技术学院是2000年7月经湖南省人民政府批准设立的高职院校,2003年6月经湖南省人民政府批准合并。",
    )
    identity = extract_identity(doc)
    assert identity.institution == "某某职业技术学院"  # not the government that approved it
    assert identity.fiscal_year == 2019  # not the cited notice's 2020


def test_a_title_run_into_its_first_sentence_names_the_body_before_it():
    doc = document_from_lines(
        "茶陵县园林管理处专项资金绩效评价报告根据株洲市财政局关于2018年度专项资金绩效评价报告编写和提报工作的通知要求,"
        "我处对2018年专项资金进行了绩效评价。茶陵县园林管理处是茶陵县住建局的职能部门之一。"
    )
    assert extract_identity(doc).institution == "茶陵县园林管理处"


def test_a_title_signed_with_the_finance_bureau_names_the_other_body():
    doc = document_from_lines(
        "株洲市财政局 株洲市文化广播电视和旅游局 关于2019年旅游发展基金补助地方项目资金绩效评价的报告",
        "根据有关文件要求,现将我市2019年旅游发展基金补助地方项目绩效评价情况报告如下。",
    )
    assert extract_identity(doc).institution == "株洲市文化广播电视和旅游局"


def test_the_seal_mark_after_a_forms_body_is_no_part_of_its_name():
    doc = document_from_lines(
        "评价类型: 项目实施过程评价 项目完成结果评价",
        "部门(单位)全称:炎陵县",
        "人民法院(公章)",
        "填报日期 2024 年 2月27日",
        "2023年部门整体支出绩效评价报告",
    )
    assert extract_identity(doc).institution == "炎陵县人民法院"
