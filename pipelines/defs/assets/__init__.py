"""Assets by stage: reports (the files), extraction, validation, warehouse (one asset per table and view),
report (the province report)."""
