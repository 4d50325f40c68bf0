"""Dagster assets, one module per stage: ingest, extract, validate, load."""
