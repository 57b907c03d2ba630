"""nn.Module: parameter discovery and order, modes, state dicts, repr and diagram scopes."""
from __future__ import annotations

import re

import numpy as np
import pytest

import nn
from autograd import Tensor, Value


class Pair(nn.Module):
    def __init__(self):
        self.second = nn.Linear(3, 2, rng=0)
        self.first = nn.Linear(2, 3, rng=1)
        self.scale = nn.Parameter(np.ones(1, np.float32))
        self.note = "not a parameter"

    def forward(self, x):
        return self.second(self.first(x).relu()) * self.scale


class Forgetful(nn.Module):
    def __init__(self):  # no super().__init__(): must still work
        self.w = nn.Parameter(np.ones(2))

    def forward(self, x):
        return x * self.w


def test_parameters_follow_attribute_assignment_order_recursively():
    names = [n for n, _ in Pair().named_parameters()]
    assert names == ["second.weight", "second.bias", "first.weight", "first.bias", "scale"]


def test_lists_of_modules_and_sequential_are_walked_in_order():
    model = nn.MLP(4, [3, 2])
    assert [n for n, _ in model.named_parameters()] == [
        "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]
    seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1, bias=False))
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight"]
    assert [p for p in seq.parameters()] == [seq[0].weight, seq[0].bias, seq[2].weight]


def test_dicts_of_modules_and_parameters_are_walked():
    class Heads(nn.Module):
        def __init__(self):
            self.heads = {"a": nn.Linear(2, 1, bias=False), "b": nn.Linear(2, 1, bias=False)}
            self.extra = (nn.Parameter(np.zeros(1)),)
            self.config = {"lr": 0.1}
    assert [n for n, _ in Heads().named_parameters()] == ["heads.a.weight", "heads.b.weight", "extra.0"]
    assert [n for n, _ in Heads().named_children()] == ["heads.a", "heads.b"]


def test_shared_parameters_and_modules_are_yielded_once():
    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(seq.parameters()) == 2
    tied = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    tied[1].weight = tied[0].weight
    assert [n for n, _ in tied.named_parameters()] == ["0.weight", "0.bias", "1.bias"]


def test_parameters_are_the_objects_the_forward_pass_uses():
    model = Pair()
    out = model(Tensor(np.ones((1, 2), np.float32))).sum()
    out.backward()
    for name, p in model.named_parameters():
        assert p.grad.shape == p.data.shape, name
    assert np.any(model.scale.grad != 0)


def test_a_module_that_skips_super_init_still_works():
    m = Forgetful()
    assert m.training and len(m.parameters()) == 1
    assert m(Tensor(np.ones(2))).shape == (2,)


def test_train_and_eval_are_recursive_and_return_self():
    model = nn.MLP(2, [4, 4, 1], dropout=0.5)
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    assert model.train() is model
    assert all(m.training for m in model.modules())
    with pytest.raises(TypeError, match="mode must be a bool"):
        model.train("no")


def test_zero_grad_clears_tensor_and_value_parameters():
    model = Pair()
    model(Tensor(np.ones((1, 2), np.float32))).sum().backward()
    model.zero_grad()
    assert all(not p.grad.any() for p in model.parameters())
    smlp = nn.scalar.MLP(2, [2, 1])
    smlp([1.0, 2.0]).backward()
    smlp.zero_grad()
    assert all(p.grad == 0.0 for p in smlp.parameters())


def test_state_dict_round_trip_copies_in_place():
    a, b = Pair(), Pair()
    weight = b.first.weight
    state = a.state_dict()
    assert list(state) == [n for n, _ in a.named_parameters()]
    b.load_state_dict(state)
    assert b.first.weight is weight  # same object: optimizers keep working
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data)
    state["first.weight"][...] = 7.0  # a copy: editing it does not touch the model
    assert not np.any(a.first.weight.data == 7.0)


def test_scalar_state_dict_holds_0d_float64_arrays():
    model = nn.scalar.MLP(2, [2, 1], rng=0)
    state = model.state_dict()
    assert all(v.shape == () and v.dtype == np.float64 for v in state.values())
    assert list(state)[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                               "layers.0.neurons.0.b"]
    other = nn.scalar.MLP(2, [2, 1], rng=1)
    other.load_state_dict(state)
    assert other([0.3, -0.2]).data == model([0.3, -0.2]).data
    assert all(type(p.data) is float for p in other.parameters())


def test_load_state_dict_lists_every_difference_and_loads_nothing():
    model = Pair()
    before = {n: p.data.copy() for n, p in model.named_parameters()}
    state = model.state_dict()
    state["first.weight"] = np.zeros((3, 2), np.float32)            # shape
    state["second.bias"] = state["second.bias"].astype(np.float64)  # dtype
    del state["scale"]                                              # missing
    state["extra"] = np.zeros(1)                                    # unexpected
    state["second.weight"] = np.full((3, 2), 9.0, np.float32)       # fine, must not load
    with pytest.raises(ValueError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    assert "4 problems" in message
    assert "missing: 'scale'" in message and "unexpected: 'extra'" in message
    assert "'first.weight': shape (3, 2) in the state, (2, 3) in the model" in message
    assert "'second.bias': dtype float64 in the state, float32 in the model" in message
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.data, before[name])


def test_load_state_dict_refuses_non_finite_scalars_and_non_mappings():
    model = nn.scalar.Neuron(1, rng=0)
    with pytest.raises(ValueError, match=r"'w.0': value nan at index \(\) is not finite"):
        model.load_state_dict({"w.0": np.array(np.nan), "b": np.array(0.0)})
    with pytest.raises(TypeError, match="expected a mapping"):
        model.load_state_dict([("w.0", 1.0)])


def test_load_state_dict_is_all_or_nothing():
    model = Pair()
    before = {n: p.data.copy() for n, p in model.named_parameters()}
    state = {n: np.ones_like(a) for n, a in model.state_dict().items()}
    state["second.weight"][2, 1] = np.inf
    model.scale.data.flags.writeable = False  # assigned last
    with pytest.raises(ValueError) as info:
        model.load_state_dict(state)
    assert "'second.weight': value inf at index (2, 1) is not finite" in str(info.value)
    assert "'scale': the model's array is read-only" in str(info.value)
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.data, before[name])


def test_repr_is_nested_like_pytorch():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Dropout(0.25))))
    assert text == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True, dtype=float32)\n"
        "  (1): Sequential(\n"
        "    (0): ReLU()\n"
        "    (1): Dropout(p=0.25)\n"
        "  )\n"
        ")"
    )


def test_module_calls_tag_nodes_with_nested_scopes():
    model = nn.MLP(3, [4, 2])
    out = model(Tensor(np.ones((5, 3), np.float32)))
    lin = model.layers[2]
    assert out.scope == f"MLP(3→4→2)#{model._uid}/Linear(4→2)#{lin._uid}"
    assert model.scope_name == f"MLP(3→4→2)#{model._uid}"
    hidden = out.parents[0]  # linear(h, W, b): one fused node  ->  h = relu(...)
    assert hidden.op == "relu"
    assert hidden.scope == f"MLP(3→4→2)#{model._uid}/ReLU()#{model.layers[1]._uid}"
    from autograd.recording import state
    assert state.scope is None  # restored after the call


def test_scope_is_restored_when_forward_raises():
    from autograd.recording import scope, state
    with scope("outer"):
        with pytest.raises(ValueError):
            nn.Linear(3, 2)(Tensor(np.ones((1, 4), np.float32)))
        assert state.scope == "outer"


def test_uids_are_unique_and_titles_match_the_contract():
    a, b = nn.Linear(784, 100), nn.Linear(784, 100)
    assert a.scope_name != b.scope_name
    pattern = re.compile(r"^(Linear\(784→100\))#(\d+)$")
    assert pattern.match(a.scope_name) and pattern.match(b.scope_name)
    assert nn.ReLU().display() == "ReLU()"
    assert nn.MLP(784, [100, 10]).display() == "MLP(784→100→10)"


def test_copies_get_their_own_uid_and_parameters():
    import copy
    import pickle
    model = nn.MLP(3, [4, 2])
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert clone.scope_name != model.scope_name
        assert clone.layers[0].scope_name != model.layers[0].scope_name
        assert clone.layers[0].weight is not model.layers[0].weight
        np.testing.assert_array_equal(clone.layers[0].weight.data, model.layers[0].weight.data)
        x = Tensor(np.ones((1, 3), np.float32))
        np.testing.assert_array_equal(clone(x).data, model(x).data)


def test_scalar_modules_tag_value_nodes():
    model = nn.scalar.MLP(2, [1])
    out = model([Value(1.0), 2.0])
    neuron = model.layers[0].neurons[0]
    assert out.scope.endswith(f"/Neuron(2, linear)#{neuron._uid}")
    assert out.scope.startswith(f"MLP(2→1)#{model._uid}/Layer(2→1, linear)#")


def test_forward_must_be_defined():
    class Empty(nn.Module):
        pass
    with pytest.raises(NotImplementedError, match="Empty must define forward"):
        Empty()(1)
