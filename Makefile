# One command to set up and see a lab plan, one to run every check.
STACK ?= ms01
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup plan test lint typecheck unit

$(VENV)/.installed: requirements.txt requirements-dev.txt sdks/zerotier/pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

plan: setup
	$(PY) -m components plan --stack $(STACK)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy components tests __main__.py

unit: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck unit
