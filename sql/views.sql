-- Analyst views. Names and columns of v_indicator_values, v_province_rollup, v_rejected and
-- v_performance_indicators are the warehouse contract; the others are extensions.

-- Every validated fact, with every scope it was stated under (财政拨款, 其他资金, 基本支出 ...).
CREATE VIEW v_facts_by_scope AS
SELECT
    i.province, i.city, i.county, i.institution,
    f.fiscal_year, f.indicator_code, ind.name_zh AS indicator_name,
    f.value, f.unit, f.qualifier, f.is_target,
    p.source_file, f.source_locator, f.snippet,
    d.report_kind, d.project,
    f.scope,
    -- Preference of this scope as the code's figure (dim_indicator.reported_scopes); NULL: never shown
    -- as the code (a part such as 其他资金 or 基本支出, or the 财政拨款 part of a total that has a code of its own).
    list_position(string_split(ind.reported_scopes, ','), f.scope) AS reported_rank,
    f.raw_text, f.note, f.flags,
    i.province_code, i.city_code, i.county_code,
    f.document_key, d.ingested_at, f.fact_key
FROM fact_indicator_value f
JOIN dim_institution i USING (institution_key)
JOIN dim_indicator ind USING (indicator_code)
JOIN dim_document d USING (document_key)
JOIN document_path p ON p.document_key = f.document_key AND p.source_file = d.source_file;

-- The department-level facts: per document, indicator and target flag, the facts of the most
-- preferred scope the document states (dim_indicator.reported_scopes: the whole department, then the
-- initial budget; the fiscal appropriation for budget_fiscal and income_fiscal; a code whose fiscal
-- part has no code of its own, such as expenditure_total, falls back on the fiscal figure).
-- report_kind and project say whether the document reports on the whole body or on one project or fund.
CREATE VIEW v_indicator_values AS
SELECT
    province, city, county, institution, fiscal_year, indicator_code, indicator_name,
    value, unit, qualifier, is_target, source_file, source_locator, snippet,
    report_kind, project,
    scope, flags, province_code, city_code, county_code
FROM v_facts_by_scope
WHERE reported_rank IS NOT NULL
QUALIFY reported_rank = min(reported_rank) OVER (PARTITION BY document_key, indicator_code, is_target);

-- One achieved value per institution, year and indicator, from department reports only (a project's
-- budget is not the department's): when several documents give one, the document ingested last wins
-- (then the later path).
CREATE VIEW v_institution_values AS
SELECT *
FROM (
    SELECT v.*, d.ingested_at
    FROM v_indicator_values v
    JOIN document_path p USING (source_file)
    JOIN dim_document d USING (document_key)
    WHERE NOT v.is_target AND v.report_kind = 'department'
)
QUALIFY row_number() OVER (
    PARTITION BY province_code, city_code, county_code, institution, fiscal_year, indicator_code
    ORDER BY ingested_at DESC, source_file DESC
) = 1;

-- Province-wide rollup of achieved figures of department reports. total is NULL where a sum means
-- nothing (percent, score).
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

-- One row per project or transfer report (one per institution, year, kind and project: the document
-- ingested last wins, then the later path), with its budget, spending and self-evaluation score.
CREATE VIEW v_project_reports AS
WITH reports AS (
    SELECT d.document_key, d.source_file, d.report_kind, d.project, d.fiscal_year, d.ingested_at,
           i.institution_key, i.institution, i.province, i.city, i.county
    FROM dim_document d
    JOIN dim_institution i USING (institution_key)
    WHERE d.report_kind IN ('project', 'transfer') AND d.status <> 'rejected'
    QUALIFY row_number() OVER (
        PARTITION BY i.institution_key, d.fiscal_year, d.report_kind, coalesce(d.project, d.document_key)
        ORDER BY d.ingested_at DESC, d.source_file DESC
    ) = 1
)
SELECT
    r.province, r.city, r.county, r.institution, r.fiscal_year, r.report_kind, r.project,
    max(v.value) FILTER (WHERE v.indicator_code = 'budget_total') AS budget,
    max(v.value) FILTER (WHERE v.indicator_code = 'expenditure_total') AS spending,
    max(v.value) FILTER (WHERE v.indicator_code = 'self_eval_score') AS score,
    r.source_file, r.document_key
FROM reports r
LEFT JOIN v_indicator_values v ON v.source_file = r.source_file AND NOT v.is_target
GROUP BY ALL;

-- Project and transfer reports rolled up by province, year and kind: how many, their budgets and
-- spending summed, the execution rate as a ratio of sums (over the reports that state both), the
-- mean self-evaluation score.
CREATE VIEW v_project_rollup AS
SELECT
    province, fiscal_year, report_kind,
    count(*) AS reports,
    sum(budget) AS budget,
    sum(spending) AS spending,
    100 * sum(spending) FILTER (WHERE budget > 0 AND spending IS NOT NULL)
        / sum(budget) FILTER (WHERE budget > 0 AND spending IS NOT NULL) AS execution_rate,
    avg(score) AS mean_score,
    count(DISTINCT institution) AS institutions
FROM v_project_reports
WHERE province IS NOT NULL
GROUP BY province, fiscal_year, report_kind;

-- One row per validated performance-indicator row (绩效指标 table rows), in any report.
CREATE VIEW v_performance_indicators AS
SELECT
    i.province, i.city, i.county, i.institution, k.fiscal_year, d.report_kind, d.project,
    k.level1, k.level2, k.indicator, k.target_text, k.actual_text, k.target_value, k.actual_value,
    k.unit, k.comparator, k.weight, k.score, k.deviation_reason,
    d.source_file, k.source_locator,
    k.snippet, k.row_number, k.flags, i.province_code, i.city_code, i.county_code,
    k.document_key, k.performance_indicator_key
FROM fact_performance_indicator k
JOIN dim_institution i USING (institution_key)
JOIN dim_document d USING (document_key);

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

-- Warning-level rule failures of performance-indicator rows: one row per row and rule. The rows stay.
CREATE VIEW v_kpi_warnings AS
SELECT
    k.source_file, k.source_locator, k.institution, k.fiscal_year, k.report_kind, k.project,
    k.indicator, k.target_text, k.actual_text, k.weight, k.score, trim(rule) AS rule, k.snippet
FROM v_performance_indicators k, unnest(string_split(k.flags, ',')) AS t(rule)
WHERE k.flags IS NOT NULL;
