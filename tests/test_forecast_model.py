import pytest
import torch
from torch import nn

from committed import FORECASTERS, forecast_config
from rnnlab.forecast.base import blend, fit_blend_decay, fit_linear, hold_last, lagged, repeat_last_day, weighted
from rnnlab.forecast.config import BASES
from rnnlab.forecast.evaluate import errors
from rnnlab.forecast.model import Forecaster


def test_hold_last_and_repeat_last_day_on_a_hand_checkable_series():
    history = torch.arange(288.0)[None]  # two days, one value per 10 minutes
    assert hold_last(history, 5).tolist() == [[287.0] * 5]
    repeated = repeat_last_day(history, 288 + 10)
    assert repeated[0, :144].tolist() == list(range(144, 288))
    assert repeated[0, 144:288].tolist() == list(range(144, 288))
    assert repeated[0, 288:].tolist() == list(range(144, 154))


def test_errors_overall_and_per_horizon_hour():
    true = torch.zeros(2, 12)
    predicted = torch.cat([torch.full((2, 6), 1.0), torch.full((2, 6), -3.0)], dim=1)
    result = errors(predicted, true)
    assert result["mae"] == pytest.approx(2.0)
    assert result["rmse"] == pytest.approx((5.0) ** 0.5)
    assert result["mae_by_hour"] == pytest.approx([1.0, 3.0])


@pytest.mark.parametrize("name", FORECASTERS)
@pytest.mark.parametrize("base", BASES)
def test_forecaster_corrects_its_base_forecast(name, base):
    torch.manual_seed(0)
    config = forecast_config(name, features=3, target_steps=150, target_feature=1, hidden=4, base=base)
    model = Forecaster(config).eval()  # the head starts at zero
    train_inputs = torch.randn(40, 480, 3).cumsum(1)  # three days and more: what the bases read back
    train_targets = train_inputs[:, -150:, 1] + 0.1 * torch.randn(40, 150)
    model.fit_base(train_inputs, train_targets)
    inputs = torch.randn(2, 480, 3)
    expected = {
        "none": torch.zeros(2, 150),
        "hold_last": inputs[:, -1, 1:2].expand(-1, 150),
        "repeat_last_24h": torch.cat([inputs[:, -144:, 1], inputs[:, -144:-138, 1]], dim=1),
        "blend": blend(inputs[:, :, 1], 150, fit_blend_decay(train_inputs[:, :, 1], train_targets)),
        "linear": weighted(inputs[:, :, 1], fit_linear(train_inputs[:, :, 1], train_targets)),
    }[base]
    assert torch.allclose(model(inputs), expected, atol=1e-6)


def test_blend_hands_over_from_the_last_value_to_the_last_day():
    history = torch.arange(288.0)[None]  # the last value 287; k steps ahead, yesterday's value was 143 + k
    forecast = blend(history, 288, decay_steps=6)
    weight = torch.exp(torch.tensor(-1 / 6)).item()
    assert forecast[0, 0].item() == pytest.approx(weight * 287 + (1 - weight) * 144, abs=1e-4)
    assert forecast[0, 99].item() == pytest.approx(243.0, abs=1e-3)  # 100 steps on: yesterday's value


def test_blend_decay_is_fitted_to_the_windows_it_is_given():
    torch.manual_seed(0)
    # A series that persists for about an hour, then follows the last day: the best decay is short.
    history = torch.randn(50, 288).cumsum(1)
    true = blend(history, 288, decay_steps=6) + 0.01 * torch.randn(50, 288)
    assert fit_blend_decay(history, true) == 6


def test_lags_on_a_hand_checkable_series():
    history = torch.arange(3 * 144.0)[None]  # three days; the last value 431
    differences = lagged(history, 2)[0] + 431
    # The same time one, two and three days before, then the values 1, 3, 6, 18 and 36 steps before the last.
    assert differences[0].tolist() == [288, 144, 0, 430, 428, 425, 413, 395]
    assert differences[1].tolist() == [289, 145, 1, 430, 428, 425, 413, 395]


def test_linear_base_recovers_the_weights_it_was_made_with():
    torch.manual_seed(0)
    history = torch.randn(300, 3 * 144).cumsum(1)
    weights = torch.randn(12, 8) / 8
    true = weighted(history, weights) + 0.001 * torch.randn(300, 12)
    assert torch.allclose(fit_linear(history, true), weights, atol=1e-3)


def test_unknown_base_is_named():
    with pytest.raises(ValueError, match="base must be one of"):
        forecast_config(cell="gru", features=3, target_steps=5, target_feature=1, base="climatology")


def test_a_segment_reader_steps_once_a_segment_over_every_value_of_it():
    torch.manual_seed(0)
    config = forecast_config(cell="gru", features=3, target_steps=6, target_feature=1, hidden=4, segment=4, base="none")
    model = Forecaster(config).eval()
    nn.init.normal_(model.head.weight)
    read = []
    model.recurrent.register_forward_hook(lambda module, inputs, output: read.append(inputs[0].shape))
    inputs = torch.randn(2, 12, 3)
    forecast = model(inputs)
    assert read == [(2, 3, 4)]  # 12 steps as 3 segments, each embedded to the hidden size
    # A value of the last segment reaches the forecast.
    changed = inputs.clone()
    changed[:, -1, 0] += 1.0
    assert not torch.allclose(model(changed), forecast)
