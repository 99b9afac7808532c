"""Training a benchmark forecaster on the training windows; the best epoch by validation MSE."""

from dataclasses import asdict
from pathlib import Path

import torch
from torch.nn import functional as F

from rnnlab.config import TrainConfig
from rnnlab.long_horizon.config import Objective, PointwiseConfig, SegmentConfig
from rnnlab.long_horizon.data import windows
from rnnlab.long_horizon.model import FORECASTERS
from rnnlab.long_horizon.score import model_forecast, score
from rnnlab.training.loop import Task, fit, start_run
from rnnlab.training.progress import FitResult, TrainingOutputs

LOSSES = {"mse": F.mse_loss, "mae": F.l1_loss}


def train_forecaster(
    model_config: SegmentConfig | PointwiseConfig,
    objective: Objective,
    train_config: TrainConfig,
    series: str | Path,
    outputs: TrainingOutputs,
) -> FitResult:
    """Each epoch, ``objective.windows_per_epoch`` training windows (all when 0) in a fresh random draw."""
    generator, device, train, val = start_run(train_config, series)
    steps = model_config.input_steps + model_config.horizon
    train_windows = windows(train["values"], steps)
    per_epoch = objective.windows_per_epoch or len(train_windows)
    loss_function = LOSSES[objective.loss]
    model = FORECASTERS[type(model_config)](model_config).to(device)

    def batches(epoch_generator: torch.Generator):
        drawn = torch.randperm(len(train_windows), generator=epoch_generator)[:per_epoch]
        # Each batch with its number of predicted values: the mean's normaliser.
        return [
            (rows, torch.tensor(float(len(rows) * model_config.channels * model_config.horizon)))
            for rows in drawn.split(train_config.batch_size)
        ]

    def batch_loss(model: torch.nn.Module, batch) -> torch.Tensor:
        rows, normaliser = batch
        chosen = train_windows[rows].to(device)
        predicted = model(chosen[..., : model_config.input_steps])
        return loss_function(predicted, chosen[..., model_config.input_steps :], reduction="sum") / normaliser.to(
            device
        )

    def validate(model: torch.nn.Module) -> dict[str, float]:
        scores = score(model_forecast(model), val["values"], model_config.input_steps, model_config.horizon)
        return {"mse": scores["mse"], "mae": scores["mae"]}

    task = Task(
        model,
        model_config.to_dict(),
        batches,
        batch_loss,
        validate,
        monitor="mse",
        higher_is_better=False,
        objective=asdict(objective),
    )
    return fit(task, train_config, generator, outputs)
