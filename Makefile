# Fotfeste: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# WeasyPrint's system libraries, gettext for translations, and for SAML sign-in (docs/sign-in.md)
# libxmlsec1-dev and pkg-config (to build python3-saml's xmlsec where no wheel fits) and xmlsec1
# (the test IdP signs with it).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core gettext \
  libxmlsec1-dev pkg-config xmlsec1
BROWSER_PACKAGES := chromium

.PHONY: provider-deps run test test-browser test-replica test-pooler pooler-deps lint format check migrate seed worker beat messages system-deps browser-deps clean bench-report bench-import seed-scale bench bench-summer bench-baseline bench-deps faults

$(STAMP): pyproject.toml | system-deps
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: install python3.11 and python3.11-venv"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@# lxml and xmlsec (python3-saml) must use the same libxml2. Their wheels match today; where
	@# they do not, both are built from source against Debian's libxml2 (python3-saml's advice).
	$(PY) -c 'import lxml.etree as e, xmlsec as x; assert e.LIBXML_VERSION == x.get_libxml_version()' 2>/dev/null \
	  || $(BIN)/pip install --quiet --force-reinstall --no-binary lxml,xmlsec lxml xmlsec
	touch $(STAMP)

# Installs the system packages with apt when they are missing and we may (root or sudo), waiting
# for another apt or dpkg that holds its lock (.ci/apt-install).
APT_INSTALL := .ci/apt-install
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(APT_INSTALL) $$missing; fi

browser-deps:
	@test -x /usr/bin/chromium || $(APT_INSTALL) $(BROWSER_PACKAGES)
	@command -v npm >/dev/null || $(APT_INSTALL) npm

# axe-core for the accessibility tests, from npm at the version its lock file pins.
AXE_DIR := tests/browser/axe
AXE := $(AXE_DIR)/node_modules/axe-core/axe.min.js
$(AXE): $(AXE_DIR)/package.json $(wildcard $(AXE_DIR)/package-lock.json)
	cd $(AXE_DIR) && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $(AXE)

# The real OpenID Connect provider the sign-in tests run (tests/providers/oidc: panva's
# oidc-provider), from npm at the version its lock file pins (docs/sign-in.md).
OIDC_DIR := tests/providers/oidc
OIDC_OP := $(OIDC_DIR)/node_modules/oidc-provider/package.json
$(OIDC_OP): $(OIDC_DIR)/package.json $(OIDC_DIR)/package-lock.json
	cd $(OIDC_DIR) && npm ci --no-audit --no-fund
	touch $(OIDC_OP)

provider-deps:
	@command -v npm >/dev/null || $(APT_INSTALL) npm
	@$(MAKE) --no-print-directory $(OIDC_OP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: system-deps seed
	@echo ""
	@echo "Fotfeste demo on http://$(HOST):$(PORT)/ — sign in as veileder@lyngdal.example.org"
	@echo "Demo password for every demo user: $$($(PY) -c 'from config.settings.base import FOTFESTE_DEMO_PASSWORD as p; print(p)')"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# On SQLite by default. With DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… set, the
# tests marked "services" run too, with a real Celery worker.
test: system-deps provider-deps $(STAMP)
	@if [[ "$${DATABASE_URL:-}" == postgres* && -n "$${CELERY_BROKER_URL:-}" ]]; then \
	  $(BIN)/pytest -m "not browser" -q; \
	else \
	  $(BIN)/pytest -m "not browser and not services" -q; \
	fi

# The sign-in tests among them run the OpenID provider (provider-deps) and the SAML IdP (pysaml2 from
# the dev dependencies, xmlsec1 from system-deps) beside the live site (docs/sign-in.md).
test-browser: system-deps browser-deps provider-deps $(AXE) $(STAMP)
	$(BIN)/pytest -m browser -q

# The tests marked "replica", against a PostgreSQL primary and its streaming replica that
# .ci/pg-replica starts on free ports for the run and removes after it (docs/scaling.md).
# Needs PostgreSQL's server programs (/usr/lib/postgresql/*/bin), not a running server.
test-replica: system-deps $(STAMP)
	.ci/pg-replica run -- $(BIN)/pytest -q -p no:cacheprovider -m replica

# Part of the PostgreSQL suite through PgBouncer in transaction mode, which .ci/pgbouncer starts
# in front of 127.0.0.1:5432 for the run (docs/scaling.md): the participants API (writes, If-Match,
# cursor pages), scoping, the caseload and merging, report runs, exports and the dashboard, and,
# with CELERY_BROKER_URL set, reports built by real Celery workers connecting through the same
# PgBouncer; and a check that the tests reach PostgreSQL through it. --reuse-db: pytest-django cannot drop its database through the pooler; the script
# drops it.
POOLER_TESTS := tests/participants/test_api.py tests/participants/test_scoping.py \
  tests/participants/test_caseload.py tests/participants/test_merge.py \
  tests/reporting/test_runs.py tests/reporting/test_exports.py tests/reporting/test_dashboard.py \
  tests/reporting/test_worker_reports.py tests/config/test_databases.py
test-pooler: system-deps pooler-deps $(STAMP)
	@marks="not browser and not services"; [ -z "$${CELERY_BROKER_URL:-}" ] || marks="not browser"; \
	.ci/pgbouncer run -- $(BIN)/pytest --reuse-db -q -p no:cacheprovider -m "$$marks" $(POOLER_TESTS)

pooler-deps:
	@test -x /usr/sbin/pgbouncer || $(APT_INSTALL) pgbouncer

# ruff; mypy (docs/architecture.md, "Types"); the layer contract (import-linter); then the
# catalogues (gettext, from system-deps): a marked string missing from one, an untranslated or
# fuzzy entry, a lost placeholder, or `_` used against docs/translations.md.
lint: system-deps $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:cacheprovider tests/config/test_translations.py tests/config/test_code_shape.py

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

# The LIM report for grants of 100 and 1 000 synthetic participants: time, growth and peak
# memory against the bars (10 s, 12 times, 500 MB). The database is left as it was.
bench-report: migrate
	$(PY) manage.py bench_report --participants 100 1000

# The CSV import of 10 000 synthetic participants: upload check, dry run and import, against
# the bar (60 s in all). The database is left as it was.
bench-import: migrate
	$(PY) manage.py bench_import --rows 10000

# A large synthetic city for the benchmarks: about 300 worksites, staff, people and, at 10 000
# people, two million attendance records. Refuses if it exists; SCALE_ARGS=--replace rebuilds it.
SCALE_PARTICIPANTS ?= 10000
seed-scale: migrate
	$(PY) manage.py seed_scale --participants $(SCALE_PARTICIPANTS) $(SCALE_ARGS)

# The production stack on this machine (gunicorn, Redis, a Celery worker, PostgreSQL at
# BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) measured against the
# bars of DESIGN.md §6; docs/benchmarks.md. The first run seeds its own databases (about ten
# minutes). Writes bench/results/latest.json, compares it with bench/baseline.json and fails
# when a bar is missed. BENCH_ARGS=--help lists the options.
bench: system-deps bench-deps $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

# The summer-job figures alone (issue 18): the lottery for 5 000 applicants over 2 000 places and
# bursts of 50 applications a second, on the small city's database only: a few minutes.
bench-summer: system-deps bench-deps $(STAMP)
	$(PY) -m bench.summer

# Makes the last run the baseline that later runs are compared with.
bench-baseline: $(STAMP)
	$(PY) -m bench --baseline

bench-deps:
	@command -v redis-server >/dev/null || $(APT_INSTALL) redis-server

# The fault drills, each printing its figures (docs/operations.md): PostgreSQL and Redis
# restarted under load on a cluster and a Redis of their own, and a pg_dump → pg_restore round
# trip (BACKUP_SOURCE=<database> dumps an existing one instead of a seeded world).
faults: system-deps bench-deps $(STAMP)
	$(PY) -m faults.restarts postgres
	$(PY) -m faults.restarts redis
	$(PY) -m faults.backup_roundtrip $(if $(BACKUP_SOURCE),--source $(BACKUP_SOURCE))

worker: $(STAMP)
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=2

beat: $(STAMP)
	$(BIN)/celery -A config beat --loglevel=INFO

messages: $(STAMP)
	$(PY) manage.py makemessages --all --no-location --ignore='.venv/*' --ignore='tests/*'
	$(PY) manage.py compilemessages --ignore='.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* var
