# Engage: `make demo` to try it, `make test` to test it. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app engage
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
# The suite runs in one process per core (pytest-xdist), each on its own database; a test file's
# tests stay in one process, so its module fixtures are built once. PARALLEL= runs it in one process.
PARALLEL ?= -n auto --dist loadfile

.PHONY: demo test test-postgres test-browser install translations extract-messages update-messages serve bench clean

# Links in the emails the demo sends point where it is served (`make demo PORT=5110`), unless
# BASE_URL says otherwise.
demo serve: export BASE_URL ?= http://$(HOST):$(PORT)

# One shell runs the app and a job queue consumer (emails, reminders) beside
# it; the consumer is stopped, letting its jobs finish, whenever `flask run` ends.
demo: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Engage is starting at http://$(HOST):$(PORT) (its emails link to $(BASE_URL)), with a job queue consumer for its emails (Ctrl+C stops both)."
	@$(FLASK) queue worker --workers 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PARALLEL) $(PYTEST_ARGS)

test-postgres: install
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest --ignore=tests/browser $(PARALLEL) $(PYTEST_ARGS)

test-browser: install
	$(BIN)/python -m pytest tests/browser $(PARALLEL) $(PYTEST_ARGS)

serve: install
	$(FLASK) run --host $(HOST) --port $(PORT)

install: $(STAMP) translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Compiled catalogs (.mo) are built, not committed.
translations: $(STAMP)
	$(BIN)/pybabel compile --statistics -d engage/translations

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.*' --sort-by-file -o engage/translations/messages.pot .

# After changing user-facing text: extract, update, then translate the new entries in es/messages.po.
update-messages: extract-messages
	$(BIN)/pybabel update --no-fuzzy-matching -i engage/translations/messages.pot -d engage/translations

bench: install
	$(BIN)/python bench/serving.py
	$(BIN)/python bench/load/run.py
	$(BIN)/python bench/leader_pages.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/plan_page.py
	$(BIN)/python bench/survey_results.py
	$(BIN)/python bench/signup_race.py --server $(TEST_DATABASE_URL)
	$(BIN)/python bench/themes_dashboard.py
	$(BIN)/python bench/themes_speed.py --n 100000
	$(BIN)/python bench/tracker.py
	$(BIN)/python bench/participation.py
	$(BIN)/python bench/password_reset.py

clean:
	rm -rf $(VENV) instance *.egg-info .pytest_cache
