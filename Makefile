# HCC Post: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

.PHONY: run test test-postgres setup bench clean-venv sysdeps

# Debian tools the tests use to read PDFs back: pdftoppm/pdftotext and zbarimg.
SYSDEPS_BINS := pdftoppm pdftotext zbarimg
SYSDEPS_PKGS := poppler-utils zbar-tools

# Install once; reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt tests/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r tests/requirements.txt
	touch $@

## run: install, migrate, load units and demo data on a new database, serve on HOST:PORT
run: $(VENV)/.installed
	$(VENV)/bin/flask --app wsgi setup
	@echo "Serving HCC Post on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/docs)"
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

## setup: migrate and load data without serving
setup: $(VENV)/.installed
	$(VENV)/bin/flask --app wsgi setup

## sysdeps: install the Debian packages the tests need, when missing (needs root or sudo)
sysdeps:
	@missing=""; for b in $(SYSDEPS_BINS); do command -v $$b >/dev/null || missing=1; done; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "Installing $(SYSDEPS_PKGS)"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSDEPS_PKGS) >/dev/null; \
	fi

## test: install and run the test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: sysdeps $(VENV)/.installed
	$(PY) -m pytest tests -q

## test-postgres: the suite against the local PostgreSQL `test` database
test-postgres: sysdeps $(VENV)/.installed
	DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(PY) -m pytest tests -q

## bench: run every benchmark in bench/ and print its figures (never part of the tests)
bench: $(VENV)/.installed
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean-venv:
	rm -rf $(VENV)
