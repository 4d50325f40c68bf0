"""The score command: precision, recall and identity against a gold file."""

import json

import pandas as pd

from pipelines.scoring import main, score, values_match

GOLD = {
    "r.txt": {
        "institution": "长沙市图书馆", "province": "湖南省", "city": "长沙市", "county": None, "fiscal_year": 2022,
        "facts": {"expenditure_total": [1000000], "budget_total": [1200000, 1100000]},
    }
}  # fmt: skip


def test_values_match_within_half_a_percent():
    assert values_match(100.4, 100) and not values_match(101, 100)
    assert values_match(0.01, 0) and not values_match(0.02, 0)


def test_score_counts_precision_recall_and_identity():
    values = pd.DataFrame(
        [
            {
                "source_file": "txt/r.txt",
                "indicator_code": "expenditure_total",
                "value": 1000000.0,
                "is_target": False,
            },
            {
                "source_file": "txt/r.txt",
                "indicator_code": "budget_total",
                "value": 999.0,
                "is_target": False,
            },
            {
                "source_file": "txt/r.txt",
                "indicator_code": "budget_total",
                "value": 1100000.0,
                "is_target": True,
            },
        ]
    )
    documents = pd.DataFrame(
        [{"source_file": "txt/r.txt", "institution": "长沙市图书馆", "province": "湖南省", "city": "长沙市",
          "county": None, "fiscal_year": 2022}]
    )  # fmt: skip
    result = score(values, documents, GOLD)
    assert (result.overall.facts, result.overall.correct_facts) == (2, 1)
    assert (result.overall.labels, result.overall.found_labels) == (2, 1)
    assert result.identity_accuracy("txt") == 1.0
    assert any("budget_total missed" in p for p in result.problems)


def test_score_command_runs_the_pipeline_on_a_corpus(tmp_path, capsys):
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "r.txt").write_text(
        "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年预算数120.00万元，全年整体支出100.00万元。",
        encoding="utf-8",
    )
    (tmp_path / "gold.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    main([str(tmp_path)])
    overall = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("all "))
    assert [cell.strip() for cell in overall.split("|")] == ["all", "1.000", "1.000", "1.000", "2", "2"]
