# Guanxi — the two commands: `make demo` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?=
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DATA_DIR ?= ./var
STAMP := $(VENV)/.installed

.PHONY: demo test setup system-packages lint typecheck test-sqlite test-postgres bench bench-compare clean cluster-test

$(STAMP): pyproject.toml
	@scripts/bootstrap.sh "$(PYTHON)" "$(VENV)"
	@touch $(STAMP)

setup: $(STAMP)

system-packages:
	@scripts/system-packages.sh

demo: $(STAMP)
	@GUANXI_DATA_DIR="$(DATA_DIR)" $(VENV)/bin/guanxi demo --port "$(PORT)"

test: system-packages $(STAMP)
	@scripts/test.sh

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy src

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# Benchmarks against the production server on seeded data (not part of `make test`):
#   make bench BENCH_DB=sqlite|postgres BENCH_PROFILE=small|large; results in var/bench/
bench: $(STAMP)
	BENCH_DB=$${BENCH_DB:-sqlite} BENCH_PROFILE=$${BENCH_PROFILE:-small} $(PY) tests/bench/run.py

# make bench-compare A=var/bench/old.json B=var/bench/new.json — ratios B / A per case
bench-compare: $(STAMP)
	$(PY) tests/bench/compare.py $(A) $(B)

messages: $(STAMP)
	cd src/guanxi && ../../$(VENV)/bin/django-admin makemessages -l zh_Hans --settings=guanxi.settings --pythonpath=.. -i "seeding/*"
	msgfmt --check-format -o src/guanxi/locale/zh_Hans/LC_MESSAGES/django.mo src/guanxi/locale/zh_Hans/LC_MESSAGES/django.po

# Two app servers, two workers and the scheduler on local PostgreSQL and a private Redis; kills one
# server and one worker and restarts Redis under a bounded API workload, then checks the data.
cluster-test: $(STAMP)
	$(PY) scripts/cluster_test.py
