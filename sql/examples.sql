-- Questions analysts ask of the warehouse, each with the SQL that answers it. Every statement runs
-- against the sample warehouse in tests/test_examples.py, so none of them goes stale.
-- Open the warehouse with: .venv/bin/duckdb -readonly warehouse/reports.duckdb

-- Q1. What did each province budget and spend, per year (department reports), and what share of the
--     budget was spent (a ratio of sums, not a mean of rates)?
SELECT r.province, r.fiscal_year,
       b.total AS budget, s.total AS spending,
       round(100 * s.total / b.total, 2) AS spent_percent,
       r.execution_rate AS execution_rate_of_stating_institutions, r.mean AS mean_of_stated_rates
FROM v_province_rollup r
JOIN v_province_rollup b USING (province_code, fiscal_year)
JOIN v_province_rollup s USING (province_code, fiscal_year)
WHERE r.indicator_code = 'budget_execution_rate'
  AND b.indicator_code = 'budget_total' AND s.indicator_code = 'expenditure_total'
ORDER BY r.province_code, r.fiscal_year;

-- Q2. How many visits did each institution serve, per year? Achieved figures only: a target
--     (年度目标为接待读者…) is a row too, with is_target = true.
SELECT institution, fiscal_year, value AS visitors, qualifier, source_file, snippet
FROM v_indicator_values
WHERE indicator_code = 'visitors' AND NOT is_target AND report_kind = 'department'
ORDER BY province_code, institution, fiscal_year;

-- Q3. Which institutions spent less than 95 % of their budget, and where does the figure come from?
SELECT y.institution, y.institution_type, y.admin_level, y.fiscal_year, y.budget_execution_rate,
       v.source_file, v.source_locator, v.snippet
FROM v_institution_year y
JOIN v_institution_values v
  ON v.institution_key = y.institution_key AND v.fiscal_year = y.fiscal_year
 AND v.indicator_code = 'budget_execution_rate'
WHERE y.budget_execution_rate < 95
ORDER BY y.budget_execution_rate;

-- Q4. Spending and staff by city and county (every level of the official divisions, in code order).
SELECT region_level, region_code, region, fiscal_year, indicator_code, institutions, total
FROM v_region_rollup
WHERE indicator_code IN ('expenditure_total', 'staff_actual')
ORDER BY region_code, fiscal_year, indicator_code;

-- Q5. How did visits change from one year to the next, like for like (only institutions that
--     report both years)?
SELECT region_level, region, institution, fiscal_year, previous_year, institutions,
       current_value, previous_value, change, change_percent
FROM v_year_over_year
WHERE indicator_code = 'visitors'
ORDER BY region_code, region_level, fiscal_year;

-- Q6. How complete is the data: of the institutions with a department report, how many state each
--     indicator, per province and year?
SELECT region, fiscal_year, indicator_code, institutions_reporting, institutions_with_document,
       coverage_percent
FROM v_coverage
WHERE region_level = 'province'
ORDER BY region_code, fiscal_year, coverage_percent, indicator_code;

-- Q7. How many performance indicators (绩效指标) were met, by 一级指标 and province?
SELECT province, fiscal_year, level1,
       sum(indicator_rows) AS indicator_rows, sum(met) AS met, sum(not_met) AS not_met,
       sum(not_comparable) AS not_comparable,
       round(100 * sum(met) / nullif(sum(met) + sum(not_met), 0), 2) AS met_percent
FROM v_kpi_attainment
GROUP BY province, province_code, fiscal_year, level1
ORDER BY province_code, fiscal_year, level1;

-- Q8. Which performance indicators fell short, and what reason did the report give?
SELECT institution, project, level1, level2, indicator, target_text, actual_text, deviation_reason,
       source_file, source_locator
FROM v_performance_indicators
WHERE (comparator = '>=' AND actual_value < target_value)
   OR (comparator = '<=' AND actual_value > target_value)
ORDER BY province_code, institution, indicator;

-- Q9. Project and transfer funds: how much was budgeted and spent per province, year and kind?
SELECT province, fiscal_year, report_kind, reports, institutions, budget, spending, execution_rate,
       mean_score
FROM v_project_rollup
ORDER BY province_code, fiscal_year, report_kind;

-- Q10. How many institutions of each type and administrative level reported, per province and year?
SELECT province, fiscal_year, institution_type, admin_level, count(*) AS institutions
FROM v_institution_year
GROUP BY ALL
ORDER BY province, fiscal_year, institution_type, admin_level;

-- Q11. What did not make it into the warehouse, and why?
SELECT stage, reason, count(*) AS rejections, min(source_file) AS example_file
FROM v_rejected
GROUP BY stage, reason
ORDER BY stage, rejections DESC;

-- Q12. Which rules did figures fail in this build, and what does each rule check? (The failing
--      figures themselves: v_rejected for error-level rules, v_warnings / v_kpi_warnings for warnings.)
SELECT r.suite, r.rule, r.level, r.expected, v.failing_count
FROM dim_validation_rule r
LEFT JOIN validation_result v USING (rule)
ORDER BY v.failing_count DESC NULLS LAST, r.suite, r.rule;

-- Q13. What do the units and qualifiers mean?
SELECT 'unit' AS lookup, unit AS code, label_zh, meaning FROM dim_unit
UNION ALL
SELECT 'qualifier', qualifier, label_zh, meaning FROM dim_qualifier
ORDER BY lookup, code;
