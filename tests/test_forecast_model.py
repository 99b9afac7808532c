import pytest
import torch
from committed import forecast_config

from rnnlab.forecast.config import BASES
from rnnlab.forecast.evaluate import blend, errors, fit_blend_decay, hold_last, repeat_last_day
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


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm", "bilstm"])
@pytest.mark.parametrize("base", BASES)
def test_forecaster_corrects_its_base_forecast(cell, base):
    torch.manual_seed(0)
    config = forecast_config(cell=cell, features=3, target_steps=150, target_feature=1, hidden=4, base=base)
    model = Forecaster(config).eval()  # the head starts at zero
    train_inputs = torch.randn(40, 200, 3).cumsum(1)
    model.fit_base(train_inputs, train_inputs[:, -150:, 1] + 0.1 * torch.randn(40, 150))
    inputs = torch.randn(2, 200, 3)
    expected = {
        "none": torch.zeros(2, 150),
        "hold_last": inputs[:, -1, 1:2].expand(-1, 150),
        "repeat_last_24h": torch.cat([inputs[:, -144:, 1], inputs[:, -144:-138, 1]], dim=1),
        "blend": blend(inputs[:, :, 1], 150, fit_blend_decay(train_inputs[:, :, 1], train_inputs[:, -150:, 1])),
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


def test_unknown_base_is_named():
    with pytest.raises(ValueError, match="base must be one of"):
        forecast_config(cell="gru", features=3, target_steps=5, target_feature=1, base="climatology")
