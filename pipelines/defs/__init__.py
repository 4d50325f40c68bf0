"""The Dagster side of the pipeline: assets by stage (assets/), resources and the step hand-offs
(storage), jobs and automation. `pipelines.definitions` puts them together in one `Definitions`."""
