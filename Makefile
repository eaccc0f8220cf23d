# The two commands of the README: `make run` and `make test`. Both bootstrap
# everything from a plain python3: the virtualenv, the pinned requirements,
# the database and the demo data.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Reinstall only when the requirements change: a second `make run` is fast.
INSTALLED := $(VENV)/.installed-requirements
# The newest Django 6.1, which `make test` checks too, in a virtualenv of its own.
# It needs Python 3.12 or newer: PYTHON_DJANGO6 if set, else the newest that
# scripts/find_python.py finds on PATH or under pyenv.
DJANGO6_VENV := .venv-django6
DJANGO6_BIN := $(DJANGO6_VENV)/bin
DJANGO6_INSTALLED := $(DJANGO6_VENV)/.installed-requirements
FIND_PYTHON_DJANGO6 = $(PYTHON) scripts/find_python.py 3.12 $(PYTHON_DJANGO6)
DJANGO6_DB := db-django6.sqlite3
# The pages include code and outputs from the project's files, so those count too.
DOCS_SOURCES := mkdocs.yml pyproject.toml $(shell find docs foo bar blog lockout signal_watch tests scripts tutorial_site starter without_signals -type f \( -name '*.md' -o -name '*.py' -o -name '*.html' -o -name '*.txt' -o -name '*.ini' \) -not -path '*/__pycache__/*' -not -path '*/.venv*' 2>/dev/null)

.PHONY: run test install setup lint docs docs-build outputs clean signalmap-docs

run: setup docs-build
	@echo ""
	@echo "  Demo:     http://127.0.0.1:$(PORT)/  (log in as alice / learn-signals-42)"
	@echo "  Tutorial: http://127.0.0.1:$(PORT)/tutorial/"
	@echo "  Receivers print what they received below. Stop with Ctrl+C."
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# --- make test ---------------------------------------------------------------------
# Its steps, each a target of its own, run side by side (make -j); each step's
# output is printed in one piece when it ends (-O), so the reports never
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

# The whole suite on one Django: test-lts on Django 5.2 LTS (.venv, what `make run`
# uses), test-django6 on the newest Django 6.1 (.venv-django6). The browser tests
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
# per run, on free ports; see tests/conftest.py and tests/browser/machinery.py.)
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

# Without a Python new enough for Django 6.1, one line says so and only the LTS
# half runs; under CI=true that is a failure (as a missing Chromium is).
test-django6:
	@if [ -x $(DJANGO6_BIN)/python ] \
		|| reason=$$($(FIND_PYTHON_DJANGO6) 2>&1 >/dev/null); then \
		$(MAKE) --no-print-directory suite-django6 django-suites-django6; \
	elif [ "$$(echo "$$CI" | tr A-Z a-z)" = true ]; then \
		echo "$$reason: Django 6.1 cannot be tested, and CI=true requires it."; \
		exit 1; \
	else \
		echo "$$reason: Django 6.1 is not tested (set PYTHON_DJANGO6)."; \
	fi

# Django's own tests of signals and the dispatcher, run with a "Signals sent"
# recording on the whole time (tests/django_suites/run.py); Django's source
# distribution is fetched once into ~/.cache. DJANGO_SUITES_PYTHON runs them on
# the Django of another virtualenv (the Django 6.1 one, say).
DJANGO_SUITES_PYTHON ?= $(BIN)/python
.PHONY: django-suites
django-suites: install
	$(DJANGO_SUITES_PYTHON) -m tests.django_suites.run

# The same on Django 6.1's dispatcher (part of test-django6).
.PHONY: django-suites-django6
django-suites-django6: $(DJANGO6_INSTALLED)
	$(DJANGO6_BIN)/python -m tests.django_suites.run

install: $(INSTALLED)

# Debian's Chromium for the browser tests: Playwright must never download its own.
# Installed with apt when missing and we are root; otherwise the browser tests skip
# with one line saying so (and fail under CI=true).
.PHONY: chromium
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "Chromium is missing at /usr/bin/chromium: run 'apt-get install chromium' as root."; \
		fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt requirements-common.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# --- The newest Django 6.1 -------------------------------------------------------
.PHONY: install-django6 run-django6 test-django6 suite-django6 test-lts

install-django6: $(DJANGO6_INSTALLED)

$(DJANGO6_BIN)/python:
	python=$$($(FIND_PYTHON_DJANGO6)) && $$python -m venv $(DJANGO6_VENV)

$(DJANGO6_INSTALLED): requirements-django6.txt requirements-common.txt | $(DJANGO6_BIN)/python
	$(DJANGO6_BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-django6.txt
	@touch $@

# The demo on Django 6.1, with a database of its own (the tutorial build is shared).
run-django6: install-django6 docs-build
	DJANGO_DB_PATH=$(DJANGO6_DB) $(DJANGO6_BIN)/python manage.py migrate --noinput
	DJANGO_DB_PATH=$(DJANGO6_DB) $(DJANGO6_BIN)/python manage.py load_demo_data
	@echo ""
	@echo "  Django 6.1: the same demo and tutorial as make run, on http://127.0.0.1:$(PORT)/"
	@echo ""
	DJANGO_DB_PATH=$(DJANGO6_DB) $(DJANGO6_BIN)/python manage.py runserver 127.0.0.1:$(PORT)

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data

docs-build: site/index.html

site/index.html: $(DOCS_SOURCES) $(INSTALLED)
	$(BIN)/mkdocs build --strict --quiet

docs: install
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

# Tutorial: rerun the scenarios and rewrite docs/outputs/*.txt, the terminal output
# the pages show. tests/test_outputs.py fails while they differ from what the code prints.
outputs: install
	$(BIN)/python scripts/generate_outputs.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) $(DJANGO6_VENV) site db.sqlite3 $(DJANGO6_DB) .pytest_cache .ruff_cache

# --- reliability (issue 5): load test -----------------------------------------------
# A real server on a free 127.0.0.1 port with a temporary database; 20 clients,
# 200 logins and 200 comments; stops by itself (tests/load/run.py). CI runs it.
.PHONY: loadtest
loadtest: install
	$(BIN)/python -m tests.load.run
# --- end reliability ----------------------------------------------------------------

# --- issue 4: the signal map shown in chapter 12 ---------------------------------
# Regenerate after connecting or disconnecting a receiver in foo, bar or blog;
# tests/test_signalmap.py fails while the committed diagram is out of date.
signalmap-docs: install
	$(BIN)/python manage.py signalmap --format mermaid --app foo --app bar --app blog --app lockout --app notify > docs/includes/signalmap.mmd
	$(BIN)/python manage.py signalmap --app bar > docs/includes/signalmap.txt

# --- Browser tests and screenshots (issue 7) -------------------------------------
# Both need Debian's Chromium at /usr/bin/chromium (apt-get install chromium).
# `make test` runs the browser tests too; this runs only them.
.PHONY: test-browser screenshots

test-browser: install chromium
	$(BIN)/python -m pytest -p no:hypothesispytest tests/browser

# Replays the demo and rewrites docs/images/*.png.
screenshots: install chromium
	$(BIN)/python scripts/take_screenshots.py

# --- Issue 6: what signals cost, and the task worker ------------------------------
# `make bench`: the full benchmark, printed. `make bench-docs`: the quick one, its
# JSON in bench/results/, then the tables of chapter 10 and of its benchmark page,
# and the charts (docs/assets/bench/).
# `make worker`: the database task worker; run the server with
# DJANGO_TASKS_BACKEND=database make run, so that it queues instead of running tasks.
BENCH_JSON := bench/results/signal_bench.json

.PHONY: bench bench-docs worker

bench: install
	$(BIN)/python manage.py signal_bench

bench-docs: install
	@mkdir -p $(dir $(BENCH_JSON))
	$(BIN)/python manage.py signal_bench --quick --output $(BENCH_JSON)
	$(BIN)/python -m bench.render $(BENCH_JSON)

worker: setup
	DJANGO_TASKS_BACKEND=database $(BIN)/python manage.py db_worker

# --- starter/: the project that chapter 3 builds, tested on its own ---------------
# Its tests run with its own settings, in virtualenvs that hold only
# starter/requirements.txt (Django, pytest and pytest-django): one on $(PYTHON)
# (Django 5.2), one on a Python 3.12 or newer (Django 6.1). Then
# scripts/starter_outputs.py replays the chapter and compares what it prints with
# docs/outputs/starter/; `make starter-outputs` rewrites those files.
STARTER_VENV := .venv-starter
STARTER_VENV_DJANGO6 := .venv-starter-django6
# A Python 3.12 or newer, found as for the project's own Django 6.1 half.
NEWER_PYTHON ?= $(shell $(FIND_PYTHON_DJANGO6) 2>/dev/null)

.PHONY: test-starter starter-outputs

test-starter: $(STARTER_VENV)/.installed $(STARTER_VENV_DJANGO6)/.installed
	@for venv in $(STARTER_VENV) $(STARTER_VENV_DJANGO6); do \
		echo "starter/ on Django $$($$venv/bin/python -m django --version):"; \
		(cd starter && env -u DJANGO_SETTINGS_MODULE -u PYTEST_ADDOPTS \
			../$$venv/bin/python -m pytest -q -W error -p no:cacheprovider) \
		&& $$venv/bin/python scripts/starter_outputs.py --check || exit 1; \
	done

starter-outputs: $(STARTER_VENV)/.installed $(STARTER_VENV_DJANGO6)/.installed
	$(STARTER_VENV)/bin/python scripts/starter_outputs.py
	$(STARTER_VENV_DJANGO6)/bin/python scripts/starter_outputs.py

$(STARTER_VENV)/.installed: starter/requirements.txt
	rm -rf $(STARTER_VENV) && $(PYTHON) -m venv $(STARTER_VENV)
	$(STARTER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@

$(STARTER_VENV_DJANGO6)/.installed: starter/requirements.txt
	@if [ -z "$(NEWER_PYTHON)" ]; then echo "No Python 3.12 or newer (on PATH or in pyenv) to test starter/ on Django 6.1."; exit 1; fi
	rm -rf $(STARTER_VENV_DJANGO6) && $(NEWER_PYTHON) -m venv $(STARTER_VENV_DJANGO6)
	$(STARTER_VENV_DJANGO6)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@
