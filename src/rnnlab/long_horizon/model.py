"""The benchmark's forecasters on our recurrent networks: the segment-recurrent one (after SegRNN, Lin et al.
2023), and the point-wise baseline that reads every step.

Each channel is forecast on its own from its own past (channel independence). The lookback is cut into
segments of ``segment`` steps, each embedded by a linear layer, and our network reads the segments: 15 steps
for a 720-step lookback instead of 720. Every output segment is then decoded at once from the same final state,
by one more step of the same network whose input says which segment (a learned position embedding) of which
channel (a learned channel embedding) it is to give. Each window's own level is taken out before and put
back after, so that the network learns shapes rather than the season's level.

The point-wise baseline is the mission's forecaster (rnnlab.forecast.model) on this benchmark: one network
reads all channels together, one step at a time, and a linear head gives every channel's horizon from its
final state; the same levelling.
"""

import math

import torch
from torch import nn

from rnnlab.long_horizon.config import PointwiseConfig, SegmentConfig
from rnnlab.nn import network

# Keeps RevIN's division finite for a window whose channel did not move.
REVIN_EPS = 1e-5


class SegmentForecaster(nn.Module):
    Config = SegmentConfig

    def __init__(self, config: SegmentConfig):
        super().__init__()
        self.config = config
        self.segments_in = config.input_steps // config.segment
        self.segments_out = math.ceil(config.horizon / config.segment)
        self.embed = nn.Linear(config.segment, config.hidden)
        self.recurrent = network(config.cell, config.hidden, config.hidden, config.layers, 0.0)
        position = config.hidden // 2
        self.position = nn.Parameter(torch.randn(self.segments_out, position))
        self.channel = nn.Parameter(torch.randn(config.channels, config.hidden - position))
        self.dropout = nn.Dropout(config.dropout)
        self.project = nn.Linear(config.hidden * self.recurrent.num_directions, config.segment)

    def forward(self, history: torch.Tensor) -> torch.Tensor:
        """(batch, channels, input_steps) -> (batch, channels, horizon), in the inputs' units."""
        level = Level(history, self.config)
        batch, channels, _ = history.shape
        segments = level.taken_out.reshape(batch * channels, self.segments_in, self.config.segment)
        _, state = self.recurrent(torch.relu(self.embed(segments)))
        # One query per (channel, output segment): half says which segment, half which channel.
        queries = torch.cat(
            [
                self.position.expand(channels, -1, -1),
                self.channel[:, None, :].expand(-1, self.segments_out, -1),
            ],
            dim=-1,
        )
        queries = queries.expand(batch, -1, -1, -1).reshape(batch * channels * self.segments_out, 1, -1)
        # Each series' final state starts every one of its output segments' decoding step.
        repeated = tuple(s.repeat_interleave(self.segments_out, dim=1) for s in _states(state))
        decoded, _ = self.recurrent(queries, repeated if isinstance(state, tuple) else repeated[0])
        forecast = self.project(self.dropout(decoded[:, 0]))
        forecast = forecast.reshape(batch, channels, self.segments_out * self.config.segment)[
            ..., : self.config.horizon
        ]
        return level.put_back(forecast)


class PointwiseForecaster(nn.Module):
    Config = PointwiseConfig

    def __init__(self, config: PointwiseConfig):
        super().__init__()
        self.config = config
        self.recurrent = network(config.cell, config.channels, config.hidden, config.layers, config.dropout)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden * self.recurrent.num_directions, config.channels * config.horizon)

    def forward(self, history: torch.Tensor) -> torch.Tensor:
        """(batch, channels, input_steps) -> (batch, channels, horizon), in the inputs' units."""
        level = Level(history, self.config)
        _, state = self.recurrent(level.taken_out.transpose(1, 2))
        forecast = self.head(self.dropout(self.recurrent.last_layer_states(state)))
        return level.put_back(forecast.reshape(len(history), self.config.channels, self.config.horizon))


# The forecaster each config builds.
FORECASTERS = {forecaster.Config: forecaster for forecaster in (SegmentForecaster, PointwiseForecaster)}


class Level:
    """A batch of windows' own level, per window and channel: ``taken_out`` is what the network reads, and
    ``put_back`` returns a forecast to the inputs' units."""

    def __init__(self, history: torch.Tensor, config: SegmentConfig | PointwiseConfig):
        if history.shape[1:] != (config.channels, config.input_steps):
            raise ValueError(
                f"expected (batch, {config.channels}, {config.input_steps}) windows, got {tuple(history.shape)}"
            )
        if config.level == "last":
            self.shift, self.scale = history[..., -1:].detach(), None
            self.taken_out = history - self.shift
        else:
            self.shift = history.mean(-1, keepdim=True).detach()
            self.scale = (history.var(-1, keepdim=True, unbiased=False) + REVIN_EPS).sqrt().detach()
            self.taken_out = (history - self.shift) / self.scale

    def put_back(self, forecast: torch.Tensor) -> torch.Tensor:
        return forecast + self.shift if self.scale is None else forecast * self.scale + self.shift


def _states(state: torch.Tensor | tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    """An LSTM's (h, c) as it is, another network's state as a one-tuple."""
    return state if isinstance(state, tuple) else (state,)
