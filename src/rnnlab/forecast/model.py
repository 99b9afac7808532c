"""Forecaster: one of our recurrent networks reads the past steps; a linear head gives the next temperatures."""
from dataclasses import asdict, dataclass

import torch
from torch import nn

from rnnlab.forecast.evaluate import hold_last, repeat_last_day
from rnnlab.text.model import CELLS
from rnnlab.training import require_at_least_one, require_dropout


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
        require_at_least_one(self, "hidden", "layers")
        require_dropout(self.dropout)
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {self.cell!r}")
        if self.base not in BASES:
            raise ValueError(f"base must be one of {sorted(BASES)}, got {self.base!r}")

    def to_dict(self) -> dict:
        return asdict(self)


class Forecaster(nn.Module):
    def __init__(self, config: ForecastConfig):
        super().__init__()
        self.config = config
        network, bidirectional = CELLS[config.cell]
        self.recurrent = network(
            config.features,
            config.hidden,
            num_layers=config.layers,
            dropout=config.dropout if config.layers > 1 else 0.0,
            bidirectional=bidirectional,
            batch_first=True,
        )
        self.directions = 2 if bidirectional else 1
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden * self.directions, config.target_steps)
        # Training starts exactly at the base forecast and moves away only where that lowers the loss.
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """(batch, steps, features) -> (batch, target_steps): the base forecast plus the network's correction."""
        _, hidden = self.recurrent(inputs - inputs.mean(1, keepdim=True) if self.config.centre_inputs else inputs)
        h_n = hidden[0] if isinstance(hidden, tuple) else hidden
        summary = torch.cat(list(h_n[-self.directions :]), dim=1)
        base = BASES[self.config.base](inputs[:, :, self.config.target_feature], self.config.target_steps)
        return base + self.head(self.dropout(summary))
