# One command to set up and see a lab plan, one to run every check.
STACK ?= ms01
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup plan test lint typecheck unit topology

# requirements.txt installs the ZeroTier SDK from sdks/zerotier, which `pulumi install` deletes and
# regenerates (it is git-ignored). Until that has happened, the typed stand-in fills the folder; a
# folder already there, generated or not, is never overwritten.
SDK := sdks/zerotier
SDK_STANDIN := sdks/zerotier-standin

$(SDK)/pyproject.toml:
	@if [ -e $(SDK) ]; then echo "$(SDK) exists but has no pyproject.toml: run \`pulumi install\`, or remove it to get the stand-in" >&2; exit 1; fi
	cp -R $(SDK_STANDIN) $(SDK)

# Depending on the SDK's pyproject.toml re-installs it after `pulumi install` regenerates the folder:
# it is installed as a copy (the generated SDK reads its version from installed metadata).
$(VENV)/.installed: requirements.txt requirements-dev.txt $(SDK)/pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

# actionlint (the workflow linter) has no offline wheel; it builds from its Go module.
ACTIONLINT_VERSION ?= v1.7.12
$(VENV)/bin/actionlint: | $(VENV)/.installed
	@if command -v go >/dev/null; then \
		GOBIN=$(abspath $(VENV)/bin) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION); \
	else echo "go not found: the workflow lint test will be skipped"; fi

plan: setup
	$(PY) -m components plan --stack $(STACK)

# lint-imports holds the package to its layers (pyproject.toml, [tool.importlinter]).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy components tests __main__.py

unit: setup $(VENV)/bin/actionlint
	$(PY) -m pytest $(PYTEST_ARGS)

topology: setup
	$(PY) -m components graph --stack $(STACK) --out docs

test: lint typecheck unit
