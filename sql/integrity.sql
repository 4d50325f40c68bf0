-- Star-schema integrity, checked in the new file before it is published: one row per reference,
-- with the number of rows whose key is missing from the table it refers to. Any non-zero count
-- fails the build and leaves the published warehouse as it was.
SELECT 'document_path.document_key -> dim_document' AS reference, count(*) AS orphans
FROM document_path ANTI JOIN dim_document USING (document_key)
UNION ALL
SELECT 'fact_indicator_value.institution_key -> dim_institution', count(*)
FROM fact_indicator_value ANTI JOIN dim_institution USING (institution_key)
UNION ALL
SELECT 'fact_indicator_value.fiscal_year -> dim_fiscal_year', count(*)
FROM fact_indicator_value ANTI JOIN dim_fiscal_year USING (fiscal_year)
UNION ALL
SELECT 'fact_indicator_value.indicator_code -> dim_indicator', count(*)
FROM fact_indicator_value ANTI JOIN dim_indicator USING (indicator_code)
UNION ALL
SELECT 'fact_indicator_value.document_key -> dim_document', count(*)
FROM fact_indicator_value ANTI JOIN dim_document USING (document_key)
UNION ALL
SELECT 'fact_indicator_value.scope -> dim_scope', count(*)
FROM fact_indicator_value ANTI JOIN dim_scope USING (scope)
UNION ALL
SELECT 'fact_performance_indicator.institution_key -> dim_institution', count(*)
FROM fact_performance_indicator ANTI JOIN dim_institution USING (institution_key)
UNION ALL
SELECT 'fact_performance_indicator.fiscal_year -> dim_fiscal_year', count(*)
FROM fact_performance_indicator ANTI JOIN dim_fiscal_year USING (fiscal_year)
UNION ALL
SELECT 'fact_performance_indicator.document_key -> dim_document', count(*)
FROM fact_performance_indicator ANTI JOIN dim_document USING (document_key);
