"""Forecaster: one of our recurrent networks reads the past steps, one by one or in segments; a linear head
corrects a base forecast."""

import torch
from torch import nn

from rnnlab.forecast.base import LAGS, fit_blend_decay, fit_linear, handover, weighted
from rnnlab.forecast.config import ForecastConfig
from rnnlab.nn import network


class Forecaster(nn.Module):
    Config = ForecastConfig

    def __init__(self, config: ForecastConfig):
        super().__init__()
        self.config = config
        if config.segment > 1:
            self.embed = nn.Linear(config.segment * config.features, config.hidden)
        reads = config.hidden if config.segment > 1 else config.features
        self.recurrent = network(config.cell, reads, config.hidden, config.layers, config.dropout)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden * self.recurrent.num_directions, config.target_steps)
        # Training starts exactly at the base forecast and moves away only where that lowers the loss.
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)
        # Every base but "none" weighs the last value and lagged values (rnnlab.forecast.evaluate.weighted):
        # hold_last weighs nothing else, repeat_last_24h the last day; the blend and the linear base are
        # fitted on the training windows (fit_base). A buffer, so that the checkpoint keeps what was fitted.
        weights = torch.zeros(config.target_steps, LAGS)
        if config.base == "repeat_last_24h":
            weights[:, 0] = 1
        self.register_buffer("base_weights", weights)

    def fit_base(self, inputs: torch.Tensor, targets: torch.Tensor) -> None:
        """Fits the base forecast on the training windows, where it has something to fit."""
        history = inputs[:, :, self.config.target_feature]
        if self.config.base == "blend":
            self.base_weights[:, 0] = handover(self.config.target_steps, fit_blend_decay(history, targets))
        elif self.config.base == "linear":
            self.base_weights.copy_(fit_linear(history, targets))

    def base_forecast(self, inputs: torch.Tensor) -> torch.Tensor:
        history = inputs[:, :, self.config.target_feature]
        if self.config.base == "none":
            return history.new_zeros(len(history), self.config.target_steps)
        return weighted(history, self.base_weights)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """(batch, steps, features) -> (batch, target_steps): the base forecast plus the network's correction."""
        read = inputs - inputs.mean(1, keepdim=True) if self.config.centre_inputs else inputs
        if self.config.segment > 1:
            batch, steps, features = read.shape
            segments = read.reshape(batch, steps // self.config.segment, self.config.segment * features)
            read = torch.relu(self.embed(segments))
        _, hidden = self.recurrent(read)
        summary = self.recurrent.last_layer_states(hidden)
        return self.base_forecast(inputs) + self.head(self.dropout(summary))


@torch.no_grad()
def predict(model: Forecaster, inputs: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """The model's forecasts (normalised) of every window of ``inputs``, in batches, on the CPU."""
    model.eval()
    device = next(model.parameters()).device
    return torch.cat([model(chunk.to(device)).float().cpu() for chunk in inputs.split(batch_size)])
