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
    f.document_key, d.ingested_at, f.fact_key, f.institution_key, f.read_by, f.ocr_confidence
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
    scope, flags, province_code, city_code, county_code, institution_key, read_by
FROM v_facts_by_scope
WHERE reported_rank IS NOT NULL
QUALIFY reported_rank = min(reported_rank) OVER (PARTITION BY document_key, indicator_code, is_target);

-- One achieved value per institution, year and indicator, from department reports of a known year
-- only (a project's budget is not the department's): when several documents give one, the document
-- ingested last wins (then the later path); within it, the most preferred scope (as in
-- v_indicator_values), then the first source_locator. Columns: those of v_indicator_values, then
-- ingested_at.
CREATE VIEW v_institution_values AS
SELECT
    province, city, county, institution, fiscal_year, indicator_code, indicator_name,
    value, unit, qualifier, is_target, source_file, source_locator, snippet,
    report_kind, project,
    scope, flags, province_code, city_code, county_code, institution_key, read_by, ingested_at
FROM v_facts_by_scope
WHERE reported_rank IS NOT NULL AND NOT is_target AND report_kind = 'department' AND fiscal_year IS NOT NULL
QUALIFY row_number() OVER (
    PARTITION BY institution_key, fiscal_year, indicator_code
    ORDER BY ingested_at DESC, source_file DESC, reported_rank, source_locator
) = 1;

-- Achieved figures of department reports rolled up by province, city and county: institutions
-- counted by key (two bodies of one name in different places are two), exact decimal sums (total is
-- NULL where a sum means nothing: percentages, scores), and for budget_execution_rate the rate as a
-- ratio of sums (100 × Σ spending ÷ Σ budget over the institutions stating both) beside the mean of
-- the stated rates. Division codes order the rows: a province, then its cities, then their counties.
CREATE VIEW v_region_rollup AS
WITH placed AS (
    SELECT 'province' AS region_level, province_code AS region_code, province AS region,
           province, province_code, NULL::VARCHAR AS city, NULL::VARCHAR AS city_code,
           NULL::VARCHAR AS county, NULL::VARCHAR AS county_code,
           institution_key, fiscal_year, indicator_code, unit, value
    FROM v_institution_values WHERE province_code IS NOT NULL
    UNION ALL
    SELECT 'city', city_code, city, province, province_code, city, city_code, NULL, NULL,
           institution_key, fiscal_year, indicator_code, unit, value
    FROM v_institution_values WHERE city_code IS NOT NULL
    UNION ALL
    SELECT 'county', county_code, county, province, province_code, city, city_code, county, county_code,
           institution_key, fiscal_year, indicator_code, unit, value
    FROM v_institution_values WHERE county_code IS NOT NULL
),
money AS (  -- one institution's budget and spending of a year, for the ratio of sums
    SELECT institution_key, fiscal_year,
           max(value) FILTER (WHERE indicator_code = 'budget_total') AS budget,
           max(value) FILTER (WHERE indicator_code = 'expenditure_total') AS spending
    FROM v_institution_values
    GROUP BY institution_key, fiscal_year
)
SELECT
    region_level, region_code, region, province, province_code, city, city_code, county, county_code,
    p.fiscal_year, indicator_code, unit,
    count(DISTINCT p.institution_key) AS institutions,
    CASE WHEN unit IN ('percent', 'point') THEN NULL ELSE CAST(sum(value) AS DECIMAL(38,4)) END AS total,
    CAST(avg(value) AS DECIMAL(18,4)) AS mean,
    CAST(median(value) AS DECIMAL(18,4)) AS median,
    min(value) AS min,
    max(value) AS max,
    CASE WHEN indicator_code = 'budget_execution_rate' THEN CAST(
        100 * sum(m.spending) FILTER (WHERE m.budget > 0 AND m.spending IS NOT NULL)
        / sum(m.budget) FILTER (WHERE m.budget > 0 AND m.spending IS NOT NULL) AS DECIMAL(12,4)
    ) END AS execution_rate
FROM placed p
LEFT JOIN money m USING (institution_key, fiscal_year)
GROUP BY region_level, region_code, region, province, province_code, city, city_code, county, county_code,
         p.fiscal_year, indicator_code, unit
ORDER BY region_code, p.fiscal_year, indicator_code;

-- Province-wide rollup (the contract view): the province rows of v_region_rollup.
CREATE VIEW v_province_rollup AS
SELECT province, fiscal_year, indicator_code, unit, institutions, total, mean, median, min, max,
       province_code, execution_rate
FROM v_region_rollup
WHERE region_level = 'province'
ORDER BY province_code, fiscal_year, indicator_code;

-- One row per project or transfer report (one per institution, year, kind and project: the document
-- ingested last wins, then the later path), with its budget, spending and self-evaluation score.
CREATE VIEW v_project_reports AS
WITH reports AS (
    SELECT d.document_key, d.source_file, d.report_kind, d.project, d.fiscal_year, d.ingested_at,
           i.institution_key, i.institution, i.province, i.city, i.county, i.province_code
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
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'budget_total') AS DECIMAL(38,4)) AS budget,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'expenditure_total') AS DECIMAL(38,4)) AS spending,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'self_eval_score') AS DOUBLE) AS score,
    r.source_file, r.document_key, r.institution_key, r.province_code
FROM reports r
LEFT JOIN v_indicator_values v ON v.source_file = r.source_file AND NOT v.is_target
GROUP BY ALL;

-- Project and transfer reports of a known province and year rolled up by province, year and kind:
-- how many, their budgets and spending summed, the execution rate as a ratio of sums (over the
-- reports that state both), the mean self-evaluation score.
CREATE VIEW v_project_rollup AS
SELECT
    province, fiscal_year, report_kind,
    count(*) AS reports,
    sum(budget) AS budget,
    sum(spending) AS spending,
    CAST(100 * sum(spending) FILTER (WHERE budget > 0 AND spending IS NOT NULL)
        / sum(budget) FILTER (WHERE budget > 0 AND spending IS NOT NULL) AS DECIMAL(12,4)) AS execution_rate,
    CAST(avg(score) AS DECIMAL(12,4)) AS mean_score,
    count(DISTINCT institution_key) AS institutions,
    province_code
FROM v_project_reports
WHERE province IS NOT NULL AND fiscal_year IS NOT NULL
GROUP BY province, province_code, fiscal_year, report_kind
ORDER BY province_code, fiscal_year, report_kind;

-- One row per validated performance-indicator row (绩效指标 table rows), in any report.
CREATE VIEW v_performance_indicators AS
SELECT
    i.province, i.city, i.county, i.institution, k.fiscal_year, d.report_kind, d.project,
    k.level1, k.level2, k.indicator, k.target_text, k.actual_text, k.target_value, k.actual_value,
    k.unit, k.comparator, k.weight, k.score, k.deviation_reason,
    d.source_file, k.source_locator,
    k.snippet, k.row_number, k.flags, i.province_code, i.city_code, i.county_code,
    k.document_key, k.performance_indicator_key, k.read_by, k.ocr_confidence
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

-- One row per institution and fiscal year with a department report (any status): each indicator of
-- the dictionary as a column holding its achieved value from v_institution_values (counts as
-- integers, money, percentages and scores as exact decimals), with the institution's type and level.
CREATE VIEW v_institution_year AS
WITH reports AS (
    SELECT institution_key, fiscal_year, count(*) AS reports
    FROM dim_document
    WHERE report_kind = 'department' AND institution_key IS NOT NULL AND fiscal_year IS NOT NULL
    GROUP BY institution_key, fiscal_year
)
SELECT
    i.institution_key, i.institution, i.institution_type, i.admin_level,
    i.province, i.province_code, i.city, i.city_code, i.county, i.county_code,
    r.fiscal_year, r.reports,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'staff_authorized') AS BIGINT) AS staff_authorized,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'staff_actual') AS BIGINT) AS staff_actual,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'staff_retired') AS BIGINT) AS staff_retired,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'income_total') AS DECIMAL(18,4)) AS income_total,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'income_fiscal') AS DECIMAL(18,4)) AS income_fiscal,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'budget_total') AS DECIMAL(18,4)) AS budget_total,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'budget_fiscal') AS DECIMAL(18,4)) AS budget_fiscal,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'expenditure_total') AS DECIMAL(18,4)) AS expenditure_total,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'expenditure_basic') AS DECIMAL(18,4)) AS expenditure_basic,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'expenditure_project') AS DECIMAL(18,4)) AS expenditure_project,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'budget_execution_rate') AS DECIMAL(18,4)) AS budget_execution_rate,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'self_eval_score') AS DECIMAL(18,4)) AS self_eval_score,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'visitors') AS BIGINT) AS visitors,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'circulation') AS BIGINT) AS circulation,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'new_reader_cards') AS BIGINT) AS new_reader_cards,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'acquisitions_volumes') AS BIGINT) AS acquisitions_volumes,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'events') AS BIGINT) AS events,
    CAST(max(v.value) FILTER (WHERE v.indicator_code = 'satisfaction_rate') AS DECIMAL(18,4)) AS satisfaction_rate
FROM reports r
JOIN dim_institution i USING (institution_key)
LEFT JOIN v_institution_values v ON v.institution_key = r.institution_key AND v.fiscal_year = r.fiscal_year
GROUP BY ALL
ORDER BY i.province_code, i.city_code NULLS FIRST, i.county_code NULLS FIRST, i.institution, r.fiscal_year;

-- Year-over-year change like for like. Institution rows: an institution's achieved value of a year
-- beside its value of the year before. Region rows (province, city, county): over the institutions
-- that state the indicator in both years only (institutions), the sum of each year (the mean for
-- percentages and scores), so that institutions arriving or leaving never count as change.
CREATE VIEW v_year_over_year AS
WITH pairs AS (
    SELECT c.institution_key, c.institution, c.province, c.province_code, c.city, c.city_code,
           c.county, c.county_code, c.indicator_code, c.unit, c.fiscal_year, p.fiscal_year AS previous_year,
           c.value AS current_value, p.value AS previous_value
    FROM v_institution_values c
    JOIN v_institution_values p
      ON p.institution_key = c.institution_key AND p.indicator_code = c.indicator_code
     AND p.fiscal_year = c.fiscal_year - 1
),
placed AS (
    SELECT 'institution' AS region_level, coalesce(county_code, city_code, province_code) AS region_code,
           coalesce(county, city, province) AS region, institution_key AS member,
           institution_key, institution, province, city, county,
           indicator_code, unit, fiscal_year, previous_year, current_value, previous_value
    FROM pairs
    UNION ALL
    SELECT 'province', province_code, province, institution_key, NULL, NULL, province, NULL, NULL,
           indicator_code, unit, fiscal_year, previous_year, current_value, previous_value
    FROM pairs WHERE province_code IS NOT NULL
    UNION ALL
    SELECT 'city', city_code, city, institution_key, NULL, NULL, province, city, NULL,
           indicator_code, unit, fiscal_year, previous_year, current_value, previous_value
    FROM pairs WHERE city_code IS NOT NULL
    UNION ALL
    SELECT 'county', county_code, county, institution_key, NULL, NULL, province, city, county,
           indicator_code, unit, fiscal_year, previous_year, current_value, previous_value
    FROM pairs WHERE county_code IS NOT NULL
),
summed AS (
    SELECT
        region_level, region_code, region, institution_key, institution, province, city, county,
        indicator_code, unit, fiscal_year, previous_year,
        count(DISTINCT member) AS institutions,
        CAST(CASE WHEN unit IN ('percent', 'point') THEN avg(current_value) ELSE sum(current_value) END
             AS DECIMAL(38,4)) AS current_value,
        CAST(CASE WHEN unit IN ('percent', 'point') THEN avg(previous_value) ELSE sum(previous_value) END
             AS DECIMAL(38,4)) AS previous_value
    FROM placed
    GROUP BY region_level, region_code, region, institution_key, institution, province, city, county,
             indicator_code, unit, fiscal_year, previous_year
)
SELECT
    region_level, region_code, region, institution_key, institution, province, city, county,
    indicator_code, unit, fiscal_year, previous_year, institutions, current_value, previous_value,
    current_value - previous_value AS change,
    TRY_CAST(CASE WHEN previous_value <> 0 THEN 100 * (current_value - previous_value) / previous_value END
             AS DECIMAL(12,4)) AS change_percent
FROM summed
ORDER BY region_code, CASE region_level WHEN 'institution' THEN 1 ELSE 0 END, institution, indicator_code,
         fiscal_year;

-- Coverage: of the institutions with a department report in a region and year, how many state each
-- indicator of the dictionary (an achieved value in v_institution_values).
CREATE VIEW v_coverage AS
WITH documented AS (
    SELECT DISTINCT i.institution_key, d.fiscal_year, i.province, i.province_code, i.city, i.city_code,
           i.county, i.county_code
    FROM dim_document d
    JOIN dim_institution i USING (institution_key)
    WHERE d.report_kind = 'department' AND d.fiscal_year IS NOT NULL
),
placed AS (
    SELECT 'province' AS region_level, province_code AS region_code, province AS region, province,
           NULL::VARCHAR AS city, NULL::VARCHAR AS county, institution_key, fiscal_year
    FROM documented WHERE province_code IS NOT NULL
    UNION ALL
    SELECT 'city', city_code, city, province, city, NULL, institution_key, fiscal_year
    FROM documented WHERE city_code IS NOT NULL
    UNION ALL
    SELECT 'county', county_code, county, province, city, county, institution_key, fiscal_year
    FROM documented WHERE county_code IS NOT NULL
)
SELECT
    p.region_level, p.region_code, p.region, p.province, p.city, p.county, p.fiscal_year, ind.indicator_code,
    count(DISTINCT v.institution_key) AS institutions_reporting,
    count(DISTINCT p.institution_key) AS institutions_with_document,
    CAST(100 * count(DISTINCT v.institution_key) / count(DISTINCT p.institution_key) AS DECIMAL(12,4))
        AS coverage_percent
FROM placed p
CROSS JOIN dim_indicator ind
LEFT JOIN v_institution_values v
  ON v.institution_key = p.institution_key AND v.fiscal_year = p.fiscal_year
 AND v.indicator_code = ind.indicator_code
GROUP BY ALL
ORDER BY p.region_code, p.fiscal_year, ind.indicator_code;

-- Performance-indicator attainment (rows of a known year): a row is met when its actual value
-- satisfies the target's comparator (≥95% and 97% are met; ≤3天 and 5天 are not), or, without a
-- comparator, when the two values or the two texts are the same (100% / 100%, 达标 / 达标); otherwise
-- not comparable.
CREATE VIEW v_kpi_attainment AS
WITH judged AS (
    SELECT
        province, province_code, fiscal_year, report_kind, level1, level2,
        CASE
            WHEN target_value IS NOT NULL AND actual_value IS NOT NULL AND comparator IS NOT NULL THEN
                CASE comparator
                    WHEN '>=' THEN actual_value >= target_value
                    WHEN '<=' THEN actual_value <= target_value
                    WHEN '>' THEN actual_value > target_value
                    WHEN '<' THEN actual_value < target_value
                    ELSE actual_value = target_value
                END
            WHEN target_value IS NOT NULL AND actual_value = target_value THEN TRUE
            WHEN trim(target_text) <> '' AND trim(target_text) = trim(actual_text) THEN TRUE
        END AS met
    FROM v_performance_indicators
    WHERE fiscal_year IS NOT NULL
)
SELECT
    province, province_code, fiscal_year, report_kind, level1, level2,
    count(*) AS indicator_rows,
    count(*) FILTER (WHERE met) AS met,
    count(*) FILTER (WHERE NOT met) AS not_met,
    count(*) FILTER (WHERE met IS NULL) AS not_comparable,
    CAST(100 * count(*) FILTER (WHERE met) / nullif(count(met), 0) AS DECIMAL(12,4)) AS met_percent
FROM judged
GROUP BY ALL
ORDER BY province_code, fiscal_year, report_kind, level1, level2;
