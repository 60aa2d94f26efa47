# Two commands do everything on a fresh machine:
#   make run   - set up .venv and run the whole offline pipeline (creditai pipeline)
#   make test  - set up .venv and run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The versions CI last ran (every package but torch, which is pinned below): `make lock` refreshes it.
LOCK   := constraints.txt

.PHONY: run test setup lock quick bench serve clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# The pinned CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c $(LOCK) -e ".[dev,onnx]"
	touch $(STAMP)

# A fresh environment with the newest versions pyproject.toml allows, frozen into $(LOCK).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install -q --upgrade pip
	.lock-venv/bin/pip install -q torch==2.13.0
	.lock-venv/bin/pip install -q -e ".[dev,onnx]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v -i -E '^(torch|pip|setuptools)==' > $(LOCK)
	rm -rf .lock-venv
	@echo "wrote $(LOCK): commit it, then 'rm -rf $(VENV) && make setup' installs exactly these"

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/creditai pipeline

quick: $(STAMP)
	$(BIN)/creditai pipeline --quick

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

serve: $(STAMP)
	$(BIN)/creditai serve

clean:
	rm -rf data/finetune models reports indexes var
