# One command to set up and see a lab plan, one to run every check; `make help` lists them all.
STACK ?= ms01
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.DEFAULT_GOAL := help
.PHONY: help setup dev plan test lint typecheck unit offline topology schema

help: ## list these targets
	@echo "make TARGET [STACK=ms01] [PYTHON=python3]:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# requirements.txt installs the ZeroTier SDK from sdks/zerotier, which `pulumi install` deletes and
# regenerates (it is git-ignored). Until that has happened, the typed stand-in fills the folder; a
# folder already there, generated or not, is never overwritten.
SDK := sdks/zerotier
SDK_STANDIN := sdks/zerotier-standin

$(SDK)/pyproject.toml:
	@if [ -e $(SDK) ]; then echo "$(SDK) exists but has no pyproject.toml: run \`pulumi install\`, or remove it to get the stand-in" >&2; exit 1; fi
	cp -R $(SDK_STANDIN) $(SDK)

# The stamps name the Python that made the venv: a venv of another Python has none of them, so it is set
# up again. tools/python-venv refuses a Python older than 3.11 before anything is created, and makes
# the venv again when another Python made it.
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)
RUNTIME := $(VENV)/.runtime-python$(PYTHON_VERSION)
DEV := $(VENV)/.dev-python$(PYTHON_VERSION)

# What the plan and `pulumi up` need, and the zt-ecmp command (this project, installed editable).
# Depending on the SDK's pyproject.toml re-installs it after `pulumi install` regenerates the folder:
# it is installed as a copy (the generated SDK reads its version from installed metadata).
$(RUNTIME): requirements.txt pyproject.toml $(SDK)/pyproject.toml
	@tools/python-venv $(PYTHON) $(VENV)
	@echo "setup: installing the runtime dependencies and the zt-ecmp command into $(VENV) (about a minute the first time)"
	@$(PIP) -r requirements.txt
	@$(PIP) --no-deps --editable .
	@touch $@

# The linters and the test tools, for `make test` only.
$(DEV): $(RUNTIME) requirements-dev.txt
	@echo "setup: installing the test and lint tools into $(VENV)"
	@$(PIP) -r requirements-dev.txt
	@touch $@

setup: $(RUNTIME) ## create .venv: the runtime dependencies and the zt-ecmp command

dev: $(DEV) ## setup, plus the linters and test tools that make test runs

# actionlint (the workflow linter) has no offline wheel; it builds from its Go module.
ACTIONLINT_VERSION ?= v1.7.12
$(VENV)/bin/actionlint: | $(DEV)
	@if command -v go >/dev/null; then \
		echo "setup: building actionlint $(ACTIONLINT_VERSION) from its Go module"; \
		GOBIN=$(abspath $(VENV)/bin) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION); \
	else echo "go not found: the workflow lint test will be skipped"; fi

plan: setup ## print what pulumi up would build for STACK, offline; files and scripts go to out/STACK/
	@$(VENV)/bin/zt-ecmp plan --stack $(STACK)

# lint-imports holds the package to its layers (pyproject.toml, [tool.importlinter]).
lint: dev ## ruff (lint and format) and import-linter
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: dev ## mypy --strict
	$(VENV)/bin/mypy components tests __main__.py

# pytest-xdist spreads the tests over one worker per CPU; the netns and engine tiers each stay in one
# worker, one test at a time (tests/conftest.py). WORKERS=0 runs everything in this one process.
WORKERS ?= auto
XDIST := -n $(WORKERS) --dist loadgroup

unit: dev $(VENV)/bin/actionlint ## pytest, every tier (PYTEST_ARGS=... to choose, WORKERS=0 for one process)
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

offline: dev $(VENV)/bin/actionlint ## the offline tier only (no namespaces, no engine, no root): the quick loop while you work
	$(PY) -m pytest $(XDIST) -m "not netns and not engine" $(PYTEST_ARGS)

topology: setup ## redraw docs/STACK-topology.svg and .png (needs Graphviz)
	$(VENV)/bin/zt-ecmp graph --stack $(STACK) --out docs

schema: setup ## rewrite schema/pulumi-stack.schema.json from the settings models
	$(VENV)/bin/zt-ecmp schema > schema/pulumi-stack.schema.json

test: lint typecheck unit ## lint, type-check and every test: what CI runs
