from decimal import Decimal

import pytest

from pipelines.extract.numbers import find_figures, to_canonical, to_half_width


@pytest.mark.parametrize(
    ("text", "canonical_unit", "value", "qualifier"),
    [
        ("348.99万元", "CNY", Decimal("3489900"), "exact"),
        ("1.2亿元", "CNY", Decimal("120000000"), "exact"),
        ("1451077.73元", "CNY", Decimal("1451077.73"), "exact"),
        ("3,724,055.00", "CNY", Decimal("3724055"), "exact"),
        ("12万多人次", "person-visit", Decimal("120000"), "approx"),
        ("2.3万余人", "person", Decimal("23000"), "approx"),
        ("三百余册", "volume", Decimal("300"), "approx"),
        ("一万余元", "CNY", Decimal("10000"), "approx"),
        ("86.73%", "percent", Decimal("86.73"), "exact"),
        ("９５％以上", "percent", Decimal("95"), "at_least"),
        ("不少于20场", "event", Decimal("20"), "at_least"),
        ("小于1%", "percent", Decimal("1"), "at_most"),
        ("约500人", "person", Decimal("500"), "approx"),
        ("≥360天", "day", Decimal("360"), "at_least"),
    ],
)
def test_figures_normalise_to_canonical_units(text, canonical_unit, value, qualifier):
    figures = find_figures(to_half_width(text))
    assert len(figures) == 1
    figure = figures[0]
    assert to_canonical(figure.value, figure.unit, canonical_unit) == value
    assert figure.qualifier == qualifier


def test_unit_of_another_kind_is_kept_so_callers_can_skip_it():
    figures = find_figures("采编加工新书11662种，13286册")
    assert [(f.value, f.unit) for f in figures] == [(Decimal("11662"), "种"), (Decimal("13286"), "册")]


def test_lone_chinese_numeral_is_not_a_figure():
    assert find_figures("一是加强管理，二是完善制度") == []


def test_half_width_keeps_offsets():
    text = "执行率达８６．７３％，"
    assert len(to_half_width(text)) == len(text)
    assert to_half_width(text) == "执行率达86.73%,"


def test_number_glued_onto_the_decimals_of_another_is_not_a_figure():
    # Cells of a copied form run together: 年初 32.5 | 全年 32.5 | 执行 30.1 | 执行率 92.6%.
    figures = find_figures("32.532.530.192.6%")
    assert [f.raw for f in figures] == ["32.532"]
    assert find_figures("执行率为92.6%，共1.5万元")[0].value == Decimal("92.6")


def test_a_unit_character_that_starts_a_word_is_no_unit():
    figures = find_figures("本年收入合计520.00本年支出合计515.00，赠书300本。")
    assert [(f.raw, f.unit) for f in figures] == [("520.00", ""), ("515.00", ""), ("300本", "本")]


def test_half_width_and_simplified_characters_by_table_equal_the_character_maps():
    """to_half_width and simplify translate by lists indexed by code point (no KeyError per
    character): every character, astral ones included, maps as the dictionaries say."""
    from pipelines.extract.numbers import HALF_WIDTH, to_half_width
    from pipelines.extract.text import _traditional_to_simplified, simplify

    traditional = _traditional_to_simplified()
    assert len(traditional) > 2000
    every = "".join(
        map(chr, [*range(0xD800), *range(0xE000, 0x10000), *traditional, 0x20000, 0x2A6D6, 0x10FFFF])
    )
    assert to_half_width(every) == every.translate(HALF_WIDTH)
    assert simplify(every) == every.translate(HALF_WIDTH).translate(traditional)
    assert simplify("８６．７３％　預算數") == "86.73% 预算数"
