# Multivariate Calculus for Machine Learning -- the commands people type.
# A fresh machine needs only python3 and make: the first command creates .venv from
# requirements.lock and installs mmlcalc (editable) into it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
READY  := $(VENV)/.ready
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help html pdf test test-fast serve bench lint clean distclean lock

help: ## list the commands
	@echo "Multivariate Calculus for Machine Learning"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(READY): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

html: $(READY) ## build the site into _build/html (strict; the last good site survives a failure)
	$(PY) tools/build.py

pdf: $(READY) ## print the whole book into _build/pdf/ (Chromium; reuses the execution cache)
	$(PY) tools/pdf.py

# Test files run in parallel, each file on one worker (-n auto --dist loadfile): the fault tests
# share one fixture-book build per worker, and the site, browser and download tests share the
# real book's build (built once, under a lock; see tests/conftest.py).
test: $(READY) ## run every test: package, book build, fault injection, offline site
	$(PY) -m pytest -n auto --dist loadfile

test-fast: $(READY) ## run the fast tests only (no book builds); `make test` runs everything
	$(PY) -m pytest -m "not build"

serve: $(READY) ## live rebuild while you edit, at http://127.0.0.1:$(PORT)
	$(PY) tools/serve.py --port $(PORT)

bench: $(READY) ## time builds, edits, the compute floor and make test (median of 3) into _build/bench.json
	$(PY) tools/bench.py

lint: $(READY) ## check the Python code with ruff
	$(PY) -m ruff check code tests tools conf.py

clean: ## remove the build output and the execution cache (keeps .venv)
	rm -rf _build

distclean: clean ## also remove .venv
	rm -rf $(VENV)

lock: ## re-resolve requirements.lock from pyproject.toml in a scratch environment
	rm -rf _build/lockenv && $(PYTHON) -m venv _build/lockenv
	_build/lockenv/bin/pip install --quiet --disable-pip-version-check -e ".[book,test]"
	_build/lockenv/bin/pip freeze --exclude-editable --all \
	  | grep -v -E '^(pip|mmlcalc)==' | sort -f > requirements.lock
	rm -rf _build/lockenv
