"""Developer tools around the pipeline, not part of the installed product: the sample generator
(`samples`), the extraction scorer (`scoring`), the province-scale benchmark (`bench`), the warehouse
summary of `make run` (`show`) and the one comparison with known truth that the scorer, the
benchmark and the tests share (`truth`).

Run them from the repository root with `python -m tools.<name>` (the Makefile does). `pipelines`
never imports `tools`.
"""
