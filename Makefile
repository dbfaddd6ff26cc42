# scanclean: `make run` then `make test`. Everything else is in README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RAW ?= raw
CLEAN ?= clean
RUNNER ?= default
CRON ?= 0 3 * * *

# Prefect keeps its state in the project and never phones home.
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120
export PREFECT_RESULTS_LOCAL_STORAGE_PATH := $(CURDIR)/.prefect/results

.PHONY: install run test bench diff report serve schedule reprocess stop clean-outputs

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m flows.schema  # Prefect's migrated empty database, so fresh runs skip ~9 s of migrations
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m flows.clean_corpus --raw "$(RAW)" --clean "$(CLEAN)" --runner "$(RUNNER)" $(if $(CONFIG),--config "$(CONFIG)")

test: install
	$(PY) -m pytest -q -n 2

bench: install
	$(PY) -m bench

diff: install
	$(PY) -m cleaners.diff --clean "$(CLEAN)" $(if $(DOC),--doc "$(DOC)") $(if $(STAGE),--stage "$(STAGE)")

report: install
	$(PY) -m cleaners.report --clean "$(CLEAN)"

serve: install
	$(PY) -m flows.serve start --raw "$(RAW)" --clean "$(CLEAN)"

schedule: install
	$(PY) -m flows.serve schedule --cron "$(CRON)"

reprocess: install
	$(PY) -m flows.serve reprocess

stop: install
	$(PY) -m flows.serve stop

clean-outputs:
	find "$(CLEAN)" -mindepth 1 ! -name README.md -exec rm -rf {} +
