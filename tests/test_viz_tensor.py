"""viz on Tensor graphs: shapes, summaries, rule names, shares, clusters, steps, explain."""
from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given

import nn
import viz
from viz.replay import replay
from autograd import Tensor, Value
from autograd.graph import topo_sort
from tests.expressions import programs, run
from viz import tensor_nodes


def small_graph():
    W = Tensor(np.arange(6, dtype=np.float64).reshape(2, 3) / 10, requires_grad=True, label="W")
    x = Tensor(np.array([[1.0, -2.0]]), label="x")
    h = (x @ W).tanh()
    h.label = "h"
    loss = (h * h).sum() + h.mean()
    loss.label = "loss"
    loss.backward()
    return W, x, h, loss


def mlp_loss():
    model = nn.MLP(784, [100, 10], activation="relu")
    rng = np.random.default_rng(0)
    x = Tensor(rng.random((32, 784), dtype=np.float32), label="x")
    loss = nn.functional.cross_entropy(model(x), rng.integers(0, 10, 32))
    loss.label = "loss"
    loss.backward()
    return loss


def test_a_tensor_node_shows_shape_dtype_and_summaries():
    W, x, h, loss = small_graph()
    source = viz.draw(loss).source
    assert "<B>W</B> <FONT POINT-SIZE=\"9\">input" in source
    assert ">2×3 float64</TD>" in source and ">scalar float64</TD>" in source
    assert ">[[0, 0.1, 0.2], [0.3, 0.4, 0.5]]</TD>" in source  # small: every value
    assert "none (constant)" in source  # x does not require grad
    big = viz.draw(mlp_loss()).source
    assert re.search(r">784×100 float32</TD></TR><TR><TD ALIGN=\"LEFT\">data</TD>"
                     r"<TD ALIGN=\"RIGHT\">mean -?[0-9.e-]+, ‖·‖ [0-9.e-]+</TD>", big)


def test_edges_name_the_local_rule_of_each_op():
    W, x, h, loss = small_graph()
    source = viz.draw(loss).source
    for text in ("xᵀ · t1.grad", "h.grad ⊙ (1 − h²)", "t2.grad ⊙ h", "no gradient (constant)",
                 "t4.grad broadcast to h&#x27;s shape / n"):
        assert text in source
    mlp = viz.draw(mlp_loss()).source
    assert "(softmax(t3) − onehot) / N · loss.grad" in mlp
    assert "t3.grad · layers.2.weightᵀ" in mlp and "[t1 &gt; 0]" in mlp  # names in reading order
    # nn.Linear is one fused node x @ W + b, drawn with one rule per input
    assert "t2ᵀ · t3.grad" in mlp and "t3.grad summed over the batch" in mlp


def test_the_rule_table_falls_back_for_an_unknown_op():
    a = SimpleNamespace(label="a")
    child = SimpleNamespace(op="mystery", parents=(a,), fn=None, params=())
    names = {id(a): "a", id(child): "m"}
    assert tensor_nodes.rule(child, 0, names) == "VJP of mystery"
    x = Tensor(np.ones(2), requires_grad=True)
    power = x ** 3
    names = {id(x): "a", id(power): "p"}
    assert tensor_nodes.rule(power, 0, names) == "p.grad ⊙ 3·a^(3−1)"


def engine_order_sum(node, root):
    _, shares = replay(root)
    total = None
    for child in reversed(topo_sort(root)):
        for index, parent in enumerate(child.parents):
            if parent is node and child.local_grads[index] is not None:
                share = shares[child, index]
                total = share if total is None else total + share
    return total


@given(programs(max_leaves=3, max_steps=8))
def test_shares_over_a_nodes_edges_sum_to_its_grad(program):
    values, steps = program
    leaves = [Tensor(np.array([[v, -v, 0.5 * v]]), requires_grad=True, label=f"x{i}")
              for i, v in enumerate(values)]
    out = run(steps, leaves).sum()
    out.backward()
    for node in topo_sort(out):
        if node is out:
            continue
        if node.requires_grad:
            assert np.array_equal(engine_order_sum(node, out), node.grad)
        else:  # a constant receives nothing
            assert engine_order_sum(node, out) is None
    frames = viz.backward_steps(out, precision=17, max_nodes=200)
    assert len(frames) == len(topo_sort(out))


def test_shares_shown_on_small_tensors_are_the_engines():
    W, x, h, loss = small_graph()
    source = viz.draw(loss, precision=17).source
    shown = re.search(r"xᵀ · t1\.grad<BR/><FONT[^>]*><B>sends (\[\[.*?\]\])</B>", source).group(1)
    values = [float(v) for v in re.findall(r"-?[0-9.]+(?:e-?\d+)?", shown)]
    assert values == W.grad.ravel().tolist()


def test_cluster_modules_draws_one_cluster_per_module_with_its_parameters():
    source = viz.draw(mlp_loss(), cluster_modules=True).source
    for title in ("MLP(784→100→10)", "Linear(784→100)", "ReLU()", "Linear(100→10)"):
        assert f"<B>{title}</B>" in source
    linear = source.index("<B>Linear(784→100)</B>")
    body = source[source.rindex("subgraph cluster_", 0, linear):]
    body = body[:body.index("\t\t}")]
    assert "784×100 float32" in body  # the weight sits in its layer's box


def boxes(source):
    """Node id → label of every box in a DOT source, and the edges as (tail, head, label)."""
    nodes = dict(re.findall(r"^\t+(n\d+) \[label=<(.*)>\]$", source, re.M))
    edges = re.findall(r"^\t+(n\d+) -> (n\d+) \[label=\"([^\"]*)\"\]$", source, re.M)
    return nodes, edges


def test_collapse_modules_draws_one_box_per_module_and_edges_only_between_boxes():
    loss = mlp_loss()
    assert len(re.findall(r" -> ", viz.draw(loss).source)) == 9  # 3 + 1 + 3 + 2 inputs
    source = viz.draw(loss, collapse_modules=True).source
    nodes, edges = boxes(source)
    title = {key: re.search(r"<B>([^<]*)</B>", label).group(1) for key, label in nodes.items()}
    by_title = {name: key for key, name in title.items()}
    # x, the labels and the loss stay nodes; each of the three layers is one box.
    assert sorted(title.values()) == sorted(["x", "t4", "loss", "Linear(784→100)", "ReLU()",
                                             "Linear(100→10)"])
    chain = [(title[a], title[b], text) for a, b, text in edges]
    assert sorted(chain) == sorted([
        ("x", "Linear(784→100)", "32×784 float32"),
        ("Linear(784→100)", "ReLU()", "32×100 float32"),
        ("ReLU()", "Linear(100→10)", "32×100 float32"),
        ("Linear(100→10)", "loss", "32×10 float32"),
        ("t4", "loss", "32 int64"),
    ])
    first = nodes[by_title["Linear(784→100)"]]
    assert re.search(r">in</TD><TD[^>]*>32×784 float32<", first)
    assert re.search(r">out</TD><TD[^>]*>32×100 float32<", first)
    assert re.search(r">ops</TD><TD[^>]*>linear<", first)
    # Its parameters, named by their path in the model, with data and grad summaries.
    for name, shape in (("layers.0.weight", "784×100 float32"), ("layers.0.bias", "100 float32")):
        assert f"<B>{name}</B>" in first
        rows = first[first.index(f"<B>{name}</B>"):]
        assert re.search(rf"shape</TD><TD[^>]*>{shape}<", rows)
        assert re.search(r"data</TD><TD[^>]*>mean [-0-9.e]+, ‖·‖ [0-9.e]+<", rows)
        assert re.search(r"grad</TD><TD[^>]*>mean [-0-9.e]+, ‖·‖ [0-9.e]+<", rows)
    assert "layers.2.weight" in nodes[by_title["Linear(100→10)"]]
    assert "cross_entropy(Linear(100→10), t4)" in nodes[by_title["loss"]]
    assert "<B>MLP(784→100→10)</B>" in source and source.count("subgraph cluster_") == 1


def test_the_summaries_in_a_module_box_are_the_parameters_own():
    loss = mlp_loss()
    model_weight = next(n for n in topo_sort(loss) if n.label == "layers.2.weight")
    source = viz.draw(loss, collapse_modules=True, precision=6).source
    mean, norm = tensor_nodes._mean_norm(model_weight.grad)
    rows = source[source.index("<B>layers.2.weight</B>"):]
    rows = rows[rows.index(">grad</TD>"):]
    assert rows.split("</TD>")[1].endswith(f"mean {mean:.6g}, ‖·‖ {norm:.6g}")


def test_collapse_and_cluster_together_are_refused():
    with pytest.raises(ValueError, match="choose one"):
        viz.draw(mlp_loss(), collapse_modules=True, cluster_modules=True)


def test_parameter_labels_follow_the_module_path_but_keep_a_users_label():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=0))
    getattr(model, "2").bias.label = "my bias"
    model(Tensor(np.ones((1, 3), np.float32)))
    assert [p.label for p in model.parameters()] == ["0.weight", "0.bias", "2.weight", "my bias"]
    outer = nn.Sequential(model)  # a model called inside a bigger one is renamed on its first call
    outer(Tensor(np.ones((1, 3), np.float32)))
    assert [p.label for p in outer.parameters()] == ["0.0.weight", "0.0.bias", "0.2.weight", "my bias"]


def test_steps_replay_a_tensor_backward_without_touching_it():
    W, x, h, loss = small_graph()
    before = W.grad.copy()
    frames = viz.backward_steps(loss, precision=17)
    assert len(frames) == len(topo_sort(loss)) == 8
    assert np.array_equal(W.grad, before)
    assert "Step 8 of 8" in frames[-1].source


def test_steps_need_a_one_element_root():
    W = Tensor(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(ValueError, match=r"one-element root.*shape \(2, 2\).*\.sum\(\)"):
        viz.backward_steps(W * 2.0)


def test_explain_gives_a_shape_level_derivation_with_the_engines_numbers():
    W, x, h, loss = small_graph()
    text = viz.explain(W, loss)
    assert text.startswith("W.grad (2×3 float64) = [xᵀ · t1.grad] = [[")
    assert "note" not in text
    shown = [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", text.split("] = ", 1)[1])]
    assert np.allclose(shown, W.grad.ravel(), rtol=1e-5)
    lines = viz.explain(loss).splitlines()
    assert len(lines) == 8 and lines[0].startswith("loss.grad = 1")
    assert any(line.startswith("h.grad (1×3 float64) = [t2.grad ⊙ h] + [t2.grad ⊙ h] + ")
               for line in lines)
    assert "x.grad (1×2 float64): none, x does not require grad (a constant or data)" in lines


def test_explain_refuses_to_mix_engines():
    *_, loss = small_graph()
    with pytest.raises(TypeError, match="different engines"):
        viz.explain(Value(1.0), root=loss)


def test_tensor_labels_are_escaped():
    t = Tensor(np.ones(2), requires_grad=True, label="<W&\"\\>")
    out = (t * 2.0).sum()
    out.backward()
    source = viz.draw(out).source
    assert "&lt;W&amp;&quot;&#92;&gt;" in source and "<W&" not in source


def test_a_large_tensor_graph_gets_the_summary():
    x = Tensor(np.ones(3), requires_grad=True, label="x")
    out = x
    for _ in range(30):
        out = out * 1.0
    out = out.sum()
    out.backward()
    source = viz.draw(out, max_nodes=20).source
    assert "Summary only: this graph has 62 nodes, more than max_nodes=20" in source
    assert "root: shape scalar float64, data 3, grad 1" in source


@pytest.mark.dot
def test_an_mlp_forward_graph_renders(tmp_path):
    with_grads = viz.draw(mlp_loss(), collapse_modules=True)
    path = with_grads.render(tmp_path / "mlp", format="svg")
    assert "Linear(784→100)" in open(path, encoding="utf-8").read()


def test_summaries_of_big_arrays_are_float64_accurate_in_chunks():
    values = np.random.default_rng(1).standard_normal((1 << 20) + 7).astype(np.float32) + 3.0
    mean, norm = tensor_nodes._mean_norm(values)
    exact = values.astype(np.float64)
    assert abs(mean - exact.mean()) <= 1e-12 * abs(exact.mean())
    assert abs(norm - np.linalg.norm(exact)) <= 1e-12 * np.linalg.norm(exact)
    assert tensor_nodes.summary(values, 4) == f"mean {exact.mean():.4g}, ‖·‖ {np.linalg.norm(exact):.4g}"


def test_explaining_a_tensor_graph_before_backward_says_to_run_it():
    W = Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    loss = (W * 3.0).sum()
    loss.label = "loss"
    assert viz.explain(loss).startswith("loss.grad is zero: call loss.backward() before")


def test_a_broadcast_operand_says_its_share_is_summed_back():
    x = Tensor(np.ones((2, 3)), requires_grad=True, label="x")
    b = Tensor(np.zeros(3), requires_grad=True, label="b")
    y = (x + b).sum()
    y.backward()
    edges = [line for line in viz.draw(y).source.splitlines() if "->" in line]
    summed = [line for line in edges if "summed to shape (3,)" in line]
    assert len(summed) == 1 and "sends [2, 2, 2]" in summed[0]
    assert not any("summed to shape (2, 3)" in line for line in edges)


def test_drawing_and_explaining_leave_unset_grads_unset():
    # Reading .grad stores zeros and sets has_grad, so an optimizer would then step a
    # parameter that zero_grad() had reset (AdamW decays it, momentum moves it).
    model = nn.MLP(3, [4, 2], rng=0)
    loss = nn.functional.cross_entropy(model(Tensor(np.ones((2, 3), np.float32))), np.array([0, 1]))
    model.zero_grad()
    viz.draw(loss)
    viz.explain(loss)
    viz.explain(model.parameters()[0], root=loss)
    assert not any(p.has_grad for p in model.parameters())
    before = [p.data.copy() for p in model.parameters()]
    nn.optim.AdamW(model.parameters(), lr=0.1).step()
    assert all(np.array_equal(b, p.data) for b, p in zip(before, model.parameters()))


def test_each_edge_label_runs_only_its_own_vjp():
    a = Tensor(np.ones((2, 3)), requires_grad=True, label="a")
    b = Tensor(np.full((2, 3), 2.0), requires_grad=True, label="b")
    prod = a * b
    loss = prod.sum()
    loss.backward()
    calls = []

    def counting(vjp, index):
        def wrapped(*args):
            calls.append(index)
            return vjp(*args)
        return wrapped

    prod.local_grads = tuple(counting(v, i) for i, v in enumerate(prod.local_grads))
    viz.draw(loss)
    assert sorted(calls) == [0, 1]  # one VJP per edge, not every parent's per edge


def test_a_forward_only_graph_draws_even_where_a_slope_is_infinite():
    x = Tensor(np.array([0.0, 4.0]), requires_grad=True, label="x")
    y = x.sqrt().sum()  # sqrt's derivative at 0 is infinite, but no gradient flows yet
    source = viz.draw(y).source  # no backward yet: rules only, grads not computed
    assert "sends" not in source and "not computed" in source
    assert not x.has_grad
