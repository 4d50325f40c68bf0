"""The report's charts: Vega-Lite specs built from the report queries' frames, rendered to SVG at
build time by vl-convert (no JavaScript in the page, no data fetched from anywhere); `KeptCharts`
renders only the charts whose spec (data included) no earlier build rendered."""

import hashlib
import json
import re
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import vl_convert

from pipelines.storage import write_atomically

# Chinese labels (provinces, indicator names): CJK fonts first, for the renderer's text layout and for
# whichever of them the reader's system has.
FONT = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
    "'WenQuanYi Micro Hei', sans-serif"
)
CONFIG = {"font": FONT, "view": {"stroke": "#ddd"}, "axis": {"labelLimit": 240}}
PROVINCE_YEAR = {"calculate": "datum.province + ' ' + datum.fiscal_year", "as": "province_year"}
Y_PROVINCE_YEAR = {"field": "province_year", "type": "nominal", "title": None}
SERIES = ["预算 budget", "支出 spending"]
STATUSES = ["met", "not met", "not comparable"]
STATUS_COLOURS = ["#2e7d32", "#c62828", "#9e9e9e"]
# The root element's namespace declarations: not needed inline in HTML, and the page names no URL.
NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')

Spec = dict[str, Any]
Render = Callable[[Spec], str]  # a chart's spec -> its <svg> element


def _values(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON records (NaN as null, numpy numbers as plain ones)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def render_svg(spec: Spec) -> str:
    """The chart as an `<svg>` element to inline in HTML (data inline only: no URL may be fetched)."""
    svg = vl_convert.vegalite_to_svg({**spec, "config": CONFIG}, allowed_base_urls=[])
    opening, rest = svg.split(">", 1)
    return NAMESPACES.sub("", opening) + ">" + rest


@cache
def _renderer() -> bytes:
    """This module's code (`render_svg`, CONFIG) and vl-convert's version."""
    return Path(__file__).read_bytes() + metadata.version("vl-convert-python").encode()


def chart_key(spec: Spec) -> str:
    """What a chart's SVG depends on: its spec (data included) and `_renderer`."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(_renderer() + text.encode()).hexdigest()


class KeptCharts:
    """A `Render` that keeps each chart's SVG in `folder` under its `chart_key`: a chart an earlier
    build rendered from the same spec is read back, not rendered again (vl-convert starts a
    JavaScript runtime for its first chart in a process)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def __call__(self, spec: Spec) -> str:
        key = chart_key(spec)
        self.used.add(key)
        kept = self.folder / f"{key}.svg"
        try:
            return kept.read_text(encoding="utf-8")
        except (OSError, ValueError):  # not kept yet, or not readable as text: rendered again
            svg = render_svg(spec)
            write_atomically(kept, svg.encode("utf-8"))
            return svg

    def forget_unused(self) -> None:
        """Remove the kept charts this one's calls did not use (those of earlier pages)."""
        for path in self.folder.glob("*.svg"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def budget_vs_spending_chart(frame: pd.DataFrame) -> Spec:
    """Grouped bars of budget and spending (万元) per fiscal year, one panel per province; `frame`:
    the budget_vs_spending query."""
    return {
        "data": {"values": _values(frame[["province", "fiscal_year", "budget", "spending"]])},
        "transform": [
            {"fold": ["budget", "spending"], "as": ["measure", "yuan"]},
            {"calculate": "datum.yuan / 10000", "as": "wan_yuan"},
            {"calculate": f"datum.measure === 'budget' ? '{SERIES[0]}' : '{SERIES[1]}'", "as": "series"},
        ],
        "facet": {"field": "province", "type": "nominal", "title": None},
        "columns": 4,
        "spec": {
            "width": {"step": 36},
            "height": 220,
            "mark": "bar",
            "encoding": {
                "x": {
                    "field": "fiscal_year",
                    "type": "ordinal",
                    "title": "fiscal year",
                    "axis": {"labelAngle": 0},
                },
                "xOffset": {"field": "series", "type": "nominal", "sort": SERIES},
                "y": {"field": "wan_yuan", "type": "quantitative", "title": "万元 (10,000 yuan)"},
                "color": {"field": "series", "type": "nominal", "title": None, "scale": {"domain": SERIES}},
            },
        },
    }


def execution_rate_chart(frame: pd.DataFrame) -> Spec:
    """One dot per band of budget execution rates (%) per province and year, at the band's lower
    edge, its area the institutions in the band, a dashed line at 100 %; `frame`: the execution_rates
    query (which sets the bands)."""
    return {
        "data": {"values": _values(frame[["province", "fiscal_year", "rate_band", "institutions"]])},
        "transform": [PROVINCE_YEAR],
        "width": 560,
        "height": {"step": 28},
        "layer": [
            {
                "mark": {"type": "circle", "opacity": 0.7},
                "encoding": {
                    "x": {
                        "field": "rate_band",
                        "type": "quantitative",
                        "title": "预算执行率 budget execution rate (%)",
                        "scale": {"zero": False},
                    },
                    "y": Y_PROVINCE_YEAR,
                    "size": {
                        "field": "institutions",
                        "type": "quantitative",
                        "title": "institutions",
                        "legend": {"format": "d"},
                    },
                },
            },
            {
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#666"},
                "encoding": {"x": {"datum": 100}},
            },
        ],
    }


def coverage_chart(frame: pd.DataFrame) -> Spec:
    """Heat map of the share of institutions reporting each dictionary indicator, per province and
    year; `frame`: the indicator_coverage query."""
    return {
        "data": {"values": _values(frame[["province", "fiscal_year", "indicator_name", "coverage"]])},
        "transform": [PROVINCE_YEAR],
        "height": {"step": 28},
        "width": {"step": 44},
        "encoding": {
            "x": {"field": "indicator_name", "type": "nominal", "title": None, "sort": None},
            "y": Y_PROVINCE_YEAR,
        },
        "layer": [
            {
                "mark": "rect",
                "encoding": {
                    "color": {
                        "field": "coverage",
                        "type": "quantitative",
                        "scale": {"domain": [0, 1], "scheme": "blues"},
                        "legend": {"format": ".0%", "title": "coverage"},
                    }
                },
            },
            {
                "mark": {"type": "text", "fontSize": 9},
                "encoding": {
                    "text": {"field": "coverage", "type": "quantitative", "format": ".0%"},
                    "color": {
                        "condition": {"test": "datum.coverage > 0.6", "value": "white"},
                        "value": "black",
                    },
                },
            },
        ],
    }


def attainment_chart(frame: pd.DataFrame) -> Spec:
    """Stacked bars of performance-indicator rows met, not met and not comparable per province and
    year, one panel per level1; `frame`: the attainment query."""
    return {
        "data": {"values": _values(frame[["province", "fiscal_year", "level1", "status", "indicator_rows"]])},
        "transform": [
            PROVINCE_YEAR,
            {"calculate": f"indexof({json.dumps(STATUSES)}, datum.status)", "as": "status_order"},
        ],
        "facet": {"column": {"field": "level1", "type": "nominal", "title": None}},
        "spec": {
            "width": 170,
            "height": {"step": 24},
            "mark": "bar",
            "encoding": {
                "y": Y_PROVINCE_YEAR,
                "x": {
                    "field": "indicator_rows",
                    "type": "quantitative",
                    "aggregate": "sum",
                    "title": "rows",
                    "axis": {"tickMinStep": 1, "format": "d"},
                },
                "color": {
                    "field": "status",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": STATUSES, "range": STATUS_COLOURS},
                },
                "order": {"field": "status_order", "type": "quantitative"},
            },
        },
    }


def warnings_chart(counts: pd.DataFrame, rejected_files: int) -> Spec:
    """Horizontal bars of warning-level failures per rule and of files with rejections; `counts`:
    the warning_counts query."""
    values = _values(counts[["kind", "rule", "failures"]])
    if rejected_files:
        values.append({"kind": "rejected file", "rule": "files with rejections", "failures": rejected_files})
    return {
        "data": {"values": values},
        "width": 420,
        "height": {"step": 24},
        "mark": "bar",
        "encoding": {
            "y": {"field": "rule", "type": "nominal", "title": None, "sort": "-x"},
            "x": {
                "field": "failures",
                "type": "quantitative",
                "title": "rows (files for rejections)",
                "axis": {"tickMinStep": 1, "format": "d"},
            },
            "color": {"field": "kind", "type": "nominal", "title": None},
        },
    }
