"""Scoring forecasts as the benchmark does: MSE and MAE on the standardised values, averaged over every test
window, channel and step (no window left out), and the temperature channel's MAE in degrees Celsius."""

from collections.abc import Callable

import torch

from rnnlab.long_horizon.data import windows

Forecast = Callable[[torch.Tensor], torch.Tensor]


@torch.no_grad()
def score(forecast: Forecast, series: torch.Tensor, input_steps: int, horizon: int, batch_size: int = 256) -> dict:
    """``forecast`` ((windows, channels, input_steps) -> (windows, channels, horizon)) over every stride-1
    window of ``series`` (rows × channels): the mean squared and absolute errors, overall, by channel and by
    step ahead, summed in float64."""
    every = windows(series, input_steps + horizon)
    squared = torch.zeros(series.shape[1], horizon, dtype=torch.float64)
    absolute = torch.zeros_like(squared)
    for chunk in every.split(batch_size):
        error = (forecast(chunk[..., :input_steps]).float().cpu() - chunk[..., input_steps:]).double()
        squared += error.square().sum(0)
        absolute += error.abs().sum(0)
    squared, absolute = squared / len(every), absolute / len(every)
    return {
        "windows": len(every),
        "mse": squared.mean().item(),
        "mae": absolute.mean().item(),
        "mse_by_channel": squared.mean(1).tolist(),
        "mae_by_channel": absolute.mean(1).tolist(),
        "mse_by_step": squared.mean(0).tolist(),
        "mae_by_step": absolute.mean(0).tolist(),
    }


def model_forecast(model: torch.nn.Module) -> Forecast:
    """``model``'s forecasts, in eval mode, on its device."""
    model.eval()
    device = next(model.parameters()).device
    return lambda history: model(history.to(device))
