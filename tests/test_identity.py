"""Institution, fiscal year and region from report texts written for the tests."""

from pipelines.extract.identity import extract_identity
from tests.builders import document_from_lines


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


def test_labelled_field():
    doc = document_from_lines("项目支出绩效自评表", "（2021年度）", "项目实施单位：芦溪县博物馆 联系人：某某")
    identity = extract_identity(doc)
    assert identity.institution == "芦溪县博物馆"
    assert identity.institution_source == "field"
    assert identity.fiscal_year == 2021


def test_name_only_in_the_body_is_found_by_its_place():
    doc = document_from_lines(
        "部门整体支出绩效自评报告",
        "（2021年度）",
        "我馆主要职能是提供借阅服务，有计划地开展县区图书馆业务辅导。",
        "促进湘潭市图书馆事业更好发展。",
    )
    identity = extract_identity(doc)
    assert identity.institution == "湘潭市图书馆"
    assert identity.institution_source == "text"
    assert identity.region.province == "湖南省"


def test_path_is_the_last_resort():
    doc = document_from_lines(
        "部门整体支出绩效自评报告", "我馆全年运行平稳。", source_file="湖南/衡阳县图书馆/2022.txt"
    )
    identity = extract_identity(doc)
    assert (identity.institution, identity.institution_source) == ("衡阳县图书馆", "path")
    assert (identity.fiscal_year, identity.year_source) == (2022, "path")


def test_no_identity_at_all():
    identity = extract_identity(document_from_lines("会议通知", "请各位准时参加。", source_file="notes.txt"))
    assert identity.institution is None
    assert identity.fiscal_year is None


def test_year_written_in_chinese_numerals():
    doc = document_from_lines("浏阳市文化馆二〇二三年度部门整体支出绩效自评报告", "2024年3月完成自评。")
    identity = extract_identity(doc)
    assert (identity.fiscal_year, identity.year_source) == (2023, "title")
