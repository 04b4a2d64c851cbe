# The two commands: `make run` (the app on SQLite with demo data) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
DEV := ATTUNE_ENV=development
# The compiled catalogues the app reads (not kept in git): rebuilt whenever their text changes.
# Defined before any rule names them (make expands a rule's prerequisites as it reads it).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
# The pseudo-locale (en-XA, PSEUDO_LOCALE=1) is generated from the template, never translated.
PSEUDO_CATALOGUE := translations/en@pseudo/LC_MESSAGES/messages.mo
CATALOGUES += $(PSEUDO_CATALOGUE)

.PHONY: run test lint install lock translations catalogues browser-tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exact versions, checked by their hashes, from requirements.lock (refreshed by `make lock` from the
# ranges in pyproject.toml); then the project itself, without dependencies of its own choosing.
PIP := $(BIN)/pip --disable-pip-version-check
$(STAMP): pyproject.toml requirements-pip.lock requirements.lock | $(BIN)/python
	$(PIP) install --quiet --require-hashes -r requirements-pip.lock
	$(PIP) install --quiet --require-hashes -r requirements.lock
	$(PIP) install --quiet --no-deps -e .
	touch $(STAMP)

# Re-resolve requirements.lock to the newest releases pyproject.toml allows (then run make test).
lock: | $(BIN)/python
	$(PIP) install --quiet pip-tools==7.5.2  # 7.6+ does not run under the pinned pip
	$(BIN)/pip-compile --quiet --upgrade --generate-hashes --extra test --strip-extras \
		--allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

install: $(STAMP) $(CATALOGUES)

run: $(STAMP) $(CATALOGUES)
	mkdir -p instance
	$(DEV) $(BIN)/flask --app wsgi db upgrade
	$(DEV) $(BIN)/flask --app wsgi certificates create-issuer-key --if-missing
	$(DEV) $(BIN)/flask --app wsgi clips create-key --if-missing
	@# Last before serving: seeding prints its e-mails, then the demo accounts and certificates.
	$(DEV) $(BIN)/flask --app wsgi seed-demo
	$(DEV) $(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# axe-core, which the browser journeys inject to check accessibility (tests/e2e/accessibility.py),
# pinned by package-lock.json. The timestamp is renewed because npm keeps the package's own.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(AXE)

# Without npm the accessibility checks are skipped, unless REQUIRE_BROWSER is set (as in CI).
browser-tools:
	@if command -v npm >/dev/null; then \
		$(MAKE) --no-print-directory $(AXE); \
	elif [ -n "$(REQUIRE_BROWSER)" ]; then \
		echo "ERROR: npm is required to install axe-core (apt-get install npm)."; exit 1; \
	else \
		echo "NOTE: no npm: the browser journeys' accessibility checks will be skipped."; \
	fi

test: lint browser-tools $(CATALOGUES)
	@echo "== Test suite on SQLite (two workers, a database file each) =="
	@start=$$(date +%s); $(BIN)/pytest -n 2 --dist loadscope; status=$$?; \
		echo "== SQLite pass: $$(( $$(date +%s) - start )) s =="; exit $$status
	@if $(BIN)/python -m tests.pg_available "$(TEST_POSTGRES_URL)"; then \
		echo "== Test suite on PostgreSQL ($(TEST_POSTGRES_URL); two workers, a database each) =="; \
		start=$$(date +%s); TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/pytest -n 2 --dist loadscope; status=$$?; \
		echo "== PostgreSQL pass: $$(( $$(date +%s) - start )) s =="; exit $$status; \
	elif [ -n "$(REQUIRE_POSTGRES)" ]; then \
		echo "ERROR: PostgreSQL is required but does not answer at $(TEST_POSTGRES_URL)."; exit 1; \
	else \
		echo "NOTE: no PostgreSQL answers at $(TEST_POSTGRES_URL): the suite ran on SQLite only."; \
	fi

# Refresh the catalogue of user-facing strings (translations/messages.pot) after changing text
# (--ignore-dirs: pybabel's default also skips folders starting with "_", so templates/_macros),
# carry new and changed messages into each language's catalogue (translate what is left empty or
# fuzzy: tests/test_translations.py fails until then), and compile them.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs ".* __pycache__ node_modules" -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k RuleViolation -k NotAllowed -k ensure:4 -k Phrase -k counted:1,2 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -w 100
	$(MAKE) --no-print-directory catalogues

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ -l $*

$(PSEUDO_CATALOGUE): translations/messages.pot $(wildcard app/pseudo_locale/*.py) | $(STAMP)
	$(BIN)/python -m app.pseudo_locale.catalogue translations/messages.pot $@

catalogues: $(CATALOGUES)
