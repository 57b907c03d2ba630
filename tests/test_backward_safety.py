"""backward never leaves a wrong number behind: non-finite leaf gradients, data changed
between forward and backward, reads of .grad, and stale gradients in diagrams."""
from __future__ import annotations

import numpy as np
import pytest

import nn
import viz
from autograd import Tensor, Value, detect_anomaly


def test_a_nan_gradient_under_a_finite_loss_is_refused_naming_leaf_and_op():
    x = Tensor(np.array([1e-39, 1.0], np.float32), requires_grad=True, label="x")
    with np.errstate(all="ignore"):
        loss = (1 / x).tanh().sum()
        assert np.isfinite(loss.data)
        with pytest.raises(ValueError, match=r"gradient of 'x'.*inf or nan.*'/' op"):
            loss.backward()
    assert not x.has_grad  # nothing was written


def test_an_overflowing_power_under_sigmoid_is_refused():
    x = Tensor(np.array([1e20, 0.5], np.float32), requires_grad=True, label="x")
    with np.errstate(all="ignore"):
        loss = (x ** 3).sigmoid().sum()
        assert np.isfinite(loss.data)
        with pytest.raises(ValueError, match=r"gradient of 'x' .*inf or nan.*'\*\*3' op"):
            loss.backward()


def test_an_infinite_gradient_from_a_finite_forward_pass_names_its_op():
    x = Tensor(np.array([1e-45, 1.0], np.float32), requires_grad=True, label="x")
    loss = x.log().sum()  # log(1e-45) = -103.3 is finite; its slope 1/x is not, in float32
    with np.errstate(all="ignore"), pytest.raises(ValueError, match=r"'log' op"):
        loss.backward()


def test_huge_but_finite_gradients_are_accepted():
    # The leaf check sums squares, which overflow here (3e38² > float32's max): only an
    # elementwise look may decide, and it finds every element finite.
    x = Tensor(np.array([1.0, -1.0], np.float32), requires_grad=True)
    (x * 3e38).sum().backward()  # the loss is 0
    assert x.grad.tolist() == [np.float32(3e38)] * 2


def test_a_nan_among_huge_gradients_is_refused():
    x = Tensor(np.array([1.0, -1.0, 1e-39], np.float32), requires_grad=True, label="x")
    scale = Tensor(np.array([3e38, 3e38, 0.0], np.float32))
    with np.errstate(all="ignore"):
        loss = (x * scale).sum() + (1 / x).tanh().sum()  # finite; x's grad is [3e38, 3e38, nan]
        with pytest.raises(ValueError, match=r"gradient of 'x' .*inf or nan"):
            loss.backward()


def test_detect_anomaly_names_the_op_and_the_line_that_made_inf():
    x = Tensor(np.array([1e30, 1.0], np.float32), requires_grad=True)
    with detect_anomaly(), np.errstate(all="ignore"):
        with pytest.raises(ValueError, match=r"'\*' op made inf or nan at .*test_backward_safety.py:\d+"):
            x * x


def test_detect_anomaly_reports_the_first_non_finite_gradient_share():
    x = Tensor(np.array([1e-45, 1.0], np.float32), requires_grad=True)
    with detect_anomaly(), np.errstate(all="ignore"):
        loss = x.log().sum()
        with pytest.raises(ValueError,
                           match=r"backward of the 'log' op \(created at .*test_backward_safety.py:\d+\) sent inf"):
            loss.backward()


def test_changing_data_in_place_between_forward_and_backward_is_refused():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True, label="w")
    loss = (w * w).sum()
    w.data -= 10.0
    with pytest.raises(RuntimeError, match=r"'w' was modified in place after the '\*' op saved it"):
        loss.backward()


def test_edits_before_the_forward_pass_or_to_other_tensors_are_allowed():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    other = Tensor(np.array([5.0]), requires_grad=True)
    w.data -= 1.0  # before the graph is made
    loss = (w * w).sum()
    other.data += 1.0  # not in this graph
    loss.backward()
    assert w.grad.tolist() == [0.0, 2.0] and w.version == 1


def test_editing_an_intermediate_result_is_refused():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    h = w * 3.0
    loss = (h * h).sum()
    h.data = h.data + 1.0
    with pytest.raises(RuntimeError, match=r"modified in place after the '\*' op saved it"):
        loss.backward()


def test_an_optimizer_step_between_forward_and_backward_is_refused():
    model = nn.Linear(3, 2)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    x = Tensor(np.ones((4, 3), np.float32))
    model(x).sum().backward()
    loss = model(x).sum()
    opt.step()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()
    model.zero_grad()
    model(x).sum().backward()  # the usual order still works
    opt.step()


def test_value_zero_to_the_zero_is_one_with_zero_gradients():
    a, b = Value(0.0), Value(0.0)
    c = a ** b
    c.backward()
    assert (c.data, a.grad, b.grad) == (1.0, 0.0, 0.0)


def test_reading_grad_never_changes_training():
    def run(read: bool) -> np.ndarray:
        w = nn.Parameter(np.array([1.0, -2.0], np.float32))
        opt = nn.optim.SGD([w], lr=0.1, momentum=0.9)
        (w * w).sum().backward()
        opt.step()
        opt.zero_grad()
        if read:
            assert not w.grad.any()
        opt.step()  # no gradient since zero_grad(): the weights must not move
        return w.data.copy()
    np.testing.assert_array_equal(run(read=True), run(read=False))


def test_a_diagram_of_another_root_shows_no_stale_gradients():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + a
    c.backward()
    d = a * b
    source = viz.draw(d).source
    assert "not computed" in source and "-2" not in source
    assert "grad" in viz.draw(c).source and "not computed" not in viz.draw(c).source


def test_a_derivative_graph_is_drawn_with_its_backward_nodes_marked_and_explained():
    from autograd import grad

    x = Value(0.5, label="x")
    (dy,) = grad(x.tanh() * x, x, create_graph=True)
    dy.backward()
    source = viz.draw(dy).source
    assert "backward of tanh" in source and "#e5dbff" in source
    text = viz.explain(x, root=dy)
    assert text.startswith("x.grad =") and "note" not in text
