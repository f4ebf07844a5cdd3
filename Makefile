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
PORT   ?= 8001
ARGS   ?=
FLOORS ?= eval/floors.toml

.DEFAULT_GOAL := help
.PHONY: help setup run clean-text extract tables browse test eval train bench bench-dask bench-dates bench-motives bench-html bench-language browser-setup lock clean clean-all

help: ## Print this help
	@echo "Usage: make TARGET   (variables: INPUT=$(INPUT) OUTPUT=$(OUTPUT) SHARED=$(SHARED) N=$(N) ARGS=...)"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test,bench,browse,parquet,dask,train]"
	touch $(STAMP)

setup: $(STAMP) ## Create .venv (Python 3.11) and install pinned dependencies and the spaCy model
	@echo "setup ok: $(VENV)"

run: $(STAMP) ## Process INPUT (corpus/) into OUTPUT (outputs/): the nine CSVs (with the agreement register), the report and extractions.db
	$(PY) -m pipeline run --input $(INPUT) --output $(OUTPUT) $(ARGS)

# The run in three stages, one at a time (each reads the previous one's folder in OUTPUT);
# `make clean-text extract tables` writes the tables and report pages `make run` writes.
clean-text: $(STAMP) ## Stage 1: read and clean INPUT into OUTPUT/clean/ (cleaned texts, their metadata, articles.csv; no model)
	$(PY) -m pipeline clean --input $(INPUT) --output $(OUTPUT) $(ARGS)

extract: $(STAMP) ## Stage 2: parse and extract OUTPUT/clean/ into OUTPUT/extract/ (one JSON per article; cached, with workers)
	$(PY) -m pipeline extract --output $(OUTPUT) $(ARGS)

tables: $(STAMP) ## Stage 3: the tables, reviews, register, report and copies from OUTPUT/extract/ alone (no model)
	$(PY) -m pipeline tables --output $(OUTPUT) $(ARGS)

browse: $(STAMP) ## Browse the tables in Datasette on 127.0.0.1:PORT (OUTPUT/extractions.db; runs the pipeline first if absent)
	@test -f $(OUTPUT)/extractions.db || $(PY) -m pipeline run --input $(INPUT) --output $(OUTPUT) --format sqlite
	$(PY) -m datasette serve $(OUTPUT)/extractions.db --metadata $(OUTPUT)/extractions.metadata.json --host 127.0.0.1 --port $(PORT) $(ARGS)

test: $(STAMP) ## Run the test suite (pytest)
	$(PY) -m pytest -q $(ARGS)

# Every set is scored even when one fails or is absent; the target fails at the end if any floor
# was crossed. The shared sets (dev, the studied and sealed parts of train: eval/SPLITS.md) need
# $(SHARED); every eval/heldout*/ with a gold.jsonl and a [section] of the same name in
# $(FLOORS) is run (heldout4, heldout5... join by adding their floors). Sealed: totals only.
eval: $(STAMP) ## Score the shared dev and train sets (studied, sealed) and our held-out sets against gold; fail if a pinned floor is crossed
	@status=0; skipped=""; \
	if [ -d $(SHARED)/corpus/dev ] && [ -f $(SHARED)/gold/dev.jsonl ]; then \
	  echo "== dev: $(SHARED)/corpus/dev (studied)"; \
	  $(PY) -m pipeline evaluate --run $(SHARED)/corpus/dev --gold $(SHARED)/gold/dev.jsonl --floors $(FLOORS) --section dev $(ARGS) || status=1; \
	else echo "== dev: SKIPPED ($(SHARED)/corpus/dev or $(SHARED)/gold/dev.jsonl not found; set SHARED=...)"; skipped="$$skipped dev"; fi; \
	for split in studied sealed; do \
	  if [ -d $(SHARED)/corpus/train ] && [ -f $(SHARED)/gold/train.jsonl ]; then \
	    echo "== train_$$split: $(SHARED)/corpus/train, $$split split (eval/SPLITS.md)"; \
	    $(PY) -m pipeline evaluate --run $(SHARED)/corpus/train --split $$split --gold $(SHARED)/gold/train.jsonl --floors $(FLOORS) --section train_$$split $(ARGS) || status=1; \
	  else echo "== train_$$split: SKIPPED ($(SHARED)/corpus/train or $(SHARED)/gold/train.jsonl not found; set SHARED=...)"; skipped="$$skipped train_$$split"; fi; \
	done; \
	for dir in eval/heldout*/; do \
	  set=$$(basename $$dir); \
	  if [ -f $$dir/gold.jsonl ] && grep -q "^\[$$set\]" $(FLOORS); then \
	    echo "== $$set: $${dir}articles"; \
	    $(PY) -m pipeline evaluate --run $${dir}articles --gold $${dir}gold.jsonl --floors $(FLOORS) --section $$set $(ARGS) || status=1; \
	  else echo "== $$set: SKIPPED (needs $${dir}gold.jsonl and a [$$set] section in $(FLOORS))"; skipped="$$skipped $$set"; fi; \
	done; \
	if [ -n "$$skipped" ]; then echo "eval: skipped:$$skipped"; fi; \
	if [ $$status = 0 ]; then echo "eval: every set scored met its floors"; else echo "eval: FAILED (see the [E041] lines above)"; fi; \
	exit $$status

train: $(STAMP) ## Re-fit the learned parts from the studied gold: the agreement gate, the motive classifier, then the calibrated confidence
	@$(PY) -c "import sklearn" 2>/dev/null || $(PY) -m pip install --quiet -c constraints.txt -e ".[train]"
	$(PY) -m evaluation.train_agreements
	$(PY) -m evaluation.train_motives
	$(PY) -m pipeline train --shared $(SHARED) $(ARGS)

bench-dates: $(STAMP) ## TempEval-3 benchmark of the date stage (extraction F1, value F1, docs/s)
	$(PY) -m pipeline bench dates --data $(SHARED)/bench/temporal/train.jsonl --folds 5 --floors eval/floors.toml $(ARGS)

bench-motives: $(STAMP) ## Causal News Corpus benchmark of the motive detector (P/R/F1 on dev)
	$(PY) -m pipeline bench motives --data $(SHARED)/bench/causal/subtask1_dev.jsonl --floors eval/floors.toml $(ARGS)

bench-html: $(STAMP) ## Article-body benchmark of the HTML cleaning against trafilatura alone (F1 on the pages it reads; held-out folds)
	$(PY) -m pipeline bench html --data $(SHARED)/bench/boilerplate/gold.jsonl --floors eval/floors.toml $(ARGS)

bench-language: $(STAMP) ## The English check on the article-body pages, windows of their text and written snippets (threshold sweep, ms/article)
	$(PY) -m pipeline bench language --data $(SHARED)/bench/boilerplate/gold.jsonl --floors eval/floors.toml $(ARGS)

bench: $(STAMP) ## Throughput, parallel speedup, cache and memory on a synthetic corpus of N articles
	$(PY) -m pipeline bench scale --n $(N) $(ARGS)

bench-dask: $(STAMP) ## The Dask engine (LocalCluster, 2 workers) beside --workers 2 local at N articles, the driver's peak RSS at 500 and 5,000, the figures on paper
	$(PY) -m pipeline bench dask --n $(N) $(ARGS)

browser-setup: ## Install headless Chromium + chromedriver (Debian packages) for the report test
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null)
	@chromium --version

lock: $(STAMP) ## Re-pin constraints.txt from the current .venv (after a deliberate upgrade)
	(sed -n "1,2p" constraints.txt; $(PY) -m pip freeze --exclude-editable | grep -v -i "en.core.web") > constraints.txt.new && mv constraints.txt.new constraints.txt

# What `make clean` keeps in OUTPUT: the analysts' work (review tables, reviewed/, review/,
# history/) and articles.csv, which words the reasons of orphaned rows.
KEEP := agreements.csv actors.csv dates.csv motives.csv articles.csv reviewed review history README.md

clean: ## Remove derived outputs (sentences, errors, report, caches); keep reviewed work (clean-all removes it)
	@if [ -d "$(OUTPUT)" ]; then find "$(OUTPUT)" -mindepth 1 -maxdepth 1 $(foreach k,$(KEEP),! -name $(k)) \
		-printf 'removed %p\n' -exec rm -rf {} +; fi
	@echo "kept the reviewed work in $(OUTPUT)/ (review tables, articles.csv, reviewed/, review/, history/); make clean-all removes everything"
	@rm -rf .pytest_cache .cache

clean-all: ## Remove everything in OUTPUT but its README, reviewed tables and history included, and test caches
	@if [ -d "$(OUTPUT)" ]; then find "$(OUTPUT)" -mindepth 1 -maxdepth 1 ! -name README.md \
		-printf 'removed %p\n' -exec rm -rf {} +; fi
	@rm -rf .pytest_cache .cache
