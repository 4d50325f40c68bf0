"""Score the warehouse against hand-made gold labels (the format of a corpus's gold.json).

precision: achieved facts in v_indicator_values of a code labelled for that report whose value is
among the gold values, over all such facts. recall: labelled (report, code) pairs for which some
extracted value matches. Values match within 0.5 % or 0.011 absolute. identity: each of
institution, province, city, county and fiscal year equal to the gold label.
Reports are matched to gold entries by file stem; the form is the first folder of the path.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import duckdb
import pandas as pd

IDENTITY_FIELDS = ("institution", "province", "city", "county", "fiscal_year")


def values_match(value: float, gold: float) -> bool:
    """Within 0.5 % of the gold value, or 0.011 absolute."""
    return abs(value - gold) <= max(0.005 * abs(gold), 0.011)


@dataclass
class Tally:
    """Counts behind precision and recall."""

    facts: int = 0
    correct_facts: int = 0
    labels: int = 0
    found_labels: int = 0

    @property
    def precision(self) -> float:
        return self.correct_facts / self.facts if self.facts else 1.0

    @property
    def recall(self) -> float:
        return self.found_labels / self.labels if self.labels else 1.0


@dataclass
class Score:
    """Scores overall, per indicator code and per form, with identity accuracy and the misses."""

    overall: Tally = field(default_factory=Tally)
    by_code: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_form: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    identity_checks: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    identity_by_form: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    problems: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)  # achieved core facts of a code the gold leaves out

    def identity_accuracy(self, form: str | None = None) -> float:
        checks = (
            self.identity_by_form[form] if form else [c for cs in self.identity_checks.values() for c in cs]
        )
        return sum(checks) / len(checks) if checks else 1.0


def _form(source_file: str) -> str:
    parts = PurePosixPath(source_file).parts
    return parts[0] if len(parts) > 1 else PurePosixPath(source_file).suffix.lstrip(".")


def _stem_key(gold: dict, source_file: str) -> str | None:
    stem = PurePosixPath(source_file).stem
    return next((key for key in gold if PurePosixPath(key).stem == stem), None)


def score(values: pd.DataFrame, documents: pd.DataFrame, gold: dict) -> Score:
    """Score `values` (rows of v_indicator_values) and `documents` (rows of v_documents) against `gold`."""
    result = Score()
    achieved = values[~values["is_target"].astype(bool)]
    for doc in documents.itertuples(index=False):
        key = _stem_key(gold, doc.source_file)
        if key is None:
            continue
        label = gold[key]
        form = _form(doc.source_file)
        for name in IDENTITY_FIELDS:
            got = getattr(doc, name)
            got = None if pd.isna(got) else got
            ok = got == label.get(name)
            result.identity_checks[name].append(ok)
            result.identity_by_form[form].append(ok)
            if not ok:
                result.problems.append(f"{doc.source_file}: {name} {got!r} != {label.get(name)!r}")
        facts = achieved[achieved["source_file"] == doc.source_file]
        for row in facts.itertuples(index=False):
            if not row.indicator_code.startswith("kpi:") and row.indicator_code not in label.get("facts", {}):
                result.unlabelled.append(f"{doc.source_file}: {row.indicator_code} = {row.value:.10g}")
        for code, gold_values in label.get("facts", {}).items():
            got_values = facts.loc[facts["indicator_code"] == code, "value"].tolist()
            correct = [v for v in got_values if any(values_match(v, g) for g in gold_values)]
            found = any(values_match(v, g) for v in got_values for g in gold_values)
            for tally in (result.overall, result.by_code[code], result.by_form[form]):
                tally.facts += len(got_values)
                tally.correct_facts += len(correct)
                tally.labels += 1
                tally.found_labels += int(found)
            wrong = [v for v in got_values if v not in correct]
            if wrong:
                result.problems.append(f"{doc.source_file}: {code} extracted {wrong} not in {gold_values}")
            if not found:
                result.problems.append(f"{doc.source_file}: {code} missed {gold_values}")
    return result


def score_warehouse(warehouse: Path, gold_path: Path) -> Score:
    """Read the views of a built warehouse and score them against a gold.json file."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        values = con.execute("SELECT * FROM v_indicator_values").df()
        documents = con.execute("SELECT * FROM v_documents").df()
    return score(values, documents, gold)


def _table(rows: list[tuple], header: tuple) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    lines = [" | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)) for row in [header, *rows]]
    lines.insert(1, "-|-".join("-" * w for w in widths))
    return "\n".join(lines)


def report(result: Score) -> str:
    """The score as text tables: overall and per form, then per indicator code."""
    forms = sorted(result.by_form)
    rows = [
        ("all", f"{result.overall.precision:.3f}", f"{result.overall.recall:.3f}", f"{result.identity_accuracy():.3f}",
         result.overall.facts, result.overall.labels),
        *[
            (form, f"{t.precision:.3f}", f"{t.recall:.3f}", f"{result.identity_accuracy(form):.3f}", t.facts, t.labels)
            for form, t in ((f, result.by_form[f]) for f in forms)
        ],
    ]  # fmt: skip
    by_code = [
        (code, f"{t.precision:.3f}", f"{t.recall:.3f}", t.facts, t.labels)
        for code, t in sorted(result.by_code.items())
    ]
    identity = [
        (name, f"{sum(checks) / len(checks):.3f}", len(checks))
        for name, checks in result.identity_checks.items()
    ]
    return "\n\n".join(
        [
            _table(rows, ("form", "precision", "recall", "identity", "facts", "labels"))
            + f"\n(achieved facts of codes the gold does not label for their report: {len(result.unlabelled)})",
            _table(by_code, ("indicator", "precision", "recall", "facts", "labels")),
            _table(identity, ("identity field", "accuracy", "reports")),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    """`python -m pipelines.scoring CORPUS [--warehouse FILE] [--problems]`: run the pipeline and score it."""
    import argparse
    import tempfile

    from dagster import load_asset_checks_from_modules, load_assets_from_modules, materialize

    from pipelines.assets import extract, ingest, load, validate
    from pipelines.resources import ExtractCacheFolder, ReportsFolder, WarehouseFile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("corpus", type=Path, help="folder with gold.json and the reports (any depth)")
    parser.add_argument("--warehouse", type=Path, help="warehouse file to build (default: a temporary one)")
    parser.add_argument("--problems", action="store_true", help="list every miss and wrong value")
    args = parser.parse_args(argv)
    stages = [ingest, extract, validate, load]
    with tempfile.TemporaryDirectory() as scratch:
        warehouse = args.warehouse or Path(scratch) / "score.duckdb"
        result = materialize(
            [*load_assets_from_modules(stages), *load_asset_checks_from_modules(stages)],
            resources={
                "reports": ReportsFolder(path=str(args.corpus)),
                "warehouse": WarehouseFile(path=str(warehouse)),
                "extract_cache": ExtractCacheFolder(path=""),
            },
            raise_on_error=True,
        )
        assert result.success
        scored = score_warehouse(warehouse, args.corpus / "gold.json")
    print(report(scored))
    if args.problems:
        print("\n" + "\n".join(scored.problems + [f"unlabelled {u}" for u in scored.unlabelled]))


if __name__ == "__main__":
    main()
