"""The province report: chart specs and SVG, the page (escaping, an empty warehouse), the asset over
the bundled samples, and the page in a headless browser when one is installed."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess

import duckdb
import pandas as pd
import pytest
from PIL import Image

from pipelines import schema
from pipelines.defs.assets.report import report_file
from pipelines.report import build_report, charts, preview_markdown, read_report, render_page
from pipelines.report.queries import load_queries, relations_read, report_queries
from pipelines.warehouse import VIEWS_SQL
from tests.test_pipeline import query
from tools.truth import GENERATED, values_match

SECTIONS = ["budget", "execution", "coverage", "attainment", "warnings"]
BROWSERS = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
CONSOLE_ERRORS = ("Uncaught", "ERROR:CONSOLE", "Failed to load", "net::ERR_")


def empty_warehouse() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with every table and view and no rows."""
    connection = duckdb.connect()
    connection.execute(schema.ddl())
    connection.execute(VIEWS_SQL.read_text(encoding="utf-8"))
    return connection


def sections(page: str) -> dict[str, str]:
    """Each <section> of the page by its id."""
    return dict(re.findall(r'<section id="(\w+)">(.*?)</section>', page, re.S))


# ---- pure: queries, chart specs, the page


def test_named_queries_are_split_by_their_name_lines():
    text = "-- header\n-- name: first\n-- a comment\nSELECT 1;\n\n-- name: second\nSELECT 2\n"
    assert load_queries(text) == {"first": "-- a comment\nSELECT 1;", "second": "SELECT 2"}
    with pytest.raises(ValueError, match="named twice"):
        load_queries("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;")


def test_every_report_query_runs_on_an_empty_warehouse_and_reads_published_views():
    with empty_warehouse() as connection:
        data = read_report(connection)
    assert set(data.frames) == set(report_queries())
    assert data.summary["documents"] == 0 and data.warehouse == "(in memory)"
    assert set(relations_read()) <= set(schema.RELATIONS)
    assert {"v_institution_year", "v_coverage", "v_kpi_attainment", "v_warnings", "v_kpi_warnings"} <= set(
        relations_read()
    )


def test_chart_specs_render_to_inline_svg_with_their_labels():
    budget = pd.DataFrame(
        {
            "province": ["湖南省", "云南省"],
            "fiscal_year": [2022, 2023],
            "budget": [2e6, 3e6],
            "spending": [1.8e6, 2.5e6],
        }
    )
    rates = pd.DataFrame(
        {
            "province": ["湖南省"] * 2,
            "fiscal_year": [2022] * 2,
            "rate_band": [85.0, 100.0],
            "institutions": [3, 1],
        }
    )
    coverage = pd.DataFrame(
        {
            "province": ["江西省"] * 2,
            "fiscal_year": [2023] * 2,
            "indicator_name": ["预算执行率", "满意度"],
            "coverage": [1.0, 0.5],
        }
    )
    attainment = pd.DataFrame(
        {"province": ["湖南省"] * 3, "fiscal_year": [2022] * 3, "level1": ["产出指标", "产出指标", "效益指标"],
         "status": ["met", "not met", "not comparable"], "indicator_rows": [3, 1, 2]}
    )  # fmt: skip
    counts = pd.DataFrame({"kind": ["fact"], "rule": ["region_resolved"], "failures": [4]})
    expected = [
        (
            charts.budget_vs_spending_chart(budget),
            ["湖南省", "云南省", "预算 budget", "支出 spending", "万元 (10,000 yuan)"],
        ),
        (charts.execution_rate_chart(rates), ["湖南省 2022", "预算执行率 budget execution rate (%)"]),
        (charts.coverage_chart(coverage), ["江西省 2023", "预算执行率", "满意度", "50%"]),
        (charts.attainment_chart(attainment), ["湖南省 2022", "产出指标", "效益指标", "not comparable"]),
        (charts.warnings_chart(counts, 3), ["region_resolved", "files with rejections"]),
    ]
    for spec, labels in expected:
        svg = charts.render_svg(spec)
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
        assert "http" not in svg  # no namespace URL, nothing fetched
        assert "Noto Sans CJK SC" in svg  # the CJK font list reaches the text
        for label in labels:
            assert f">{label}</text>" in svg, label


def test_execution_rates_are_counted_in_bands_of_five_points_up_to_150():
    with duckdb.connect(":memory:") as con:
        con.execute(
            "CREATE TABLE v_institution_year AS SELECT * FROM (VALUES "
            "('湖南省', '430000', 2022, 88.5), ('湖南省', '430000', 2022, 85.0), ('湖南省', '430000', 2022, 101.0), "
            "('湖南省', '430000', 2022, 412.0), ('湖南省', '430000', 2022, NULL), ('云南省', '530000', 2023, 99.9)"
            ") t(province, province_code, fiscal_year, budget_execution_rate)"
        )
        frame = con.execute(report_queries()["execution_rates"]).df()
    assert frame.to_dict("records") == [
        {"province": "湖南省", "fiscal_year": 2022, "rate_band": 85.0, "institutions": 2},
        {"province": "湖南省", "fiscal_year": 2022, "rate_band": 100.0, "institutions": 1},
        {"province": "湖南省", "fiscal_year": 2022, "rate_band": 150.0, "institutions": 1},
        {"province": "云南省", "fiscal_year": 2023, "rate_band": 95.0, "institutions": 1},
    ]


def test_chart_text_is_escaped():
    frame = pd.DataFrame({"kind": ["fact"], "rule": ["<script>alert(1)</script>"], "failures": [1]})
    svg = charts.render_svg(charts.warnings_chart(frame, 0))
    assert "<script" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_a_kept_chart_is_rendered_once_per_spec_and_again_when_its_data_changes(tmp_path, monkeypatch):
    rendered = []

    def counted(spec: charts.Spec) -> str:
        rendered.append(spec)
        return real(spec)

    real = charts.render_svg
    monkeypatch.setattr(charts, "render_svg", counted)
    frame = pd.DataFrame({"kind": ["fact"], "rule": ["region_resolved"], "failures": [3]})
    spec, changed = charts.warnings_chart(frame, 0), charts.warnings_chart(frame.assign(failures=4), 0)
    folder = tmp_path / ".charts"
    first = charts.KeptCharts(folder)(spec)
    assert first == real(spec) and len(rendered) == 1
    kept = charts.KeptCharts(folder)  # a later build: the same spec is read back
    assert kept(spec) == first and len(rendered) == 1
    assert kept(changed) == real(changed) and len(rendered) == 2  # its data changed: rendered again
    latest = charts.KeptCharts(folder)
    latest(changed)
    latest.forget_unused()
    assert [p.name for p in folder.iterdir()] == [f"{charts.chart_key(changed)}.svg"]
    (folder / f"{charts.chart_key(changed)}.svg").write_bytes(b"\xff not text")
    assert charts.KeptCharts(folder)(changed) == real(changed) and len(rendered) == 3


def test_every_value_on_the_page_is_escaped():
    hostile = "<script>alert('x')</script>"
    with empty_warehouse() as connection:
        data = read_report(connection)
    frames = dict(data.frames)
    frames["summary"] = frames["summary"].assign(documents=1)
    frames["warning_counts"] = pd.DataFrame({"kind": ["fact"], "rule": [hostile], "failures": [1]})
    frames["warnings"] = pd.DataFrame(
        [{"province": hostile, "fiscal_year": 2023, "kind": "fact", "source_file": f"{hostile}.txt",
          "source_locator": "line 1", "rule": hostile, "snippet": f"收入 {hostile} & 支出"}]
    )  # fmt: skip
    page = render_page(dataclasses.replace(data, frames=frames, warehouse=f"/tmp/{hostile}.duckdb"))
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;.txt" in page
    assert "收入 &lt;script&gt;" in page and "&amp; 支出" in page
    assert page.count("<svg") == 1  # the warnings chart; the other sections have nothing to show


def test_an_empty_warehouse_gives_a_page_saying_there_is_nothing_yet():
    with empty_warehouse() as connection:
        page = build_report(connection)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "Nothing yet" in page and "<svg" not in page and "<section" not in page
    assert preview_markdown(pd.DataFrame(columns=["province"])).startswith("Nothing yet")


# ---- through the real assets over the bundled samples


@pytest.fixture(scope="module")
def reported(build):
    """The samples' warehouse (built once per session), its report page and the run that built them."""
    warehouse, result = build
    return warehouse, report_file(warehouse), result


def test_the_report_is_written_beside_the_warehouse_with_a_chart_per_section(reported):
    warehouse, report, result = reported
    assert report == warehouse.parent / "report" / "index.html"
    page = report.read_text(encoding="utf-8")
    found = sections(page)
    assert list(found) == SECTIONS
    assert all(found[name].count("<svg") == 1 for name in SECTIONS), {
        n: s.count("<svg") for n, s in found.items()
    }
    provinces = query(warehouse, "SELECT DISTINCT province FROM v_documents WHERE province IS NOT NULL")
    assert len(provinces) >= 3
    for province in provinces["province"]:
        assert f">{province}</text>" in found["budget"] and f"<td>{province}</td>" in found["budget"]
        assert f">{province} 2022</text>" in found["coverage"]
    assert not re.search(r"https?://", page)  # self-contained
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert str(warehouse) in page
    materialization = result.asset_materializations_for_node("province_report")[0]
    metadata = materialization.metadata
    assert metadata["path"].path == str(report)
    assert metadata["url"].url == report.as_uri()
    assert metadata["charts"].value == len(SECTIONS)
    assert metadata["documents"].value == query(warehouse, "SELECT count(*) AS n FROM dim_document")["n"][0]


def test_the_report_is_not_built_again_while_the_warehouse_and_its_code_are_the_same(
    reported, tmp_path, monkeypatch
):
    """A run whose published warehouse is the one the page was built from keeps the page and gives
    the same metadata; a republished warehouse, a changed or missing page, a damaged record or a
    change of the report's code builds it again."""
    from dagster import materialize

    import pipelines.defs.assets.report as report_asset
    from pipelines.defs.resources import WarehouseFile

    warehouse = tmp_path / "reports.duckdb"
    shutil.copy(reported[0], warehouse)
    renders = []

    def counted(data, render):
        renders.append(1)
        return render_page(data, render)

    monkeypatch.setattr(report_asset, "render_page", counted)

    def run() -> dict:
        result = materialize(
            [report_asset.province_report], resources={"warehouse": WarehouseFile(path=str(warehouse))}
        )
        metadata = result.asset_materializations_for_node("province_report")[0].metadata
        return {name: getattr(value, "value", value) for name, value in metadata.items()}

    page = report_file(warehouse)
    first = run()
    written = page.read_bytes()
    assert len(renders) == 1 and first["charts"] == len(SECTIONS)
    assert run() == first and len(renders) == 1 and page.read_bytes() == written  # kept
    built = reported[2].asset_materializations_for_node("province_report")[0].metadata
    assert first == {name: getattr(value, "value", value) for name, value in built.items()} | {
        "path": first["path"],
        "url": first["url"],
    }  # the metadata of the samples' own run, for this copy's path
    shutil.copy(reported[0], tmp_path / "republished.duckdb")
    (tmp_path / "republished.duckdb").replace(warehouse)  # a publish: the same build, a new file
    assert run() == first and len(renders) == 2
    page.write_text(page.read_text(encoding="utf-8").replace("<h1>", "<h1>edited "), encoding="utf-8")
    assert run() == first and len(renders) == 3 and b"<h1>edited " not in page.read_bytes()
    page.unlink()
    assert run() == first and len(renders) == 4 and page.is_file()
    report_asset.report_record(page).write_text("{damaged", encoding="utf-8")
    assert run() == first and len(renders) == 5
    assert run() == first and len(renders) == 5
    shutil.copy(report_asset.REPORT_SQL, tmp_path / "report.sql")
    monkeypatch.setattr(report_asset, "REPORT_SQL", tmp_path / "report.sql")
    with (tmp_path / "report.sql").open("a", encoding="utf-8") as handle:
        handle.write("\n-- an edit\n")
    assert run() == first and len(renders) == 6


def _preview_rows(markdown: str) -> dict[tuple[str, int], list[float]]:
    """(province, year) -> [institutions, budget, spending, execution rate] of the preview table."""
    rows = {}
    for line in markdown.splitlines()[2:]:
        province, year, *numbers = (cell.strip() for cell in line.strip("|").split("|"))
        rows[(province, int(year))] = [float(n.replace(",", "").rstrip(" %")) for n in numbers]
    return rows


def test_the_budget_preview_equals_sums_on_the_warehouse(reported):
    warehouse, _, result = reported
    markdown = result.asset_materializations_for_node("province_report")[0].metadata["budget_vs_spending"]
    preview = _preview_rows(markdown.md_str)
    values = query(
        warehouse,
        "SELECT province, fiscal_year, institution_key, "
        "sum(value) FILTER (WHERE indicator_code = 'budget_total') AS budget, "
        "sum(value) FILTER (WHERE indicator_code = 'expenditure_total') AS spending "
        "FROM v_institution_values WHERE province IS NOT NULL "
        "AND indicator_code IN ('budget_total', 'expenditure_total') GROUP BY ALL",
    )
    rollup = query(
        warehouse,
        "SELECT province, fiscal_year, total FROM v_province_rollup WHERE indicator_code = 'budget_total'",
    ).set_index(["province", "fiscal_year"])["total"]
    groups = values.groupby(["province", "fiscal_year"])
    assert set(preview) == set(groups.groups) and len(preview) >= 4
    for key, group in groups:
        institutions, budget, spending, rate = preview[key]
        both = group.dropna(subset=["budget", "spending"])
        assert institutions == len(group)
        assert values_match(budget, group["budget"].sum(), GENERATED)
        assert values_match(budget, rollup[key], GENERATED)
        assert values_match(spending, group["spending"].sum(), GENERATED)
        assert values_match(rate, 100 * both["spending"].sum() / both["budget"].sum(), GENERATED)


def _status(row) -> str:
    """A row's attainment as v_kpi_attainment states it, worked out row by row."""
    comparisons = {
        ">=": lambda a, t: a >= t, "<=": lambda a, t: a <= t, "=": lambda a, t: a == t,
        ">": lambda a, t: a > t, "<": lambda a, t: a < t,
    }  # fmt: skip
    both = not (pd.isna(row.actual_value) or pd.isna(row.target_value))
    if both and row.comparator in comparisons:
        return "met" if comparisons[row.comparator](row.actual_value, row.target_value) else "not met"
    if both and row.actual_value == row.target_value:
        return "met"
    target, actual = row.target_text, row.actual_text
    if (
        isinstance(target, str)
        and isinstance(actual, str)
        and target.strip()
        and target.strip() == actual.strip()
    ):
        return "met"
    return "not comparable"


def test_attainment_counts_every_performance_indicator_row_by_its_comparison(reported):
    warehouse, _, _ = reported
    rows = query(
        warehouse,
        "SELECT province, fiscal_year, coalesce(level1, '(none)') AS level1, actual_value, target_value, "
        "comparator, target_text, actual_text FROM v_performance_indicators WHERE province IS NOT NULL",
    )
    rows["status"] = [_status(row) for row in rows.itertuples()]
    expected = rows.groupby(["province", "fiscal_year", "level1", "status"]).size().to_dict()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        attainment = read_report(connection).frames["attainment"]
    found = attainment.set_index(["province", "fiscal_year", "level1", "status"])["indicator_rows"].to_dict()
    assert found == expected
    assert set(rows["status"]) == {"met", "not met", "not comparable"}  # the samples have all three


# ---- the page in a headless browser


def _browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


@pytest.mark.skipif(
    _browser() is None,
    reason=f"no headless browser (Debian package chromium; .ci/run installs it): looked for {', '.join(BROWSERS)}",
)
def test_the_report_opens_in_a_headless_browser_and_shows_its_charts(reported, tmp_path):
    _, report, _ = reported
    common = [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]
    dumped = subprocess.run(
        [*common, f"--user-data-dir={tmp_path / 'dom'}", "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert dumped.stdout.count("<svg") == len(SECTIONS)
    assert "湖南省" in dumped.stdout and "Budget vs spending" in dumped.stdout
    console = [line for line in dumped.stderr.splitlines() if any(e in line for e in CONSOLE_ERRORS)]
    assert not console, console
    screenshot = tmp_path / "report.png"
    shot = subprocess.run(
        [*common, f"--user-data-dir={tmp_path / 'shot'}", f"--screenshot={screenshot}", "--window-size=1200,3000",
         report.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert not [line for line in shot.stderr.splitlines() if any(e in line for e in CONSOLE_ERRORS)]
    with Image.open(screenshot) as image:
        assert image.size == (1200, 3000)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours and len(colours) > 20  # text, bars, heat-map cells: not a blank page
    blank = max(count for count, _ in colours)
    assert blank < 0.97 * 1200 * 3000
