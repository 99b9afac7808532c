"""The simple forecasts the networks must beat: the last value held, and a linear map from the lookback to
the horizon fitted by least squares on the training windows (shared by every channel, each window's last value
taken out first, as NLinear does)."""

import torch

from rnnlab.long_horizon.data import windows

# Added to the normal equations' diagonal, relative to their mean diagonal: keeps the solve well posed where
# lagged values are nearly collinear, far below anything that would shrink the fit.
RIDGE = 1e-6


def repeat_last(history: torch.Tensor, horizon: int) -> torch.Tensor:
    """(windows, channels, steps) -> (windows, channels, horizon): each channel's last value."""
    return history[..., -1:].expand(-1, -1, horizon)


class Linear:
    """``weights`` (input_steps + 1, horizon): each channel's forecast from its last-value-levelled lookback
    and a constant."""

    def __init__(self, weights: torch.Tensor):
        self.weights = weights

    @classmethod
    def fit(cls, series: torch.Tensor, input_steps: int, horizon: int, batch_size: int = 1024) -> "Linear":
        """Least squares over every training window of ``series`` and every channel."""
        gram = torch.zeros(input_steps + 1, input_steps + 1, dtype=torch.float64)
        cross = torch.zeros(input_steps + 1, horizon, dtype=torch.float64)
        for chunk in windows(series, input_steps + horizon).split(batch_size):
            chunk = chunk - chunk[..., input_steps - 1 : input_steps]
            lookback = _with_constant(chunk[..., :input_steps].reshape(-1, input_steps))
            target = chunk[..., input_steps:].reshape(-1, horizon)
            # Each chunk's products in float32 (fast), summed over chunks in float64.
            gram += (lookback.T @ lookback).double()
            cross += (lookback.T @ target).double()
        gram += torch.eye(len(gram), dtype=torch.float64) * RIDGE * gram.diagonal().mean()
        return cls(torch.linalg.solve(gram, cross).float())

    def __call__(self, history: torch.Tensor) -> torch.Tensor:
        last = history[..., -1:]
        batch, channels, steps = history.shape
        levelled = _with_constant((history - last).reshape(-1, steps))
        return (levelled @ self.weights).reshape(batch, channels, -1) + last


def _with_constant(rows: torch.Tensor) -> torch.Tensor:
    return torch.cat([rows, rows.new_ones(len(rows), 1)], dim=1)
