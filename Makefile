# The two commands of the README: `make run` and `make test`. Both bootstrap
# everything from a plain python3: the virtualenvs, the pinned requirements,
# the database and the demo data. The groups below: the two commands; the steps
# of `make test`; virtualenvs and Chromium; the demo; the tutorial; measuring.

PYTHON ?= python3
PORT ?= 8000
# Django 5.2 LTS, what `make run` uses. Reinstalled only when the requirements
# change: a second `make run` is fast.
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements
# The newest Django 6.1, which `make test` checks too, in a virtualenv of its own.
# It needs Python 3.12 or newer: PYTHON_DJANGO6 if set, else the newest that
# scripts/find_python.py finds on PATH or under pyenv.
DJANGO6_VENV := .venv-django6
DJANGO6_BIN := $(DJANGO6_VENV)/bin
DJANGO6_INSTALLED := $(DJANGO6_VENV)/.installed-requirements
FIND_PYTHON_DJANGO6 = $(PYTHON) scripts/find_python.py 3.12 $(PYTHON_DJANGO6)
DJANGO6_DB := db-django6.sqlite3
# Chapter 3's project (starter/) is tested in virtualenvs holding only its own
# requirements (Django, pytest and pytest-django), one per Django.
STARTER_VENV := .venv-starter
STARTER_VENV_DJANGO6 := .venv-starter-django6
# The pages include code and outputs from the project's files, so those count too.
DOCS_SOURCES := mkdocs.yml pyproject.toml $(shell find docs foo bar blog lockout signal_watch tests scripts tutorial_site starter without_signals -type f \( -name '*.md' -o -name '*.py' -o -name '*.html' -o -name '*.txt' -o -name '*.ini' \) -not -path '*/__pycache__/*' -not -path '*/.venv*' 2>/dev/null)

.PHONY: run test


# --- The two commands ----------------------------------------------------------------
run: setup docs-build
	@echo ""
	@echo "  Demo:     http://127.0.0.1:$(PORT)/  (log in as alice / learn-signals-42)"
	@echo "  Tutorial: http://127.0.0.1:$(PORT)/tutorial/"
	@echo "  Receivers print what they received below. Stop with Ctrl+C."
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# make test's steps, each a target of its own, run side by side (make -j); each
# step's output is printed in one piece when it ends (-O), so the reports never
# interleave. A new step is a target, and its name added here.
TEST_STEPS := lint test-lts test-django6 test-starter django-suites

# A test run starts some 30 Python processes per Django (the server, subprocess
# tests, nested pytest runs). Where the environment turns bytecode caching off
# (PYTHONDONTWRITEBYTECODE), each would compile the project and pytest would
# rewrite every test module again: about 10 CPU-seconds of a run on one Django.
# The caches go to __pycache__/, which git ignores, one file per Python version.
test: export PYTHONDONTWRITEBYTECODE =

# The LTS virtualenv and Chromium first, once: two apt-get runs at the same time
# would fight over dpkg's lock.
test: install chromium
	@$(MAKE) --no-print-directory --keep-going --jobs=$(words $(TEST_STEPS)) \
		--output-sync=target $(TEST_STEPS)


# --- The steps of make test ----------------------------------------------------------
.PHONY: lint test-lts test-django6 suite-django6 django-suites django-suites-django6 \
	test-starter starter-django6 test-browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite on one Django: test-lts on Django 5.2 LTS (.venv, what `make run`
# uses), suite-django6 on the newest Django 6.1 (.venv-django6). The browser tests
# spend much of their time waiting for the server and Chromium, so they start
# first, in a second pytest, and run beside the other tests; their report
# follows. They use no hypothesis, whose pytest plugin takes 0.7 s to import. The
# strict MkDocs and Zensical builds are tests too (tests/test_docs_build.py).
# A bound on the browser run (it takes under a minute), so that a hung Chromium
# ends in a failure and not a stalled CI job. pytest dumps the stacks of a test
# that runs for over a minute (faulthandler_timeout in pyproject.toml).
BROWSER_TIMEOUT ?= 300
test-lts: SUITE_BIN := $(BIN)
test-lts: install chromium
suite-django6: SUITE_BIN := $(DJANGO6_BIN)
# Both halves may run at once: pytest's cache and Hypothesis's example database
# get a folder of their own. (Databases, servers and builds are temporary and
# per run, on free ports; see conftest.py, tests/conftest.py and tests/browser/machinery.py.)
suite-django6: SUITE_PYTEST := -o cache_dir=.pytest_cache/django6
suite-django6: export HYPOTHESIS_STORAGE_DIRECTORY = .hypothesis/django6
suite-django6: $(DJANGO6_INSTALLED) chromium

test-lts suite-django6:
	@versions=$$($(SUITE_BIN)/python -c 'import django, sys; \
		print(f"Django {django.get_version()} on Python {sys.version.split()[0]}")'); \
	echo "== $$versions"; \
	log=$$(mktemp); \
	timeout --signal=INT --kill-after=15 $(BROWSER_TIMEOUT) \
		$(SUITE_BIN)/python -m pytest $(SUITE_PYTEST) -p no:hypothesispytest \
		tests/browser > "$$log" 2>&1 & browser=$$!; \
	$(SUITE_BIN)/python -W error manage.py check \
		&& $(SUITE_BIN)/python -m pytest $(SUITE_PYTEST) --ignore=tests/browser; \
	others=$$?; \
	wait $$browser; browser_status=$$?; \
	echo; echo "Browser tests (tests/browser):"; cat "$$log"; rm -f "$$log"; \
	if [ $$browser_status = 124 ] || [ $$browser_status = 137 ]; then \
		echo "The browser tests were stopped after $(BROWSER_TIMEOUT) s."; fi; \
	if [ $$others = 0 ] && [ $$browser_status = 0 ]; then \
		echo "== $$versions: passed"; else echo "== $$versions: FAILED"; exit 1; fi

# Everything that runs on Django 6.1: the suite, Django's own signal suites and
# chapter 3's project. Without a Python new enough for it, one line says so and
# only the LTS half runs; under CI=true that is a failure (as a missing Chromium is).
test-django6:
	@if [ -x $(DJANGO6_BIN)/python ] \
		|| reason=$$($(FIND_PYTHON_DJANGO6) 2>&1 >/dev/null); then \
		$(MAKE) --no-print-directory suite-django6 django-suites-django6 starter-django6; \
	elif [ "$$(echo "$$CI" | tr A-Z a-z)" = true ]; then \
		echo "$$reason: Django 6.1 cannot be tested, and CI=true requires it."; \
		exit 1; \
	else \
		echo "$$reason: Django 6.1 is not tested (set PYTHON_DJANGO6)."; \
	fi

# Django's own tests of signals and the dispatcher, run with a "Signals sent"
# recording on the whole time (tests/django_suites/run.py); Django's source
# distribution is fetched once into ~/.cache. DJANGO_SUITES_PYTHON runs them on
# the Django of another virtualenv.
DJANGO_SUITES_PYTHON ?= $(BIN)/python
django-suites: install
	$(DJANGO_SUITES_PYTHON) -m tests.django_suites.run

django-suites-django6: $(DJANGO6_INSTALLED)
	$(DJANGO6_BIN)/python -m tests.django_suites.run

# Chapter 3's project with its own settings and nothing of ours installed, then
# scripts/starter_outputs.py replays the chapter and compares what it prints with
# docs/outputs/starter/ (`make starter-outputs` rewrites those files).
STARTER_TESTS = cd starter && env -u DJANGO_SETTINGS_MODULE -u PYTEST_ADDOPTS \
	../$(1)/bin/python -m pytest -q -W error -p no:cacheprovider \
	&& cd .. && $(1)/bin/python scripts/starter_outputs.py --check

test-starter: $(STARTER_VENV)/.installed
	@echo "starter/ on Django $$($(STARTER_VENV)/bin/python -m django --version):"
	@$(call STARTER_TESTS,$(STARTER_VENV))

starter-django6: $(STARTER_VENV_DJANGO6)/.installed
	@echo "starter/ on Django $$($(STARTER_VENV_DJANGO6)/bin/python -m django --version):"
	@$(call STARTER_TESTS,$(STARTER_VENV_DJANGO6))

# Only the browser tests (tests/browser/), on Django 5.2.
test-browser: install chromium
	$(BIN)/python -m pytest -p no:hypothesispytest tests/browser


# --- Virtualenvs and Chromium --------------------------------------------------------
.PHONY: install install-django6 chromium clean

install: $(INSTALLED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt requirements-common.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install-django6: $(DJANGO6_INSTALLED)

$(DJANGO6_BIN)/python:
	python=$$($(FIND_PYTHON_DJANGO6)) && $$python -m venv $(DJANGO6_VENV)

$(DJANGO6_INSTALLED): requirements-django6.txt requirements-common.txt | $(DJANGO6_BIN)/python
	$(DJANGO6_BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-django6.txt
	@touch $@

$(STARTER_VENV)/.installed: starter/requirements.txt
	rm -rf $(STARTER_VENV) && $(PYTHON) -m venv $(STARTER_VENV)
	$(STARTER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@

$(STARTER_VENV_DJANGO6)/.installed: starter/requirements.txt
	rm -rf $(STARTER_VENV_DJANGO6)
	python=$$($(FIND_PYTHON_DJANGO6)) && $$python -m venv $(STARTER_VENV_DJANGO6)
	$(STARTER_VENV_DJANGO6)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@

# Debian's Chromium for the browser tests: Playwright must never download its own.
# Installed with apt when missing and we are root; otherwise the browser tests skip
# with one line saying so (and fail under CI=true).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "Chromium is missing at /usr/bin/chromium: run 'apt-get install chromium' as root."; \
		fi; \
	fi

clean:
	rm -rf $(VENV) $(DJANGO6_VENV) $(STARTER_VENV) $(STARTER_VENV_DJANGO6) site \
		db.sqlite3 $(DJANGO6_DB) .pytest_cache .ruff_cache


# --- The demo ------------------------------------------------------------------------
.PHONY: setup run-django6 worker

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data

# The demo on Django 6.1, with a database of its own (the tutorial build is shared).
run-django6: install-django6 docs-build
	DJANGO_DB_PATH=$(DJANGO6_DB) $(DJANGO6_BIN)/python manage.py migrate --noinput
	DJANGO_DB_PATH=$(DJANGO6_DB) $(DJANGO6_BIN)/python manage.py load_demo_data
	@echo ""
	@echo "  Django 6.1: the same demo and tutorial as make run, on http://127.0.0.1:$(PORT)/"
	@echo ""
	DJANGO_DB_PATH=$(DJANGO6_DB) $(DJANGO6_BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The database task worker (chapter 10): run the server with
# DJANGO_TASKS_BACKEND=database make run, so that it queues instead of running tasks.
worker: setup
	DJANGO_TASKS_BACKEND=database $(BIN)/python manage.py db_worker


# --- The tutorial: its build, and the files its pages show ---------------------------
.PHONY: docs docs-build outputs starter-outputs signalmap-docs screenshots

docs-build: site/index.html

site/index.html: $(DOCS_SOURCES) $(INSTALLED)
	$(BIN)/mkdocs build --strict --quiet

# Serves the tutorial with live reload while you edit it.
docs: install
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

# Rerun the scenarios and rewrite docs/outputs/*.txt, the terminal output the pages
# show. tests/test_outputs.py fails while they differ from what the code prints.
outputs: install
	$(BIN)/python scripts/generate_outputs.py

# The same for chapter 3's project, on both Djangos.
starter-outputs: $(STARTER_VENV)/.installed $(STARTER_VENV_DJANGO6)/.installed
	$(STARTER_VENV)/bin/python scripts/starter_outputs.py
	$(STARTER_VENV_DJANGO6)/bin/python scripts/starter_outputs.py

# The signal map shown in chapter 12. Regenerate after connecting or disconnecting
# a receiver; tests/test_signalmap.py fails while the committed diagram is out of date.
signalmap-docs: install
	$(BIN)/python manage.py signalmap --format mermaid --app foo --app bar --app blog --app lockout --app notify > docs/includes/signalmap.mmd
	$(BIN)/python manage.py signalmap --app bar > docs/includes/signalmap.txt

# Replays the demo in Debian's Chromium and rewrites docs/images/*.png.
screenshots: install chromium
	$(BIN)/python scripts/take_screenshots.py


# --- Measuring: what signals cost, and the demo under load ---------------------------
# `make bench`: the full benchmark, printed. `make bench-docs`: the quick one, its
# JSON in bench/results/, then the tables and charts of chapter 10 and of the
# "Under the hood" pages (bench/render.py fills their bench:NAME regions).
BENCH_JSON := bench/results/signal_bench.json

.PHONY: bench bench-docs loadtest

bench: install
	$(BIN)/python manage.py signal_bench

bench-docs: install
	@mkdir -p $(dir $(BENCH_JSON))
	$(BIN)/python manage.py signal_bench --quick --output $(BENCH_JSON)
	$(BIN)/python -m bench.render $(BENCH_JSON)

# A real server on a free 127.0.0.1 port with a temporary database; 20 clients,
# 200 logins and 200 comments; stops by itself (tests/load/run.py). CI runs it.
loadtest: install
	$(BIN)/python -m tests.load.run
