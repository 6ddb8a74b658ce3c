# KAM task runner. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format worker beat messages compilemessages bench clean prod bench-load api-schema plotly

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Compile the French translations (Django's compilemessages needs gettext's msgfmt;
# without it a pure-Python compiler is used).
compilemessages: | $(BIN)/python
	@if command -v msgfmt >/dev/null; then DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv -v0; \
	else DEBUG=true $(BIN)/python -m kam.i18n_compile; fi

# Set up everything and serve the demo on http://127.0.0.1:8000 (SQLite, eager tasks by default).
run: $(VENV)/.runtime compilemessages
	DEBUG=true $(BIN)/python manage.py migrate --no-input -v0
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# Run the whole suite (unit, integration, browser journeys). CI sets DATABASE_URL and CELERY_BROKER_URL.
test: $(VENV)/.dev compilemessages
	@if [ -n "$${CHROMIUM_PATH-/usr/bin/chromium}" ] && [ ! -x "$${CHROMIUM_PATH-/usr/bin/chromium}" ]; then \
	  echo "No Chromium at $${CHROMIUM_PATH-/usr/bin/chromium}: trying Playwright's own browser"; \
	  $(BIN)/playwright install chromium || { echo "Browser tests need Chromium. Run: sudo apt-get install chromium"; exit 1; }; \
	  echo "Using Playwright's Chromium"; export CHROMIUM_PATH=; $(BIN)/pytest --create-db $(PYTEST_ARGS); \
	else $(BIN)/pytest --create-db $(PYTEST_ARGS); fi

# Check style, common mistakes and types (mypy with django-stubs; its file list is in pyproject.toml).
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Reformat the code.
format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A Celery worker for every queue, light and heavy (needs CELERY_BROKER_URL).
worker: $(VENV)/.runtime
	$(BIN)/celery -A kam worker --queues=light,heavy,celery --loglevel=INFO

# Celery beat with the schedules administrators edit in /admin/ (needs CELERY_BROKER_URL).
beat: $(VENV)/.runtime
	$(BIN)/celery -A kam beat --loglevel=INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

# Extract strings to translate into locale/fr, then compile them.
messages: $(VENV)/.dev
	DEBUG=true $(BIN)/python manage.py makemessages -l fr --ignore=.venv --ignore=staticfiles --no-obsolete
	$(MAKE) compilemessages

# Measure the speed targets (pages, segmentation, PDFs, dashboard).
bench: $(VENV)/.dev compilemessages
	DJANGO_SETTINGS_MODULE=kam.settings_test $(BIN)/python -m bench

# Production processes on this machine (DEBUG off; needs DATABASE_URL and CELERY_BROKER_URL): release, then
# gunicorn (WEB_CONCURRENCY workers), a heavy and a light Celery worker and one beat (Procfile.prod).
prod: $(VENV)/.runtime
	deploy/prod.sh

# Load test on the loopback: 50 users playing the four roles against `make prod` with 1, 2 and 4 gunicorn
# workers, 2 minutes each (LOAD_DURATION=30 for a quick run).
bench-load: $(VENV)/.dev compilemessages
	$(BIN)/python -m bench.load

# Rebuild the partial plotly.js bundle in static/vendor/plotly (needs npm; see tools/plotly/README.md).
plotly:
	cd tools/plotly && npm ci --no-audit --no-fund && node build.js ../../static/vendor/plotly/plotly.min.js

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# Regenerate the API's checked-in OpenAPI schema (api/schema.yaml) after changing the API.
api-schema: $(VENV)/.dev
	DEBUG=true $(BIN)/python manage.py spectacular --file api/schema.yaml --validate
