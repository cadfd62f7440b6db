# Two commands do all set-up on a fresh machine:
#   make run   – creates .venv if missing, installs, builds exports/evalueringskapitel.docx from this project
#   make test  – the same set-up, then the quality gates (ruff, mypy, import-linter, notebooks without
#                outputs) and the whole test suite; the first failure stops it
# Installs take the versions in constraints.txt, the ones the tests last passed with (`make lock` refreshes it).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed
CONSTRAINTS = constraints.txt

.PHONY: run test gates lint typecheck layers notebooks-clean lock environment form coding-page hub lab clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/workbench --project . report

test: gates
	$(BIN)/python -m pytest

gates: lint typecheck layers notebooks-clean

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

notebooks-clean: $(STAMP)
	$(BIN)/python tools/check_notebooks.py

# The installed versions (without the project itself) become the constraints for the next install.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	( echo "# pip freeze of the venv the tests passed in (make lock); used by make run and make test"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v -i '^workbench[= @]' ) > $(CONSTRAINTS).tmp
	mv $(CONSTRAINTS).tmp $(CONSTRAINTS)

environment:
	$(PYTHON) tools/environment.py

lab: $(STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/deploy/jupyter/config PYTHONPATH=$(CURDIR)/deploy$${PYTHONPATH:+:$$PYTHONPATH} \
	  $(BIN)/jupyter lab notebooks/

form: $(STAMP)
	JUPYTER_PATH=$(CURDIR)/deploy/jupyter $(BIN)/voila notebooks/02_selvevaluering.ipynb --port 8866 \
	  --Voila.ip=127.0.0.1 --template=workbench

# the coding notebook without its cell, with the workbench template (which fetches nothing from the network)
coding-page: $(STAMP)
	JUPYTER_PATH=$(CURDIR)/deploy/jupyter JUPYTER_CONFIG_PATH=$(CURDIR)/deploy/jupyter/config \
	  PYTHONPATH=$(CURDIR)/deploy$${PYTHONPATH:+:$$PYTHONPATH} \
	  $(BIN)/voila notebooks/01_kodning.ipynb --port 8867 --Voila.ip=127.0.0.1 --template=workbench

# A local trial of the team server on 127.0.0.1:$HUB_PORT (default 8000) with the users in project.yaml's
# hub_users; HUB_TRIAL_PASSWORD (at least 8 characters) is their shared password. See README.
hub: $(STAMP)
	@test -n "$$HUB_TRIAL_PASSWORD" || { echo "Sæt HUB_TRIAL_PASSWORD til en adgangskode på mindst 8 tegn, fx HUB_TRIAL_PASSWORD=... make hub" >&2; exit 2; }
	@command -v configurable-http-proxy > /dev/null || npm install -g configurable-http-proxy
	PATH=$(CURDIR)/$(BIN):$$PATH WORKBENCH_PROJECT=$(CURDIR) HUB_PORT=$${HUB_PORT:-8000} \
	  $(BIN)/jupyterhub -f deploy/jupyterhub_config.py

clean:
	rm -rf $(VENV) exports
