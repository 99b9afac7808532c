"""The lab's figure: a few test windows with 5 input days, the true 2 days and every model's forecast."""

from pathlib import Path

import numpy as np
import torch

from rnnlab.forecast.config import STEPS_PER_HOUR
from rnnlab.plotting import plt, save_figure

STEP_HOURS = 1 / STEPS_PER_HOUR


def plot_windows(
    path: str | Path,
    history_c: torch.Tensor,
    true_c: torch.Tensor,
    forecasts_c: dict[str, torch.Tensor],
    starts: torch.Tensor,
    count: int = 3,
) -> list[int]:
    """Draws ``count`` test windows spread evenly over the test period; returns their indices."""
    chosen = np.linspace(0, len(true_c) - 1, count).round().astype(int).tolist()
    figure, axes = plt.subplots(count, 1, figsize=(11, 3.2 * count), squeeze=False)
    past = -np.arange(history_c.shape[1], 0, -1) * STEP_HOURS
    future = np.arange(1, true_c.shape[1] + 1) * STEP_HOURS
    for axis, index in zip(axes[:, 0], chosen):
        axis.plot(past, history_c[index], color="black", linewidth=1, label="observed")
        axis.plot(future, true_c[index], color="black", linewidth=2, label="true")
        for name, forecast in forecasts_c.items():
            axis.plot(future, forecast[index], linewidth=1.2, label=name)
        start = np.datetime64(int(starts[index]), "ns").astype("datetime64[m]")
        axis.set_title(f"test window from {start}")
        axis.set_ylabel("T (degC)")
        axis.axvline(0, color="grey", linestyle=":")
    axes[-1, 0].set_xlabel("hours from the forecast time")
    axes[0, 0].legend(ncol=4, fontsize="small")
    save_figure(figure, path)
    return chosen
