"""Forecaster: one of our recurrent networks reads the past steps; a linear head corrects a naive forecast."""
import torch
from torch import nn

from rnnlab.forecast.config import ForecastConfig
from rnnlab.forecast.evaluate import blend_weights, fit_blend_decay, mix
from rnnlab.nn import network


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
        # Every base but "none" mixes the last value and the last day: the last value's weight at each step
        # is 1 for hold_last, 0 for repeat_last_24h, and fitted on the training windows for the blend.
        self.register_buffer("hold_weight", torch.full((config.target_steps,), float(config.base == "hold_last")))

    def fit_base(self, inputs: torch.Tensor, targets: torch.Tensor) -> None:
        """Fits what the base forecast has to fit on the training windows: the blend's decay."""
        if self.config.base == "blend":
            decay = fit_blend_decay(inputs[:, :, self.config.target_feature], targets)
            self.hold_weight.copy_(blend_weights(self.config.target_steps, decay))

    def base_forecast(self, inputs: torch.Tensor) -> torch.Tensor:
        history = inputs[:, :, self.config.target_feature]
        if self.config.base == "none":
            return history.new_zeros(len(history), self.config.target_steps)
        return mix(history, self.config.target_steps, self.hold_weight)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """(batch, steps, features) -> (batch, target_steps): the base forecast plus the network's correction."""
        _, hidden = self.recurrent(inputs - inputs.mean(1, keepdim=True) if self.config.centre_inputs else inputs)
        summary = self.recurrent.last_layer_states(hidden)
        return self.base_forecast(inputs) + self.head(self.dropout(summary))
