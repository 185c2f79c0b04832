# `make test` and `make demo` each build .venv from a fresh clone with only Python installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: test demo lint clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/autograd-core lectures --out out

# The full benchmark run (minutes); `make test` runs a --quick one.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis

# The teaching notebooks: installs Jupyter and friends into .venv, then opens notebooks/.
# Jupyter refuses to start as root without --allow-root (the usual user in a container).
.PHONY: notebooks notebook-outputs
NOTEBOOKS_STAMP := $(VENV)/.installed-notebooks
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

$(NOTEBOOKS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $(NOTEBOOKS_STAMP)

# The committed outputs hold SVG graphs and HTML step-through players; Jupyter shows those
# only in notebooks it trusts (it strips them from notebooks it did not run itself), so the
# project's own notebooks are marked trusted first.
notebooks: $(NOTEBOOKS_STAMP)
	$(BIN)/jupyter trust notebooks/*.ipynb
	$(BIN)/jupyter lab $(ALLOW_ROOT) notebooks/

# Runs every notebook top to bottom and writes its outputs into it (they are committed, so
# a repository page shows the pictures; `make test` fails when they are not a fresh run's).
notebook-outputs: $(STAMP)
	$(BIN)/python tests/notebooks/notebook_outputs.py
