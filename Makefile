# Nguồn — the two commands a newcomer needs: `make run` and `make test`. Both set up everything first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test setup lint typecheck pytest messages clean-venv

$(STAMP): pyproject.toml scripts/setup-os.sh
	@bash scripts/setup-os.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

# Virtual devices `make run` starts with the embedded broker (docs/devices.md); `make run NGUON_SIMULATE_DEVICES=0` for none.
NGUON_SIMULATE_DEVICES ?= 300

run: setup
	$(BIN)/nguon migrate --no-input -v0
	$(BIN)/nguon units import
	$(BIN)/nguon demo load
	NGUON_SIMULATE_DEVICES=$(NGUON_SIMULATE_DEVICES) $(BIN)/nguon start

test: setup
	@bash scripts/test.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src bench

typecheck: setup
	$(BIN)/mypy src

messages: setup
	cd src/nguon && ../../$(BIN)/nguon makemessages -l en --no-obsolete && ../../$(BIN)/nguon compilemessages -l en

clean-venv:
	rm -rf $(VENV)
