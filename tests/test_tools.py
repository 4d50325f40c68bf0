"""The developer tools: outside the product package, and the one comparison with truth they share."""

from __future__ import annotations

import ast
import tomllib

import pandas as pd

from tests.builders import PROJECT_ROOT
from tools.truth import (
    Difference,
    TruthCheck,
    WarehouseRows,
    compare,
    fact_differences,
    identity_differences,
    kpi_differences,
    rejection_differences,
    values_match,
)


def test_the_product_never_imports_the_tools():
    for path in sorted((PROJECT_ROOT / "pipelines").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] if node.level == 0 else []
            else:
                continue
            assert not [m for m in modules if m.split(".")[0] == "tools"], f"{path}:{node.lineno}"


def test_only_the_product_is_installed():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["pipelines*"]
    assert not any(d.startswith("reportlab") for d in project["project"]["dependencies"])


def test_values_match_within_half_a_percent_or_0_011_for_gold():
    assert values_match(100.4, 100) and not values_match(101, 100)
    assert values_match(0.01, 0) and not values_match(0.02, 0)
    assert values_match(1_004_999, 1_000_000) and not values_match(1_005_001, 1_000_000)
    assert values_match(-100.4, -100) and not values_match(100, -100)


def test_generated_truth_matches_only_to_half_a_cent():
    from tools.truth import GENERATED

    assert values_match(2_985_000.004, 2_985_000, GENERATED)
    assert not values_match(2_979_200, 2_985_000, GENERATED)  # within 0.5 %: GOLD would not see the swap
    assert values_match(2_979_200, 2_985_000)


TRUE_DOCUMENT = {
    "institution": "长沙市图书馆", "province": "湖南省", "city": "长沙市", "county": None, "fiscal_year": 2022,
    "report_kind": "department", "project": None, "facts": {"visitors": 120000, "budget_total": 3489900},
    "qualifiers": {"visitors": "approx"}, "kpis": [],
}  # fmt: skip


def _facts(*rows: tuple[str, float, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator_code", "value", "qualifier"])


def test_facts_equal_the_truth_code_by_code():
    assert not fact_differences(_facts(("visitors", 120000, "approx"), ("budget_total", 3489900.0, "exact")), TRUE_DOCUMENT)  # fmt: skip
    problems = fact_differences(
        _facts(("visitors", 120000, "exact"), ("budget_total", 3600000, "exact"), ("events", 3, "exact")),
        TRUE_DOCUMENT,
    )
    assert problems == [
        "budget_total = [3600000.0], truth 3489900",
        "events = [3.0], not in the truth",
        "visitors qualifier ['exact'], truth 'approx'",
    ]
    problems = fact_differences(_facts(("visitors", 120000, "approx"), ("visitors", 120000, "approx")), TRUE_DOCUMENT)  # fmt: skip
    assert problems == [
        "visitors stated 2 times: [120000.0, 120000.0]",
        "budget_total missing, truth 3489900",
    ]


def test_identity_treats_null_as_none_and_skips_what_the_truth_lacks():
    row = {"institution": "长沙市图书馆", "province": "湖南省", "city": "长沙市", "county": float("nan")}
    assert identity_differences(row, TRUE_DOCUMENT) == ["fiscal_year None, truth 2022"]
    assert not identity_differences(row, {k: v for k, v in TRUE_DOCUMENT.items() if k != "fiscal_year"})
    assert not identity_differences({**row, "fiscal_year": 2022}, TRUE_DOCUMENT)
    assert identity_differences({**row, "fiscal_year": 2021}, TRUE_DOCUMENT) == [
        "fiscal_year 2021, truth 2022"
    ]


def test_performance_indicator_rows_in_order_with_the_document_identity():
    kpi = {
        "level1": "产出指标", "level2": "数量指标", "indicator": "送文化下乡场次", "target_text": "≥32场",
        "actual_text": "33场", "target_value": 32, "actual_value": 33, "unit": "场", "comparator": ">=",
        "weight": 15.0, "score": 15.0, "deviation_reason": "无",
    }  # fmt: skip
    expected = {**TRUE_DOCUMENT, "kpis": [kpi]}
    row = {
        **kpi,
        "institution": "长沙市图书馆",
        "fiscal_year": 2022,
        "report_kind": "department",
        "project": None,
    }
    assert not kpi_differences([row], expected)
    assert kpi_differences([{**row, "score": 14.0}], expected) == [
        "row 1 (送文化下乡场次): score 14.0, truth 15.0"
    ]
    assert kpi_differences([], expected) == ["0 rows, truth 1"]


def test_rejections_at_their_stage_for_their_reason():
    rejected = pd.DataFrame(
        [("bad.md", "read", "unsupported file type: .md"), ("r.txt", "validate", "failed rule x")],
        columns=["source_file", "stage", "reason"],
    )
    assert not rejection_differences(
        rejected, {"bad.md": {"stage": "read", "reason_contains": "unsupported"}}
    )
    assert rejection_differences(rejected, {"bad.md": {"stage": "extract", "reason_contains": "unsupported"}})
    assert rejection_differences(rejected, {}) == [
        Difference(
            "bad.md", "rejected", "rejected, truth: not rejected (['read: unsupported file type: .md'])"
        )
    ]


def test_compare_lists_every_difference_by_file_and_aspect():
    rows = WarehouseRows(
        values=pd.DataFrame(
            [("r.txt", "visitors", 120000.0, "approx", False), ("r.txt", "budget_total", 3489900.0, "exact", False),
             ("r.txt", "budget_total", 4000000.0, "exact", True), ("x.txt", "events", 3.0, "exact", False)],
            columns=["source_file", "indicator_code", "value", "qualifier", "is_target"],
        ),
        documents=pd.DataFrame(
            [("r.txt", "长沙市图书馆", "湖南省", "长沙市", None, 2022, "project", None)],
            columns=["source_file", "institution", "province", "city", "county", "fiscal_year", "report_kind", "project"],
        ),
        indicators=pd.DataFrame(columns=["source_file", "row_number"]),
        rejected=pd.DataFrame(columns=["source_file", "stage", "reason"]),
    )  # fmt: skip
    check = compare(rows, {"documents": {"r.txt": TRUE_DOCUMENT}})
    assert isinstance(check, TruthCheck) and check.documents == 1
    assert check.of("facts") == ["x.txt: facts: rows of a file that is not a document of the truth"]
    assert check.of("kind") == ["r.txt: kind: report_kind 'project', truth 'department'"]
    assert not check.of("identity") and not check.of("kpis") and not check.of("rejected")
    assert check.files_differing == {"r.txt", "x.txt"}


def test_extraction_cost_counts_every_readable_file_of_each_form(tmp_path):
    from tools.bench import extraction_cost

    samples = PROJECT_ROOT / "samples" / "reports"
    readable = next(path for path in sorted(samples.rglob("*.txt")) if "bad" not in path.parts)
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(readable.read_bytes())
    (tmp_path / "c.txt").write_bytes(b"\x00\x01binary")  # cannot be read: left out
    (tmp_path / "d.docx").write_bytes(next(samples.rglob("*.docx")).read_bytes())
    rows = [line.strip("| ").split(" | ") for line in extraction_cost([tmp_path])]
    assert [(form, files, pages) for form, files, pages, *_ in rows] == [
        ("docx", "1", "0"),
        ("txt", "2", "0"),
    ]
    assert all(float(cost) > 0 for *_, cost in rows)
