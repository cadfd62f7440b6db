# Two commands do all set-up on a fresh machine:
#   make run   – creates .venv if missing, installs, builds exports/evalueringskapitel.docx from this project
#   make test  – the same set-up, then the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: run test form lab clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/workbench --project . report

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

form: $(STAMP)
	$(BIN)/voila notebooks/02_selvevaluering.ipynb --port 8866 --Voila.ip=127.0.0.1

clean:
	rm -rf $(VENV) exports
