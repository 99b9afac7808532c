# Two commands on a fresh clone: `make test` and `make repro`. Both create .venv on first use.
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The page template that `dvc plots show` fills (.dvc/config names it), with its JavaScript inlined.
PLOTS_PAGE := .dvc/plots/offline.html

.PHONY: test repro plots bench

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test,triton]'
	touch $@

$(PLOTS_PAGE): plots/package-lock.json plots/build_page.py
	cd plots && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	python3 plots/build_page.py $@

test: $(INSTALLED) $(PLOTS_PAGE)
	$(PYTHON) -m pytest

# Every stage whose data can be reached (offline: all but the Keras 2009-2016 file's), then a line for the rest.
repro: $(INSTALLED)
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PYTHON) scripts/repro.py

plots: $(INSTALLED) $(PLOTS_PAGE)
	$(VENV)/bin/dvc plots show

bench: $(INSTALLED)
	$(PYTHON) bench/cells.py
