# Set-up and checks from a fresh clone; see the README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.fitdoctor-installed
# JAX and the CPU build of PyTorch this machine keeps on disk, for make test-backends.
TORCH_PIN := torch==2.13.0

.PHONY: demo test test-backends install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[tensorflow,test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/fitdoctor run examples/seeds/corner_detector.py --preflight-only --fail-on never

test: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow $(BIN)/python -m pytest -n 2 --dist loadgroup -q

test-backends: $(STAMP)
	$(BIN)/python -m pip install --quiet 'jax[cpu]' $(TORCH_PIN)
	KERAS_BACKEND=jax $(BIN)/python -m pytest -n 2 -q -m backends
	KERAS_BACKEND=torch $(BIN)/python -m pytest -n 2 -q -m backends

clean:
	rm -rf $(VENV) build src/*.egg-info
