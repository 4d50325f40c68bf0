# The project's commands. `make run` and `make test` set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME := $(CURDIR)

.PHONY: setup run test test-slow test-all dev samples docs forms score bench bench-cli clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed  ## create .venv with every pinned dependency

run: setup  ## materialize every asset over REPORTS_DIR into WAREHOUSE_PATH, print a summary, show the rollup
	$(BIN)/python -m pipelines run
	$(BIN)/python -m tools.show

test: setup  ## ruff and the test suite without the slow end-to-end suites (about 8 minutes)
	$(BIN)/ruff check pipelines tools tests
	$(BIN)/ruff format --check pipelines tools tests
	$(BIN)/pytest -m "not slow"

test-slow: setup  ## the slow suites: whole runs in subprocesses, services, crashes, concurrency (~25 min)
	$(BIN)/pytest -m slow

test-all: test test-slow  ## everything CI runs

dev: setup  ## the Dagster UI on http://127.0.0.1:3000
	$(BIN)/dagster dev -m pipelines.definitions

samples: setup  ## regenerate the bundled sample reports and their truth
	$(BIN)/python -m tools.samples samples/reports

docs: setup  ## regenerate sql/schema.sql and the README's data dictionary from pipelines/schema.py
	$(BIN)/python -m tools.docs

clean:
	rm -rf .dagster_home warehouse/*.duckdb warehouse/report

CORPUS ?= ../shared/corpus/dev
SCORE_ARGS ?=
forms: setup  ## the gbk, docx, pdf and scan forms of an evaluation set's txt/ reports: make forms SET=folder
	$(BIN)/python -m tools.forms $(SET)

score: setup  ## precision / recall / identity against a corpus with gold.json (CORPUS=folder, SCORE_ARGS='--set dev ...')
	$(BIN)/python -m tools.scoring $(CORPUS) $(SCORE_ARGS)

N ?= 200
bench: setup  ## province-scale benchmark over N synthetic reports (floor, full, rerun, +1 %)
	$(BIN)/python -m tools.bench --n $(N)

bench-cli: setup  ## wall time of `python -m pipelines run` again with nothing changed (samples, 600 reports)
	$(BIN)/python -m tools.bench --cli-rerun 600
