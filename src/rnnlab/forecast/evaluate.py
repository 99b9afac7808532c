"""Errors in degrees Celsius, overall and per horizon hour."""

import pandas as pd
import torch

from rnnlab.forecast.config import STEPS_PER_HOUR
from rnnlab.io import atomic_path


def errors(predicted_c: torch.Tensor, true_c: torch.Tensor) -> dict:
    """MAE and RMSE over all steps, and MAE/RMSE for each horizon hour 1..H."""
    difference = (predicted_c - true_c).double()
    hours = difference.shape[1] // STEPS_PER_HOUR
    by_hour = difference[:, : hours * STEPS_PER_HOUR].reshape(len(difference), hours, STEPS_PER_HOUR)
    return {
        "mae": difference.abs().mean().item(),
        "rmse": difference.pow(2).mean().sqrt().item(),
        "mae_by_hour": by_hour.abs().mean((0, 2)).tolist(),
        "rmse_by_hour": by_hour.pow(2).mean((0, 2)).sqrt().tolist(),
    }


def write_horizon(path: str, name: str, result: dict) -> None:
    """MAE by horizon hour as CSV, for the DVC plot that puts every model and baseline on one chart."""
    frame = pd.DataFrame(
        {"model": name, "hour": range(1, len(result["mae_by_hour"]) + 1), "mae": result["mae_by_hour"]}
    )
    with atomic_path(path) as temporary:
        frame.to_csv(temporary, index=False)
