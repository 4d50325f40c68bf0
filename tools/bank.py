"""A bank of labelled excerpts copied from real reports, as a corpus that `tools.scoring` scores, so
that wordings are measured across many reports at once:

    python -m tools.bank BANK.jsonl [BANK2.jsonl ...] OUT_DIR [--half even|odd]
    python -m tools.scoring OUT_DIR --forms txt

Each line of a bank is `{"id", "institution", "fiscal_year", "kind", "text", "facts": {code: [values]}}`
(`kind`: department, project or transfer), with `"kpis": [{name, target, actual, weight, score}]` where
the excerpt holds indicator rows. Each excerpt becomes OUT_DIR/txt/<id>.txt: a title naming the body,
the year and the kind of report (as every real report has), then the excerpt; its gold scores the facts
and the fiscal year (the place is not: `identity_skip`). An entry with `"opening": true` is a report's
opening as published (title, navigation and all): written as it is, with its whole identity scored
(province, city, county, project; its own `identity_skip`). `--half` keeps the entries of even or odd
position in each bank, to develop on one half and score the other blind.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipelines.extract.matching import BRACKETED

KIND_TITLES = {"department": "部门整体支出", "project": "项目支出", "transfer": "转移支付资金"}
NOT_SCORED = ["province", "city", "county"]


def title(entry: dict) -> str:
    """The report title an excerpt is read under."""
    body = BRACKETED.sub("", entry["institution"])  # a labeller's remark in brackets is no part of the name
    return f"{body}{entry['fiscal_year'] or ''}年度{KIND_TITLES[entry['kind']]}绩效自评报告"


def write_corpus(entries: list[dict], into: Path) -> int:
    """Write the excerpts as txt reports with a gold.json; the number written."""
    (into / "txt").mkdir(parents=True, exist_ok=True)
    gold = {}
    for entry in entries:
        name = f"{entry['id']}.txt"
        opening = entry.get("opening", False)  # a report's own opening: no title added, identity scored
        text = entry["text"] if opening else f"{title(entry)}\n{entry['text']}"
        (into / "txt" / name).write_text(f"{text}\n", encoding="utf-8")
        gold[name] = {
            "institution": entry["institution"],
            **{field: entry.get(field) if opening else None for field in NOT_SCORED},
            "fiscal_year": entry["fiscal_year"],
            "identity_skip": entry.get("identity_skip", []) if opening else NOT_SCORED,
            "report_kind": entry["kind"],
            "facts": {code: values for code, values in entry["facts"].items() if values},
        }
        if opening:
            gold[name]["project"] = entry.get("project")
        if "kpis" in entry:  # rows of a performance-indicator table in the excerpt
            gold[name]["kpis"] = entry["kpis"]
    (into / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(gold)


def read_bank(path: Path, half: str | None) -> list[dict]:
    """The entries of one bank file, or of its even or odd half by position."""
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if half is None:
        return entries
    return entries[(0 if half == "even" else 1) :: 2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", type=Path, nargs="+", help="bank files (.jsonl), then the output folder")
    parser.add_argument("--half", choices=("even", "odd"), help="keep only this half of each bank")
    args = parser.parse_args(argv)
    *banks, out = args.paths
    if not banks:
        parser.error("give at least one bank file and an output folder")
    entries = [entry for bank in banks for entry in read_bank(bank, args.half)]
    print(f"{write_corpus(entries, out)} excerpts written to {out}")


if __name__ == "__main__":
    main()
