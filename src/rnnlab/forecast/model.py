"""Forecaster: one of our recurrent networks reads the past steps; a linear head gives the next temperatures."""
from dataclasses import asdict, dataclass

import torch
from torch import nn

from rnnlab.forecast.evaluate import hold_last, repeat_last_day
from rnnlab.nn import network
from rnnlab.training import require_network_shape


BASES = {
    "none": lambda history, steps: history.new_zeros(len(history), steps),
    "hold_last": hold_last,
    "repeat_last_24h": repeat_last_day,
}


@dataclass(frozen=True)
class ForecastConfig:
    cell: str
    features: int
    target_steps: int
    target_feature: int  # which input column is the (normalised) temperature
    hidden: int = 64
    layers: int = 1
    dropout: float = 0.0
    # The forecast the network corrects: "hold_last", "repeat_last_24h" or "none" (predict outright).
    base: str = "repeat_last_24h"
    # Feed the network each window minus its own mean, so that it sees weather patterns rather than the
    # season's level, which shifts between the training and test periods.
    centre_inputs: bool = True

    def __post_init__(self):
        require_network_shape(self)
        if self.base not in BASES:
            raise ValueError(f"base must be one of {sorted(BASES)}, got {self.base!r}")

    def to_dict(self) -> dict:
        return asdict(self)


class Forecaster(nn.Module):
    def __init__(self, config: ForecastConfig):
        super().__init__()
        self.config = config
        self.recurrent = network(config.cell, config.features, config.hidden, config.layers, config.dropout)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden * self.recurrent.num_directions, config.target_steps)
        # Training starts exactly at the base forecast and moves away only where that lowers the loss.
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """(batch, steps, features) -> (batch, target_steps): the base forecast plus the network's correction."""
        _, hidden = self.recurrent(inputs - inputs.mean(1, keepdim=True) if self.config.centre_inputs else inputs)
        summary = self.recurrent.last_layer_states(hidden)
        base = BASES[self.config.base](inputs[:, :, self.config.target_feature], self.config.target_steps)
        return base + self.head(self.dropout(summary))
