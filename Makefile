# Two commands do all set-up on a fresh machine:
#   make run   - venv, install, migrate, sample content, admin account, server + job worker on 127.0.0.1:8000
#   make test  - the whole test suite (SQLite; DATABASE_URL=postgres://… runs it on PostgreSQL)
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast install setup check lint messages clean-db bench screenshots

$(VENV)/.installed: requirements.txt .ci/find-python
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "Replacing $(VENV): it was made with a Python older than 3.12"; rm -rf $(VENV); fi
	@if [ ! -x $(PY) ]; then py=$$(.ci/find-python) || exit 1; echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install: $(VENV)/.installed

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_sample_content
	$(PY) manage.py ensure_admin

# The server and, beside it, the worker that runs background jobs (uploads, static refreshes,
# scheduled publication): Ctrl-C stops both.
run: setup
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/; Ctrl-C stops)"
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-1}; trap 'kill 0' EXIT; \
	$(PY) manage.py db_worker --queue-name '*' --interval 1 & \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The unit tier: every test that needs no database and no browser (seconds).
test-fast: install
	$(PY) -m pytest -m unit -q $(PYTEST_ARGS)

# Pictures of each kind of reading page at 390 and 1440 px, both languages, for docs/reading.md
# (taken by the reading matrix's browser test), and of the editor's desk for docs/editing.md.
screenshots: install
	READING_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q tests/test_reading_matrix.py -k paper-light
	DESK_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q tests/test_editor_desk_browser.py -k "passages or preview"

# Static checks CI runs before the suite.
check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lint: check

# Refresh the Chinese labels after adding translatable strings.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

# Every benchmark (minutes; seeds 10,000-post databases once): see docs/benchmarks.md.
bench: install
	bash bench/all.sh

clean-db:
	rm -f var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm
