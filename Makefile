# HCC Post: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

.PHONY: run test test-postgres fuzz setup bench clean-venv sysdeps lint vendor i18n screenshots

# Debian tools the tests use, as tool:package: pdftoppm/pdftotext and zbarimg read PDFs back;
# chromium runs the browser tests (tests/web/, Playwright with executable_path, never
# `playwright install`); tesseract (with its Vietnamese data) reads labels back; node and npm
# run the independent ZPL renderer (tests/support/zpl_render.mjs). Only missing ones are installed.
SYSDEPS := pdftoppm:poppler-utils pdftotext:poppler-utils zbarimg:zbar-tools chromium:chromium \
	pg_dump:postgresql-client pg_restore:postgresql-client tesseract:tesseract-ocr node:nodejs npm:npm

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
	$(VENV)/bin/gunicorn -c python:app.gunicorn_conf --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

## setup: migrate and load data without serving
setup: $(VENV)/.installed
	$(VENV)/bin/flask --app wsgi setup

## sysdeps: install the Debian packages the tests need, when missing (needs root or sudo)
sysdeps:
	@missing=""; for pair in $(SYSDEPS); do \
	  command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; \
	done; \
	if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx vie; then \
	  missing="$$missing tesseract-ocr-vie"; \
	fi; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "Installing$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The tests' npm packages (zpl-renderer-js renders ZPL): installed from package-lock.json when
# node_modules is missing or older than the lock. `make run` never needs Node.
node_modules/.package-lock.json: package-lock.json
	npm ci --omit=optional --ignore-scripts --no-audit --no-fund

## test: install and run the test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: sysdeps node_modules/.package-lock.json $(VENV)/.installed
	$(PY) -m pytest tests -q

## test-postgres: the suite against the local PostgreSQL `test` database
test-postgres: sysdeps node_modules/.package-lock.json $(VENV)/.installed
	DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(PY) -m pytest tests -q

## lint: ruff and mypy with the settings in pyproject.toml
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

## fuzz: schemathesis over the OpenAPI document as every role, against a scratch server;
## FUZZ_SECONDS per role, FUZZ_MAX_EXAMPLES per operation (PostgreSQL when DATABASE_URL is set)
FUZZ_SECONDS ?= 15
FUZZ_MAX_EXAMPLES ?= 10
fuzz: $(VENV)/.installed
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(PY) .ci/fuzz.py

## bench: run every benchmark in bench/ and print its figures (never part of the tests)
bench: $(VENV)/.installed
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean-venv:
	rm -rf $(VENV)

# Front-end files the pages (app/static/vendor) and the browser tests (tests/web/vendor) use,
# as package:file-in-package=folder; `make vendor` copies them from package-lock.json's
# versions and rewrites each folder's MANIFEST (tests/web/test_vendor.py checks it).
VENDOR_FILES := htmx.org:dist/htmx.min.js=app/static/vendor htmx.org:LICENSE=app/static/vendor \
	zxing-wasm:dist/iife/reader/index.js=app/static/vendor zxing-wasm:dist/reader/zxing_reader.wasm=app/static/vendor \
	zxing-wasm:LICENSE=app/static/vendor \
	signature_pad:dist/signature_pad.min.js=app/static/vendor signature_pad:LICENSE=app/static/vendor \
	axe-core:axe.min.js=tests/web/vendor axe-core:LICENSE=tests/web/vendor \
	axe-core:LICENSE-3RD-PARTY.txt=tests/web/vendor

## vendor: refresh the committed front-end files from package-lock.json (needs Node and npm)
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	@for root in $$(printf '%s\n' $(VENDOR_FILES) | sed 's/.*=//' | sort -u); do \
	  rm -rf $$root; mkdir -p $$root; \
	  echo "# package version file sha256 (written by make vendor; do not edit)" > $$root/MANIFEST; \
	done
	@for spec in $(VENDOR_FILES); do \
	  pkg=$${spec%%:*}; rest=$${spec#*:}; file=$${rest%%=*}; root=$${rest#*=}; \
	  version=$$(node -p "require('./node_modules/$$pkg/package.json').version"); \
	  mkdir -p $$root/$$pkg; cp node_modules/$$pkg/$$file $$root/$$pkg/; \
	  name=$$pkg/$$(basename $$file); \
	  echo "$$pkg $$version $$name $$(sha256sum $$root/$$name | cut -d' ' -f1)" >> $$root/MANIFEST; \
	  echo "vendored $$root/$$name ($$pkg $$version)"; \
	done

## screenshots: the counter's pages at 1366 and 360 px and the courier app at 360 px as small PNGs
## in docs/screenshots/ (live servers of their own; tests/web/screenshots.py, tests/web/courier/)
screenshots: sysdeps $(VENV)/.installed
	$(PY) -m pytest tests/web/screenshots.py tests/web/courier/screenshots.py -q -p no:cacheprovider

## i18n: extract the pages' strings, update the catalogues and compile them (commit the .mo)
i18n: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F app/translations/babel.cfg -k _l -k lazy_gettext \
	  --no-location --omit-header --sort-output -o app/translations/messages.pot app/web
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations \
	  --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -d app/translations --statistics
