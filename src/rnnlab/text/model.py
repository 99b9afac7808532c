"""Review classifier: embeddings, one of our recurrent networks, pooling over time, a linear head.

The classifier is an ensemble of ``members`` such networks trained side by side; it predicts the mean of
their class probabilities.
"""
import math
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab.nn import network
from rnnlab.training import require_at_least_one, require_network_shape

POOLINGS = ("last", "max", "mean", "max_mean")


@dataclass(frozen=True)
class ClassifierConfig:
    cell: str
    vocab_size: int
    embedding_dim: int
    classes: int
    hidden: int = 128
    layers: int = 1
    dropout: float = 0.3
    pooling: str = "max_mean"
    fine_tune_embeddings: bool = True
    # Loss weight of a class is (train rows / class rows) ** power: 0 plain, 1 fully balanced.
    class_weight_power: float = 0.0
    # Networks trained side by side, each from its own initialisation and batch order; averaging them
    # removes most of the seed-to-seed spread of a single network.
    members: int = 1

    def __post_init__(self):
        require_network_shape(self)
        require_at_least_one(self, "members")
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {self.pooling!r}")

    def to_dict(self) -> dict:
        return asdict(self)


class TextClassifier(nn.Module):
    def __init__(self, config: ClassifierConfig, embeddings: torch.Tensor | None = None):
        super().__init__()
        self.config = config
        self.members = nn.ModuleList(ReviewNetwork(config, embeddings) for _ in range(config.members))

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Log of the members' mean class probabilities for padded ``ids`` (batch, time) with true ``lengths``."""
        log_probabilities = torch.stack([member(ids, lengths).log_softmax(-1) for member in self.members])
        return log_probabilities.logsumexp(0) - math.log(len(self.members))


class ReviewNetwork(nn.Module):
    """One member: embeddings, recurrent network, pooling, linear head."""

    def __init__(self, config: ClassifierConfig, embeddings: torch.Tensor | None = None):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim, padding_idx=0)
        if embeddings is not None:
            self.embedding.weight.data.copy_(embeddings)
        self.embedding.weight.requires_grad_(config.fine_tune_embeddings)
        self.recurrent = network(config.cell, config.embedding_dim, config.hidden, config.layers, config.dropout)
        features = config.hidden * self.recurrent.num_directions
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(features * (2 if config.pooling == "max_mean" else 1), config.classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Logits for padded ``ids`` (batch, time) with true ``lengths``."""
        embedded = self.dropout(self.embedding(ids))
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        output, hidden = self.recurrent(packed)
        return self.head(self.dropout(self.pool(output, hidden)))

    def pool(self, output, hidden) -> torch.Tensor:
        if self.config.pooling == "last":
            return self.recurrent.last_layer_states(hidden)
        padded, lengths = pad_packed_sequence(output, batch_first=True)
        mask = (torch.arange(padded.shape[1]) < lengths[:, None]).to(padded.device)[..., None]
        pooled = []
        if self.config.pooling in ("max", "max_mean"):
            pooled.append(padded.masked_fill(~mask, float("-inf")).amax(1))
        if self.config.pooling in ("mean", "max_mean"):
            pooled.append(padded.sum(1) / lengths.to(padded.device)[:, None])
        return torch.cat(pooled, dim=1)
