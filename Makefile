# Agreement pipeline. `make` alone prints this help.
# Every target that needs Python depends on the install step (.venv + a stamp file).

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.setup-stamp
SHARED ?= ../shared
INPUT  ?= corpus
OUTPUT ?= outputs
N      ?= 2000
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help setup run test eval bench bench-dates bench-motives bench-html browser-setup lock clean

help: ## Print this help
	@echo "Usage: make TARGET   (variables: INPUT=$(INPUT) OUTPUT=$(OUTPUT) SHARED=$(SHARED) N=$(N) ARGS=...)"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test,bench]"
	touch $(STAMP)

setup: $(STAMP) ## Create .venv (Python 3.11) and install pinned dependencies and the spaCy model
	@echo "setup ok: $(VENV)"

run: $(STAMP) ## Process INPUT (corpus/) into OUTPUT (outputs/): the seven CSVs and the report
	$(PY) -m pipeline run --input $(INPUT) --output $(OUTPUT) $(ARGS)

test: $(STAMP) ## Run the test suite (pytest)
	$(PY) -m pytest -q $(ARGS)

eval: $(STAMP) ## Score the shared dev set and our held-out sets against gold; fail if a pinned floor is crossed
	$(PY) -m pipeline evaluate --run $(SHARED)/corpus/dev --gold $(SHARED)/gold/dev.jsonl --floors eval/floors.toml $(ARGS)
	$(PY) -m pipeline evaluate --run eval/heldout/articles --gold eval/heldout/gold.jsonl --floors eval/floors.toml --section heldout $(ARGS)
	$(PY) -m pipeline evaluate --run eval/heldout2/articles --gold eval/heldout2/gold.jsonl --floors eval/floors.toml --section heldout2 $(ARGS)
	$(PY) -m pipeline evaluate --run eval/heldout3/articles --gold eval/heldout3/gold.jsonl --floors eval/floors.toml --section heldout3 $(ARGS)

bench-dates: $(STAMP) ## TempEval-3 benchmark of the date stage (extraction F1, value F1, docs/s)
	$(PY) -m pipeline bench dates --data $(SHARED)/bench/temporal/train.jsonl --folds 5 --floors eval/floors.toml $(ARGS)

bench-motives: $(STAMP) ## Causal News Corpus benchmark of the motive detector (P/R/F1 on dev)
	$(PY) -m pipeline bench motives --data $(SHARED)/bench/causal/subtask1_dev.jsonl --floors eval/floors.toml $(ARGS)

bench-html: $(STAMP) ## Article-body benchmark of the HTML cleaning against trafilatura alone (F1 on the pages it reads)
	$(PY) -m pipeline bench html --data $(SHARED)/bench/boilerplate/gold.jsonl --floors eval/floors.toml $(ARGS)

bench: $(STAMP) ## Throughput, parallel speedup, cache and memory on a synthetic corpus of N articles
	$(PY) -m pipeline bench scale --n $(N) $(ARGS)

browser-setup: ## Install headless Chromium + chromedriver (Debian packages) for the report test
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null)
	@chromium --version

lock: $(STAMP) ## Re-pin constraints.txt from the current .venv (after a deliberate upgrade)
	$(PY) -m pip freeze --exclude-editable | grep -v -i 'en.core.web' > constraints.txt.new && mv constraints.txt.new constraints.txt

clean: ## Remove outputs and caches (keeps .venv)
	find $(OUTPUT) -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .cache
