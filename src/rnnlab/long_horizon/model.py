"""Segment-recurrent forecaster (after SegRNN, Lin et al. 2023), on our recurrent networks.

Each channel is forecast on its own from its own past (channel independence). The lookback is cut into
segments of ``segment`` steps, each embedded by a linear layer, and our network reads the segments: 15 steps
for a 720-step lookback instead of 720. Every output segment is then decoded at once from the same final state,
by one more step of the same network whose input says which segment (a learned position embedding) of which
channel (a learned channel embedding) it is to give. Each window's own level is taken out before and put
back after, so that the network learns shapes rather than the season's level.
"""

import math

import torch
from torch import nn

from rnnlab.long_horizon.config import SegmentConfig
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
        batch, channels, steps = history.shape
        if steps != self.config.input_steps or channels != self.config.channels:
            raise ValueError(
                f"expected (batch, {self.config.channels}, {self.config.input_steps}) windows, got "
                f"{tuple(history.shape)}"
            )
        if self.config.level == "last":
            shift, scale = history[..., -1:].detach(), None
        else:
            shift = history.mean(-1, keepdim=True).detach()
            scale = (history.var(-1, keepdim=True, unbiased=False) + REVIN_EPS).sqrt().detach()
        levelled = history - shift if scale is None else (history - shift) / scale
        segments = levelled.reshape(batch * channels, self.segments_in, self.config.segment)
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
        return forecast + shift if scale is None else forecast * scale + shift


def _states(state: torch.Tensor | tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    """An LSTM's (h, c) as it is, another network's state as a one-tuple."""
    return state if isinstance(state, tuple) else (state,)
