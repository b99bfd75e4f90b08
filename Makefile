# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
FRONTEND_SOURCES := $(shell find frontend/scss frontend/js frontend/package.json -type f 2>/dev/null)

.PHONY: run test install install-dev frontend migrate demo admin serve check lint pytest e2e bench messages audit throughput loadtest relevance

run: install frontend migrate demo admin serve

test: install-dev frontend check lint pytest

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/build/.built: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run --silent build
	touch $@

frontend: frontend/build/.built

migrate: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0

demo: install
	$(PY) manage.py load_demo

admin: install
	$(PY) manage.py ensure_local_admin

serve: install
	@echo "Serving http://$(HOST):$(PORT)/ (admin at http://$(HOST):$(PORT)/admin/). Stop with Ctrl+C."
	WAGTAILADMIN_BASE_URL="$${WAGTAILADMIN_BASE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT)

check: install-dev
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

lint: install-dev
	$(VENV)/bin/ruff check .

# Supply chain (docs/security.md): known vulnerabilities in the pinned packages and everything they
# pull in (pip-audit, from PyPI's vulnerability data), then high-severity findings in our own code
# (bandit). Any finding fails the build. tools/supply_chain.py covers the pins an index that answers
# only project-level queries leaves pip-audit skipping. PIP_AUDIT_FLAGS=--strict fails on any skip.
PIP_AUDIT_FLAGS ?=
audit: install-dev
	$(VENV)/bin/pip-audit --requirement requirements.txt --requirement requirements-dev.txt --progress-spinner off $(PIP_AUDIT_FLAGS)
	$(PY) -m tools.supply_chain requirements.txt requirements-dev.txt
	$(VENV)/bin/bandit --recursive directory home search devdata tools settings urls.py wsgi.py gunicorn.conf.py manage.py \
		--exclude '*/tests/*,*/migrations/*' --severity-level high --quiet

pytest: install-dev
	$(PY) -m pytest

# Interface translations: collect every gettext string into locale/cy/LC_MESSAGES/django.po, then
# compile django.mo (committed, so the site needs no gettext tools). Translate new entries in between.
messages: install-dev
	$(PY) manage.py makemessages -l cy --add-location=file --no-obsolete --ignore=.venv --ignore=frontend --ignore=e2e --ignore=bench --ignore=static --ignore=media --ignore=docs
	$(PY) manage.py compilemessages -l cy --ignore=.venv

# How well search finds what people mean: hits@3 and mean reciprocal rank per language, on the
# demo content (loaded first), for the queries in directory/tests/listing/data/relevance.tsv
# (docs/search.md). Runs on this database: DATABASE_URL=postgres://… make relevance for PostgreSQL.
relevance: migrate demo
	$(PY) manage.py relevance -v 2

# make bench [SIZES=1000,10000,100000] [DB=sqlite,postgres] [BENCH_ARGS="--postgres-url …"]; see docs/benchmarks.md.
bench: install-dev
	$(PY) bench/run.py $(if $(SIZES),--sizes $(SIZES)) $(if $(DB),--db $(DB)) $(BENCH_ARGS)

# make throughput [THROUGHPUT_ARGS="--forums 100000 --database-url …"]: requests/s and p50/p95/p99 through the
# shipped gunicorn.conf.py and production settings (Redis), page cache on and off, a publish every 5 s;
# see docs/benchmarks.md. Needs wrk (apt-get install -y wrk) and Redis on 127.0.0.1:6379.
throughput: install-dev frontend
	@command -v wrk >/dev/null || { echo "make throughput needs wrk: apt-get install -y wrk"; exit 2; }
	$(PY) bench/throughput.py $(THROUGHPUT_ARGS)

# 60 s of mixed public traffic from 50 clients against gunicorn on the loopback; fails on any error.
loadtest: install-dev frontend
	$(PY) bench/load_test.py
