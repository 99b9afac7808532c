# Two commands on a fresh clone: `make test` and `make repro`. Both create .venv on first use.
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: test repro bench

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test,triton]'
	touch $@

test: $(INSTALLED)
	$(PYTHON) -m pytest

repro: $(INSTALLED)
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH dvc repro

bench: $(INSTALLED)
	$(PYTHON) bench/cells.py
