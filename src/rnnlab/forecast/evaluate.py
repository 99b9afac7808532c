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


def mix(history: torch.Tensor, target_steps: int, hold_weight: torch.Tensor) -> torch.Tensor:
    """At each step, the last value weighted by ``hold_weight`` and the same time the day before by the rest."""
    return hold_weight * hold_last(history, target_steps) + (1 - hold_weight) * repeat_last_day(history, target_steps)


def blend_weights(target_steps: int, decay_steps: float) -> torch.Tensor:
    """The blend's weight of the last value at steps 1..target_steps: exp(-k / decay_steps)."""
    return torch.exp(-torch.arange(1, target_steps + 1, dtype=torch.float64) / decay_steps).float()


def blend(history: torch.Tensor, target_steps: int, decay_steps: float) -> torch.Tensor:
    """Holding the last value, handing over to repeating the last day with a decay of ``decay_steps``."""
    return mix(history, target_steps, blend_weights(target_steps, decay_steps).to(history.device, history.dtype))


# The decays tried, in steps: ten minutes to two days.
BLEND_DECAYS = range(1, 289)


def fit_blend_decay(history: torch.Tensor, true: torch.Tensor) -> int:
    """The decay, in steps, whose blend has the lowest MAE on these windows (the training windows: never the
    test's). Ties go to the shorter decay."""
    errors_by_decay = [(blend(history, true.shape[1], decay) - true).abs().mean().item() for decay in BLEND_DECAYS]
    return BLEND_DECAYS[min(range(len(errors_by_decay)), key=errors_by_decay.__getitem__)]


def write_horizon(path: str, name: str, result: dict) -> None:
    """MAE by horizon hour as CSV, for the DVC plot that puts every model and baseline on one chart."""
    frame = pd.DataFrame({"model": name, "hour": range(1, len(result["mae_by_hour"]) + 1), "mae": result["mae_by_hour"]})
    with atomic_path(path) as temporary:
        frame.to_csv(temporary, index=False)
