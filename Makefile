# gridgov — see README.md. `make run` and `make test` do all set-up on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000
WORKERS ?= 3

.PHONY: run serve setup test test-sqlite test-pg lint system-deps bench fuzz clean messages

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/gridgov migrate --no-input -v 0
	$(BIN)/gridgov collectstatic --no-input -v 0

run: setup
	$(BIN)/gridgov demo
	$(BIN)/gridgov demo-logins
	$(BIN)/gunicorn gridgov.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

# Debian packages the tests need: PostgreSQL for the second database run, chromium and a
# CJK font for the browser tests, gettext for the translation catalogue.
system-deps:
	@scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) system-deps lint
	$(BIN)/gridgov compilemessages --ignore '.venv/*' -v 0
	$(BIN)/gridgov makemigrations --check --dry-run
	@# both databases at once (each run waits on its servers as much as on the CPU); each
	@# run's output is printed whole when it ends
	$(MAKE) -j2 --output-sync=target test-sqlite test-pg

test-sqlite: $(STAMP)
	$(BIN)/pytest

test-pg: $(STAMP)
	scripts/with-postgres.sh $(BIN)/pytest

# Benchmarks (not part of `make test`): SQLite, and the matter and enforcement benchmarks on
# PostgreSQL too.
bench: $(STAMP) system-deps
	$(BIN)/python -m bench.foundation
	$(BIN)/python -m bench.uploads
	$(BIN)/python -m bench.matters
	GRIDGOV_PG_PORT=54331 GRIDGOV_VAR_DIR=var/bench-pg scripts/with-postgres.sh $(BIN)/python -m bench.matters
	$(BIN)/python -m bench.enforcement
	GRIDGOV_PG_PORT=54332 GRIDGOV_VAR_DIR=var/bench-enf-pg scripts/with-postgres.sh $(BIN)/python -m bench.enforcement

# The API against its own schema (schemathesis), longer than the bounded run in `make test`:
# more examples an operation, the stateful phase (sequences of calls), a new seed each time.
# A few minutes; FUZZ_EXAMPLES=200 make fuzz for more.
FUZZ_EXAMPLES ?= 50
fuzz: $(STAMP)
	GRIDGOV_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) GRIDGOV_FUZZ_PHASES=examples,coverage,fuzzing,stateful \
		GRIDGOV_FUZZ_SEED= $(BIN)/pytest -q gridgov/api/tests/test_fuzz.py

# Regenerates the catalogues after strings change; translate in gridgov/locale/zh_Hans, then
# commit both the .po and the compiled .mo (so that `make run` needs no gettext).
messages: $(STAMP)
	$(BIN)/gridgov makemessages -l zh_Hans -l en --ignore '.venv/*' --ignore 'var/*' \
		--ignore 'bench/*' --ignore 'scripts/*'
	$(BIN)/gridgov compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
