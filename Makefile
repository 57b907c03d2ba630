# Two promises: `make test` and `make mnist` work on a fresh clone with nothing
# installed by hand. Every target is idempotent and quiet when there is nothing to do.
PYTHON     ?= python3
WITH_TORCH ?= 1
VENV       := .venv
PY         := $(VENV)/bin/python
RUNTIME    := $(VENV)/.installed
DEV        := $(VENV)/.installed-dev
BENCH      := $(VENV)/.installed-bench
LAB        := $(VENV)/.installed-notebooks

.PHONY: test lint mnist lab bench notebooks dot chromium clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Each stamp is redone only when the project's metadata changes.
$(RUNTIME): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	@touch $@

# PyTorch is only the tests' reference: its tests skip where it is missing, and
# WITH_TORCH=0 skips the (large) install.
$(DEV): $(RUNTIME)
	$(PY) -m pip install -q -e '.[dev]'
	@if [ "$(WITH_TORCH)" = 1 ]; then \
	  $(PY) -m pip install -q -e '.[ref]' || echo "note: torch could not be installed; PyTorch reference tests will be skipped"; \
	fi
	@touch $@

$(LAB): $(RUNTIME)
	$(PY) -m pip install -q -e '.[notebooks]'
	@touch $@

$(BENCH): $(RUNTIME)
	$(PY) -m pip install -q -e '.[bench]'
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

# Headless Chromium loads the playground page in the browser tests; like dot, a
# system package. Without it those tests skip (and fail under CI's TRACEGRAD_REQUIRE_DOT=1).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Chromium with apt-get (for the browser tests)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing; the browser tests of the playground page will skip. Install it with:"; \
	    echo "  sudo apt-get install chromium   (Debian/Ubuntu)"; \
	  fi; }

# Style, bugs and complexity (ruff), then types (mypy); settings live in pyproject.toml.
lint: $(DEV)
	$(VENV)/bin/ruff check --quiet autograd nn viz tests benchmarks
	$(VENV)/bin/mypy

test: lint $(DEV) dot chromium
	$(PY) -m pytest -q

# Fetches MNIST on first use (cached, checksum-verified), then trains the default MLP
# (tracegrad pins BLAS to one thread itself: see nn/threads.py). Only the runtime
# dependencies are installed: training needs no test tools. Then: what to try next.
mnist: $(RUNTIME) dot
	$(VENV)/bin/tracegrad mnist
	@echo
	@echo "Next, try these (or run 'source $(VENV)/bin/activate' once, then drop the $(VENV)/bin/ prefix):"
	@echo "  $(VENV)/bin/tracegrad graph \"sigmoid(w*x + b)\" --set w=2 x=-1 b=0.5         # draws graph.svg"
	@echo "  $(VENV)/bin/tracegrad mnist --epochs 3 --plot curves.png --save model.npz"
	@echo "  $(VENV)/bin/tracegrad --help                                                # every command"
	@echo "  $(VENV)/bin/python                                                          # then paste the README's 30-second tour"
	@echo "  make lab                                                                  # the tutorials, in JupyterLab"

# JupyterLab (the `notebooks` extra) in the same venv, opened on the tutorials. Its
# kernel is this venv's Python. Jupyter refuses to run as root unless told (containers).
lab: $(LAB) dot
	$(VENV)/bin/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# The README's table: medians, one BLAS thread (see benchmarks/mnist_epoch.py).
bench: $(BENCH) $(DEV)
	$(PY) benchmarks/scalar_vs_micrograd.py
	$(PY) benchmarks/mnist_epoch.py
	$(PY) benchmarks/cnn_epoch.py

# Re-run the tutorials in place so their committed outputs match the code.
notebooks: $(DEV) dot
	$(PY) notebooks/refresh.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache build *.egg-info
