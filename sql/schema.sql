-- Generated from pipelines/schema.py by `python -m tools.docs`: do not edit by hand.
-- The tables of the warehouse and a comment on every table and column; the views are in
-- sql/views.sql. References are checked before every publish (pipelines.schema.reference_checks).

CREATE TABLE dim_institution (
    institution_key VARCHAR NOT NULL,
    institution VARCHAR NOT NULL,
    province VARCHAR,
    province_code VARCHAR,
    city VARCHAR,
    city_code VARCHAR,
    county VARCHAR,
    county_code VARCHAR,
    institution_source VARCHAR,
    region_source VARCHAR,
    region_note VARCHAR,
    institution_type VARCHAR NOT NULL,
    admin_level VARCHAR,
    PRIMARY KEY (institution_key)
);

CREATE TABLE dim_fiscal_year (
    fiscal_year INTEGER NOT NULL,
    PRIMARY KEY (fiscal_year)
);

CREATE TABLE dim_indicator (
    indicator_code VARCHAR NOT NULL,
    name_zh VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    aliases VARCHAR,
    description VARCHAR,
    reported_scopes VARCHAR NOT NULL,
    PRIMARY KEY (indicator_code)
);

CREATE TABLE dim_scope (
    scope VARCHAR NOT NULL,
    label_zh VARCHAR NOT NULL,
    PRIMARY KEY (scope)
);

CREATE TABLE dim_unit (
    unit VARCHAR NOT NULL,
    label_zh VARCHAR NOT NULL,
    meaning VARCHAR NOT NULL,
    PRIMARY KEY (unit)
);

CREATE TABLE dim_qualifier (
    qualifier VARCHAR NOT NULL,
    label_zh VARCHAR NOT NULL,
    meaning VARCHAR NOT NULL,
    PRIMARY KEY (qualifier)
);

CREATE TABLE dim_report_kind (
    report_kind VARCHAR NOT NULL,
    label_zh VARCHAR NOT NULL,
    meaning VARCHAR NOT NULL,
    PRIMARY KEY (report_kind)
);

CREATE TABLE dim_institution_type (
    institution_type VARCHAR NOT NULL,
    label_zh VARCHAR NOT NULL,
    meaning VARCHAR NOT NULL,
    name_pattern VARCHAR,
    PRIMARY KEY (institution_type)
);

CREATE TABLE dim_admin_level (
    admin_level VARCHAR NOT NULL,
    label_zh VARCHAR NOT NULL,
    meaning VARCHAR NOT NULL,
    PRIMARY KEY (admin_level)
);

CREATE TABLE dim_validation_rule (
    rule VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    expectation VARCHAR NOT NULL,
    observed_column VARCHAR NOT NULL,
    expected VARCHAR NOT NULL,
    PRIMARY KEY (rule)
);

CREATE TABLE dim_document (
    document_key VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    file_format VARCHAR NOT NULL,
    pages INTEGER,
    encoding VARCHAR,
    status VARCHAR NOT NULL,
    institution_key VARCHAR,
    fiscal_year INTEGER,
    year_source VARCHAR,
    province VARCHAR,
    province_code VARCHAR,
    city VARCHAR,
    city_code VARCHAR,
    county VARCHAR,
    county_code VARCHAR,
    region_source VARCHAR,
    report_kind VARCHAR,
    project VARCHAR,
    facts_extracted INTEGER NOT NULL,
    facts_loaded INTEGER NOT NULL,
    facts_rejected INTEGER NOT NULL,
    indicators_extracted INTEGER NOT NULL,
    indicators_loaded INTEGER NOT NULL,
    indicators_rejected INTEGER NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    PRIMARY KEY (document_key)
);

CREATE TABLE document_path (
    source_file VARCHAR NOT NULL,
    document_key VARCHAR NOT NULL,
    PRIMARY KEY (source_file)
);

CREATE TABLE fact_indicator_value (
    fact_key VARCHAR NOT NULL,
    institution_key VARCHAR NOT NULL,
    fiscal_year INTEGER,
    indicator_code VARCHAR NOT NULL,
    document_key VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    is_target BOOLEAN NOT NULL,
    value DECIMAL(18,4) NOT NULL,
    unit VARCHAR NOT NULL,
    qualifier VARCHAR NOT NULL,
    raw_text VARCHAR NOT NULL,
    source_locator VARCHAR NOT NULL,
    snippet VARCHAR NOT NULL,
    note VARCHAR,
    flags VARCHAR,
    read_by VARCHAR NOT NULL,
    ocr_confidence DOUBLE,
    PRIMARY KEY (fact_key),
    UNIQUE (institution_key, fiscal_year, indicator_code, document_key, scope, is_target)
);

CREATE TABLE fact_performance_indicator (
    performance_indicator_key VARCHAR NOT NULL,
    institution_key VARCHAR NOT NULL,
    fiscal_year INTEGER,
    document_key VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,
    level1 VARCHAR,
    level2 VARCHAR,
    indicator VARCHAR NOT NULL,
    target_text VARCHAR,
    actual_text VARCHAR,
    target_value DOUBLE,
    actual_value DOUBLE,
    unit VARCHAR,
    comparator VARCHAR,
    weight DOUBLE,
    score DOUBLE,
    deviation_reason VARCHAR,
    source_locator VARCHAR NOT NULL,
    snippet VARCHAR NOT NULL,
    flags VARCHAR,
    read_by VARCHAR NOT NULL,
    ocr_confidence DOUBLE,
    PRIMARY KEY (performance_indicator_key),
    UNIQUE (document_key, row_number)
);

CREATE TABLE rejection (
    source_file VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    rule VARCHAR,
    indicator_code VARCHAR,
    value DOUBLE,
    source_locator VARCHAR
);

CREATE TABLE validation_result (
    suite VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    expected VARCHAR NOT NULL,
    success BOOLEAN NOT NULL,
    failing_count INTEGER NOT NULL,
    sample VARCHAR NOT NULL,
    PRIMARY KEY (suite, rule)
);

CREATE TABLE warehouse_build (
    build_key VARCHAR,
    structure_key VARCHAR
);

COMMENT ON TABLE dim_institution IS 'One row per reporting body (name and region).';
COMMENT ON COLUMN dim_institution.institution_key IS 'Deterministic key of an institution: a hash of its name and region codes.';
COMMENT ON COLUMN dim_institution.institution IS 'The reporting body''s name, as the report gives it.';
COMMENT ON COLUMN dim_institution.province IS 'Province (省级) of the institution, official name.';
COMMENT ON COLUMN dim_institution.province_code IS 'Official 6-digit division code of the province.';
COMMENT ON COLUMN dim_institution.city IS 'Prefecture-level division (地级), official name; NULL for a provincial body.';
COMMENT ON COLUMN dim_institution.city_code IS 'Official 6-digit division code of the city.';
COMMENT ON COLUMN dim_institution.county IS 'County-level division (县级), official name; NULL for a city- or provincial-level body.';
COMMENT ON COLUMN dim_institution.county_code IS 'Official 6-digit division code of the county.';
COMMENT ON COLUMN dim_institution.institution_source IS 'Where the name came from: title, field, line, text, publisher (a saved web page''s 发布机构 / 来源 where the report names no body), path (a body named in the path), file_name (never named: the file name stands for it).';
COMMENT ON COLUMN dim_institution.region_source IS 'Where the region came from: institution, text, path, unresolved.';
COMMENT ON COLUMN dim_institution.region_note IS 'Why a region is ambiguous or was taken from a fallback.';
COMMENT ON COLUMN dim_institution.institution_type IS 'Kind of institution from its name: library, museum, culture_centre, school, hospital, township, government_department, public_institution, other (dim_institution_type). References dim_institution_type.institution_type.';
COMMENT ON COLUMN dim_institution.admin_level IS 'Administrative level of the body: province, city or county, from the deepest division code of its region (dim_admin_level). References dim_admin_level.admin_level.';
COMMENT ON TABLE dim_fiscal_year IS 'Every fiscal year a document or a fact is about.';
COMMENT ON COLUMN dim_fiscal_year.fiscal_year IS 'Fiscal year the report is about.';
COMMENT ON TABLE dim_indicator IS 'The indicator dictionary: codes, names, units and phrasings.';
COMMENT ON COLUMN dim_indicator.indicator_code IS 'Code of the indicator dictionary (pipelines/data/indicator_dictionary.csv).';
COMMENT ON COLUMN dim_indicator.name_zh IS 'Chinese name.';
COMMENT ON COLUMN dim_indicator.category IS 'Kind of indicator: finance, staffing, service, outcome, evaluation.';
COMMENT ON COLUMN dim_indicator.unit IS 'Canonical unit of the value: CNY, percent, person, person-visit, volume, point, ... References dim_unit.unit.';
COMMENT ON COLUMN dim_indicator.aliases IS 'Phrasings that introduce the figure in reports, |-separated.';
COMMENT ON COLUMN dim_indicator.description IS 'What the indicator means, in English.';
COMMENT ON COLUMN dim_indicator.reported_scopes IS 'Scopes under which a fact is shown as this code''s figure, preferred first (comma-separated).';
COMMENT ON TABLE dim_scope IS 'Scopes a figure may be stated for (the whole department, the fiscal part, ...).';
COMMENT ON COLUMN dim_scope.scope IS 'What part of the body''s money or activity a figure covers: department (the whole), fiscal (财政拨款), initial (年初预算), other_funds, basic, project, carry_over, ...';
COMMENT ON COLUMN dim_scope.label_zh IS 'Chinese label.';
COMMENT ON TABLE dim_unit IS 'Canonical units of values: code, Chinese, meaning.';
COMMENT ON COLUMN dim_unit.unit IS 'Canonical unit of the value: CNY, percent, person, person-visit, volume, point, ...';
COMMENT ON COLUMN dim_unit.label_zh IS 'Chinese label.';
COMMENT ON COLUMN dim_unit.meaning IS 'What it means, in English.';
COMMENT ON TABLE dim_qualifier IS 'How a figure is qualified: exact, at least, at most, about.';
COMMENT ON COLUMN dim_qualifier.qualifier IS 'exact, at_least (以上, 不低于), at_most (以下, 不超过) or approx (约, 余, 多).';
COMMENT ON COLUMN dim_qualifier.label_zh IS 'Chinese label.';
COMMENT ON COLUMN dim_qualifier.meaning IS 'What it means, in English.';
COMMENT ON TABLE dim_report_kind IS 'Kinds of report: the whole department, one project, a transfer.';
COMMENT ON COLUMN dim_report_kind.report_kind IS 'department (the whole body), project (one named project) or transfer (a fund passed down).';
COMMENT ON COLUMN dim_report_kind.label_zh IS 'Chinese label.';
COMMENT ON COLUMN dim_report_kind.meaning IS 'What it means, in English.';
COMMENT ON TABLE dim_institution_type IS 'Kinds of institution and the name endings that tell them.';
COMMENT ON COLUMN dim_institution_type.institution_type IS 'Kind of institution from its name: library, museum, culture_centre, school, hospital, township, government_department, public_institution, other (dim_institution_type).';
COMMENT ON COLUMN dim_institution_type.label_zh IS 'Chinese label.';
COMMENT ON COLUMN dim_institution_type.meaning IS 'What it means, in English.';
COMMENT ON COLUMN dim_institution_type.name_pattern IS 'Regular expression on the end of an institution''s name that gives this type (the first type that matches wins).';
COMMENT ON TABLE dim_admin_level IS 'Administrative levels of bodies: province, city, county.';
COMMENT ON COLUMN dim_admin_level.admin_level IS 'Administrative level of the body: province, city or county, from the deepest division code of its region (dim_admin_level).';
COMMENT ON COLUMN dim_admin_level.label_zh IS 'Chinese label.';
COMMENT ON COLUMN dim_admin_level.meaning IS 'What it means, in English.';
COMMENT ON TABLE dim_validation_rule IS 'Every validation rule: its suite, level and what it checks.';
COMMENT ON COLUMN dim_validation_rule.rule IS 'Name of the validation rule (README, Validation).';
COMMENT ON COLUMN dim_validation_rule.suite IS 'Which suite: facts or performance_indicators.';
COMMENT ON COLUMN dim_validation_rule.level IS 'error (failing rows are rejected) or warning (failing rows are flagged).';
COMMENT ON COLUMN dim_validation_rule.expectation IS 'The Great Expectations expectation the rule runs.';
COMMENT ON COLUMN dim_validation_rule.observed_column IS 'The column whose value the rule judges.';
COMMENT ON COLUMN dim_validation_rule.expected IS 'What the rule expects, in words.';
COMMENT ON TABLE dim_document IS 'One row per distinct file content (files that could not be read included), with how much of it loaded.';
COMMENT ON COLUMN dim_document.document_key IS 'Deterministic key of a document: the first 16 hex digits of its content''s sha256.';
COMMENT ON COLUMN dim_document.source_file IS 'Path of the file relative to REPORTS_DIR (for a document: its first path).';
COMMENT ON COLUMN dim_document.content_hash IS 'sha256 of the file''s bytes.';
COMMENT ON COLUMN dim_document.file_format IS 'File format: txt, docx, pdf, doc or wps (converted by LibreOffice; a .doc that is a .docx zip: docx), xlsx, xls, et, html (.html and .htm), or the extension of a file that could not be read.';
COMMENT ON COLUMN dim_document.pages IS 'Pages of a PDF.';
COMMENT ON COLUMN dim_document.encoding IS 'Text encoding a .txt file or a web page was read with.';
COMMENT ON COLUMN dim_document.status IS 'loaded, partly_rejected (some figures failed a rule) or rejected (nothing loaded).';
COMMENT ON COLUMN dim_document.institution_key IS 'Deterministic key of an institution: a hash of its name and region codes. References dim_institution.institution_key.';
COMMENT ON COLUMN dim_document.fiscal_year IS 'Fiscal year the report is about.';
COMMENT ON COLUMN dim_document.year_source IS 'Where the fiscal year came from: field (评价年度), title, period (a whole year the text names: 2019年1月起至2019年12月止), text (the year it says it evaluates, 对2019年度…进行绩效自评, else its most named year), path, year_end (a year''s last day, 2022年12月31日, the text names), fill_date (a form filled by June: the year before), publish_date (the year before the 公开日期 or 发布时间 a page prints, where nothing else states it).';
COMMENT ON COLUMN dim_document.province IS 'Province (省级) of the institution, official name.';
COMMENT ON COLUMN dim_document.province_code IS 'Official 6-digit division code of the province.';
COMMENT ON COLUMN dim_document.city IS 'Prefecture-level division (地级), official name; NULL for a provincial body.';
COMMENT ON COLUMN dim_document.city_code IS 'Official 6-digit division code of the city.';
COMMENT ON COLUMN dim_document.county IS 'County-level division (县级), official name; NULL for a city- or provincial-level body.';
COMMENT ON COLUMN dim_document.county_code IS 'Official 6-digit division code of the county.';
COMMENT ON COLUMN dim_document.region_source IS 'Where the region came from: institution, text, path, unresolved.';
COMMENT ON COLUMN dim_document.report_kind IS 'department (the whole body), project (one named project) or transfer (a fund passed down). References dim_report_kind.report_kind.';
COMMENT ON COLUMN dim_document.project IS 'Name of the project or fund of a project or transfer report; NULL for department reports.';
COMMENT ON COLUMN dim_document.facts_extracted IS 'Figures extracted from the document.';
COMMENT ON COLUMN dim_document.facts_loaded IS 'Figures that passed every error-level rule.';
COMMENT ON COLUMN dim_document.facts_rejected IS 'Figures that failed an error-level rule (see v_rejected).';
COMMENT ON COLUMN dim_document.indicators_extracted IS 'Performance-indicator rows extracted from the document.';
COMMENT ON COLUMN dim_document.indicators_loaded IS 'Performance-indicator rows that passed every error-level rule.';
COMMENT ON COLUMN dim_document.indicators_rejected IS 'Performance-indicator rows that failed an error-level rule.';
COMMENT ON COLUMN dim_document.ingested_at IS 'First run that saw this content (UTC).';
COMMENT ON TABLE document_path IS 'Every path a document was found under (one content under two names is one document).';
COMMENT ON COLUMN document_path.source_file IS 'Path of the file relative to REPORTS_DIR (for a document: its first path).';
COMMENT ON COLUMN document_path.document_key IS 'Deterministic key of a document: the first 16 hex digits of its content''s sha256. References dim_document.document_key.';
COMMENT ON TABLE fact_indicator_value IS 'One figure of the indicator dictionary stated in a document, validated, in canonical units, with its provenance.';
COMMENT ON COLUMN fact_indicator_value.fact_key IS 'Deterministic key of a fact: a hash of its grain.';
COMMENT ON COLUMN fact_indicator_value.institution_key IS 'Deterministic key of an institution: a hash of its name and region codes. References dim_institution.institution_key.';
COMMENT ON COLUMN fact_indicator_value.fiscal_year IS 'Fiscal year the report is about; NULL where neither the report nor its path states one (the figure is flagged fiscal_year_present and left out of the per-year views and rollups). References dim_fiscal_year.fiscal_year.';
COMMENT ON COLUMN fact_indicator_value.indicator_code IS 'Code of the indicator dictionary (pipelines/data/indicator_dictionary.csv). References dim_indicator.indicator_code.';
COMMENT ON COLUMN fact_indicator_value.document_key IS 'Deterministic key of a document: the first 16 hex digits of its content''s sha256. References dim_document.document_key.';
COMMENT ON COLUMN fact_indicator_value.scope IS 'What part of the body''s money or activity a figure covers: department (the whole), fiscal (财政拨款), initial (年初预算), other_funds, basic, project, carry_over, ... References dim_scope.scope.';
COMMENT ON COLUMN fact_indicator_value.is_target IS 'A target or plan figure (目标, 计划, 年度指标值), not an achieved one.';
COMMENT ON COLUMN fact_indicator_value.value IS 'The figure in the indicator''s canonical unit (money in yuan, percentages as numbers of percent, counts).';
COMMENT ON COLUMN fact_indicator_value.unit IS 'Canonical unit of the value: CNY, percent, person, person-visit, volume, point, ... References dim_unit.unit.';
COMMENT ON COLUMN fact_indicator_value.qualifier IS 'exact, at_least (以上, 不低于), at_most (以下, 不超过) or approx (约, 余, 多). References dim_qualifier.qualifier.';
COMMENT ON COLUMN fact_indicator_value.raw_text IS 'The figure as printed (512.34万元).';
COMMENT ON COLUMN fact_indicator_value.source_locator IS 'Where in the file: line, paragraph, page, table row and cell.';
COMMENT ON COLUMN fact_indicator_value.snippet IS 'The sentence or table row the figure came from, as printed.';
COMMENT ON COLUMN fact_indicator_value.note IS 'What extraction did beyond reading (a unit caption overridden, a ratio read as a percentage).';
COMMENT ON COLUMN fact_indicator_value.flags IS 'Warning-level rules the row broke, comma-separated (see v_warnings / v_kpi_warnings).';
COMMENT ON COLUMN fact_indicator_value.read_by IS 'How the figure was read: text (a text layer or text file) or ocr (recognised on a scanned page).';
COMMENT ON COLUMN fact_indicator_value.ocr_confidence IS 'Recognition confidence (0-1) of the line or cell the figure was read from by OCR; NULL for text.';
COMMENT ON TABLE fact_performance_indicator IS 'One 三级指标 row of a performance-indicator table (绩效指标), as printed and as numbers, validated.';
COMMENT ON COLUMN fact_performance_indicator.performance_indicator_key IS 'Deterministic key of a performance-indicator row: a hash of document and row number.';
COMMENT ON COLUMN fact_performance_indicator.institution_key IS 'Deterministic key of an institution: a hash of its name and region codes. References dim_institution.institution_key.';
COMMENT ON COLUMN fact_performance_indicator.fiscal_year IS 'Fiscal year the report is about; NULL where neither the report nor its path states one (the figure is flagged fiscal_year_present and left out of the per-year views and rollups). References dim_fiscal_year.fiscal_year.';
COMMENT ON COLUMN fact_performance_indicator.document_key IS 'Deterministic key of a document: the first 16 hex digits of its content''s sha256. References dim_document.document_key.';
COMMENT ON COLUMN fact_performance_indicator.row_number IS 'The row''s place among its document''s performance-indicator rows (1, 2, ...).';
COMMENT ON COLUMN fact_performance_indicator.level1 IS '一级指标: 产出指标, 效益指标, 满意度指标, 成本指标 ...';
COMMENT ON COLUMN fact_performance_indicator.level2 IS '二级指标: 数量指标, 质量指标, 时效指标, 社会效益指标 ...';
COMMENT ON COLUMN fact_performance_indicator.indicator IS '三级指标 name as printed, without template prefixes (指标1:) or markers (★).';
COMMENT ON COLUMN fact_performance_indicator.target_text IS '年度指标值 as printed (≥95%, 及时).';
COMMENT ON COLUMN fact_performance_indicator.actual_text IS '实际完成值 as printed.';
COMMENT ON COLUMN fact_performance_indicator.target_value IS 'The target''s figure in canonical units, where the cell has one.';
COMMENT ON COLUMN fact_performance_indicator.actual_value IS 'The achieved figure in canonical units, where the cell has one.';
COMMENT ON COLUMN fact_performance_indicator.unit IS 'Canonical unit of the value: CNY, percent, person, person-visit, volume, point, ...';
COMMENT ON COLUMN fact_performance_indicator.comparator IS 'Comparison the target states: >=, <=, =, >, <; NULL when it states none.';
COMMENT ON COLUMN fact_performance_indicator.weight IS '分值: the points the row is worth. Unit: point.';
COMMENT ON COLUMN fact_performance_indicator.score IS '得分: the points the row was given. Unit: point.';
COMMENT ON COLUMN fact_performance_indicator.deviation_reason IS '偏差原因分析及改进措施 as printed.';
COMMENT ON COLUMN fact_performance_indicator.source_locator IS 'Where in the file: line, paragraph, page, table row and cell.';
COMMENT ON COLUMN fact_performance_indicator.snippet IS 'The sentence or table row the figure came from, as printed.';
COMMENT ON COLUMN fact_performance_indicator.flags IS 'Warning-level rules the row broke, comma-separated (see v_warnings / v_kpi_warnings).';
COMMENT ON COLUMN fact_performance_indicator.read_by IS 'How the figure was read: text (a text layer or text file) or ocr (recognised on a scanned page).';
COMMENT ON COLUMN fact_performance_indicator.ocr_confidence IS 'Recognition confidence (0-1) of the line or cell the figure was read from by OCR; NULL for text.';
COMMENT ON TABLE rejection IS 'What did not become a fact or a row, and why (files, figures, rule failures).';
COMMENT ON COLUMN rejection.source_file IS 'Path of the file relative to REPORTS_DIR (for a document: its first path).';
COMMENT ON COLUMN rejection.stage IS 'Where it was rejected: read, extract or validate.';
COMMENT ON COLUMN rejection.reason IS 'Why, in words.';
COMMENT ON COLUMN rejection.detail IS 'More detail: the observed value and the expected range, an error message.';
COMMENT ON COLUMN rejection.rule IS 'Name of the validation rule, when stage = validate.';
COMMENT ON COLUMN rejection.indicator_code IS 'Code of the indicator dictionary (pipelines/data/indicator_dictionary.csv).';
COMMENT ON COLUMN rejection.value IS 'The observed value, when it is a number (a double: it may lie far outside every range).';
COMMENT ON COLUMN rejection.source_locator IS 'Where in the file: line, paragraph, page, table row and cell.';
COMMENT ON TABLE validation_result IS 'The result of every validation rule in the build that made this warehouse (replaced by each build).';
COMMENT ON COLUMN validation_result.suite IS 'Which suite: facts or performance_indicators.';
COMMENT ON COLUMN validation_result.rule IS 'Name of the validation rule (README, Validation). References dim_validation_rule.rule.';
COMMENT ON COLUMN validation_result.level IS 'error (failing rows are rejected) or warning (failing rows are flagged).';
COMMENT ON COLUMN validation_result.expected IS 'What the rule expects, in words.';
COMMENT ON COLUMN validation_result.success IS 'Whether every row passed.';
COMMENT ON COLUMN validation_result.failing_count IS 'Rows that failed the rule.';
COMMENT ON COLUMN validation_result.sample IS 'Up to five failing rows, as JSON.';
COMMENT ON TABLE warehouse_build IS 'What this warehouse was built from (one row).';
COMMENT ON COLUMN warehouse_build.build_key IS 'Hash of the files, extractor, suites, schema and SQL the warehouse was built from; NULL: a file could not be read, always rebuilt.';
COMMENT ON COLUMN warehouse_build.structure_key IS 'Hash of the schema, SQL, suites, code and DuckDB versions the tables and views were made with: a build of the same structure changes this file''s rows in place of writing every table afresh.';
