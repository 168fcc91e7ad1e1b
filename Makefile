PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast test-timeshift lint lock bench

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --require-hashes -r requirements.lock
	$(VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: install
	$(VENV)/bin/prereg serve

test: install
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# The domain, the parsers and the Block Kit builders: no database, no server, seconds.
test-fast: install
	$(VENV)/bin/python -m pytest -q tests/domain tests/blocks tests/handlers tests/test_settings.py tests/test_manifest.py $(PYTEST_ARGS)

# The whole suite with every process's wall clock 400 days ahead (monotonic clocks and
# sleeps stay real): a test that depends on today's date fails here.
test-timeshift: install
	PYTHONPATH=$(CURDIR)/.ci/timeshift PREREG_TIME_SHIFT_DAYS=400 \
		$(VENV)/bin/python -m pytest -q -p no:cacheprovider \
		-W "ignore::pytest.PytestAssertRewriteWarning" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Re-pin after changing dependencies in pyproject.toml (needs uv).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

# Not part of `make test`: the bulk paths at a program's scale (SCALE=full for 1M rows;
# BENCH_POSTGRES_URL=… adds PostgreSQL, whose schema it drops), then the interactive HTTP
# paths against a bare Bolt floor. Results in benchmarks/results/.
bench: install
	$(VENV)/bin/python -m benchmarks.data_paths --scale $(or $(SCALE),small)
	$(VENV)/bin/python -m benchmarks.http_paths --scale $(or $(SCALE),small)
