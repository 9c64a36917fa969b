# policy-lens: two commands do everything on a machine with Python 3.11 and pip.
#   make report   set up .venv, extract (seed and market corpus), execute the notebooks, render HTML into reports/
#   make test     set up .venv, run the unit tests and strict nbval on every notebook
#   make html     render the executed notebooks and one privacy label per vendor into reports/
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
EXEC := $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 \
	--ExecutePreprocessor.kernel_name=python3
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export JUPYTER_PLATFORM_DIRS := 1

.PHONY: readme install verifier extract market notebooks html report test test-unit test-notebooks test-browser lab bench profile clean \
	benchmark-external

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; run make PYTHON=/path/to/python3.11" >&2; exit 2; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(STAMP)

# The data-type verifier (data/models/verifier.json), retrained from data/annotations/market_sentences
# and the current rules (deterministic: unchanged rules and labels give the same file)
verifier: install
	$(BIN)/python -m analysis train-verifier

extract: install verifier
	$(BIN)/python -m analysis manifest
	$(BIN)/python -m analysis extract data/raw/policies --out data/processed --quiet

# The market corpus (data/raw/market, 233 scraped pages) -> data/processed/market/*.parquet
market: install verifier
	$(BIN)/python -m analysis market -j 2

notebooks: extract market
	$(BIN)/python -m analysis.notebooks sync $(NOTEBOOKS)
	@for nb in $(NOTEBOOKS); do echo "executing $$nb"; $(EXEC) $$nb || exit 1; done
	$(BIN)/python -m analysis.notebooks sync $(NOTEBOOKS)

html: install
	$(BIN)/python -m analysis.notebooks html --out reports $(NOTEBOOKS)

readme: extract
	$(BIN)/python -m analysis.readme

report: notebooks html readme

test-unit: install
	$(BIN)/python -m pytest -q tests

test-notebooks: install
	$(BIN)/python -m pytest -q --nbval --nbval-sanitize-with notebooks/sanitize.cfg $(NOTEBOOKS)

test: test-unit test-notebooks

test-browser: html
	bash tests/browser/run.sh

# JupyterLab refuses to run as root unless told; in a container root is the usual user, so say so and allow it.
# LAB_OPTS passes options through, e.g. make lab LAB_OPTS="--no-browser --port=9000".
lab: install
	@flags=""; if [ "$$(id -u)" = 0 ]; then \
	  echo "note: running as root (usual in a container): starting JupyterLab with --allow-root"; \
	  flags="--allow-root"; fi; \
	exec $(BIN)/jupyter lab $$flags $(LAB_OPTS) notebooks

bench: install
	$(BIN)/python benchmarks/bench_extract.py

profile: install
	$(BIN)/python benchmarks/profile_stages.py

# External benchmarks (not part of make test): CORPORA holds opp115/ and gdpr-transparency-200/ in their
# original formats. Scores go to $(BENCH_OUT)/*.json and the README's generated tables.
BENCH_OUT ?= benchmarks/external
benchmark-external: install
	@test -n "$(CORPORA)" || { echo "error: give the corpora folder, e.g. make benchmark-external CORPORA=../shared/corpora" >&2; exit 2; }
	$(BIN)/python -m analysis benchmark opp115 $(CORPORA)/opp115 --json $(BENCH_OUT)/opp115.json
	$(BIN)/python -m analysis benchmark gdpr200 $(CORPORA)/gdpr-transparency-200 --json $(BENCH_OUT)/gdpr200.json
	$(BIN)/python -m analysis.benchmark.report README.md $(BENCH_OUT)/opp115.json $(BENCH_OUT)/gdpr200.json

clean:
	rm -rf $(VENV) reports/screenshots
