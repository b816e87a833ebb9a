# make run | make test | make ui | make sample | make sample-final OUT=final.pdf
VENV := .venv
PYTHON ?= $(shell command -v python3.11 || command -v python3)
DAGSTER_HOME_DIR := $(CURDIR)/.dagster_home

.PHONY: run test ui sample sample-final setup fonts

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# The sample generator draws Chinese text and needs this font.
fonts:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! dpkg -s fonts-wqy-zenhei >/dev/null 2>&1; then \
		apt-get update && apt-get install -y fonts-wqy-zenhei; \
	fi

setup: $(VENV)/bin/python fonts
	$(VENV)/bin/pip install -q -e '.[dev]'

run: setup
	$(VENV)/bin/budget ingest data/samples

# pytest exits 5 when no tests are collected; only real failures fail the target
test: setup
	$(VENV)/bin/pytest -q; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ] || exit $$status

ui: setup
	mkdir -p $(DAGSTER_HOME_DIR)
	cp assets/dagster.yaml $(DAGSTER_HOME_DIR)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(VENV)/bin/dagster instance concurrency set duckdb_writer 1
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(VENV)/bin/dagster dev -w workspace.yaml

sample: setup
	$(VENV)/bin/python -m pipelines.sample

# the generated final account (决算) of the sample budget's unit: rendered on demand, never committed
sample-final: setup
	$(VENV)/bin/python -m pipelines.sample --final $(or $(OUT),/tmp/yantai-shebao-2024-final.pdf)
