# Guanxi — the two commands: `make demo` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?=
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DATA_DIR ?= ./var
STAMP := $(VENV)/.installed

.PHONY: demo test setup system-packages lint typecheck test-sqlite test-postgres bench clean

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

messages: $(STAMP)
	cd src/guanxi && ../../$(VENV)/bin/django-admin makemessages -l zh_Hans --settings=guanxi.settings --pythonpath=.. -i "seeding/*"
	msgfmt --check-format -o src/guanxi/locale/zh_Hans/LC_MESSAGES/django.mo src/guanxi/locale/zh_Hans/LC_MESSAGES/django.po
