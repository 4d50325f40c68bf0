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
-- Per province and fiscal year, from department reports (one achieved value per institution, as in
-- v_institution_values): institutions (stating a budget or spending), budget and spending (sums of
-- budget_total and expenditure_total, yuan), execution_rate (100 × the sum of spending over the sum of
-- budgets of the institutions stating both; NULL when none does).
WITH per_institution AS (
    SELECT
        province, fiscal_year, province_code, city_code, county_code, institution,
        max(value) FILTER (WHERE indicator_code = 'budget_total') AS budget,
        max(value) FILTER (WHERE indicator_code = 'expenditure_total') AS spending
    FROM v_institution_values
    WHERE province IS NOT NULL AND indicator_code IN ('budget_total', 'expenditure_total')
    GROUP BY province, fiscal_year, province_code, city_code, county_code, institution
)
SELECT
    province, fiscal_year,
    count(*) AS institutions,
    sum(budget) AS budget,
    sum(spending) AS spending,
    100 * sum(spending) FILTER (WHERE budget > 0 AND spending IS NOT NULL)
        / sum(budget) FILTER (WHERE budget > 0 AND spending IS NOT NULL) AS execution_rate
FROM per_institution
GROUP BY province, fiscal_year
ORDER BY province, fiscal_year;

-- name: execution_rates
-- One row per institution, province and fiscal year with an achieved budget_execution_rate in a
-- department report: province, fiscal_year, institution, execution_rate (percent).
SELECT province, fiscal_year, institution, value AS execution_rate
FROM v_institution_values
WHERE province IS NOT NULL AND indicator_code = 'budget_execution_rate'
ORDER BY province, fiscal_year, institution;

-- name: indicator_coverage
-- Per province, fiscal year and dictionary indicator (dim_indicator): indicator_code, indicator_name
-- (Chinese), reporting (institutions whose department report states an achieved figure of it),
-- institutions (institutions with a department report loaded for that province and year), coverage
-- (reporting / institutions, 0 to 1).
WITH documents AS (
    SELECT province, fiscal_year, institution_key, source_file
    FROM v_documents
    WHERE report_kind = 'department' AND status <> 'rejected'
      AND province IS NOT NULL AND fiscal_year IS NOT NULL AND institution_key IS NOT NULL
),
bodies AS (
    SELECT province, fiscal_year, count(DISTINCT institution_key) AS institutions
    FROM documents
    GROUP BY province, fiscal_year
),
reported AS (
    SELECT d.province, d.fiscal_year, v.indicator_code, count(DISTINCT d.institution_key) AS reporting
    FROM documents d
    JOIN v_indicator_values v ON v.source_file = d.source_file AND NOT v.is_target
    GROUP BY d.province, d.fiscal_year, v.indicator_code
)
SELECT
    b.province, b.fiscal_year, i.indicator_code, i.name_zh AS indicator_name,
    coalesce(r.reporting, 0) AS reporting,
    b.institutions,
    coalesce(r.reporting, 0) / b.institutions AS coverage
FROM bodies b
CROSS JOIN dim_indicator i
LEFT JOIN reported r
    ON r.province = b.province AND r.fiscal_year = b.fiscal_year AND r.indicator_code = i.indicator_code
ORDER BY b.province, b.fiscal_year, i.indicator_code;

-- name: attainment
-- Performance-indicator rows (v_performance_indicators, any report kind) counted per province, fiscal
-- year, level1 (一级指标; '(none)' when the table has none) and status: met (actual_value compared
-- with target_value by comparator holds), not met (it fails), not comparable (a value or the
-- comparator missing). Columns: province, fiscal_year, level1, status, indicator_rows.
SELECT
    province, fiscal_year, coalesce(level1, '(none)') AS level1,
    CASE
        WHEN target_value IS NULL OR actual_value IS NULL
            OR comparator IS NULL OR comparator NOT IN ('>=', '<=', '=', '>', '<') THEN 'not comparable'
        WHEN (comparator = '>=' AND actual_value >= target_value)
            OR (comparator = '<=' AND actual_value <= target_value)
            OR (comparator = '=' AND actual_value = target_value)
            OR (comparator = '>' AND actual_value > target_value)
            OR (comparator = '<' AND actual_value < target_value) THEN 'met'
        ELSE 'not met'
    END AS status,
    count(*) AS indicator_rows
FROM v_performance_indicators
WHERE province IS NOT NULL AND fiscal_year IS NOT NULL
GROUP BY ALL
ORDER BY province, fiscal_year, level1, status;

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
