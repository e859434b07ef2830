# Every target creates .venv and installs the project into it when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: briefs test lab lint golden bench data clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

briefs: $(STAMP)  ## execute every scenario notebook and render rendered/*.html + index.html
	$(BIN)/python -m analysis render

test: $(STAMP)  ## run the test suite
	$(BIN)/python -W 'ignore:Field "pytest_notebook:UserWarning' -m pytest

lab: $(STAMP)  ## open JupyterLab on the live explorer (notebooks/00_explore.ipynb) first
	$(BIN)/jupyter lab notebooks/00_explore.ipynb

lint: $(STAMP)
	$(BIN)/ruff format --check analysis tests benchmarks
	$(BIN)/ruff check analysis tests benchmarks notebooks
	$(BIN)/lint-imports

bench: $(STAMP)  ## every speed target, measured vs target (reported in README.md)
	$(BIN)/python benchmarks/run.py

data: $(STAMP)  ## rebuild data/facts.csv and data/trade.csv from the raw extracts in data/raw/
	$(BIN)/python -m analysis data build

golden: $(STAMP)  ## regenerate the notebook regression golden file after an intended change
	$(BIN)/python tests/make_golden.py

clean:
	rm -rf $(VENV) rendered
