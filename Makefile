# Two commands do everything on a fresh machine:
#   make run   - set up .venv and run the whole offline pipeline (creditai pipeline)
#   make test  - set up .venv and run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup quick bench serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# The pinned CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev,onnx]"
	touch $(STAMP)

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
