# jaarcijfers: `make extract` and `make test` set up .venv/ themselves on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# $(call jaarcijfers,ARGS): run the CLI; on failure the last line of the recipe names its exit code
# (make then adds its own "*** [...] Error N" line and exits 2, whatever N was).
jaarcijfers = echo "jaarcijfers $(1)"; $(PY) -m pipeline $(1) || { rc=$$?; \
	echo "jaarcijfers $(firstword $(1)) exited $$rc: see the lines above" >&2; exit $$rc; }

.DEFAULT_GOAL := help
.PHONY: help extract test bench profile sweep inspect panel docs clean

help: ## show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

extract: $(STAMP) ## extract every raw/*.pdf into output/<release_year>/; if all went well, the panel and database
	@$(call jaarcijfers,extract --out output); $(call jaarcijfers,panel --out output)

test: $(STAMP) ## run the test suite
	$(PY) -m pytest -q

bench: $(STAMP) ## time, CPU and memory of extract on several renderings against the pdfplumber floor; the worst's stage profile; and under the limits
	$(PY) tests/bench.py $(BENCH_ARGS)
	$(PY) tests/bench_limits.py

PDF ?= tests/fixtures/ind-jaarcijfers-2023-reconstruction.pdf
profile: $(STAMP) ## where one extract's CPU and wall time go, stage by stage (PDF=file.pdf, default the reconstruction)
	$(PY) tests/bench_profile.py "$(PDF)"

SEEDS ?= 500
sweep: $(STAMP) ## read SEEDS (500) random layouts of the 2023 and 2024 releases back; report in .sweep/
	$(PY) tests/sweep.py --seeds $(SEEDS)

inspect: $(STAMP) ## pictures of what was found on each page of every raw/*.pdf, in output/inspect/
	for f in raw/*.pdf; do $(PY) -m pipeline inspect "$$f" || exit $$?; done

panel: $(STAMP) ## combine every release under output/ into output/panel/ and output/jaarcijfers.sqlite
	$(PY) -m pipeline panel --out output

docs: $(STAMP) ## regenerate docs/data-dictionary.md from schemas/
	$(PY) -m pipeline dictionary --out docs/data-dictionary.md

clean: ## remove output/, generated fixtures, .bench/ and .sweep/
	rm -rf output tests/fixtures/generated .bench .sweep
