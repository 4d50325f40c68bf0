-- Star schema of the performance-report warehouse. Built fresh in a new file on every run and
-- published by an atomic rename, so analysts never see a half-written warehouse.
-- References between tables (marked "-> table") are checked by sql/integrity.sql before every
-- publish; they are not declared as FOREIGN KEYs, which DuckDB checks row by row on insert.

CREATE TABLE dim_institution (
    institution_key    VARCHAR PRIMARY KEY,  -- md5 of institution name + region codes
    institution        VARCHAR NOT NULL,
    province           VARCHAR,
    province_code      VARCHAR,              -- 6-digit official division code
    city               VARCHAR,
    city_code          VARCHAR,
    county             VARCHAR,
    county_code        VARCHAR,
    institution_source VARCHAR,              -- where the name came from: title, field, line, text, path
    region_source      VARCHAR,              -- institution, text, unresolved
    region_note        VARCHAR               -- ambiguity or fallback explanation
);

CREATE TABLE dim_fiscal_year (
    fiscal_year INTEGER PRIMARY KEY
);

CREATE TABLE dim_indicator (
    indicator_code VARCHAR PRIMARY KEY,
    name_zh        VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    unit           VARCHAR NOT NULL,         -- CNY, percent, person, ...
    aliases        VARCHAR,
    description    VARCHAR,
    reported_scopes VARCHAR NOT NULL         -- scopes under which a fact is shown as this code's figure, preferred first (comma-separated)
);

CREATE TABLE dim_scope (
    scope         VARCHAR PRIMARY KEY,
    label_zh      VARCHAR NOT NULL,
    reported_rank INTEGER                    -- order of preference as a department-level figure; NULL: never
);

CREATE TABLE dim_document (
    document_key     VARCHAR PRIMARY KEY,    -- first 16 hex digits of the content's sha256
    source_file      VARCHAR NOT NULL,       -- path relative to REPORTS_DIR (first path, if several)
    content_hash     VARCHAR NOT NULL,
    file_format      VARCHAR NOT NULL,
    pages            INTEGER,
    encoding         VARCHAR,
    status           VARCHAR NOT NULL,       -- loaded, partly_rejected, rejected
    institution_key  VARCHAR,
    fiscal_year      INTEGER,
    year_source      VARCHAR,
    province         VARCHAR,                -- the document's region, kept even when no institution is
    province_code    VARCHAR,                -- found (then there is no dim_institution row); equal to
    city             VARCHAR,                -- the institution's region otherwise
    city_code        VARCHAR,
    county           VARCHAR,
    county_code      VARCHAR,
    region_source    VARCHAR,                -- institution, text, path, unresolved
    report_kind      VARCHAR,                -- department, project, transfer (NULL: the file could not be read)
    project          VARCHAR,                -- the project's or fund's name (project and transfer reports)
    facts_extracted  INTEGER NOT NULL,
    facts_loaded     INTEGER NOT NULL,
    facts_rejected   INTEGER NOT NULL,
    indicators_extracted INTEGER NOT NULL,   -- performance-indicator rows (fact_performance_indicator)
    indicators_loaded    INTEGER NOT NULL,
    indicators_rejected  INTEGER NOT NULL,
    ingested_at      TIMESTAMP NOT NULL      -- first run that saw this content
);

CREATE TABLE document_path (
    source_file  VARCHAR PRIMARY KEY,        -- every path a document was found under
    document_key VARCHAR NOT NULL            -- -> dim_document
);

CREATE TABLE fact_indicator_value (
    fact_key        VARCHAR PRIMARY KEY,     -- md5 of the grain
    institution_key VARCHAR NOT NULL,        -- -> dim_institution
    fiscal_year     INTEGER NOT NULL,        -- -> dim_fiscal_year
    indicator_code  VARCHAR NOT NULL,        -- -> dim_indicator
    document_key    VARCHAR NOT NULL,        -- -> dim_document
    scope           VARCHAR NOT NULL,        -- -> dim_scope
    is_target       BOOLEAN NOT NULL,
    value           DOUBLE NOT NULL,         -- canonical unit: yuan, percent as a number, count
    unit            VARCHAR NOT NULL,
    qualifier       VARCHAR NOT NULL,        -- exact, at_least, at_most, approx
    raw_text        VARCHAR NOT NULL,        -- the figure as printed
    source_locator  VARCHAR NOT NULL,        -- page / paragraph / line / table cell
    snippet         VARCHAR NOT NULL,        -- the sentence or table row it came from
    note            VARCHAR,                 -- what extraction did beyond reading (unit header overridden ...)
    flags           VARCHAR,                 -- warning-level rules the fact broke, comma-separated
    UNIQUE (institution_key, fiscal_year, indicator_code, document_key, scope, is_target)
);

-- One row per 三级指标 row of a performance-indicator table (绩效指标: 一级 / 二级 / 三级指标, 年度指标值,
-- 实际完成值, 分值, 得分, 偏差原因), as printed and as numbers.
CREATE TABLE fact_performance_indicator (
    performance_indicator_key VARCHAR PRIMARY KEY,  -- hash of document_key and row_number
    institution_key  VARCHAR NOT NULL,       -- -> dim_institution
    fiscal_year      INTEGER NOT NULL,       -- -> dim_fiscal_year
    document_key     VARCHAR NOT NULL,       -- -> dim_document
    row_number       INTEGER NOT NULL,       -- the row's place among its document's rows (1, 2, ...)
    level1           VARCHAR,                -- 一级指标: 产出指标, 效益指标, 满意度指标, 成本指标 ...
    level2           VARCHAR,                -- 二级指标: 数量指标, 质量指标, 时效指标 ...
    indicator        VARCHAR NOT NULL,       -- 三级指标 as printed, without prefixes (指标1:) or markers (★)
    target_text      VARCHAR,                -- 年度指标值 as printed (≥95%)
    actual_text      VARCHAR,                -- 实际完成值 as printed
    target_value     DOUBLE,                 -- the target's figure in canonical units, where it has one
    actual_value     DOUBLE,                 -- the achieved figure in canonical units, where it has one
    unit             VARCHAR,
    comparator       VARCHAR,                -- >=, <=, =, >, < (from the target), or NULL
    weight           DOUBLE,                 -- 分值
    score            DOUBLE,                 -- 得分
    deviation_reason VARCHAR,                -- 偏差原因分析及改进措施
    source_locator   VARCHAR NOT NULL,
    snippet          VARCHAR NOT NULL,       -- the row as printed
    flags            VARCHAR,                -- warning-level rules the row broke, comma-separated
    UNIQUE (document_key, row_number)
);

CREATE TABLE rejection (
    source_file    VARCHAR NOT NULL,
    stage          VARCHAR NOT NULL,         -- read, extract, validate
    reason         VARCHAR NOT NULL,
    detail         VARCHAR,
    rule           VARCHAR,                  -- validation rule name, when stage = validate
    indicator_code VARCHAR,
    value          DOUBLE,
    source_locator VARCHAR
);

CREATE TABLE warehouse_build (
    build_key VARCHAR                        -- hash of the files, extractor, suite and SQL built from: a rerun on the same inputs skips the rewrite (NULL: a file could not be read, always rebuilt)
);
