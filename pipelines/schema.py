"""The warehouse, declared once: every table and view, every column with its type, whether it may be
empty, what it means, its unit and what it refers to.

Everything else is generated from this module: the DDL with a COMMENT ON every table, view and
column (`ddl`, `comments`), the reference checks run in a new build before it is published
(`reference_checks`), the pandas dtypes of the load (`dtypes`), the check that the published views
have exactly their declared columns, the Dagster column schemas of the warehouse assets, and the data
dictionary of the README (`markdown_dictionary`; a test fails when the two disagree). Fields are
declared once (`FIELDS`) and used by name in tables and views, as PUDL does.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.indicators import DICTIONARY_PATH, load_dictionary
from pipelines.lookups import COUNT_UNITS

# Exact decimals for figures (money in yuan to the fen and beyond, percentages, counts), so that sums
# are exact; a total of many figures has room for 38 digits.
MONEY = "DECIMAL(18,4)"
TOTAL = "DECIMAL(38,4)"
RATE = "DECIMAL(12,4)"  # percentages and scores computed by a view (to 1/10000 of a point)
# DuckDB type -> pandas dtype of a column that is never empty / may be empty.
PANDAS_TYPES = {
    "VARCHAR": ("str", "str"),
    "INTEGER": ("int64", "Int64"),
    "BIGINT": ("int64", "Int64"),
    "DOUBLE": ("float64", "float64"),
    MONEY: ("float64", "float64"),
    TOTAL: ("float64", "float64"),
    RATE: ("float64", "float64"),
    "BOOLEAN": ("bool", "boolean"),
    "TIMESTAMP": ("datetime64[us]", "datetime64[us]"),
}


@dataclass(frozen=True)
class Field:
    """A column as it is meant wherever it appears."""

    name: str
    type: str
    description: str
    unit: str | None = None


@dataclass(frozen=True)
class Column:
    """A field in one table or view."""

    field: Field
    nullable: bool = True
    references: str | None = None  # "table.column" it refers to
    description: str | None = None  # where it means more here than the field says
    sql_type: str | None = None  # where it is stored otherwise than the field

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def type(self) -> str:
        return self.sql_type or self.field.type

    @property
    def text(self) -> str:
        """The column's description, with its unit and what it refers to."""
        parts = [self.description or self.field.description]
        if self.field.unit:
            parts.append(f"Unit: {self.field.unit}.")
        if self.references:
            parts.append(f"References {self.references}.")
        return " ".join(parts)


@dataclass(frozen=True)
class Relation:
    """A table or a view of the warehouse."""

    name: str
    kind: str  # table or view (published), or frame (a stage's table handed to the next)
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    grain: tuple[str, ...] = ()  # unique together (tables); what one row is (views, in words)
    contract: int = 0  # how many leading columns are the warehouse contract (../shared/contract)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _fields(*items: tuple) -> dict[str, Field]:
    return {item[0]: Field(*item) for item in items}


FIELDS = _fields(
    # identity and region
    ("institution_key", "VARCHAR", "Deterministic key of an institution: a hash of its name and region codes."),
    ("institution", "VARCHAR", "The reporting body's name, as the report gives it."),
    ("province", "VARCHAR", "Province (省级) of the institution, official name."),
    ("province_code", "VARCHAR", "Official 6-digit division code of the province."),
    ("city", "VARCHAR", "Prefecture-level division (地级), official name; NULL for a provincial body."),
    ("city_code", "VARCHAR", "Official 6-digit division code of the city."),
    ("county", "VARCHAR", "County-level division (县级), official name; NULL for a city- or provincial-level body."),
    ("county_code", "VARCHAR", "Official 6-digit division code of the county."),
    ("institution_source", "VARCHAR", "Where the name came from: title, field, line, text, publisher (a saved web page's 发布机构 / 来源 where the report names no body), path (a body named in the path), file_name (never named: the file name stands for it)."),
    ("region_source", "VARCHAR", "Where the region came from: institution, text, path, unresolved."),
    ("region_note", "VARCHAR", "Why a region is ambiguous or was taken from a fallback."),
    ("fiscal_year", "INTEGER", "Fiscal year the report is about."),
    ("year_source", "VARCHAR", "Where the fiscal year came from: field (评价年度), title, period (a whole year the text names: 2019年1月起至2019年12月止), text (the year it says it evaluates, 对2019年度…进行绩效自评, else its most named year), path, year_end (a year's last day, 2022年12月31日, the text names), fill_date (a form filled by June: the year before), publish_date (the year before the 公开日期 or 发布时间 a page prints, where nothing else states it)."),
    # documents
    ("document_key", "VARCHAR", "Deterministic key of a document: the first 16 hex digits of its content's sha256."),
    ("source_file", "VARCHAR", "Path of the file relative to REPORTS_DIR (for a document: its first path)."),
    ("content_hash", "VARCHAR", "sha256 of the file's bytes."),
    ("file_format", "VARCHAR", "File format: txt, docx, pdf, doc or wps (converted by LibreOffice; a .doc that is a .docx zip: docx), xlsx, xls, et, html (.html and .htm), or the extension of a file that could not be read."),
    ("pages", "INTEGER", "Pages of a PDF."),
    ("encoding", "VARCHAR", "Text encoding a .txt file or a web page was read with."),
    ("status", "VARCHAR", "loaded, partly_rejected (some figures failed a rule) or rejected (nothing loaded)."),
    ("report_kind", "VARCHAR", "department (the whole body), project (one named project) or transfer (a fund passed down)."),
    ("project", "VARCHAR", "Name of the project or fund of a project or transfer report; NULL for department reports."),
    ("facts_extracted", "INTEGER", "Figures extracted from the document."),
    ("facts_loaded", "INTEGER", "Figures that passed every error-level rule."),
    ("facts_rejected", "INTEGER", "Figures that failed an error-level rule (see v_rejected)."),
    ("indicators_extracted", "INTEGER", "Performance-indicator rows extracted from the document."),
    ("indicators_loaded", "INTEGER", "Performance-indicator rows that passed every error-level rule."),
    ("indicators_rejected", "INTEGER", "Performance-indicator rows that failed an error-level rule."),
    ("ingested_at", "TIMESTAMP", "First run that saw this content (UTC)."),
    # indicators and scopes
    ("indicator_code", "VARCHAR", "Code of the indicator dictionary (pipelines/data/indicator_dictionary.csv)."),
    ("indicator_name", "VARCHAR", "Chinese name of the indicator."),
    ("name_zh", "VARCHAR", "Chinese name."),
    ("category", "VARCHAR", "Kind of indicator: finance, staffing, service, outcome, evaluation."),
    ("aliases", "VARCHAR", "Phrasings that introduce the figure in reports, |-separated."),
    ("description", "VARCHAR", "What the indicator means, in English."),
    ("reported_scopes", "VARCHAR", "Scopes under which a fact is shown as this code's figure, preferred first (comma-separated)."),
    ("scope", "VARCHAR", "What part of the body's money or activity a figure covers: department (the whole), fiscal (财政拨款), initial (年初预算), other_funds, basic, project, carry_over, ..."),
    ("label_zh", "VARCHAR", "Chinese label."),
    ("meaning", "VARCHAR", "What it means, in English."),
    ("institution_type", "VARCHAR", "Kind of institution from its name: library, museum, culture_centre, school, hospital, township, government_department, public_institution, other (dim_institution_type)."),
    ("admin_level", "VARCHAR", "Administrative level of the body: province, city or county, from the deepest division code of its region (dim_admin_level)."),
    ("name_pattern", "VARCHAR", "Regular expression on the end of an institution's name that gives this type (the first type that matches wins)."),
    ("expectation", "VARCHAR", "The Great Expectations expectation the rule runs."),
    ("observed_column", "VARCHAR", "The column whose value the rule judges."),
    ("region_level", "VARCHAR", "Level of the region a row is about: province, city or county (institution: one institution)."),
    ("region_code", "VARCHAR", "Official 6-digit division code of the region the row is about."),
    ("region", "VARCHAR", "Official name of the region the row is about."),
    ("reported_rank", "INTEGER", "Preference of this scope as the code's figure (its place in dim_indicator.reported_scopes, 1 first); NULL: never shown as the code."),
    # facts
    ("fact_key", "VARCHAR", "Deterministic key of a fact: a hash of its grain."),
    ("fact_seq", "BIGINT", "Order of a fact in its batch: by path, then as stated in the document."),
    ("is_target", "BOOLEAN", "A target or plan figure (目标, 计划, 年度指标值), not an achieved one."),
    ("value", MONEY, "The figure in the indicator's canonical unit (money in yuan, percentages as numbers of percent, counts)."),
    ("unit", "VARCHAR", "Canonical unit of the value: CNY, percent, person, person-visit, volume, point, ..."),
    ("qualifier", "VARCHAR", "exact, at_least (以上, 不低于), at_most (以下, 不超过) or approx (约, 余, 多)."),
    ("raw_text", "VARCHAR", "The figure as printed (512.34万元)."),
    ("source_locator", "VARCHAR", "Where in the file: line, paragraph, page, table row and cell."),
    ("snippet", "VARCHAR", "The sentence or table row the figure came from, as printed."),
    ("note", "VARCHAR", "What extraction did beyond reading (a unit caption overridden, a ratio read as a percentage)."),
    ("flags", "VARCHAR", "Warning-level rules the row broke, comma-separated (see v_warnings / v_kpi_warnings)."),
    ("read_by", "VARCHAR", "How the figure was read: text (a text layer or text file) or ocr (recognised on a scanned page)."),
    ("ocr_confidence", "DOUBLE", "Recognition confidence (0-1) of the line or cell the figure was read from by OCR; NULL for text."),
    # performance indicators
    ("performance_indicator_key", "VARCHAR", "Deterministic key of a performance-indicator row: a hash of document and row number."),
    ("indicator_seq", "BIGINT", "Order of a performance-indicator row in its batch: by path, then row number."),
    ("row_number", "INTEGER", "The row's place among its document's performance-indicator rows (1, 2, ...)."),
    ("level1", "VARCHAR", "一级指标: 产出指标, 效益指标, 满意度指标, 成本指标 ..."),
    ("level2", "VARCHAR", "二级指标: 数量指标, 质量指标, 时效指标, 社会效益指标 ..."),
    ("indicator", "VARCHAR", "三级指标 name as printed, without template prefixes (指标1:) or markers (★)."),
    ("target_text", "VARCHAR", "年度指标值 as printed (≥95%, 及时)."),
    ("actual_text", "VARCHAR", "实际完成值 as printed."),
    ("target_value", "DOUBLE", "The target's figure in canonical units, where the cell has one."),
    ("actual_value", "DOUBLE", "The achieved figure in canonical units, where the cell has one."),
    ("comparator", "VARCHAR", "Comparison the target states: >=, <=, =, >, <; NULL when it states none."),
    ("weight", "DOUBLE", "分值: the points the row is worth.", "point"),
    ("score", "DOUBLE", "得分: the points the row was given.", "point"),
    ("deviation_reason", "VARCHAR", "偏差原因分析及改进措施 as printed."),
    # rejections and builds
    ("stage", "VARCHAR", "Where it was rejected: read, extract or validate."),
    ("reason", "VARCHAR", "Why, in words."),
    ("detail", "VARCHAR", "More detail: the observed value and the expected range, an error message."),
    ("rule", "VARCHAR", "Name of the validation rule (README, Validation)."),
    ("suite", "VARCHAR", "Which suite: facts or performance_indicators."),
    ("level", "VARCHAR", "error (failing rows are rejected) or warning (failing rows are flagged)."),
    ("expected", "VARCHAR", "What the rule expects, in words."),
    ("success", "BOOLEAN", "Whether every row passed."),
    ("failing_count", "INTEGER", "Rows that failed the rule."),
    ("sample", "VARCHAR", "Up to five failing rows, as JSON."),
    ("build_key", "VARCHAR", "Hash of the files, extractor, suites, schema and SQL the warehouse was built from; NULL: a file could not be read, always rebuilt."),
    ("structure_key", "VARCHAR", "Hash of the schema, SQL, suites, code and DuckDB versions the tables and views were made with: a build of the same structure changes this file's rows in place of writing every table afresh."),
    # rollups
    ("institutions", "BIGINT", "Number of distinct institutions."),
    ("total", TOTAL, "Sum of the values; NULL where a sum means nothing (percentages, scores)."),
    ("mean", MONEY, "Mean of the values."),
    ("median", MONEY, "Median of the values."),
    ("min", MONEY, "Smallest value."),
    ("max", MONEY, "Largest value."),
    ("reports", "BIGINT", "Number of reports."),
    ("budget", TOTAL, "Budget (budget_total) of the report(s).", "CNY"),
    ("spending", TOTAL, "Spending (expenditure_total) of the report(s).", "CNY"),
    ("execution_rate", RATE, "Spending over budget as a ratio of sums (100 × Σ expenditure_total ÷ Σ budget_total), over the institutions or reports that state both; not a mean of rates.", "percent"),
    ("institutions_reporting", "BIGINT", "Institutions (by key) with a department report of the year stating the indicator's achieved value."),
    ("institutions_with_document", "BIGINT", "Institutions (by key) with a department report of the year in the region."),
    ("coverage_percent", RATE, "institutions_reporting over institutions_with_document.", "percent"),
    ("previous_year", "INTEGER", "The year compared with (fiscal_year - 1)."),
    ("current_value", TOTAL, "The value in fiscal_year: an institution's own, or the regional sum (mean for percentages and scores) over the institutions reporting in both years."),
    ("previous_value", TOTAL, "The value in previous_year, over the same institutions."),
    ("change", TOTAL, "current_value - previous_value."),
    ("change_percent", RATE, "change over previous_value; NULL when previous_value is 0.", "percent"),
    ("indicator_rows", "BIGINT", "Performance-indicator rows."),
    ("met", "BIGINT", "Rows whose actual value meets the target (by the comparator; or the same text, such as 达标 / 达标)."),
    ("not_met", "BIGINT", "Rows whose actual value falls short of the target."),
    ("not_comparable", "BIGINT", "Rows without a comparator, a target or an actual value to compare (and different texts)."),
    ("met_percent", RATE, "met over the rows that could be compared (met + not_met).", "percent"),
    ("mean_score", RATE, "Mean self-evaluation score.", "point"),
)  # fmt: skip

# The indicator dictionary's codes (the bundled file: the views are written for them), one column each
# in v_institution_year: counts as integers, money, percentages and scores as exact decimals.
CORE_INDICATORS = load_dictionary(DICTIONARY_PATH)
assert not set(CORE_INDICATORS) & set(FIELDS), "an indicator code must not be a column name already"
FIELDS.update(
    {
        code: Field(
            code,
            "BIGINT" if i.unit in COUNT_UNITS else MONEY,
            f"{i.name_zh} ({code}): {i.description}",
            i.unit,
        )
        for code, i in CORE_INDICATORS.items()
    }
)


def _col(
    name: str, nullable: bool = True, references: str | None = None, description: str | None = None
) -> Column:
    return Column(FIELDS[name], nullable, references, description)


def _req(name: str, references: str | None = None, description: str | None = None) -> Column:
    return _col(name, False, references, description)


def _cols(*names: str) -> tuple[Column, ...]:
    return tuple(_col(name) for name in names)


UNKNOWN_YEAR = (
    "Fiscal year the report is about; NULL where neither the report nor its path states one (the figure is "
    "flagged fiscal_year_present and left out of the per-year views and rollups)."
)
REGION = ("province", "province_code", "city", "city_code", "county", "county_code")

TABLES: tuple[Relation, ...] = (
    Relation(
        "dim_institution", "table", "One row per reporting body (name and region).",
        (_req("institution_key"), _req("institution"), *_cols(*REGION, "institution_source", "region_source", "region_note"),
         _req("institution_type", "dim_institution_type.institution_type"),
         _col("admin_level", references="dim_admin_level.admin_level")),
        primary_key=("institution_key",),
    ),
    Relation(
        "dim_fiscal_year", "table", "Every fiscal year a document or a fact is about.",
        (_req("fiscal_year"),), primary_key=("fiscal_year",),
    ),
    Relation(
        "dim_indicator", "table", "The indicator dictionary: codes, names, units and phrasings.",
        (_req("indicator_code"), _req("name_zh"), _req("category"), _req("unit", "dim_unit.unit"), _col("aliases"),
         _col("description"), _req("reported_scopes")),
        primary_key=("indicator_code",),
    ),
    Relation(
        "dim_scope", "table", "Scopes a figure may be stated for (the whole department, the fiscal part, ...).",
        (_req("scope"), _req("label_zh")), primary_key=("scope",),
    ),
    Relation(
        "dim_unit", "table", "Canonical units of values: code, Chinese, meaning.",
        (_req("unit"), _req("label_zh"), _req("meaning")), primary_key=("unit",),
    ),
    Relation(
        "dim_qualifier", "table", "How a figure is qualified: exact, at least, at most, about.",
        (_req("qualifier"), _req("label_zh"), _req("meaning")), primary_key=("qualifier",),
    ),
    Relation(
        "dim_report_kind", "table", "Kinds of report: the whole department, one project, a transfer.",
        (_req("report_kind"), _req("label_zh"), _req("meaning")), primary_key=("report_kind",),
    ),
    Relation(
        "dim_institution_type", "table", "Kinds of institution and the name endings that tell them.",
        (_req("institution_type"), _req("label_zh"), _req("meaning"), _col("name_pattern")),
        primary_key=("institution_type",),
    ),
    Relation(
        "dim_admin_level", "table", "Administrative levels of bodies: province, city, county.",
        (_req("admin_level"), _req("label_zh"), _req("meaning")), primary_key=("admin_level",),
    ),
    Relation(
        "dim_validation_rule", "table", "Every validation rule: its suite, level and what it checks.",
        (_req("rule"), _req("suite"), _req("level"), _req("expectation"), _req("observed_column"), _req("expected")),
        primary_key=("rule",),
    ),
    Relation(
        "dim_document", "table",
        "One row per distinct file content (files that could not be read included), with how much of it loaded.",
        (_req("document_key"), _req("source_file"), _req("content_hash"), _req("file_format"), _col("pages"),
         _col("encoding"), _req("status"), _col("institution_key", references="dim_institution.institution_key"),
         _col("fiscal_year"), _col("year_source"),
         *_cols(*REGION, "region_source"), _col("report_kind", references="dim_report_kind.report_kind"), _col("project"),
         *(_req(n) for n in ("facts_extracted", "facts_loaded", "facts_rejected", "indicators_extracted",
                             "indicators_loaded", "indicators_rejected", "ingested_at"))),
        primary_key=("document_key",),
    ),
    Relation(
        "document_path", "table", "Every path a document was found under (one content under two names is one document).",
        (_req("source_file"), _req("document_key", references="dim_document.document_key")),
        primary_key=("source_file",),
    ),
    Relation(
        "fact_indicator_value", "table",
        "One figure of the indicator dictionary stated in a document, validated, in canonical units, with its provenance.",
        (_req("fact_key"), _req("institution_key", "dim_institution.institution_key"),
         _col("fiscal_year", references="dim_fiscal_year.fiscal_year", description=UNKNOWN_YEAR),
         _req("indicator_code", "dim_indicator.indicator_code"),
         _req("document_key", "dim_document.document_key"), _req("scope", "dim_scope.scope"), _req("is_target"),
         _req("value"), _req("unit", "dim_unit.unit"), _req("qualifier", "dim_qualifier.qualifier"), _req("raw_text"),
         _req("source_locator"), _req("snippet"),
         _col("note"), _col("flags"), _req("read_by"), _col("ocr_confidence")),
        primary_key=("fact_key",),
        grain=("institution_key", "fiscal_year", "indicator_code", "document_key", "scope", "is_target"),
    ),
    Relation(
        "fact_performance_indicator", "table",
        "One 三级指标 row of a performance-indicator table (绩效指标), as printed and as numbers, validated.",
        (_req("performance_indicator_key"), _req("institution_key", "dim_institution.institution_key"),
         _col("fiscal_year", references="dim_fiscal_year.fiscal_year", description=UNKNOWN_YEAR),
         _req("document_key", "dim_document.document_key"), _req("row_number"), _col("level1"), _col("level2"), _req("indicator"), _col("target_text"),
         _col("actual_text"), _col("target_value"), _col("actual_value"), _col("unit"), _col("comparator"),
         _col("weight"), _col("score"), _col("deviation_reason"), _req("source_locator"), _req("snippet"),
         _col("flags"), _req("read_by"), _col("ocr_confidence")),
        primary_key=("performance_indicator_key",), grain=("document_key", "row_number"),
    ),
    Relation(
        "rejection", "table", "What did not become a fact or a row, and why (files, figures, rule failures).",
        (_req("source_file"), _req("stage"), _req("reason"), _col("detail"),
         _col("rule", description="Name of the validation rule, when stage = validate."), _col("indicator_code"),
         Column(FIELDS["value"], description="The observed value, when it is a number (a double: it may lie far "
                "outside every range).", sql_type="DOUBLE"),
         _col("source_locator")),
    ),
    Relation(
        "validation_result", "table",
        "The result of every validation rule in the build that made this warehouse (replaced by each build).",
        (_req("suite"), _req("rule", "dim_validation_rule.rule"), _req("level"), _req("expected"), _req("success"),
         _req("failing_count"),
         _req("sample")),
        primary_key=("suite", "rule"),
    ),
    Relation(
        "warehouse_build", "table", "What this warehouse was built from (one row).",
        (_col("build_key"), _col("structure_key")),
    ),
)  # fmt: skip

VIEW_REGION_CODES = ("province_code", "city_code", "county_code")
REGION_ROW = ("region_level", "region_code", "region")
CONTRACT_VALUES = (
    "province", "city", "county", "institution", "fiscal_year", "indicator_code", "indicator_name", "value", "unit",
    "qualifier", "is_target", "source_file", "source_locator", "snippet",
)  # fmt: skip

VIEWS: tuple[Relation, ...] = (
    Relation(
        "v_facts_by_scope", "view",
        "Every validated fact under every scope it was stated for (财政拨款, 其他资金, 基本支出 ...), with the region.",
        (*_cols(*CONTRACT_VALUES, "report_kind", "project", "scope", "reported_rank", "raw_text", "note", "flags",
                *VIEW_REGION_CODES, "document_key", "ingested_at", "fact_key", "institution_key", "read_by",
                "ocr_confidence"),),
        grain=("one validated fact",),
    ),
    Relation(
        "v_indicator_values", "view",
        "Validated facts at the code's own scope: per document, indicator and target flag, the most preferred "
        "scope the document states (the contract view).",
        _cols(*CONTRACT_VALUES, "report_kind", "project", "scope", "flags", *VIEW_REGION_CODES, "institution_key",
              "read_by"),
        grain=("one validated fact at its preferred scope",), contract=len(CONTRACT_VALUES),
    ),
    Relation(
        "v_institution_values", "view",
        "One achieved value per institution, year and indicator, from department reports of a known year "
        "(the document ingested last wins, then the later path).",
        _cols(*CONTRACT_VALUES, "report_kind", "project", "scope", "flags", *VIEW_REGION_CODES, "institution_key",
              "read_by", "ingested_at"),
        grain=("institution × fiscal year × indicator",),
    ),
    Relation(
        "v_region_rollup", "view",
        "Achieved values of department reports rolled up by province, city and county (region_level) and "
        "year: institutions counted by key, exact sums, and the execution rate as a ratio of sums. Ordered by "
        "division codes.",
        _cols(*REGION_ROW, *REGION, "fiscal_year", "indicator_code", "unit", "institutions", "total", "mean",
              "median", "min", "max", "execution_rate"),
        grain=("region × fiscal year × indicator",),
    ),
    Relation(
        "v_province_rollup", "view",
        "Achieved figures of department reports rolled up by province and year (the contract view).",
        _cols("province", "fiscal_year", "indicator_code", "unit", "institutions", "total", "mean", "median", "min", "max",
              "province_code", "execution_rate"),
        grain=("province × fiscal year × indicator",), contract=10,
    ),
    Relation(
        "v_project_reports", "view",
        "One row per project or transfer report (per institution, year, kind and project), with its budget, "
        "spending and self-evaluation score.",
        (*_cols("province", "city", "county", "institution", "fiscal_year", "report_kind", "project", "budget",
                "spending"),
         _col("score", description="Self-evaluation score (self_eval_score) of the report."),
         *_cols("source_file", "document_key", "institution_key", "province_code")),
        grain=("project or transfer report",),
    ),
    Relation(
        "v_project_rollup", "view",
        "Project and transfer reports of a known province and year rolled up by province, year and kind.",
        _cols("province", "fiscal_year", "report_kind", "reports", "budget", "spending", "execution_rate",
              "mean_score", "institutions", "province_code"),
        grain=("province × fiscal year × report kind",),
    ),
    Relation(
        "v_performance_indicators", "view",
        "One row per validated performance-indicator row (绩效指标) of any report (the contract view).",
        _cols("province", "city", "county", "institution", "fiscal_year", "report_kind", "project", "level1",
              "level2", "indicator", "target_text", "actual_text", "target_value", "actual_value", "unit",
              "comparator", "weight", "score", "deviation_reason", "source_file", "source_locator", "snippet",
              "row_number", "flags", *VIEW_REGION_CODES, "document_key", "performance_indicator_key", "read_by",
              "ocr_confidence"),
        grain=("performance-indicator row",), contract=21,
    ),
    Relation(
        "v_rejected", "view", "What did not make it into the warehouse, and why (the contract view).",
        next(t for t in TABLES if t.name == "rejection").columns,
        grain=("rejected file, figure or rule failure",), contract=4,
    ),
    Relation(
        "v_documents", "view", "Every document with its institution, region, kind and counts.",
        (*next(t for t in TABLES if t.name == "dim_document").columns, _col("institution")),
        grain=("document",),
    ),
    Relation(
        "v_warnings", "view", "Warning-level rule failures of facts: one row per fact and rule (the facts stay).",
        _cols("source_file", "source_locator", "institution", "fiscal_year", "indicator_code", "value", "unit",
              "scope", "is_target", "rule", "note", "snippet"),
        grain=("fact × warning rule",),
    ),
    Relation(
        "v_kpi_warnings", "view",
        "Warning-level rule failures of performance-indicator rows: one row per row and rule (the rows stay).",
        _cols("source_file", "source_locator", "institution", "fiscal_year", "report_kind", "project", "indicator",
              "target_text", "actual_text", "weight", "score", "rule", "snippet"),
        grain=("performance-indicator row × warning rule",),
    ),
)  # fmt: skip

IDENTITY = ("source_file", "institution", *REGION, "fiscal_year")

# The extract stage's tables, handed to validation and the load (not published as such).
FRAMES: tuple[Relation, ...] = (
    Relation(
        "extracted_documents", "frame", "One row per distinct file content of a batch, readable or not.",
        (_req("document_key"), _req("source_file"), _req("content_hash"), _req("file_format"), _col("pages"),
         *_cols("encoding", "institution", "fiscal_year", "institution_source", "year_source", "report_kind",
                "project", *REGION, "region_source", "region_note"),
         _req("facts_extracted"), _req("indicators_extracted")),
        primary_key=("document_key",),
    ),
    Relation(
        "extracted_facts", "frame", "Every figure extracted from a batch, with its document's identity.",
        (_req("fact_seq"), _req("document_key"), *(_req(n) if n == "source_file" else _col(n) for n in IDENTITY),
         _req("indicator_code"), _req("value"), _req("unit"), _req("qualifier"), _req("is_target"), _req("scope"),
         _req("source_locator"), _req("snippet"), _req("raw_text"), _col("note"), _req("read_by"),
         _col("ocr_confidence")),
        primary_key=("fact_seq",),
        grain=("institution", "fiscal_year", "indicator_code", "document_key", "scope", "is_target"),
    ),
    Relation(
        "extracted_indicators", "frame",
        "Every performance-indicator row extracted from a batch, with its document's identity.",
        (_req("indicator_seq"), _req("document_key"), _req("source_file"), _req("row_number"),
         *_cols(*IDENTITY[1:], "report_kind", "project"),
         *_cols("level1", "level2"), _req("indicator"),
         *_cols("target_text", "actual_text", "target_value", "actual_value", "unit", "comparator", "weight",
                "score", "deviation_reason"),
         _req("source_locator"), _req("snippet"), _req("read_by"), _col("ocr_confidence")),
        primary_key=("indicator_seq",), grain=("document_key", "row_number"),
    ),
)  # fmt: skip

INSTITUTION_YEAR = (
    "institution_key",
    "institution",
    "institution_type",
    "admin_level",
    *REGION,
    "fiscal_year",
)

VIEWS += (
    Relation(
        "v_institution_year", "view",
        "One row per institution and fiscal year with a department report: one column per indicator of the "
        "dictionary (its achieved value, as v_institution_values has it), with the institution's key, type, "
        "administrative level and region codes. Ordered by division codes.",
        (*_cols(*INSTITUTION_YEAR), _col("reports", description="Department reports of the institution and year."),
         *_cols(*CORE_INDICATORS)),
        grain=("institution × fiscal year",),
    ),
    Relation(
        "v_year_over_year", "view",
        "Year-over-year change like for like: per institution (region_level institution), and per province, "
        "city and county over the institutions reporting the indicator in both years (institutions says how many).",
        _cols(*REGION_ROW, "institution_key", "institution", "province", "city", "county", "indicator_code", "unit",
              "fiscal_year", "previous_year", "institutions", "current_value", "previous_value", "change",
              "change_percent"),
        grain=("region or institution × indicator × fiscal year with a previous year",),
    ),
    Relation(
        "v_coverage", "view",
        "How many institutions with a department report state each indicator: per province, city and county "
        "(region_level), fiscal year and indicator of the dictionary.",
        _cols(*REGION_ROW, "province", "city", "county", "fiscal_year", "indicator_code", "institutions_reporting",
              "institutions_with_document", "coverage_percent"),
        grain=("region × fiscal year × indicator",),
    ),
    Relation(
        "v_kpi_attainment", "view",
        "Performance-indicator rows of a known year met, not met or not comparable, by province, year, "
        "report kind, 一级指标 and 二级指标.",
        _cols("province", "province_code", "fiscal_year", "report_kind", "level1", "level2", "indicator_rows", "met",
              "not_met", "not_comparable", "met_percent"),
        grain=("province × fiscal year × report kind × level1 × level2",),
    ),
)  # fmt: skip

RELATIONS: dict[str, Relation] = {r.name: r for r in (*TABLES, *VIEWS)}  # what the warehouse publishes
_DECLARED: dict[str, Relation] = {r.name: r for r in (*TABLES, *VIEWS, *FRAMES)}


def columns(name: str) -> list[str]:
    """The column names of a table, view or frame, in order."""
    return _DECLARED[name].names


def nullable(name: str) -> set[str]:
    """The columns of a table, view or frame that may hold NULL."""
    return {c.name for c in _DECLARED[name].columns if c.nullable}


def grain(name: str) -> list[str]:
    """The columns unique together in a table or frame."""
    return list(_DECLARED[name].grain)


def dtypes(name: str) -> dict[str, str]:
    """The pandas dtype of every column of a table or frame."""
    return {c.name: PANDAS_TYPES[c.type][c.nullable] for c in _DECLARED[name].columns}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ddl() -> str:
    """CREATE TABLE statements of every table (primary key and grain as constraints)."""
    statements = []
    for table in TABLES:
        lines = [f"    {c.name} {c.type}{'' if c.nullable else ' NOT NULL'}" for c in table.columns]
        if table.primary_key:
            lines.append(f"    PRIMARY KEY ({', '.join(table.primary_key)})")
        if table.grain:
            lines.append(f"    UNIQUE ({', '.join(table.grain)})")
        statements.append(f"CREATE TABLE {table.name} (\n" + ",\n".join(lines) + "\n);")
    return "\n\n".join(statements) + "\n"


def comments(relations: tuple[Relation, ...]) -> str:
    """COMMENT ON every table or view and every column of it."""
    statements = []
    for relation in relations:
        statements.append(
            f"COMMENT ON {relation.kind.upper()} {relation.name} IS {_quote(relation.description)};"
        )
        statements.extend(
            f"COMMENT ON COLUMN {relation.name}.{c.name} IS {_quote(c.text)};" for c in relation.columns
        )
    return "\n".join(statements) + "\n"


def reference_checks() -> list[tuple[str, str]]:
    """(reference, SQL counting the rows whose key is missing from the table referred to) for every
    declared reference; run in a new build before it is published."""
    checks = []
    for table in TABLES:
        for c in table.columns:
            if c.references:
                target, key = c.references.split(".")
                checks.append(
                    (
                        f"{table.name}.{c.name} -> {target}",
                        f"SELECT count(*) FROM {table.name} t WHERE t.{c.name} IS NOT NULL "
                        f"AND NOT EXISTS (SELECT 1 FROM {target} r WHERE r.{key} = t.{c.name})",
                    )
                )
    return checks


def markdown_dictionary() -> str:
    """The data dictionary of the README: every table and view with its columns."""
    out = []
    for relation in (*TABLES, *VIEWS):
        grain = f" One row per {relation.grain[0]}." if relation.kind == "view" and relation.grain else ""
        keys = f" Key: {', '.join(relation.primary_key)}." if relation.primary_key else ""
        unique = (
            f" Unique: {', '.join(relation.grain)}." if relation.kind == "table" and relation.grain else ""
        )
        contract = f" The first {relation.contract} columns are the contract." if relation.contract else ""
        out.append(
            f"#### `{relation.name}` ({relation.kind})\n\n{relation.description}{grain}{keys}{unique}{contract}\n"
        )
        out.append("| column | type | description |\n|---|---|---|")
        out.extend(
            f"| `{c.name}` | {c.type}{'' if c.nullable else ' not null'} | {c.text.replace('|', '/')} |"
            for c in relation.columns
        )
        out.append("")
    return "\n".join(out)


DICTIONARY_BEGIN = "<!-- data-dictionary:begin -->"
DICTIONARY_END = "<!-- data-dictionary:end -->"


def schema_sql() -> str:
    """The text of sql/schema.sql: the DDL and comments the build runs, written out for reading."""
    header = (
        "-- Generated from pipelines/schema.py by `python -m tools.docs`: do not edit by hand.\n"
        "-- The tables of the warehouse and a comment on every table and column; the views are in\n"
        "-- sql/views.sql. References are checked before every publish (pipelines.schema.reference_checks).\n\n"
    )
    return header + ddl() + "\n" + comments(TABLES)


def with_dictionary(readme: str) -> str:
    """The README with its data-dictionary section replaced by the generated one."""
    before, rest = readme.split(DICTIONARY_BEGIN, 1)
    _, after = rest.split(DICTIONARY_END, 1)
    return f"{before}{DICTIONARY_BEGIN}\n\n{markdown_dictionary()}\n{DICTIONARY_END}{after}"
