-- Analyst views. Names and columns of v_indicator_values, v_province_rollup and v_rejected are the
-- warehouse contract; the others are extensions.

-- Every validated fact, with every scope it was stated under (财政拨款, 其他资金, 基本支出 ...).
CREATE VIEW v_facts_by_scope AS
SELECT
    i.province, i.city, i.county, i.institution,
    f.fiscal_year, f.indicator_code, ind.name_zh AS indicator_name,
    f.value, f.unit, f.qualifier, f.is_target,
    p.source_file, f.source_locator, f.snippet,
    f.scope, s.reported_rank, f.raw_text, f.note, f.flags,
    i.province_code, i.city_code, i.county_code,
    f.document_key, d.ingested_at, f.fact_key
FROM fact_indicator_value f
JOIN dim_institution i USING (institution_key)
JOIN dim_indicator ind USING (indicator_code)
JOIN dim_scope s USING (scope)
JOIN dim_document d USING (document_key)
JOIN document_path p ON p.document_key = f.document_key AND p.source_file = d.source_file;

-- The department-level facts: per document, indicator and target flag, the facts of the most
-- preferred scope the document states (whole department, else fiscal appropriation, else initial budget).
CREATE VIEW v_indicator_values AS
SELECT
    province, city, county, institution, fiscal_year, indicator_code, indicator_name,
    value, unit, qualifier, is_target, source_file, source_locator, snippet,
    scope, flags, province_code, city_code, county_code
FROM v_facts_by_scope
WHERE reported_rank IS NOT NULL
QUALIFY reported_rank = min(reported_rank) OVER (PARTITION BY document_key, indicator_code, is_target);

-- One achieved value per institution, year and indicator: when several documents give one, the
-- document ingested last wins (then the later path).
CREATE VIEW v_institution_values AS
SELECT *
FROM (
    SELECT v.*, d.ingested_at
    FROM v_indicator_values v
    JOIN document_path p USING (source_file)
    JOIN dim_document d USING (document_key)
    WHERE NOT v.is_target
)
QUALIFY row_number() OVER (
    PARTITION BY province_code, city_code, county_code, institution, fiscal_year, indicator_code
    ORDER BY ingested_at DESC, source_file DESC
) = 1;

-- Province-wide rollup of achieved figures. total is NULL where a sum means nothing (percent, score).
CREATE VIEW v_province_rollup AS
SELECT
    province, fiscal_year, indicator_code, unit,
    count(DISTINCT institution) AS institutions,
    CASE WHEN unit IN ('percent', 'point') THEN NULL ELSE sum(value) END AS total,
    avg(value) AS mean,
    median(value) AS median,
    min(value) AS min,
    max(value) AS max
FROM v_institution_values
WHERE province IS NOT NULL
GROUP BY province, fiscal_year, indicator_code, unit;

CREATE VIEW v_rejected AS
SELECT source_file, stage, reason, detail, rule, indicator_code, value, source_locator
FROM rejection;

-- The region is the document's own (dim_document), so a region read from the text or the path stays
-- when no institution was found.
CREATE VIEW v_documents AS
SELECT d.*, i.institution
FROM dim_document d
LEFT JOIN dim_institution i USING (institution_key);

-- Warning-level rule failures: one row per fact and rule. The facts stay in the warehouse.
CREATE VIEW v_warnings AS
SELECT
    v.source_file, v.source_locator, v.institution, v.fiscal_year, v.indicator_code, v.value, v.unit,
    v.scope, v.is_target, trim(rule) AS rule, v.note, v.snippet
FROM v_facts_by_scope v, unnest(string_split(v.flags, ',')) AS t(rule)
WHERE v.flags IS NOT NULL;
