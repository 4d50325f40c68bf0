-- The queries of the province report (pipelines/report), one per `-- name:` block. Each states the
-- columns it returns; the report reads them by name, so a query may move to another view as long as
-- it keeps its columns. Rows without a province or a fiscal year are left out of the per-province
-- sections (the region_resolved and fiscal_year rules list them under warnings and rejections).

-- name: summary
-- One row. documents: documents read (dim_document, rejected files included); rejected_documents:
-- those with nothing loaded; facts, performance_indicators: loaded figures and indicator-table rows;
-- institutions, provinces, fiscal_years: distinct ones among the documents.
SELECT
    count(*) AS documents,
    count(*) FILTER (WHERE status = 'rejected') AS rejected_documents,
    coalesce(sum(facts_loaded), 0) AS facts,
    coalesce(sum(indicators_loaded), 0) AS performance_indicators,
    count(DISTINCT institution_key) AS institutions,
    count(DISTINCT province) AS provinces,
    count(DISTINCT fiscal_year) AS fiscal_years
FROM v_documents;

-- name: budget_vs_spending
-- Per province and fiscal year, from department reports (v_institution_year: one achieved value per
-- institution): institutions (stating a budget or spending), budget and spending (sums of budget_total
-- and expenditure_total, yuan), execution_rate (100 × the sum of spending over the sum of budgets of
-- the institutions stating both, as in v_region_rollup; NULL when none does).
SELECT
    province, fiscal_year,
    count(*) FILTER (WHERE budget_total IS NOT NULL OR expenditure_total IS NOT NULL) AS institutions,
    sum(budget_total) AS budget,
    sum(expenditure_total) AS spending,
    100 * sum(expenditure_total) FILTER (WHERE budget_total > 0 AND expenditure_total IS NOT NULL)
        / sum(budget_total) FILTER (WHERE budget_total > 0 AND expenditure_total IS NOT NULL) AS execution_rate
FROM v_institution_year
WHERE province IS NOT NULL
GROUP BY province, province_code, fiscal_year
HAVING count(*) FILTER (WHERE budget_total IS NOT NULL OR expenditure_total IS NOT NULL) > 0
ORDER BY province_code, fiscal_year;

-- name: execution_rates
-- How the achieved budget_execution_rate of department reports (v_institution_year) spreads, per
-- province and fiscal year: rate_band (the lower edge of a 5-point band, percent; rates of 150 and more
-- in the 150 band), institutions (how many institutions' rates fall in it). A few rows per province and
-- year however many institutions report.
SELECT
    province, fiscal_year,
    least(floor(budget_execution_rate / 5) * 5, 150) AS rate_band,
    count(*) AS institutions
FROM v_institution_year
WHERE province IS NOT NULL AND budget_execution_rate IS NOT NULL
GROUP BY province, province_code, fiscal_year, rate_band
ORDER BY province_code, fiscal_year, rate_band;

-- name: indicator_coverage
-- Per province, fiscal year and dictionary indicator (v_coverage, province rows): indicator_code,
-- indicator_name (Chinese), reporting (institutions whose department report states an achieved figure
-- of it), institutions (institutions with a department report in that province and year), coverage
-- (reporting / institutions, 0 to 1).
SELECT
    c.region AS province, c.fiscal_year, c.indicator_code, i.name_zh AS indicator_name,
    c.institutions_reporting AS reporting,
    c.institutions_with_document AS institutions,
    c.coverage_percent / 100 AS coverage
FROM v_coverage c
JOIN dim_indicator i USING (indicator_code)
WHERE c.region_level = 'province'
ORDER BY c.region_code, c.fiscal_year, c.indicator_code;

-- name: attainment
-- Performance-indicator rows counted per province, fiscal year, level1 (一级指标; '(none)' when the
-- table has none) and status, as v_kpi_attainment judges them: met, not met, not comparable.
-- Columns: province, fiscal_year, level1, status, indicator_rows.
WITH counted AS (
    SELECT province, province_code, fiscal_year, level1, 'met' AS status, met AS n FROM v_kpi_attainment
    UNION ALL
    SELECT province, province_code, fiscal_year, level1, 'not met', not_met FROM v_kpi_attainment
    UNION ALL
    SELECT province, province_code, fiscal_year, level1, 'not comparable', not_comparable FROM v_kpi_attainment
)
SELECT province, fiscal_year, coalesce(level1, '(none)') AS level1, status, sum(n) AS indicator_rows
FROM counted
WHERE province IS NOT NULL AND fiscal_year IS NOT NULL
GROUP BY province, province_code, fiscal_year, coalesce(level1, '(none)'), status
HAVING sum(n) > 0
ORDER BY province_code, fiscal_year, level1, status;

-- name: warning_counts
-- Warning-level rule failures per kind of row and rule: kind ('fact' from v_warnings, 'performance
-- indicator' from v_kpi_warnings), rule, failures (rows).
SELECT 'fact' AS kind, rule, count(*) AS failures FROM v_warnings GROUP BY rule
UNION ALL
SELECT 'performance indicator' AS kind, rule, count(*) AS failures FROM v_kpi_warnings GROUP BY rule
ORDER BY failures DESC, kind, rule;

-- name: warnings
-- The first 50 warning-level failures (facts and performance-indicator rows) by province, year and
-- place: province and fiscal_year of the document (NULL when unknown), kind, source_file,
-- source_locator, rule, snippet.
WITH failures AS (
    SELECT 'fact' AS kind, fiscal_year, source_file, source_locator, rule, snippet FROM v_warnings
    UNION ALL
    SELECT 'performance indicator', fiscal_year, source_file, source_locator, rule, snippet FROM v_kpi_warnings
)
SELECT d.province, f.fiscal_year, f.kind, f.source_file, f.source_locator, f.rule, f.snippet
FROM failures f
LEFT JOIN v_documents d ON d.source_file = f.source_file
ORDER BY d.province NULLS LAST, f.fiscal_year NULLS LAST, f.source_file, f.source_locator, f.rule
LIMIT 50;

-- name: rejected_files
-- One row: files (distinct source files in v_rejected: files rejected whole, and files with a figure
-- or row rejected by an error-level rule), rejections (rows of v_rejected).
SELECT count(DISTINCT source_file) AS files, count(*) AS rejections FROM v_rejected;

-- name: rejections
-- The first 50 rows of v_rejected by file: source_file, stage (read, extract, validate), reason, rule
-- (validate stage), source_locator.
SELECT source_file, stage, reason, rule, source_locator
FROM v_rejected
ORDER BY source_file, stage, source_locator NULLS FIRST, rule NULLS FIRST
LIMIT 50;
