# The commands users type. Each creates .venv on first use (and refreshes it
# when pyproject.toml changes); running a target twice is harmless.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
MUTATION_STAMP := $(VENV)/.installed-mutation
# jupyter refuses to run as root without --allow-root
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PORT ?= 8888

.PHONY: help lab test lint format release grade bench mutation student site exchange roster clean

help:
	@echo "make lab      - JupyterLab from the repository root: course/ (opens here), release/, the Formgrader"
	@echo "make test     - lint + the whole pytest suite"
	@echo "make release  - regenerate release/ from source/ with nbgrader"
	@echo "make grade    - autograde autograder/submitted/*, write grades.csv + feedback"
	@echo "make bench    - benchmarks (incl. scaling sweep, widgets in the browser) -> benchmarks/RESULTS.md"
	@echo "make mutation - mutation testing of lib/ffnn -> tests/artifacts/mutation.md"
	@echo "make student  - the student edition (no solutions) -> dist/student/ and dist/ffnn-student.zip"
	@echo "make site     - the course as a static website -> dist/site/index.html"
	@echo "make exchange EXCHANGE=DIR - set up the nbgrader exchange (release/collect from the Formgrader)"
	@echo "make roster ROSTER=FILE.csv - import students (id,first_name,last_name,email) into the gradebook"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=77'  # the SPDX licence string
	$(BIN)/python -m pip install --quiet -e '.[test,site]'
	$(BIN)/jupyter labextension disable "@jupyterlab/apputils-extension:announcements" >/dev/null 2>&1 || true
	$(BIN)/python -m ffnn.warmup  # compile and cache the Numba kernels once (time: README)
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]' || \
	  echo "warning: PyTorch did not install; the benchmarks report its column as missing" >&2
	touch $(BENCH_STAMP)

# from the repository root (the Formgrader needs the course root), opening on course/;
# release/ is one level up in the file browser
lab: $(STAMP)
	$(BIN)/jupyter lab --port=$(PORT) $(ROOT_FLAG) --LabApp.default_url=/lab/tree/course

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/nbstripout course/*.ipynb source/*/*.ipynb

release: $(STAMP)
	$(BIN)/python -m autograder.release

grade: $(STAMP)
	$(BIN)/python -m autograder.grade

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	touch $(MUTATION_STAMP)

# not part of `make test` (time: README); MODULES=grading limits it to ffnn/grading.py
mutation: $(MUTATION_STAMP)
	$(BIN)/python tests/mutation/run.py $(MODULES)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

student: $(STAMP)
	$(BIN)/python -m autograder.student_edition

site: $(STAMP)  # the test suite builds the site too, so the site extra is in STAMP
	$(BIN)/python -m website.build

exchange: $(STAMP)
	$(BIN)/python -m autograder.exchange $(EXCHANGE)

roster: $(STAMP)
	$(BIN)/python -m autograder.roster $(ROSTER)

# remove grading state and artefacts (never source/, release/ or autograder/samples/)
clean:
	rm -f course/playground_weights.npz course/playground.png
	rm -rf autograder/autograded autograder/feedback autograder/grades.csv autograder/.state \
	  autograder/solution gradebook.db tests/artifacts benchmarks/_tmp dist
