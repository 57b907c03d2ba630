"""nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d and nn.Flatten: shapes, init, PyTorch, scopes, bad input."""
from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor, gradcheck


def _x(shape, seed=0, dtype=np.float32):
    return Tensor(np.random.default_rng(seed).normal(size=shape).astype(dtype), requires_grad=True)


def test_conv2d_shapes_dtype_and_zero_bias():
    conv = nn.Conv2d(3, 8, 3, padding=1)
    assert conv.weight.shape == (8, 3, 3, 3) and conv.weight.dtype == np.float32
    assert conv.bias.shape == (8,) and not conv.bias.data.any()
    out = conv(_x((2, 3, 10, 9)))
    assert out.shape == (2, 8, 10, 9) and out.dtype == np.float32
    assert nn.Conv2d(3, 8, (3, 1), stride=2, bias=False)(_x((2, 3, 10, 9))).shape == (2, 8, 4, 5)
    assert len(nn.Conv2d(3, 8, 3, bias=False).parameters()) == 1


def test_conv2d_he_init_scales_by_the_fan_in():
    w = nn.Conv2d(16, 64, 5, rng=0).weight.data
    assert abs(w.std() / np.sqrt(2 / (16 * 25)) - 1) < 0.03
    np.testing.assert_array_equal(nn.Conv2d(2, 3, 3, rng=4).weight.data,
                                  nn.Conv2d(2, 3, 3, rng=4).weight.data)
    assert nn.Conv2d(2, 3, 3, init=0.5, rng=1).weight.data.std() > 0.3


def test_conv2d_gradcheck_with_bias():
    conv = nn.Conv2d(2, 3, (2, 3), stride=(1, 2), padding=1, dtype=np.float64, rng=0)
    conv.bias.data[...] = [0.1, -0.2, 0.3]
    x = _x((2, 2, 4, 5), dtype=np.float64)
    gradcheck(lambda x, w, b: (conv(x) ** 2).sum(), [x, conv.weight, conv.bias])


@pytest.mark.torch
def test_layers_match_torch_modules():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1, dtype=np.float64, rng=0),
                         nn.ReLU(), nn.MaxPool2d(2, stride=1), nn.AvgPool2d((2, 1)), nn.Flatten())
    ours[0].bias.data[...] = [0.5, -0.5, 0.25, 0.0]
    theirs = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, stride=2, padding=1).double(),
                                 torch.nn.ReLU(), torch.nn.MaxPool2d(2, stride=1),
                                 torch.nn.AvgPool2d((2, 1)), torch.nn.Flatten())
    with torch.no_grad():
        theirs[0].weight.copy_(torch.from_numpy(ours[0].weight.data))
        theirs[0].bias.copy_(torch.from_numpy(ours[0].bias.data))
    x = _x((2, 3, 9, 8), dtype=np.float64)
    tx = torch.tensor(x.data, requires_grad=True)
    out, ref = ours(x), theirs(tx)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    (out ** 2).sum().backward()
    (ref ** 2).sum().backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[0].weight.grad, theirs[0].weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours[0].bias.grad, theirs[0].bias.grad.numpy(), rtol=1e-10)


def test_pools_and_flatten():
    x = _x((2, 3, 6, 5))
    assert nn.MaxPool2d(2)(x).shape == (2, 3, 3, 2)
    assert nn.AvgPool2d(3, stride=1, padding=1)(x).shape == (2, 3, 6, 5)
    flat = nn.Flatten()(x)
    assert flat.shape == (2, 90)
    np.testing.assert_array_equal(flat.data, x.data.reshape(2, -1))


def test_names_in_diagrams_and_repr():
    conv = nn.Conv2d(1, 16, 3, padding=1)
    assert conv.display() == "Conv2d(1→16, 3, padding=1)"
    assert nn.Conv2d(4, 8, (3, 5), stride=2).display() == "Conv2d(4→8, 3×5, stride=2)"
    assert nn.MaxPool2d(2).display() == "MaxPool2d(2)"
    assert nn.AvgPool2d(3, stride=1, padding=1).display() == "AvgPool2d(3, stride=1, padding=1)"
    assert repr(conv) == ("Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), "
                          "bias=True, dtype=float32)")
    out = nn.Sequential(conv, nn.MaxPool2d(2))(_x((1, 1, 4, 4)))
    assert out.scope.endswith(f"/MaxPool2d(2)#{out.scope.split('#')[-1]}")
    assert out.parents[0].scope.split("/")[-1].startswith("Conv2d(1→16, 3, padding=1)#")


def test_bad_arguments_when_building():
    with pytest.raises(ValueError, match="Conv2d: stride must be >= 1, got 0"):
        nn.Conv2d(1, 2, 3, stride=0)
    with pytest.raises(TypeError, match="Conv2d: kernel_size must be an int or a pair"):
        nn.Conv2d(1, 2, 2.5)
    with pytest.raises(ValueError, match="Conv2d: in_channels must be >= 1"):
        nn.Conv2d(0, 2, 3)
    with pytest.raises(ValueError, match=r"MaxPool2d: padding \(2, 2\) must be at most half"):
        nn.MaxPool2d(3, padding=2)
    with pytest.raises(ValueError, match="AvgPool2d: stride must be >= 1"):
        nn.AvgPool2d(2, stride=(1, 0))


def test_bad_input_at_call_time_is_one_line_with_the_shapes():
    conv = nn.Conv2d(3, 8, 3)
    with pytest.raises(ValueError) as info:
        conv(_x((3, 28, 28)))
    message = str(info.value)
    assert message.startswith("Conv2d(3→8, 3): expected a 4-D input (N, 3, H, W), got shape "
                              "(3, 28, 28)") and "\n" not in message
    with pytest.raises(ValueError, match=r"conv2d: input has 1 channels but the weight expects 3 "
                                         r"\(input \(2, 1, 8, 8\), weight \(8, 3, 3, 3\)"):
        conv(_x((2, 1, 8, 8)))
    with pytest.raises(ValueError, match=r"kernel 3×3 is larger than the padded input 2×2"):
        conv(_x((2, 3, 2, 2)))
    with pytest.raises(TypeError, match="input dtype float64 does not match weight dtype float32"):
        conv(_x((2, 3, 8, 8), dtype=np.float64))
    with pytest.raises(TypeError, match=r"Conv2d\(3→8, 3\): input must be a Tensor"):
        conv("image")
    with pytest.raises(ValueError, match=r"conv2d: bias of shape \(3,\)"):
        nn.functional.conv2d(_x((1, 3, 4, 4)), conv.weight, Tensor(np.zeros(3, np.float32)))
