"""Forecaster: one of our recurrent networks reads the past steps; a linear head gives the next temperatures."""
from dataclasses import asdict, dataclass

import torch
from torch import nn

from rnnlab.text.model import CELLS
from rnnlab.training import require_at_least_one, require_dropout


@dataclass(frozen=True)
class ForecastConfig:
    cell: str
    features: int
    target_steps: int
    target_feature: int  # which input column is the (normalised) temperature
    hidden: int = 64
    layers: int = 1
    dropout: float = 0.0

    def __post_init__(self):
        require_at_least_one(self, "hidden", "layers")
        require_dropout(self.dropout)
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {self.cell!r}")

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
        self.head = nn.Linear(config.hidden * self.directions, config.target_steps)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """(batch, steps, features) -> (batch, target_steps), as changes from the last observed temperature."""
        _, hidden = self.recurrent(inputs)
        h_n = hidden[0] if isinstance(hidden, tuple) else hidden
        summary = torch.cat(list(h_n[-self.directions :]), dim=1)
        # Predicting the change from the last observation starts training at the persistence forecast.
        return inputs[:, -1, self.config.target_feature, None] + self.head(summary)
