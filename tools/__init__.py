"""Developer tools around the pipeline, not part of the installed product: the sample generator
(`samples`), the extraction scorer (`scoring`), the province-scale benchmark (`bench`) and the
warehouse summary of `make run` (`show`).

Run them from the repository root with `python -m tools.<name>` (the Makefile does). `pipelines`
never imports `tools`.
"""
