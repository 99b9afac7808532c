import pytest
import torch
from committed import forecast_config

from rnnlab.forecast.evaluate import errors, hold_last, repeat_last_day
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
@pytest.mark.parametrize("base", ["none", "hold_last", "repeat_last_24h"])
def test_forecaster_corrects_its_base_forecast(cell, base):
    torch.manual_seed(0)
    config = forecast_config(cell=cell, features=3, target_steps=150, target_feature=1, hidden=4, base=base)
    model = Forecaster(config).eval()  # the head starts at zero
    inputs = torch.randn(2, 200, 3)
    expected = {
        "none": torch.zeros(2, 150),
        "hold_last": inputs[:, -1, 1:2].expand(-1, 150),
        "repeat_last_24h": torch.cat([inputs[:, -144:, 1], inputs[:, -144:-138, 1]], dim=1),
    }[base]
    assert torch.equal(model(inputs), expected)


def test_unknown_base_is_named():
    with pytest.raises(ValueError, match="base must be one of"):
        forecast_config(cell="gru", features=3, target_steps=5, target_feature=1, base="climatology")
