# Two commands on a fresh clone: `make test` and `make repro`. Both create .venv on first use.
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The page template that `dvc plots show` fills, with its JavaScript inlined so that it draws offline. Once built
# it is named in .dvc/config.local (a path from .dvc/), for `dvc plots show` and `dvc plots diff`; before, DVC
# fills its own page, which loads that JavaScript from a CDN.
PLOTS_PAGE := .dvc/plots/offline.html

.PHONY: test repro plots bench

$(INSTALLED): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet --constraint constraints.txt -e '.[test,triton]'
	touch $@

$(PLOTS_PAGE): plots/package-lock.json plots/build_page.py | $(INSTALLED)
	cd plots && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	python3 plots/build_page.py $@
	$(VENV)/bin/dvc config --local plots.html_template $(PLOTS_PAGE:.dvc/%=%)

# Two workers (pytest-xdist): the chains' run is made once, under a file lock, by whichever worker asks first
# (tests/conftest.py); the tests that run commands in it share one worker; the rest go to whichever is free.
test: $(INSTALLED) $(PLOTS_PAGE)
	OMP_WAIT_POLICY=PASSIVE $(PYTHON) -m pytest --numprocesses 2 --dist loadgroup

# The inner loop: every test but those marked slow (pipelines, real trainings), in under two minutes; no browser
# page is built, as only a slow test reads it. `make test` stays the whole suite, as .ci/run runs it.
.PHONY: test-fast
test-fast: $(INSTALLED)
	$(PYTHON) -m pytest -m "not slow"

# Lint and format check of every Python file (settings in pyproject.toml); `ruff format` applies the format.
.PHONY: lint
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Every stage whose data can be reached (offline: all but the Keras 2009-2016 file's), then a line for the rest.
repro: $(INSTALLED)
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PYTHON) scripts/repro.py

plots: $(INSTALLED) $(PLOTS_PAGE)
	$(VENV)/bin/dvc plots show --html-template $(PLOTS_PAGE)

bench: $(INSTALLED)
	$(PYTHON) bench/cells.py
