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
    is_core        BOOLEAN NOT NULL          -- in the indicator dictionary; else a performance-table row
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
    facts_extracted  INTEGER NOT NULL,
    facts_loaded     INTEGER NOT NULL,
    facts_rejected   INTEGER NOT NULL,
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
