# Paniers: `make run` serves the demo workshop, `make test` runs the test suite.
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
PY := $(VENV)/bin/python
# The laptop's own browser reaches a server bound to every interface on 127.0.0.1.
LOCAL_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))

.PHONY: run test lint format bench messages clean

$(VENV)/.run-deps: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Paniers needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.run-deps
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo --base-url http://$(LOCAL_HOST):$(PORT)
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

test: $(VENV)/.test-deps
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.test-deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.test-deps
	$(PY) bench/fanout.py $(BENCH_ARGS)

# Needs gettext (apt-get install gettext); the compiled .mo files are committed.
messages: $(VENV)/.test-deps
	$(PY) manage.py makemessages -l fr -l en --no-obsolete --ignore=.venv --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles
