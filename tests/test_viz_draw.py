"""viz.draw on Value graphs, checked on the DOT source (no `dot` needed)."""
from __future__ import annotations

import re

import graphviz
import pytest
from hypothesis import given

import viz
from autograd import Value
from autograd.graph import topo_sort
from autograd.recording import scope
from tests.classic import neuron
from tests.expressions import backpropagated, programs

NODE = re.compile(r"^\t(n\d+) \[label=<(.*)>\]$", re.M)
EDGE = re.compile(r"^\t(n\d+) -> (n\d+) \[(.*)\]$", re.M)
ROW = re.compile(r"<TD ALIGN=\"LEFT\">(?:<FONT[^>]*><B>)?(\w+)(?:</B></FONT>)?</TD>"
                 r"<TD ALIGN=\"RIGHT\">(?:<FONT[^>]*><B>)?([^<]*)")
CONTRIBUTION = re.compile(r"<B>(\S+) × (\S+) = (\S+)</B>")
# "∂v/∂w = x0 = 2.0": the local derivative's formula (when it is not just a number), then its value
LOCAL = re.compile(r"∂[^=]*/∂[^=]* = (?:[^<]*? = )?(\S+?)(?:<BR/>|$)")


def parse(source: str):
    """(rows per node id, list of (parent id, child id, edge attrs)) from DOT source."""
    nodes = {nid: dict(ROW.findall(label)) for nid, label in NODE.findall(source)}
    edges = EDGE.findall(source)
    return nodes, edges


def node_ids(root):
    """The ids draw gives: n0, n1, ... in topological order."""
    return {id(node): f"n{i}" for i, node in enumerate(topo_sort(root))}


def test_every_node_shows_data_and_grad_equal_to_the_engine():
    out = neuron()
    nodes, _ = parse(viz.draw(out, precision=17).source)
    order = topo_sort(out)
    assert len(nodes) == len(order) == 10
    for node in order:
        rows = nodes[node_ids(out)[id(node)]]
        assert float(rows["data"]) == node.data
        assert float(rows["grad"]) == node.grad


def test_every_edge_shows_the_local_derivative_of_its_child():
    out = neuron()
    ids = node_ids(out)
    _, edges = parse(viz.draw(out, precision=17).source)
    expected = sorted((ids[id(p)], ids[id(c)], c.local_grads[i])
                      for c in topo_sort(out) for i, p in enumerate(c.parents))
    found = sorted((p, c, float(LOCAL.search(attrs).group(1))) for p, c, attrs in edges)
    assert found == expected


def assert_contributions_sum_to_grads(root):
    """Summed in backward's order (children last-first), the edges give each grad exactly."""
    ids = node_ids(root)
    nodes, edges = parse(viz.draw(root, precision=17, max_nodes=10_000).source)
    sent: dict[str, list[tuple[int, int, float]]] = {}
    for position, (parent, child, attrs) in enumerate(edges):
        local, upstream, contribution = map(float, CONTRIBUTION.search(attrs).groups())
        assert upstream == float(nodes[child]["grad"])  # it multiplies the child's grad
        assert contribution == local * upstream
        sent.setdefault(parent, []).append((-int(child[1:]), position, contribution))
    for node in topo_sort(root):
        nid = ids[id(node)]
        if node is root:
            assert nid not in sent and float(nodes[nid]["grad"]) == 1.0
            continue
        total = 0.0
        for *_, contribution in sorted(sent[nid]):
            total += contribution
        assert total == node.grad


def test_contributions_sum_to_each_nodes_grad_on_the_neuron():
    assert_contributions_sum_to_grads(neuron())


@given(programs(max_leaves=4, max_steps=12))
def test_contributions_sum_to_grads_on_random_graphs(program):
    out = backpropagated(program)
    assert_contributions_sum_to_grads(out)


def test_a_repeated_parent_gets_one_edge_per_use():
    a = Value(3.0, label="a")
    c = a * a * a
    c.backward()
    ids = node_ids(c)
    _, edges = parse(viz.draw(c).source)
    square = c.parents[0]
    pairs = [(p, ch) for p, ch, _ in edges]
    assert pairs.count((ids[id(a)], ids[id(square)])) == 2
    assert pairs.count((ids[id(a)], ids[id(c)])) == 1
    assert pairs.count((ids[id(square)], ids[id(c)])) == 1 and len(pairs) == 4


def test_user_text_is_escaped_and_ids_never_come_from_it():
    a = Value(2.0, label='<b>&"\\:x')
    c = a * 3.0
    c.label = "x -> y; }"
    c.backward()
    source = viz.draw(c).source
    assert "&lt;b&gt;&amp;&quot;&#92;&#58;x" in source
    assert "<b>" not in source and '"\\' not in source and "x -> y" not in source
    assert "x -&gt; y; }" in source
    declared = re.findall(r"^\t(\S+) \[label=", source, re.M)
    assert declared and all(re.fullmatch(r"n\d+", nid) for nid in declared)


def test_node_ids_and_names_are_stable_across_calls():
    assert viz.draw(neuron()).source == viz.draw(neuron()).source


def test_unnamed_nodes_get_readable_names_and_constants_their_value():
    x = Value(1.5, label="x")
    y = (x * 2.0).tanh()
    y.backward()
    source = viz.draw(y).source
    assert "<B>2</B> <FONT POINT-SIZE=\"9\">const" in source
    assert "<B>v1</B> = x * 2" in source and "<B>v2</B> = tanh(v1)" in source


def test_node_kinds_are_styled_apart():
    class Param(Value):
        __slots__ = ()
        is_parameter = True

    w = Param(0.5, label="w")
    x = Value(2.0, label="x")
    out = w * x + 1.0
    out.backward()
    source = viz.draw(out).source
    for text in ('#ffd8a8"><B>w</B> <FONT POINT-SIZE="9">param',
                 '#cfe2ff"><B>x</B> <FONT POINT-SIZE="9">input',
                 '#e9ecef"><B>1</B> <FONT POINT-SIZE="9">const',
                 '#b2f2bb"><B>v2</B> = v1 + 1 <FONT POINT-SIZE="9">root'):
        assert text in source


def test_show_grad_and_show_local_turn_their_parts_off():
    out = neuron()
    no_grad = viz.draw(out, show_grad=False).source
    assert "grad</B>" not in no_grad and " × " not in no_grad and "∂o/∂v" in no_grad
    no_local = viz.draw(out, show_local=False).source
    assert "∂child" not in no_local and "∂o/" not in no_local and " × " in no_local
    bare = viz.draw(out, show_grad=False, show_local=False).source
    assert not re.search(r"-> n\d+ \[label", bare)
    assert "forward value" in bare and "forward value" not in viz.draw(out, legend=False).source


def test_rankdir_and_precision_are_applied():
    out = neuron()
    assert "rankdir=TB" in viz.draw(out, rankdir="TB").source
    assert ">0.73</TD>" in viz.draw(out, precision=2).source
    assert ">0.7311</TD>" in viz.draw(out).source


@pytest.mark.parametrize("option, value, error, words", [
    ("rankdir", "up", ValueError, "rankdir must be one of LR, RL, TB, BT"),
    ("precision", 0, ValueError, "between 1 and 17"),
    ("precision", 2.5, TypeError, "precision must be an int"),
    ("show_grad", "yes", TypeError, "show_grad must be True or False"),
    ("collapse_modules", 1, TypeError, "collapse_modules must be True or False"),
    ("cluster_modules", "yes", TypeError, "cluster_modules must be True or False"),
    ("max_nodes", 0, ValueError, "max_nodes must be at least 1"),
    ("max_nodes", None, TypeError, "max_nodes must be an int"),
])
def test_bad_options_are_refused_with_a_clear_message(option, value, error, words):
    with pytest.raises(error, match=re.escape(words)):
        viz.draw(neuron(), **{option: value})


@pytest.mark.parametrize("thing", [1.0, "a", None, [Value(1.0)]])
def test_draw_refuses_what_is_not_a_node(thing):
    with pytest.raises(TypeError, match="expected an autograd Value or Tensor"):
        viz.draw(thing)


def test_draw_changes_no_number_in_the_graph():
    out = neuron()
    before = [(n.data, n.grad) for n in topo_sort(out)]
    viz.draw(out)
    assert [(n.data, n.grad) for n in topo_sort(out)] == before


def test_a_single_leaf_draws():
    x = Value(4.0, label="x")
    nodes, edges = parse(viz.draw(x).source)
    assert list(nodes) == ["n0"] and edges == []


def chain(n: int) -> Value:
    x = Value(0.5, label="x")
    out = x
    for _ in range(n):
        out = out * 1.0 + 0.0
    return out


def test_max_nodes_is_respected_with_a_summary_that_says_so():
    out = chain(100)  # 1 + 4 * 100 nodes
    source = viz.draw(out, max_nodes=50).source
    assert "Summary only: this graph has 401 nodes, more than max_nodes=50" in source
    assert "pass max_nodes=401" in source
    assert "* ×100" in source and "+ ×100" in source and "depth 200" in source
    assert "root: data 0.5, grad 0" in source  # backward() was not called
    assert len(re.findall(r"^\t\w+ \[label=", source, re.M)) <= 50
    full = viz.draw(out, max_nodes=401).source
    assert "Summary" not in full and len(NODE.findall(full)) == 401


def test_a_deep_graph_gets_its_summary_without_recursion():
    source = viz.draw(chain(5_000)).source  # 20,000 levels: far past the recursion limit
    assert "this graph has 20001 nodes" in source


def test_the_summary_groups_nodes_by_module_when_scopes_exist():
    x = Value(1.0, label="x")
    with scope("MLP(1→1)#1"):
        with scope("Linear(1→2)#2"):
            h = [x * 0.5 + 1.0, x * -0.5 + 1.0]
        with scope("Linear(2→1)#3"):
            y = h[0] * 2.0 + h[1] * 3.0
    out = y * y
    out.backward()
    source = viz.draw(out, max_nodes=5).source
    assert "MLP(1→1) / Linear(1→2)</B>" in source and "MLP(1→1) / Linear(2→1)</B>" in source
    assert "(outside modules)" in source and ")#2" not in source
    assert re.search(r"m\d+ -> m\d+ \[label=\"2 edges\"\]", source)


def test_module_clusters_appear_nested_and_titled_with_the_display_name():
    x = Value(1.0, label="x")
    with scope("MLP(1→1)#7"):
        with scope("Linear(1→1)#8"):
            y = x * 0.5 + 1.0
        z = y.tanh()
    out = z * 2.0
    out.backward()
    source = viz.draw(out, cluster_modules=True).source
    outer = source.index("subgraph cluster_0 {")
    inner = source.index("subgraph cluster_1 {")
    assert outer < inner < source.index("}", inner) < source.rindex("}")
    assert "<B>MLP(1→1)</B>" in source and "<B>Linear(1→1)</B>" in source
    assert ")#7" not in source and ")#8" not in source
    inner_body = source[inner:source.index("}", inner)]
    assert len(re.findall(r"^\t\t\t(n\d+) \[label=", inner_body, re.M)) == 4  # 0.5, x*0.5, 1, +
    assert "subgraph" not in viz.draw(out).source


def test_two_calls_of_one_module_type_are_two_clusters():
    x = Value(1.0, label="x")
    with scope("Linear(1→1)#1"):
        y = x * 2.0
    with scope("Linear(1→1)#2"):
        z = y * 3.0
    z.backward()
    for view in ("cluster_modules", "collapse_modules"):
        source = viz.draw(z, **{view: True}).source
        assert source.count("<B>Linear(1→1)</B>") == 2


def test_missing_dot_says_how_to_install_it_and_that_source_works(monkeypatch, tmp_path):
    out = neuron()
    monkeypatch.setenv("PATH", "")
    graph = viz.draw(out)  # building never needs dot
    assert graph.source.startswith("digraph")
    for attempt in (lambda: graph.render(tmp_path / "g", format="svg"),
                    lambda: graph.pipe(format="svg"),
                    lambda: graph._repr_mimebundle_()):
        with pytest.raises(viz.GraphvizNotFoundError) as info:
            attempt()
        message = str(info.value)
        for words in ("sudo apt-get install graphviz", "brew install graphviz",
                      "conda install -c conda-forge graphviz", ".source"):
            assert words in message
        assert isinstance(info.value, graphviz.ExecutableNotFound)


@pytest.mark.dot
def test_renders_to_svg_and_displays_inline(tmp_path):
    a = Value(2.0, label='<b>&"\\')
    out = a * a + 1.0
    out.backward()
    graph = viz.draw(out, cluster_modules=True)
    assert isinstance(graph, graphviz.Digraph)  # the documented return type
    path = graph.render(tmp_path / "g", format="svg")
    svg = open(path, encoding="utf-8").read()
    assert "<svg" in svg and "&lt;b&gt;&amp;&quot;\\" in svg and "∂v1/∂" in svg
    bundle = graph._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_the_summary_keeps_to_a_few_module_boxes():
    x = Value(1.0, label="x")
    terms = []
    with scope("Net(20)#1"):
        for i in range(20):
            with scope(f"Block({i})#{i + 2}"):
                terms.append(x * float(i))
        total = Value.sum(terms)
    total.backward()
    source = viz.draw(total, max_nodes=30).source
    boxes = re.findall(r"^\tm\d+ \[label=", source, re.M)
    assert "<B>Net(20)</B>" in source and "Block(" not in source
    assert len(boxes) == 2  # Net(20) and the input outside it


def test_a_collapsed_scalar_mlp_is_one_box_per_neuron_with_its_named_weights():
    import nn

    model = nn.scalar.MLP(2, [2, 1])
    out = model([1.0, -2.0])
    out.backward()
    source = viz.draw(out, collapse_modules=True).source
    boxes = re.findall(r"^\t+(n\d+) \[label=<(.*)>\]$", source, re.M)
    titles = sorted(re.search(r"<B>([^<]*)</B>", label).group(1) for _, label in boxes)
    assert titles == ["Neuron(2, linear)", "Neuron(2, relu)", "Neuron(2, relu)", "x0", "x1"]
    # x0 and x1 feed both hidden neurons, which feed the output neuron: 6 edges in all.
    assert len(re.findall(r" -> ", source)) == 6
    for name in ("layers.0.neurons.0.w.0", "layers.0.neurons.1.b", "layers.1.neurons.0.w.1"):
        assert f"<B>{name}</B>" in source
    assert "<B>Layer(2→2, relu)</B>" in source and "<B>MLP(2→2→1)</B>" in source  # clusters
