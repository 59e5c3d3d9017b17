# Two commands matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test install install-dev migrate demo lint format e2e messages bench-site bench-pageviews bench-cluster bench-nginx clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Stamp files reinstall only when pyproject.toml changes.
$(VENV)/.stamp-run: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev]"
	touch $@ $(VENV)/.stamp-run

install: $(VENV)/.stamp-run
install-dev: $(VENV)/.stamp-dev

# The settings default to DEBUG=0 (production); the development targets turn it on unless
# the environment says otherwise. Prerequisites (migrate) inherit it when run through these.
run demo: export DEBUG ?= 1

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --if-empty

run: demo
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver 127.0.0.1:8000

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

e2e: install-dev
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Our catalogs also translate Django's and the apps' strings (locale/missing_admin_strings.py):
# makemessages marks them obsolete, --restore makes them active again, the last line lists
# any string of theirs still untranslated.
messages: install-dev
	$(PY) manage.py makemessages -l kk -l ru -l en --ignore=.venv --ignore=tests --ignore=bench
	$(PY) locale/missing_admin_strings.py --restore kk ru
	$(PY) manage.py compilemessages --ignore=.venv
	$(PY) locale/missing_admin_strings.py kk ru

bench-site: install-dev
	$(PY) bench/site.py $(BENCH_ARGS)

bench-pageviews: install-dev
	$(PY) bench/pageviews.py $(BENCH_ARGS)

bench-cluster: install-dev
	$(PY) bench/cluster.py $(BENCH_ARGS)

bench-nginx: install-dev
	$(PY) bench/nginx.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
