# Two promises: `make test` and `make mnist` work on a fresh clone with nothing
# installed by hand. Every target is idempotent and quiet when there is nothing to do.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev

.PHONY: test mnist bench dot clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Re-install only when the project's metadata changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	@# PyTorch is only a reference for the tests; its tests skip where it cannot be installed.
	@$(PY) -m pip install -q -e '.[ref]' || echo "note: torch could not be installed; PyTorch reference tests will be skipped"
	@touch $@

# Graphviz's dot renders the diagrams. It is a system package, not a Python one.
dot:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Graphviz (dot) with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "Graphviz 'dot' is missing; diagrams will not render. Install it with:"; \
	    echo "  sudo apt-get install graphviz   (Debian/Ubuntu)"; \
	    echo "  brew install graphviz           (macOS)"; \
	    echo "  conda install -c conda-forge graphviz"; \
	  fi; }

test: $(STAMP) dot
	$(PY) -m pytest -q

# Fetches MNIST on first use (cached, checksum-verified), then trains the default MLP.
# One BLAS thread: these matmuls are small, and on a busy 2-core machine OpenBLAS's
# spinning threads made the run 5-7x slower (measured: 63-90 s against 13 s).
mnist: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(VENV)/bin/tracegrad mnist

bench: $(STAMP)
	@$(PY) -m pip install -q -e '.[bench]'
	$(PY) benchmarks/scalar_vs_micrograd.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
