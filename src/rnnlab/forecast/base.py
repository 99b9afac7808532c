"""The base forecasts the forecaster corrects, and the baselines every forecaster is scored beside: holding
the last value, repeating the last day, their blend, and a linear mix of lagged values fitted by least squares."""

import torch

from rnnlab.forecast.config import DAYS_BACK, STEPS_BACK, STEPS_PER_DAY


def hold_last(history_c: torch.Tensor, target_steps: int) -> torch.Tensor:
    """The last observed temperature held for the whole horizon."""
    return history_c[:, -1:].expand(-1, target_steps)


def repeat_last_day(history_c: torch.Tensor, target_steps: int, days_back: int = 1) -> torch.Tensor:
    """The 24 hours that ended ``days_back - 1`` days before the last step, repeated until the horizon is
    covered (days_back 1: the last day)."""
    end = history_c.shape[1] - (days_back - 1) * STEPS_PER_DAY
    repeats = -(-target_steps // STEPS_PER_DAY)
    return history_c[:, end - STEPS_PER_DAY : end].repeat(1, repeats)[:, :target_steps]


LAGS = len(DAYS_BACK) + len(STEPS_BACK)


def lagged(history: torch.Tensor, target_steps: int) -> torch.Tensor:
    """(windows, target_steps, LAGS): each lagged forecast minus the last value, at every future step."""
    end = history.shape[1]
    forecasts = [repeat_last_day(history, target_steps, k) for k in DAYS_BACK]
    forecasts += [history[:, end - 1 - k : end - k].expand(-1, target_steps) for k in STEPS_BACK]
    return torch.stack(forecasts, -1) - history[:, -1:, None]


def weighted(history: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """The last value plus the lagged differences weighted by ``weights`` (target_steps, LAGS) at each step:
    zeros hold the last value, a 1 in the first column repeats the last day."""
    return history[:, -1:] + (lagged(history, len(weights)) * weights).sum(-1)


def handover(target_steps: int, decay_steps: float) -> torch.Tensor:
    """The blend's weight of the last day at steps 1..target_steps, 1 - exp(-k / decay_steps); the last value
    has the rest."""
    return 1 - torch.exp(-torch.arange(1, target_steps + 1, dtype=torch.float64) / decay_steps).float()


def blend(history: torch.Tensor, target_steps: int, decay_steps: float) -> torch.Tensor:
    """Holding the last value, handing over to repeating the last day with a decay of ``decay_steps``."""
    hold, day = hold_last(history, target_steps), repeat_last_day(history, target_steps)
    return hold + handover(target_steps, decay_steps).to(history.device, history.dtype) * (day - hold)


# The decays tried, in steps: one step to two days.
BLEND_DECAYS = range(1, 2 * STEPS_PER_DAY + 1)


def fit_blend_decay(history: torch.Tensor, true: torch.Tensor) -> int:
    """The decay, in steps, whose blend has the lowest MAE on these windows (the training windows: never the
    test's). Ties go to the shorter decay."""
    errors_by_decay = [(blend(history, true.shape[1], decay) - true).abs().mean().item() for decay in BLEND_DECAYS]
    return BLEND_DECAYS[min(range(len(errors_by_decay)), key=errors_by_decay.__getitem__)]


def fit_linear(history: torch.Tensor, true: torch.Tensor) -> torch.Tensor:
    """The linear base's weights (target_steps, LAGS): least squares on these windows (the training windows),
    one regression per future step, in float64."""
    lags = lagged(history.double(), true.shape[1]).transpose(0, 1)
    change = (true.double() - history[:, -1:].double()).T.unsqueeze(-1)
    return torch.linalg.lstsq(lags, change).solution.squeeze(-1).float()
