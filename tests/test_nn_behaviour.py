"""Dropout, argument checking and the unbatched form of our recurrent networks."""

import pytest
import torch
from torch import nn

import rnnlab.nn


@pytest.mark.parametrize("cls", [rnnlab.nn.RNN, rnnlab.nn.GRU, rnnlab.nn.LSTM])
def test_dropout_between_layers_only_in_training(cls):
    torch.manual_seed(0)
    model = cls(4, 8, num_layers=2, dropout=0.5)
    inputs = torch.randn(6, 3, 4)
    model.train()
    first, second = model(inputs)[0], model(inputs)[0]
    assert not torch.equal(first, second)
    model.eval()
    first, second = model(inputs)[0], model(inputs)[0]
    assert torch.equal(first, second)


def test_single_layer_ignores_dropout_like_torch():
    torch.manual_seed(0)
    model = rnnlab.nn.GRU(4, 8, dropout=0.5).train()
    inputs = torch.randn(6, 3, 4)
    assert torch.equal(model(inputs)[0], model(inputs)[0])


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"input_size": 0, "hidden_size": 4}, "input_size"),
        ({"input_size": 3, "hidden_size": -1}, "hidden_size"),
        ({"input_size": 3, "hidden_size": 4, "num_layers": 0}, "num_layers"),
        ({"input_size": 3, "hidden_size": 4, "dropout": 1.5}, "dropout"),
        ({"input_size": 3, "hidden_size": 4, "nonlinearity": "sigmoid"}, "nonlinearity"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        rnnlab.nn.RNN(**kwargs)


def test_wrong_feature_size_names_input_size():
    model = rnnlab.nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match="Expected 3, got 5"):
        model(torch.randn(2, 2, 5))


def test_wrong_hx_shape_is_reported():
    model = rnnlab.nn.GRU(3, 4, num_layers=2)
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(2, 5, 4\), got \[1, 5, 4\]"):
        model(torch.randn(7, 5, 3), torch.zeros(1, 5, 4))


def test_lstm_hx_needs_both_states():
    model = rnnlab.nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match="2 tensor"):
        model(torch.randn(7, 5, 3), torch.zeros(1, 5, 4))


def test_from_torch_rejects_other_module_types():
    with pytest.raises(ValueError, match="must be a LSTM"):
        rnnlab.nn.LSTM.from_torch(nn.GRU(3, 4))


@pytest.mark.parametrize("cls", [nn.RNN, nn.GRU, nn.LSTM])
def test_unbatched_input_matches_torch(cls):
    reference = cls(3, 4, num_layers=2, bidirectional=True).double()
    ours = getattr(rnnlab.nn, cls.__name__).from_torch(reference)
    inputs = torch.randn(6, 3, dtype=torch.float64)
    ours_output, ours_hidden = ours(inputs)
    ref_output, ref_hidden = reference(inputs)
    torch.testing.assert_close(ours_output, ref_output, rtol=0, atol=1e-10)
    torch.testing.assert_close(ours_hidden, ref_hidden, rtol=0, atol=1e-10)


def test_from_torch_keeps_dtype_and_bias_choice():
    reference = nn.LSTM(3, 4, bias=False).double()
    ours = rnnlab.nn.LSTM.from_torch(reference)
    assert all(p.dtype == torch.float64 for p in ours.parameters())
    assert set(dict(ours.named_parameters())) == {"weight_ih_l0", "weight_hh_l0"}
