"""Score the warehouse against hand-made gold labels (the format of a corpus's gold.json).

Definitions (those of the corpus's README):
- A labelled code is an indicator code that the gold uses for any report (the union over the whole
  gold file), not only for the report at hand; codes the gold never uses are not scored (they are
  counted apart as unscored facts).
- precision: achieved facts (not is_target) in v_indicator_values of a labelled code whose value is
  among the gold values of that report and code, over all such facts. An achieved fact of a labelled
  code in a report whose gold has no value for that code is a wrong fact.
- recall: labelled (report, code) pairs for which some extracted achieved value matches.
- Values match within 0.5 % of the gold value or 0.011 absolute (`tools.truth.values_match`, the one
  rule of every comparison with truth).
- identity: each of institution, province, city, county and fiscal year equal to the gold label,
  except the fields a report's gold lists in `identity_skip` (not scored for that report).
Reports are matched to gold entries by file stem; the form is the first folder of the path (txt, gbk,
docx, pdf ...). Every path of a file is scored: a file whose content equals another's is one document
in the warehouse (document_path lists both paths), and it is scored under each path. A file the build
rejects whole (read or extraction) scores as misses, and the command lists it with its stage and reason.
- performance-indicator rows (v_performance_indicators against gold `kpis`): a gold row is found when
  a row of the same document has the same indicator name after `normalise` (traditional to
  simplified, pinyin glosses such as `(jīng)` removed, full-width to half-width, whitespace and
  punctuation removed, `指标N:` prefixes and ★ markers dropped, ≥ / ≤ as >= / <=); it is correct when
  also its actual_text normalised equals the gold `actual` (where gold has one) and its score is within
  0.011 of the gold `score` (where gold has one). KPI recall = found / gold rows, KPI correct = correct /
  gold rows, KPI precision = rows whose name matches some gold row / rows extracted, over the
  documents whose gold has a `kpis` list (an empty list: the report has no such table, so every row
  extracted from it is wrong).
- report_kind and project (where the gold has them): equal to the label, the project after
  `normalise`; reported beside identity, not counted in it.

The new reports of the corpus (h1_*, h2_*, h3_*) are split once, for good: every third of each family
in sorted order is held out for the final estimate (HELD_OUT); the rest are for development (DEV).
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import pandas as pd

from tools.truth import IDENTITY_FIELDS, KIND_FIELDS, cell, read_warehouse, values_match

SCORE_TOLERANCE = 0.011  # the corpus: a performance-indicator row's score is right within 0.011 of gold

# The split of the 23 new reports of ../shared/corpus/dev (decided; do not change it to suit a result).
HELD_OUT = ("h1_05", "h1_11", "h1_17", "h2_05", "h2_11", "h2_17", "h3_05")
DEV = (
    "h1_01", "h1_03", "h1_07", "h1_09", "h1_13", "h1_15", "h1_19",
    "h2_01", "h2_03", "h2_07", "h2_09", "h2_13", "h2_15",
    "h3_01", "h3_03", "h3_07",
)  # fmt: skip
# Named sets of report stems for --set; None is every report of the gold.
REPORT_SETS: dict[str, tuple[str, ...] | None] = {
    "dev": DEV,
    "heldout": HELD_OUT,
    "new": tuple(sorted(DEV + HELD_OUT)),
    "all": None,
}


# A pinyin gloss after a character: (jīng), (yù) -- lower-case Latin letters, tone marks allowed.
PINYIN_GLOSS = re.compile(r"\((?:[a-zü]|[\u00e0-\u00fc\u0101-\u01dc\u01f9\u1e3f])+\)")
TEMPLATE_PREFIX = re.compile(r"^指标\d+[:：.、]?")
MARKERS = re.compile(r"[★☆]")
DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
SHELTERED_POINT = "\ue000"  # a private-use character: not punctuation, never in a report


@lru_cache(maxsize=1)
def _to_simplified():
    from opencc import OpenCC

    return OpenCC("t2s").convert


@lru_cache(maxsize=100_000)
def normalise(text: str | None) -> str:
    """A name or value as the corpus README compares them: full-width to half-width, traditional to
    simplified, pinyin glosses removed, whitespace removed, `指标N:` prefixes and ★ markers dropped,
    ≥ / ≤ as >= / <=, punctuation removed (a decimal point between digits is kept)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = _to_simplified()(unicodedata.normalize("NFKC", str(text)))
    text = "".join(ch for ch in text if not ch.isspace())
    text = PINYIN_GLOSS.sub("", text)
    text = TEMPLATE_PREFIX.sub("", MARKERS.sub("", text))
    text = text.replace("≥", ">=").replace("≤", "<=")
    text = DECIMAL_POINT.sub(SHELTERED_POINT, text)  # kept through the punctuation removal
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    return text.replace(SHELTERED_POINT, ".")


def _number(value: object) -> float | None:
    """A gold or extracted score as a number (None when missing or not a number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().removesuffix("分"))
    except ValueError:
        return None
    return None if number != number else number


@dataclass
class KpiTally:
    """Counts behind the performance-indicator scores."""

    gold: int = 0  # gold rows
    found: int = 0  # gold rows with a row of the same name
    correct: int = 0  # ... whose actual and score are right too
    rows: int = 0  # rows extracted from documents whose gold has kpis
    matching: int = 0  # ... whose name is the name of some gold row

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def correct_share(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matching / self.rows if self.rows else 1.0


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
    """Scores overall, per indicator code, per form and per report, with identity accuracy and the misses."""

    overall: Tally = field(default_factory=Tally)
    by_code: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_form: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_report: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    identity_checks: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    identity_by_form: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    identity_by_report: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    documents_by_report: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kpi_overall: KpiTally = field(default_factory=KpiTally)
    kpi_by_form: dict[str, KpiTally] = field(default_factory=lambda: defaultdict(KpiTally))
    kpi_by_report: dict[str, KpiTally] = field(default_factory=lambda: defaultdict(KpiTally))
    kind_checks: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    kind_by_report: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    problems: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)  # achieved facts of codes no gold report uses

    def identity_accuracy(self, form: str | None = None) -> float:
        checks = (
            self.identity_by_form[form] if form else [c for cs in self.identity_checks.values() for c in cs]
        )
        return sum(checks) / len(checks) if checks else 1.0


def _stem(source_file: str) -> str:
    return PurePosixPath(source_file).stem


def _globs(text: str | None) -> tuple[str, ...]:
    return tuple(g.strip() for g in (text or "").split(",") if g.strip())


@dataclass(frozen=True)
class Selection:
    """Which documents to score: forms (first folder of the path) and report stems.

    `forms` None is every form; `reports` and `exclude` are fnmatch globs on the stem (no `reports`:
    every stem); `stems` is a named set of stems (None: every stem).
    """

    forms: frozenset[str] | None = None
    reports: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    stems: frozenset[str] | None = None

    @property
    def everything(self) -> bool:
        return self.forms is None and not self.reports and not self.exclude and self.stems is None

    def keeps_stem(self, stem: str) -> bool:
        return (
            (self.stems is None or stem in self.stems)
            and (not self.reports or any(fnmatch.fnmatchcase(stem, g) for g in self.reports))
            and not any(fnmatch.fnmatchcase(stem, g) for g in self.exclude)
        )

    def keeps(self, source_file: str) -> bool:
        in_forms = self.forms is None or _form(source_file) in self.forms
        return in_forms and self.keeps_stem(_stem(source_file))


def _form(source_file: str) -> str:
    parts = PurePosixPath(source_file).parts
    return parts[0] if len(parts) > 1 else PurePosixPath(source_file).suffix.lstrip(".")


def _stem_key(gold: dict, source_file: str) -> str | None:
    stem = _stem(source_file)
    return next((key for key in gold if _stem(key) == stem), None)


def labelled_codes(gold: dict) -> set[str]:
    """Every indicator code the gold uses for any report."""
    return {code for label in gold.values() for code in label.get("facts", {})}


def _score_kinds(result: Score, doc: object, label: dict, stem: str) -> None:
    """report_kind and project of one document against its label (where the label has them)."""
    for name in KIND_FIELDS:
        if name not in label:
            continue
        got = cell(getattr(doc, name, None))
        want = label[name]
        ok = normalise(got) == normalise(want) if name == "project" else got == want
        result.kind_checks[name].append(ok)
        result.kind_by_report[stem].append(ok)
        if not ok:
            result.problems.append(f"{doc.source_file}: {name} {got!r} != {want!r}")


def _kpi_correct(row: object, gold_row: dict) -> bool:
    """The row's actual value and score are the gold row's (where the gold has them)."""
    actual = gold_row.get("actual")
    if actual is not None and normalise(row.actual_text) != normalise(actual):
        return False
    want = _number(gold_row.get("score"))
    if gold_row.get("score") is not None and want is None:  # a score gold could not read as a number
        return normalise(None if pd.isna(row.score) else f"{row.score:g}") == normalise(gold_row["score"])
    got = _number(row.score)
    return want is None or (got is not None and abs(got - want) <= SCORE_TOLERANCE)


def _score_kpis(
    result: Score, rows: pd.DataFrame, gold_rows: list[dict], source_file: str, form: str, stem: str
):
    """One document's performance-indicator rows against its gold `kpis`."""
    by_name: dict[str, list] = defaultdict(list)
    for row in rows.itertuples(index=False):
        by_name[normalise(row.indicator)].append(row)
    gold_names = {normalise(g.get("name")) for g in gold_rows}
    found = correct = 0
    for gold_row in gold_rows:
        candidates = by_name.get(normalise(gold_row.get("name")), [])
        if not candidates:
            result.problems.append(f"{source_file}: kpi missed {gold_row.get('name')!r}")
            continue
        found += 1
        if any(_kpi_correct(row, gold_row) for row in candidates):
            correct += 1
        else:
            got = [(row.actual_text, None if pd.isna(row.score) else row.score) for row in candidates]
            want = (gold_row.get("actual"), gold_row.get("score"))
            result.problems.append(
                f"{source_file}: kpi {gold_row.get('name')!r} (actual, score) {got} != gold {want}"
            )
    matching = sum(len(found_rows) for name, found_rows in by_name.items() if name in gold_names)
    for name, extra in by_name.items():
        if name not in gold_names:
            result.problems.extend(f"{source_file}: kpi row {row.indicator!r} not in gold" for row in extra)
    for tally in (result.kpi_overall, result.kpi_by_form[form], result.kpi_by_report[stem]):
        tally.gold += len(gold_rows)
        tally.found += found
        tally.correct += correct
        tally.rows += len(rows)
        tally.matching += matching


def score(
    values: pd.DataFrame,
    documents: pd.DataFrame,
    gold: dict,
    selection: Selection | None = None,
    indicators: pd.DataFrame | None = None,
) -> Score:
    """Score `values` (rows of v_indicator_values), `documents` (rows of v_documents) and
    `indicators` (rows of v_performance_indicators; None: not scored) against `gold`.

    Only documents with a gold entry (by stem) that `selection` keeps are scored.
    """
    result = Score()
    labelled = labelled_codes(gold)
    achieved = values[~values["is_target"].astype(bool)]
    for doc in documents.itertuples(index=False):
        key = _stem_key(gold, doc.source_file)
        if key is None or (selection is not None and not selection.keeps(doc.source_file)):
            continue
        label = gold[key]
        form, stem = _form(doc.source_file), _stem(doc.source_file)
        result.documents_by_report[stem] += 1
        skip = set(label.get("identity_skip") or ())
        for name in IDENTITY_FIELDS:
            if name in skip:
                continue
            got = cell(getattr(doc, name))
            ok = got == label.get(name)
            result.identity_checks[name].append(ok)
            result.identity_by_form[form].append(ok)
            result.identity_by_report[stem].append(ok)
            if not ok:
                result.problems.append(f"{doc.source_file}: {name} {got!r} != {label.get(name)!r}")
        _score_kinds(result, doc, label, stem)
        if indicators is not None and label.get("kpis") is not None:
            rows = indicators[indicators["source_file"] == doc.source_file]
            _score_kpis(result, rows, label["kpis"], doc.source_file, form, stem)
        facts = achieved[achieved["source_file"] == doc.source_file]
        for row in facts.itertuples(index=False):
            if row.indicator_code not in labelled:
                result.unlabelled.append(f"{doc.source_file}: {row.indicator_code} = {row.value:.10g}")
        gold_facts = label.get("facts", {})
        stated = set(facts["indicator_code"]) & labelled
        for code in sorted(set(gold_facts) | stated):
            gold_values = gold_facts.get(code, [])
            got_values = facts.loc[facts["indicator_code"] == code, "value"].tolist()
            correct = [v for v in got_values if any(values_match(v, g) for g in gold_values)]
            is_label = code in gold_facts
            found = any(values_match(v, g) for v in got_values for g in gold_values)
            for tally in (result.overall, result.by_code[code], result.by_form[form], result.by_report[stem]):
                tally.facts += len(got_values)
                tally.correct_facts += len(correct)
                tally.labels += int(is_label)
                tally.found_labels += int(found)
            wrong = [v for v in got_values if v not in correct]
            if wrong and is_label:
                result.problems.append(f"{doc.source_file}: {code} extracted {wrong} not in {gold_values}")
            elif wrong:
                result.problems.append(f"{doc.source_file}: {code} extracted {wrong}, gold has no such value")
            if is_label and not found:
                result.problems.append(f"{doc.source_file}: {code} missed {gold_values}")
    return result


def score_warehouse(warehouse: Path, gold_path: Path, selection: Selection | None = None) -> Score:
    """Read the views of a built warehouse (every path of a document, `tools.truth.read_warehouse`) and
    score them against a gold.json file."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    rows = read_warehouse(warehouse)
    return score(rows.values, rows.documents, gold, selection, rows.indicators)


CORPUS_FILES = ("gold.json", "meta.json")  # beside the reports: read as files of the corpus, rejected


def rejected_files(warehouse: Path) -> list[tuple[str, str, str, str]]:
    """The files a build rejected whole (reading or extraction), with stage, reason and detail (an
    error's message); not the corpus's own gold.json and meta.json."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "SELECT DISTINCT source_file, stage, reason, coalesce(detail, '') FROM v_rejected"
            " WHERE rule IS NULL ORDER BY 1"
        ).fetchall()
    return [row for row in rows if row[0] not in CORPUS_FILES]


def _table(rows: list[tuple], header: tuple) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    lines = [" | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)) for row in [header, *rows]]
    lines.insert(1, "-|-".join("-" * w for w in widths))
    return "\n".join(lines)


def _ratio(part: int, whole: int) -> str:
    """part / whole to three places; `-` where there is nothing to divide by."""
    return f"{part / whole:.3f}" if whole else "-"


def _identity(checks: list[bool]) -> str:
    return _ratio(sum(checks), len(checks))


def report(result: Score, per_report: bool = False) -> str:
    """The score as text tables: overall and per form, per indicator code, identity, and per report."""
    forms = sorted(result.by_form)
    rows = [
        ("all", _ratio(result.overall.correct_facts, result.overall.facts),
         _ratio(result.overall.found_labels, result.overall.labels),
         _identity([c for cs in result.identity_checks.values() for c in cs]),
         result.overall.facts, result.overall.labels),
        *[
            (form, _ratio(t.correct_facts, t.facts), _ratio(t.found_labels, t.labels),
             _identity(result.identity_by_form[form]), t.facts, t.labels)
            for form, t in ((f, result.by_form[f]) for f in forms)
        ],
    ]  # fmt: skip
    by_code = [
        (code, _ratio(t.correct_facts, t.facts), _ratio(t.found_labels, t.labels), t.facts, t.labels)
        for code, t in sorted(result.by_code.items())
    ]
    identity = [
        (name, _identity(result.identity_checks[name]), len(result.identity_checks[name]))
        for name in IDENTITY_FIELDS
        if name in result.identity_checks
    ]
    kinds = [
        (f"{name} (not in identity)", _identity(result.kind_checks[name]), len(result.kind_checks[name]))
        for name in KIND_FIELDS
        if name in result.kind_checks
    ]
    tables = [
        _table(rows, ("form", "precision", "recall", "identity", "facts", "labels"))
        + f"\n(achieved facts of codes no gold report uses, not scored: {len(result.unlabelled)})",
        _table(by_code, ("indicator", "precision", "recall", "facts", "labels")),
        _table(identity + kinds, ("identity field", "accuracy", "reports")),
    ]
    if result.kpi_overall.gold or result.kpi_overall.rows or result.kpi_by_report:
        kpi_rows = [
            (form, _ratio(t.found, t.gold), _ratio(t.correct, t.gold), _ratio(t.matching, t.rows), t.gold, t.found,
             t.correct, t.rows, t.matching)
            for form, t in [("all", result.kpi_overall), *sorted(result.kpi_by_form.items())]
        ]  # fmt: skip
        header = (
            "kpi form",
            "recall",
            "correct",
            "precision",
            "gold rows",
            "found",
            "right",
            "rows",
            "matching",
        )
        tables.append(_table(kpi_rows, header))
    if per_report:

        def kpi_cells(stem: str) -> tuple:
            if stem not in result.kpi_by_report:
                return ("-",) * 5
            t = result.kpi_by_report[stem]
            return (t.gold, t.found, t.correct, t.rows, t.matching)

        def kind_cell(stem: str) -> str:
            checks = result.kind_by_report.get(stem, [])
            return f"{sum(checks)}/{len(checks)}" if checks else "-"

        by_report = [
            (stem, result.documents_by_report[stem], t.facts, t.correct_facts, t.labels, t.found_labels,
             f"{sum(result.identity_by_report[stem])}/{len(result.identity_by_report[stem])}", kind_cell(stem),
             *kpi_cells(stem))
            for stem, t in ((stem, result.by_report[stem]) for stem in sorted(result.documents_by_report))
        ]  # fmt: skip
        header = (
            "report", "documents", "facts", "correct", "labels", "found", "identity", "kind", "kpis", "kpi found",
            "kpi right", "kpi rows", "kpi matching",
        )  # fmt: skip
        tables.append(_table(by_report, header))
    return "\n\n".join(tables)


def copy_selected(corpus: Path, selection: Selection, gold: dict, into: Path) -> int:
    """Copy the corpus's report files that `selection` keeps and the gold knows into `into` (same paths)."""
    stems = {_stem(key) for key in gold}
    copied = 0
    for path in sorted(corpus.rglob("*")):
        relative = path.relative_to(corpus).as_posix()
        wanted = _stem(relative) in stems and selection.keeps(relative)
        if wanted and path.is_file() and not path.is_symlink():
            (into / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, into / relative)
            copied += 1
    return copied


def main(argv: list[str] | None = None) -> None:
    """`python -m tools.scoring CORPUS [--forms F,..] [--set S] [--reports GLOBS] [--exclude GLOBS]
    [--warehouse FILE] [--problems] [--per-report]`: run the pipeline over the selected reports and score it.
    """
    import argparse
    import tempfile

    from dagster import materialize

    from pipelines.definitions import ASSETS
    from pipelines.defs.resources import ExtractCacheFolder, ReportsFolder, WarehouseFile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("corpus", type=Path, help="folder with gold.json and the reports (any depth)")
    parser.add_argument("--warehouse", type=Path, help="warehouse file to build (default: a temporary one)")
    parser.add_argument("--problems", action="store_true", help="list every miss and wrong value")
    parser.add_argument("--per-report", action="store_true", help="one line per report stem")
    parser.add_argument(
        "--forms",
        help="comma list of forms, the corpus's folders (txt,gbk,docx,pdf,html,xlsx ...); default: every form",
    )
    parser.add_argument(
        "--set", dest="report_set", choices=sorted(REPORT_SETS), default="all",
        help="named set of reports: dev (16 new), heldout (7 new), new (all 23 h*), all (default)",
    )  # fmt: skip
    parser.add_argument("--reports", help="comma list of fnmatch globs on the report stem, e.g. 'h1_*,h2_*'")
    parser.add_argument("--exclude", help="comma list of fnmatch globs on the report stem to leave out")
    args = parser.parse_args(argv)
    gold = json.loads((args.corpus / "gold.json").read_text(encoding="utf-8"))
    named = REPORT_SETS[args.report_set]
    selection = Selection(
        forms=frozenset(_globs(args.forms)) if args.forms else None,
        reports=_globs(args.reports),
        exclude=_globs(args.exclude),
        stems=frozenset(named) if named is not None else None,
    )
    if selection.forms is not None:
        present = {p.name for p in args.corpus.iterdir() if p.is_dir()}
        if unknown := selection.forms - present:
            parser.error(f"no such form in {args.corpus}: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory() as scratch:
        reports = args.corpus
        if not selection.everything:
            reports = Path(scratch) / "reports"
            reports.mkdir()
            if not copy_selected(args.corpus, selection, gold, reports):
                parser.error("no report of the gold is selected")
        warehouse = args.warehouse or Path(scratch) / "score.duckdb"
        result = materialize(
            ASSETS,
            resources={
                "reports": ReportsFolder(path=str(reports)),
                "warehouse": WarehouseFile(path=str(warehouse)),
                "extract_cache": ExtractCacheFolder(path=""),
            },
            raise_on_error=True,
        )
        assert result.success
        scored = score_warehouse(warehouse, args.corpus / "gold.json", selection)
        rejected = rejected_files(warehouse)
    print(report(scored, per_report=args.per_report))
    if rejected:  # a file read or extracted with errors scores as a miss: say which and why
        print(f"\n{len(rejected)} file(s) rejected (scored as misses):\n")
        print(_table(rejected, ("file", "stage", "reason", "detail")))
    if args.problems:
        unscored = [f"not scored (a code no gold report uses) {u}" for u in scored.unlabelled]
        print("\n" + "\n".join(sorted(scored.problems) + unscored))


if __name__ == "__main__":
    main()
