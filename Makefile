# webview-host tasks. `make run` and `make test` are the two README commands;
# both create .venv and install what they need on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
N ?= 20

.PHONY: install lock audit run test check unit e2e e2e-repeat bench clean

# Versions come from constraints.txt (every package pinned; `make lock` regenerates it).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)  ## create .venv and install the project with its test tools, as pinned

lock:  ## re-pin constraints.txt to the newest versions pyproject.toml allows (review, test, commit)
	scripts/lock.sh

audit: $(STAMP)  ## known vulnerabilities in the installed packages (needs PyPI's advisory API)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[audit]'
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off -l

run: $(STAMP)  ## host + Minted sandbox on 127.0.0.1 (sandbox mode, SQLite under data/)
	$(BIN)/python -m webview_host.run

test: $(STAMP)  ## everything CI runs: lint, types, unit, integration, PostgreSQL, Redis, Playwright e2e
	scripts/ensure-chromium.sh
	scripts/ensure-postgres.sh
	scripts/ensure-redis.sh
	$(MAKE) --no-print-directory check
	$(BIN)/python -m pytest

check: $(STAMP)  ## ruff lint + format check, mypy strict on the package
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

unit: $(STAMP)  ## the in-process tests only (no browser)
	$(BIN)/python -m pytest tests

e2e: $(STAMP)  ## the Playwright flows in real Chromium (starts host + sandbox itself)
	scripts/ensure-chromium.sh
	$(BIN)/python -m pytest e2e $(ARGS)

e2e-repeat: $(STAMP)  ## the e2e suite N times in a row (flake budget: 0 failures), e.g. make e2e-repeat N=20 ARGS="-k bridge"
	scripts/ensure-chromium.sh
	$(BIN)/python scripts/repeat.py $(N) $(BIN)/python -m pytest e2e -q $(ARGS)

bench: $(STAMP)  ## real-process load figures (wrk), as ratios to baselines in the same run; e.g. ARGS=--quick
	scripts/ensure-wrk.sh
	scripts/ensure-postgres.sh
	$(BIN)/python -c 'import psutil' 2>/dev/null || $(BIN)/python -m pip install -q -c constraints.txt -e '.[test,bench]'
	$(BIN)/python -m bench.run $(ARGS)

clean:  ## remove the virtualenv, caches and local data
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache e2e-artifacts
