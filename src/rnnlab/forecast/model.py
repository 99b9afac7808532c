"""Forecaster: one of our recurrent networks reads the past steps; a linear head gives the next temperatures."""
import torch
from torch import nn

from rnnlab.forecast.evaluate import hold_last, repeat_last_day
from rnnlab.forecast.config import ForecastConfig
from rnnlab.nn import network


# What each of rnnlab.forecast.config.BASES computes from the normalised temperature history.
BASES = {
    "none": lambda history, steps: history.new_zeros(len(history), steps),
    "hold_last": hold_last,
    "repeat_last_24h": repeat_last_day,
}


class Forecaster(nn.Module):
    Config = ForecastConfig

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
