"""BatchNorm1d / BatchNorm2d: PyTorch step by step, buffers in checkpoints, gradients, bad input."""
from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor, gradcheck, no_grad


def _x(shape, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return Tensor((rng.normal(size=shape) * 3 + 1).astype(dtype), requires_grad=True)


CASES = [(nn.BatchNorm1d, "BatchNorm1d", (6, 4)), (nn.BatchNorm1d, "BatchNorm1d", (3, 4, 5)),
         (nn.BatchNorm2d, "BatchNorm2d", (3, 4, 5, 2)), (nn.BatchNorm2d, "BatchNorm2d", (1, 4, 2, 1))]


@pytest.mark.torch
@pytest.mark.parametrize("ours_cls, name, shape", CASES)
def test_train_and_eval_match_torch_step_by_step(ours_cls, name, shape):
    torch = pytest.importorskip("torch")
    ours = ours_cls(4, momentum=0.2, dtype=np.float64)
    theirs = getattr(torch.nn, name)(4, momentum=0.2).double()
    opt = nn.optim.SGD(ours.parameters(), lr=0.1)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.1)
    for step in range(4):
        x = _x(shape, seed=step)
        tx = torch.tensor(x.data, requires_grad=True)
        w = np.random.default_rng(10 + step).normal(size=shape)
        out, ref = ours(x), theirs(tx)
        np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
        (out * w).sum().backward()
        (ref * torch.from_numpy(w)).sum().backward()
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-10)
        np.testing.assert_allclose(ours.bias.grad, theirs.bias.grad.numpy(), rtol=1e-10)
        opt.step(), topt.step()
        opt.zero_grad(), topt.zero_grad()
        np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-12)
        assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked) == step + 1
    ours.eval(), theirs.eval()
    x = _x(shape, seed=99)
    tx = torch.tensor(x.data, requires_grad=True)
    out, ref = ours(x), theirs(tx)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    (out ** 2).sum().backward()
    (ref ** 2).sum().backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-10)
    assert int(ours.num_batches_tracked) == 4  # evaluation leaves the statistics alone


def test_training_normalises_each_channel_and_is_differentiable():
    bn = nn.BatchNorm2d(3, dtype=np.float64)
    x = _x((4, 3, 2, 2))
    out = bn(x).data
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, rtol=1e-4)  # eps = 1e-5 shrinks it
    bn.weight.data[...] = [1.5, -0.5, 2.0]
    bn.bias.data[...] = [0.1, 0.2, -0.3]
    weights = Tensor(np.random.default_rng(1).normal(size=x.shape))
    gradcheck(lambda x, g, b: (bn(x) * weights).sum(), [x, bn.weight, bn.bias])


def test_float32_stays_float32():
    bn = nn.BatchNorm1d(5)
    out = bn(Tensor(np.random.default_rng(0).normal(size=(8, 5)).astype(np.float32)))
    assert out.dtype == np.float32 and bn.running_var.dtype == np.float32
    with no_grad():
        assert bn.eval()(Tensor(np.ones((1, 5), np.float32))).dtype == np.float32


def test_buffers_are_in_the_state_dict_and_checkpoints(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 3, rng=0), nn.BatchNorm2d(2), nn.Flatten(),
                          nn.Linear(2, 3), nn.BatchNorm1d(3))
    for seed in range(3):
        model(_x((4, 1, 3, 3), seed=seed, dtype=np.float32))
    state = model.state_dict()
    assert [k for k in state if not k.endswith(("weight", "bias"))] == [
        "1.running_mean", "1.running_var", "1.num_batches_tracked",
        "4.running_mean", "4.running_var", "4.num_batches_tracked"]
    assert int(state["1.num_batches_tracked"]) == 3 and state["1.running_var"].dtype == np.float32
    assert [name for name, _ in model.named_buffers()] == [k for k in state if "running" in k
                                                           or "tracked" in k]
    assert all(p.requires_grad for p in model.parameters()) and len(model.parameters()) == 8
    nn.save(model, tmp_path / "bn.npz")
    fresh = nn.Sequential(nn.Conv2d(1, 2, 3, rng=1), nn.BatchNorm2d(2), nn.Flatten(),
                          nn.Linear(2, 3), nn.BatchNorm1d(3))
    buffer = fresh[1].running_mean
    nn.load(fresh, tmp_path / "bn.npz")
    assert fresh[1].running_mean is buffer  # loaded in place
    for key, value in fresh.state_dict().items():
        np.testing.assert_array_equal(value, state[key])
    x = _x((2, 1, 3, 3), seed=5, dtype=np.float32)
    np.testing.assert_array_equal(model.eval()(x).data, fresh.eval()(x).data)


def test_a_checkpoint_without_the_buffers_is_refused_whole(tmp_path):
    bn = nn.BatchNorm1d(3)
    state = bn.state_dict()
    del state["running_var"]
    state["running_mean"] = np.zeros(4, np.float32)
    with pytest.raises(ValueError) as info:
        bn.load_state_dict(state)
    assert "missing: 'running_var'" in str(info.value)
    assert "'running_mean': shape (4,) in the state, (3,) in the model" in str(info.value)


@pytest.mark.parametrize("module, shape", [(nn.BatchNorm1d(3), (1, 3)),
                                           (nn.BatchNorm2d(3), (1, 3, 1, 1))])
def test_one_value_per_channel_in_training_is_refused_like_torch(module, shape):
    with pytest.raises(ValueError) as info:
        module(Tensor(np.ones(shape, np.float32)))
    message = str(info.value)
    assert message.startswith("batch_norm: expected more than 1 value per channel when training")
    assert str(shape) in message and "\n" not in message
    assert int(module.num_batches_tracked) == 0
    module.eval()
    assert module(Tensor(np.ones(shape, np.float32))).shape == shape  # fine in evaluation


def test_bad_input_and_arguments():
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\): expected input of shape \(N, C, H, W\) "
                                         r"with C = 3, got shape \(2, 3\)"):
        nn.BatchNorm2d(3)(Tensor(np.ones((2, 3), np.float32)))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\): .* got shape \(2, 4\)"):
        nn.BatchNorm1d(3)(Tensor(np.ones((2, 4), np.float32)))
    with pytest.raises(TypeError, match="input dtype float64 does not match the layer's float32"):
        nn.BatchNorm1d(3)(Tensor(np.ones((2, 3))))
    with pytest.raises(ValueError, match="momentum must be a number in"):
        nn.BatchNorm1d(3, momentum=1.5)
    with pytest.raises(ValueError, match="eps must be a positive number"):
        nn.BatchNorm1d(3, eps=0)
    assert nn.BatchNorm1d(3, affine=False).parameters() == []
    assert repr(nn.BatchNorm2d(8)) == "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True)"
