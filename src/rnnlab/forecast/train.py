"""Training the forecaster on windows and predicting temperatures in degrees Celsius."""

from pathlib import Path

import torch
from torch.nn import functional as F

from rnnlab.config import TrainConfig
from rnnlab.forecast.config import ForecastConfig
from rnnlab.forecast.model import Forecaster, predict
from rnnlab.forecast.windows import target_scale
from rnnlab.training.loop import Task, fit, start_run
from rnnlab.training.progress import FitResult, TrainingOutputs


def train_forecaster(
    model_config: ForecastConfig,
    train_config: TrainConfig,
    windows: str | Path,
    target: str,
    outputs: TrainingOutputs,
) -> FitResult:
    """Trains on the train windows with MSE on normalised temperature; keeps the best by validation loss."""
    generator, device, train, val = start_run(train_config, windows)
    _, std = target_scale(windows, target)
    model = Forecaster(model_config)
    model.fit_base(train["inputs"], train["targets"])
    model = model.to(device)

    def batches(epoch_generator: torch.Generator):
        order = torch.randperm(len(train["inputs"]), generator=epoch_generator)
        # Each batch with its number of predicted values: the mean's normaliser.
        return [
            (
                train["inputs"][rows].to(device),
                train["targets"][rows].to(device),
                torch.tensor(float(train["targets"][rows].numel()), device=device),
            )
            for rows in order.split(train_config.batch_size)
        ]

    def batch_loss(model: Forecaster, batch) -> torch.Tensor:
        inputs, targets, normaliser = batch
        return F.mse_loss(model(inputs), targets, reduction="sum") / normaliser

    def validate(model: Forecaster) -> dict[str, float]:
        predicted = predict(model, val["inputs"])
        return {
            "loss": F.mse_loss(predicted, val["targets"]).item(),
            "mae_degc": ((predicted - val["targets"]).abs().mean() * std).item(),
        }

    task = Task(model, model_config.to_dict(), batches, batch_loss, validate, monitor="loss", higher_is_better=False)
    return fit(task, train_config, generator, outputs)
