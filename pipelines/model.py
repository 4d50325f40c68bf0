"""Plain data records passed between the pure stages (read -> extract -> validate -> load).

Nothing here knows about Dagster or DuckDB; every record pickles cleanly so that stages can run
in worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "table_row"]
Qualifier = Literal["exact", "at_least", "at_most", "approx"]
Stage = Literal["read", "extract", "validate"]
# department: the whole body's budget and spending (部门整体支出); project: one named project of the
# body (项目支出); transfer: a fund passed down and spent by the body (转移支付, 专项资金).
ReportKind = Literal["department", "project", "transfer"]
DEPARTMENT = "department"  # the scope of a fact about the whole body (else a part: basic, project ...)
FISCAL = "fiscal"  # the scope of a figure of the fiscal money (财政资金, 财政拨款)
Comparator = Literal[">=", "<=", "=", ">", "<"]


@dataclass(frozen=True)
class ReadLimits:
    """What one file may cost to read: bigger or slower files are rejected with the limit named.

    Settings (environment variables of the pipeline): READ_MAX_FILE_MB, READ_MAX_PDF_PAGES,
    READ_MAX_INFLATED_MB, READ_MAX_TABLE_CELLS, READ_TIMEOUT_SECONDS, READ_MAX_MEMORY_MB,
    READ_MAX_OCR_PAGES, READ_MAX_OCR_MEMORY_MB, READ_PDFPLUMBER_ONLY.
    """

    max_file_mb: float = 50.0  # bytes on disk; a larger file is not opened at all
    max_pdf_pages: int = 500
    max_inflated_mb: float = 200.0  # a .docx's or .xlsx's parts once unzipped (zip bombs)
    max_table_cells: int = 200_000  # cells of all tables of one file
    timeout_seconds: float = 120.0  # reading and extracting one file
    max_memory_mb: float = 512.0  # what reading a file may allocate in its worker (address space)
    max_ocr_pages: int = 60  # pages of one PDF without a text layer (recognised by OCR, seconds each)
    # While a rendered page is recognised, and only then, above what the worker holds at that page: OCR
    # maps OpenCV and onnxruntime and runs the models, about 1.1-1.3 GB whatever the file (BENCHMARKS.md),
    # much of which stays held after the first page; the page image is bounded in pixels.
    max_ocr_memory_mb: float = 1536.0
    # Every PDF page through pdfplumber, none through pdfium (`pipelines.readers.pdfium_text`): the
    # reading before pdfium, which the comparison test and `tools.bench --pdf-text` measure against.
    pdfplumber_only: bool = False

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


DEFAULT_LIMITS = ReadLimits()


OCR_MARK = "(OCR)"  # ends the locator of every block read by OCR: page 2 line 7 (OCR)


@dataclass(frozen=True)
class TextBlock:
    """One paragraph of text, or one table row, with where it sits in its file.

    `locator` is human-readable and stable, e.g. ``p12`` (paragraph 12), ``page 3 line 7``,
    ``page 2 table 1 row 4`` or ``table 1 row 4``. For table rows, `cells` holds the cell texts
    (None for merged cells already filled) and `text` joins them with `` | ``. Blocks read by OCR
    (locators ending ``(OCR)``) have the recognition `confidence` of their least certain line, and
    table rows the confidence of each cell (None for an empty cell).
    """

    text: str
    locator: str
    kind: BlockKind = "paragraph"
    page: int | None = None
    cells: tuple[str, ...] = ()
    confidence: float | None = None
    cell_confidence: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class Document:
    """The readable content of one report file, in reading order."""

    source_file: str  # path relative to REPORTS_DIR, with forward slashes
    content_hash: str  # sha256 of the file bytes
    file_format: Literal[
        "txt", "docx", "pdf", "doc", "wps", "xlsx", "xls", "et", "html"
    ]  # doc, wps: converted by LibreOffice
    blocks: tuple[TextBlock, ...]
    pages: int | None = None
    encoding: str | None = None  # txt and html only: the encoding that decoded it

    @property
    def text(self) -> str:
        """All blocks joined by newlines (for identity detection and debugging)."""
        return "\n".join(block.text for block in self.blocks)

    def confidences(self) -> dict[str, float]:
        """OCR confidence by locator: of every block read by OCR and of its cells (``… cell N``, the
        locators the extractors give a figure of a cell)."""
        found: dict[str, float] = {}
        for block in self.blocks:
            if block.confidence is not None:
                found[block.locator] = block.confidence
            for index, confidence in enumerate(block.cell_confidence, start=1):
                if confidence is not None:
                    found[f"{block.locator} cell {index}"] = confidence
        return found


class ReadError(Exception):
    """A file that cannot be read as a report; the message is the reason shown to users."""


@dataclass(frozen=True)
class Region:
    """An administrative place resolved against the gazetteer (names and 6-digit codes)."""

    province: str | None = None
    province_code: str | None = None
    city: str | None = None
    city_code: str | None = None
    county: str | None = None
    county_code: str | None = None
    source: str = "unresolved"  # where the region came from: institution, text, path, unresolved
    note: str | None = None  # ambiguity or fallback explanation


@dataclass(frozen=True)
class Identity:
    """Who a report is about: institution, region and fiscal year, with where each came from, and
    what kind of report it is (with the project's or fund's name for project and transfer reports)."""

    institution: str | None
    fiscal_year: int | None
    region: Region = field(default_factory=Region)
    institution_source: str = "unresolved"  # title, field, line, text, publisher, path, file_name, unresolved
    year_source: str = "unresolved"
    report_kind: ReportKind = "department"
    project: str | None = None


@dataclass(frozen=True)
class Fact:
    """One stated figure, normalised to its canonical unit, with its provenance."""

    indicator_code: str
    value: float
    unit: str
    qualifier: Qualifier
    is_target: bool
    scope: str
    source_locator: str
    snippet: str
    raw_text: str  # the figure as printed, e.g. "512.34万元"
    note: str | None = None  # what extraction did beyond reading, e.g. a unit header it overrode


@dataclass(frozen=True)
class PerformanceIndicator:
    """One 三级指标 row of a performance-indicator table (绩效指标), as printed and as numbers.

    `target_value` / `actual_value` are the cells' figures in canonical units (yuan, percent as a
    number, counts) where the cell has one, with `unit`; `comparator` comes from the target
    (≥95% -> ">="). `indicator` is the name without template prefixes (指标1:) or markers (★).
    """

    level1: str | None  # 一级指标: 产出指标, 效益指标, 满意度指标, 成本指标 ...
    level2: str | None  # 二级指标: 数量指标, 质量指标, 时效指标, 社会效益指标 ...
    indicator: str
    target_text: str | None
    actual_text: str | None
    target_value: float | None
    actual_value: float | None
    unit: str | None
    comparator: Comparator | None
    weight: float | None  # 分值
    score: float | None  # 得分
    deviation_reason: str | None  # 偏差原因分析及改进措施
    source_locator: str
    snippet: str  # the row as printed


@dataclass(frozen=True)
class Content:
    """What extraction finds in one document besides its identity."""

    facts: tuple[Fact, ...]
    indicators: tuple[PerformanceIndicator, ...] = ()


@dataclass(frozen=True)
class Rejection:
    """Something a user gave that did not become facts, and why."""

    source_file: str
    stage: Stage
    reason: str
    detail: str = ""
    content_hash: str | None = None  # of the file's bytes, when the file could be read at all


@dataclass(frozen=True)
class DocumentExtract:
    """What the pipeline keeps of one readable report: its metadata, identity and facts."""

    source_file: str
    content_hash: str
    file_format: str
    pages: int | None
    encoding: str | None
    identity: Identity
    facts: tuple[Fact, ...]
    indicators: tuple[PerformanceIndicator, ...] = ()  # rows of performance-indicator tables
    # OCR confidence of the lines and cells the facts and rows came from, by locator (none: text)
    ocr_confidence: dict[str, float] = field(default_factory=dict)


Outcome = DocumentExtract | Rejection  # one file's outcome
