"""A training small enough to run in a test many times: a linear model on random rows, through ``fit``."""

from pathlib import Path

import torch
from torch import nn

from rnnlab.config import TrainConfig
from rnnlab.training.loop import Task, fit
from rnnlab.training.progress import TrainingOutputs

ROWS, FEATURES = 64, 3


def outputs_in(folder: Path) -> TrainingOutputs:
    return TrainingOutputs.at(folder / "model.pt", folder / "live", folder / "summary.json", folder / "timing.json")


def train_toy(folder: Path, epochs: int = 5, patience: int = 5, lr: float = 0.05, batch_loss=None):
    """``fit`` of the toy model into ``folder``; its result."""
    torch.manual_seed(0)
    inputs = torch.randn(ROWS, FEATURES)
    targets = inputs @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1 * torch.randn(ROWS, 1)
    model = nn.Linear(FEATURES, 1)
    generator = torch.Generator().manual_seed(0)

    def batches(order: torch.Generator):
        return [(inputs[rows], targets[rows]) for rows in torch.randperm(ROWS, generator=order).split(16)]

    def mean_squared(network, batch):
        return ((network(batch[0]) - batch[1]) ** 2).mean()

    def validate(network):
        return {"mse": float(((network(inputs[:16]) - targets[:16]) ** 2).mean())}

    config = TrainConfig(
        epochs=epochs, batch_size=16, lr=lr, weight_decay=0.0, patience=patience, clip_norm=1.0, seed=0, processes=1
    )
    task = Task(
        model, {"features": FEATURES}, batches, batch_loss or mean_squared, validate, "mse", higher_is_better=False
    )
    return fit(task, config, generator, outputs_in(folder))
