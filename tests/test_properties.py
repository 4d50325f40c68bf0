"""Property-based tests (Hypothesis): number, unit and qualifier parsing, the readers and the whole
extractor on random input never raise, never give negative money, and always give the same facts."""

from __future__ import annotations

import re
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.extract.facts import extract_facts
from pipelines.extract.identity import extract_identity
from pipelines.extract.numbers import MONEY_FACTORS, UNITS, find_figures, parse_number, to_canonical
from pipelines.indicators import default_dictionary
from pipelines.model import ReadError
from pipelines.readers import read_bytes
from tests.builders import document_from_lines

QUALIFIERS = {"exact", "at_least", "at_most", "approx"}
PREFIXES = {"": "exact", "不低于": "at_least", "超过": "at_least", "≥": "at_least", "不超过": "at_most", "低于": "at_most", "约": "approx"}  # fmt: skip
SUFFIXES = {"": None, "以上": "at_least", "以下": "at_most", "左右": "approx"}
ALIASES = sorted({alias for indicator in default_dictionary().values() for alias in indicator.aliases})
VOCABULARY = [
    *ALIASES, *UNITS, *PREFIXES, *SUFFIXES, "万", "亿", "余", "多", "其中", "全年", "较上年", "增加", "减少",
    "预计", "目标", "实际完成", "年度", "图书馆", "文化馆", "2022年", "二〇二三年", "|", "，", "。", "：", "；", "（",
    "）", "%", "-", "—", ".", " ", "\n",
]  # fmt: skip
amounts = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False)
report_text = st.lists(
    st.one_of(
        st.sampled_from(VOCABULARY),
        amounts.map(str),
        st.integers(0, 10**9).map(lambda n: f"{n:,}"),
        st.text(alphabet="0123456789.,万亿元人次册%零一二三四五六七八九十百千", max_size=8),
        st.text(max_size=6),
    ),
    max_size=40,
).map("".join)


# A sentence the way reports state a figure: 全年整体支出约1,234.5万元以上。
statement = st.builds(
    lambda alias, filler, prefix, amount, unit, suffix, end: (
        f"{alias}{filler}{prefix}{amount}{unit}{suffix}{end}"
    ),
    st.sampled_from(ALIASES),
    st.sampled_from(["", "为", "达到", "共计", "：", "合计", "较上年增加"]),
    st.sampled_from(sorted(PREFIXES)),
    st.one_of(
        amounts.map(str), st.integers(0, 10**7).map(lambda n: f"{n:,}"), st.integers(1, 9999).map(cn2an.an2cn)
    ),
    st.sampled_from(["", "万", *UNITS]),
    st.sampled_from(sorted(SUFFIXES)),
    st.sampled_from(["", "，", "。", "；", " | "]),
)


@given(st.text())
def test_figures_in_any_text_are_well_formed(text):
    for figure in find_figures(text):
        assert 0 <= figure.start < figure.end <= len(text)
        assert figure.value >= 0
        assert figure.unit in UNITS or figure.unit == ""
        assert figure.qualifier in QUALIFIERS


@given(
    amounts,
    st.sampled_from(sorted(MONEY_FACTORS)),
    st.sampled_from(sorted(PREFIXES)),
    st.sampled_from(sorted(SUFFIXES)),
    st.booleans(),
)
def test_a_printed_amount_reads_back_with_its_unit_and_qualifier(amount, unit, prefix, suffix, separators):
    printed = f"{amount:,}" if separators else str(amount)
    figures = find_figures(f"全年支出{prefix}{printed}{unit}{suffix}，")
    assert len(figures) == 1
    figure = figures[0]
    assert (figure.value, figure.unit) == (amount, unit)
    assert figure.qualifier == (SUFFIXES[suffix] or PREFIXES[prefix])
    assert to_canonical(figure.value, figure.unit, "CNY") == amount * MONEY_FACTORS[unit] >= 0


@given(st.integers(min_value=1, max_value=99_999))
def test_chinese_numerals_read_as_their_value(number):
    assert parse_number(cn2an.an2cn(number)) == number


@given(st.binary(max_size=2000), st.sampled_from(["r.txt", "r.docx", "r.pdf", "r.TXT", "r.doc", "r.wps"]))
def test_readers_on_any_bytes_read_or_say_why(data, name):
    try:
        document = read_bytes(data, name, "0" * 64)
    except ReadError as error:
        assert str(error)
    else:
        assert all(block.text.strip() for block in document.blocks)


@given(
    st.lists(
        st.one_of(statement, report_text, st.lists(statement, max_size=4).map("".join)),
        min_size=1,
        max_size=8,
    )
)
def test_the_extractor_on_random_report_text(lines):
    document = document_from_lines(*lines)
    facts = extract_facts(document)
    assert facts == extract_facts(document)  # the same input always gives the same facts
    assert extract_identity(document) == extract_identity(document)
    units = {code: indicator.unit for code, indicator in default_dictionary().items()}
    for fact in facts:
        assert fact.value >= 0, fact
        assert fact.qualifier in QUALIFIERS
        if fact.indicator_code in units:
            assert fact.unit == units[fact.indicator_code]


@pytest.mark.slow  # many processes
def test_the_same_files_give_the_same_facts_in_any_process():
    """Across processes with different string-hash seeds (set and dict orders differ)."""
    import os
    import subprocess
    import sys

    from tests.builders import PROJECT_ROOT

    script = (
        "import json, sys; from pathlib import Path; from pipelines.batch import extract_reports, scan_reports; "
        "root = Path('samples/reports'); e = extract_reports(root, scan_reports(root), 1); "
        "print(e.facts.drop(columns=['fact_seq']).to_json(orient='records', force_ascii=False)); "
        "print(e.documents.to_json(orient='records', force_ascii=False))"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script], cwd=PROJECT_ROOT, env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2")
    ]  # fmt: skip
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 10_000


def _normalise_one_character_at_a_time(source: str):
    """`normalise` as it was first written (every character visited, the rest of the text copied per
    space): the reference its faster form must equal."""
    from pipelines.extract.text import _CJK, _PINYIN_GLOSS, NormalText, simplify

    simple = simplify(source)
    glossed = {i for m in _PINYIN_GLOSS.finditer(simple) for i in range(m.start(), m.end())}
    kept: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(simple):
        if i in glossed:
            continue
        if ch.isspace():
            before = kept[-1] if kept else ""
            after = next((c for c in simple[i + 1 :] if not c.isspace()), "")
            if not before or not after or _CJK.match(before) or _CJK.match(after) or before.isspace():
                continue
            digits = re.search(r"(.)\d+\.$", "".join(kept))
            if after.isdigit() and digits and (_CJK.match(digits.group(1)) or digits.group(1) in ":："):
                continue  # 预算35. 3万元: the space after a figure's decimal point
            ch = " "
        kept.append(ch)
        origin.append(i)
    return NormalText("".join(kept), tuple(origin), source)


_TEXT_PIECES = st.sampled_from(
    ["预", "算", "數", "執", "(yù)", "(shù)", " (zhí)", "(ab)", "12", ".5", "%", "％", "８", "a", "x y", " ", "  ", "\t",
     "\n", "\u3000", "\u00a0", "\x1c", "|", "(", ")", "，", "万元", "ā", "35. 3", "：", "1. "]
)  # fmt: skip


@given(st.lists(_TEXT_PIECES, max_size=30).map("".join) | st.text(max_size=60))
def test_normalise_equals_its_one_character_at_a_time_reference(text):
    from pipelines.extract.text import normalise

    assert normalise(text) == _normalise_one_character_at_a_time(text)


def test_the_space_pattern_is_str_isspace():
    import sys

    from pipelines.extract.text import _SPACE, _VISIBLE

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(_SPACE.match(char)) == char.isspace() != bool(_VISIBLE.match(char)), hex(code)
