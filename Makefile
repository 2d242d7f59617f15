# Two commands set everything up on a fresh Debian machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
FLASK := $(VENV)/bin/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

# WeasyPrint's libraries, CJK fonts, pdftoppm/pdftotext. libharfbuzz-subset0 keeps CJK PDFs fast.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai poppler-utils
TEST_PACKAGES := chromium

.PHONY: run test test-sqlite test-postgres setup setup-dev system-packages vendor db clean

## run: install what is missing, migrate, load the demo into an empty database, serve on :5000
## (gunicorn through wsgi.py, with the huey worker for background jobs beside it)
run: setup db
	scripts/serve.sh $(HOST) $(PORT) $(WORKERS)

## test: the same setup plus test tools and Chromium, then the whole suite on SQLite and on PostgreSQL
test: setup-dev
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite:
	$(VENV)/bin/pytest

test-postgres:
	scripts/with-postgres.sh $(VENV)/bin/pytest

setup: system-packages $(VENV)/.installed vendor

setup-dev: setup $(VENV)/.installed-dev
	@scripts/apt-ensure.sh $(TEST_PACKAGES)

system-packages:
	@scripts/apt-ensure.sh $(SYSTEM_PACKAGES)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## vendor: htmx from the npm registry; the GB 2312 cuts of the CJK fonts for fast PDFs (both git-ignored)
vendor: system-packages $(VENV)/.installed
	@scripts/vendor-htmx.sh
	@$(VENV)/bin/python scripts/vendor-fonts.py

db: $(VENV)/.installed
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty

clean:
	rm -rf $(VENV) static/vendor .pytest_cache
