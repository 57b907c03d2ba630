"""The direction of the imports between tracegrad's packages, read from the source (ast).

    autograd  <-  nn (library)  <-  nn.cli  ->  viz  ->  autograd

``autograd`` imports neither ``nn`` nor ``viz``; ``viz`` never imports ``nn``; ``nn``'s
library modules (everything outside ``nn.cli``) import neither ``viz`` nor ``nn.cli``;
and no module imports itself through a chain of others. Every import counts, also
one inside a function: a lazy import is still a dependency.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "viz")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    return {module_name(p, root): p for package in PACKAGES for p in sorted((root / package).rglob("*.py"))}


def imports_of(source: str, name: str, is_package: bool, known: set[str]) -> set[str]:
    """The project modules that ``source`` (module ``name``) imports, by their module names.

    ``from pkg import x`` names the module ``pkg.x`` when that is a module, else ``pkg``
    (``x`` is then a name inside ``pkg/__init__.py``).
    """
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, one level up per extra dot
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # import a.b.c where only a.b is ours
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = project_modules(root)
    known = set(modules)
    return {name: imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", known)
            for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None. Iterative depth-first search."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for start in sorted(graph):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append(iter(sorted(graph.get(child, ()))))
    return None


def in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def forbidden_imports(graph: dict[str, set[str]]) -> list[str]:
    rules = [  # (who, may not import, why)
        ("autograd", "nn", "the engines stand alone"),
        ("autograd", "viz", "the engines stand alone"),
        ("viz", "nn", "what viz must know about modules travels on the nodes"),
        ("nn", "viz", "only the command line (nn.cli) draws"),
        ("nn", "nn.cli", "the library does not depend on its command line"),
    ]
    problems = []
    for module, targets in sorted(graph.items()):
        for who, banned, why in rules:
            if not in_package(module, who) or (who == "nn" and in_package(module, "nn.cli")):
                continue
            problems += [f"{module} imports {t} ({why})" for t in sorted(targets) if in_package(t, banned)]
    return problems


# ---- the project ----------------------------------------------------------------------

# viz.steps and viz.animate import each other today; issue 15's item 4 (branch issue-15b)
# makes that one-way. Until then only the edges between these two are set aside, and
# test_the_set_aside_cycle_is_still_there fails once they are gone: then delete this.
def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_point_one_way():
    assert forbidden_imports(import_graph()) == []


def test_the_graph_sees_the_imports_it_checks():
    # If the parser missed imports, the two tests above would pass vacuously.
    graph = import_graph()
    assert {"autograd", "autograd.tensor", "nn", "nn.cli", "nn.datasets", "viz"} <= set(graph)
    assert "viz" in graph["nn.cli.graph"] and "nn.cli._outputs" in graph["nn.cli.graph"]
    assert "nn.datasets.specs" in graph["nn.datasets.verify"]
    assert any(in_package(t, "autograd") for t in graph["viz.draw"] | graph["viz"])
    assert "autograd.atomic_file" in graph["nn.checkpoint"]


def test_importing_the_library_loads_neither_viz_nor_the_command_line():
    # The same rule at run time, in a fresh interpreter: every public name of nn, loaded.
    code = ("import sys, nn, nn.datasets, nn.optim, nn.checkpoint\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'viz' or m.startswith('nn.cli')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# ---- the checker itself, on planted trees ---------------------------------------------

def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    for relative, source in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return import_graph(tmp_path)


def test_a_planted_cycle_is_found_even_through_a_lazy_import(tmp_path):
    graph = _tree(tmp_path, {
        "autograd/__init__.py": "", "viz/__init__.py": "",
        "nn/__init__.py": "from nn.a import f\n",
        "nn/a.py": "import numpy\nfrom nn import b\n",
        "nn/b.py": "def g():\n    from nn.sub.c import h\n",
        "nn/sub/__init__.py": "", "nn/sub/c.py": "from ..a import f\n",
    })
    assert graph["nn"] == {"nn.a"} and graph["nn.a"] == {"nn.b"}  # numpy is not ours
    assert graph["nn.sub.c"] == {"nn.a"}  # a relative import, resolved
    assert find_cycle(graph) == ["nn.a", "nn.b", "nn.sub.c", "nn.a"]
    del graph["nn.sub.c"]
    assert find_cycle(graph) is None


@pytest.mark.parametrize("module, source, problem", [
    ("autograd/x.py", "import nn.layers\n", "autograd.x imports nn.layers"),
    ("autograd/x.py", "from viz import Animation\n", "autograd.x imports viz"),
    ("viz/x.py", "def f():\n    import nn\n", "viz.x imports nn"),
    ("nn/layers.py", "from viz.draw import draw\n", "nn.layers imports viz.draw"),
    ("nn/layers.py", "from nn.cli import main\n", "nn.layers imports nn.cli"),
])
def test_a_planted_forbidden_import_is_found(tmp_path, module, source, problem):
    files = {"autograd/__init__.py": "", "viz/__init__.py": "", "viz/draw.py": "",
             "nn/__init__.py": "", "nn/layers.py": "", "nn/cli/__init__.py": "import viz\n"}
    graph = _tree(tmp_path, {**files, module: source})
    problems = forbidden_imports(graph)
    assert len(problems) == 1 and problems[0].startswith(problem + " (")


def test_the_command_line_may_import_everything(tmp_path):
    graph = _tree(tmp_path, {"autograd/__init__.py": "", "viz/__init__.py": "import autograd\n",
                             "nn/__init__.py": "import autograd\n",
                             "nn/cli/__init__.py": "import viz\nimport nn\nimport autograd\n"})
    assert forbidden_imports(graph) == [] and find_cycle(graph) is None
