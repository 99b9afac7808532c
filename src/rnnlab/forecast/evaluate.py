"""Errors in degrees Celsius, overall and per horizon hour, and the baselines forecasters always report."""
import pandas as pd
import torch

from rnnlab.io import atomic_path

STEPS_PER_HOUR = 6


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


def hold_last(history_c: torch.Tensor, target_steps: int) -> torch.Tensor:
    """The last observed temperature held for the whole horizon."""
    return history_c[:, -1:].expand(-1, target_steps)


def repeat_last_day(history_c: torch.Tensor, target_steps: int) -> torch.Tensor:
    """The last 24 hours repeated until the horizon is covered."""
    day = 24 * STEPS_PER_HOUR
    last_day = history_c[:, -day:]
    repeats = -(-target_steps // day)
    return last_day.repeat(1, repeats)[:, :target_steps]


def write_horizon(path: str, name: str, result: dict) -> None:
    """MAE by horizon hour as CSV, for the DVC plot that puts every model and baseline on one chart."""
    frame = pd.DataFrame({"model": name, "hour": range(1, len(result["mae_by_hour"]) + 1), "mae": result["mae_by_hour"]})
    with atomic_path(path) as temporary:
        frame.to_csv(temporary, index=False)
