# Prevent LDE — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
STAMP := $(VENV)/.installed
CSS := lde/static/css/application.css
# The suites other than the browser journeys run in one pytest-xdist process per core, each test
# module whole on one process (its module-scoped fixtures built once). PARALLEL= runs serially.
PARALLEL ?= -n auto --dist loadscope

.PHONY: demo test install system assets check test-sqlite test-postgres test-browser serve clean bench

## make demo: install, build assets, migrate SQLite, load the demo, serve on 127.0.0.1:8000
demo: install assets
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/lde migrate --no-input
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/lde demo
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/lde serve --with-worker

## make test: everything CI runs
test: system install assets
	scripts/check
	$(BIN)/pytest -m "not browser" $(PARALLEL)
	scripts/with-postgres $(BIN)/pytest -m "not browser" $(PARALLEL)
	$(BIN)/pytest -m browser

system:
	scripts/install-system

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: $(CSS)

$(CSS): node_modules/.package-lock.json $(wildcard assets/*.scss)
	scripts/build-assets

check: install
	scripts/check

test-sqlite: install assets
	$(BIN)/pytest -m "not browser" $(PARALLEL)

test-postgres: install assets
	scripts/with-postgres $(BIN)/pytest -m "not browser" $(PARALLEL)

test-browser: install assets
	$(BIN)/pytest -m browser

bench: install assets
	$(BIN)/lde bench pages

## make survey-fixtures: R's answers for tests/surveys/statistics (needs Rscript, r-cran-survey)
survey-fixtures:
	Rscript scripts/r/survey_fixtures.R tests/surveys/statistics/fixtures

clean:
	rm -rf $(VENV) node_modules lde/static/css lde/static/govuk var
