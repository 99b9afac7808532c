"""Review classifier: word and character embeddings, one of our recurrent networks, pooling over time, a head.

The classifier is an ensemble of ``members`` such networks trained side by side; it predicts the mean of
their class probabilities.
"""

import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab.nn import network
from rnnlab.text.config import ClassifierConfig


class TextClassifier(nn.Module):
    """``embeddings`` and ``word_characters`` come from tensorize; a checkpoint's state replaces them."""

    Config = ClassifierConfig

    def __init__(
        self,
        config: ClassifierConfig,
        embeddings: torch.Tensor | None = None,
        word_characters: torch.Tensor | None = None,
    ):
        super().__init__()
        self.config = config
        self.members = nn.ModuleList(ReviewNetwork(config, embeddings, word_characters) for _ in range(config.members))

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Log of the members' mean class probabilities for padded ``ids`` (batch, time) with true ``lengths``."""
        return self.combine([member(ids, lengths) for member in self.members])

    @staticmethod
    def combine(member_logits: list[torch.Tensor]) -> torch.Tensor:
        """Log of the mean of the class probabilities that each member's logits give."""
        log_probabilities = torch.stack([logits.log_softmax(-1) for logits in member_logits])
        return log_probabilities.logsumexp(0) - math.log(len(member_logits))


class ReviewNetwork(nn.Module):
    """One member: word plus mean character embeddings, recurrent network, pooling, linear head."""

    def __init__(
        self,
        config: ClassifierConfig,
        embeddings: torch.Tensor | None = None,
        word_characters: torch.Tensor | None = None,
    ):
        super().__init__()
        self.config = config
        # Sparse gradients: a batch uses a few thousand of the vocabulary's rows, and the optimizer updates those.
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim, padding_idx=0, sparse=True)
        if embeddings is not None:
            self.embedding.weight.data.copy_(embeddings)
        self.embedding.weight.requires_grad_(config.fine_tune_embeddings)
        self.character_embedding = nn.Embedding(config.character_vocab_size, config.embedding_dim, padding_idx=0)
        # Small beside the Word2Vec vectors, so that training starts from what Word2Vec learned.
        nn.init.normal_(self.character_embedding.weight, std=0.1)
        self.character_embedding.weight.data[0] = 0
        self.register_buffer(
            "word_characters",
            torch.zeros(config.vocab_size, config.chars_per_word, dtype=torch.int64)
            if word_characters is None
            else word_characters.clone(),
        )
        self.recurrent = network(config.cell, config.embedding_dim, config.hidden, config.layers, config.dropout)
        features = config.hidden * self.recurrent.num_directions
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(features * (2 if config.pooling == "max_mean" else 1), config.classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Logits for padded ``ids`` (batch, time) with true ``lengths``."""
        embedded = self.dropout(self.embed(ids))
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        output, hidden = self.recurrent(packed)
        return self.head(self.dropout(self.pool(output, hidden)))

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        words = self.embedding(ids)
        if not self.config.chars_per_word:
            return words
        characters = self.word_characters[ids]
        counts = (characters > 0).sum(-1, keepdim=True).clamp(min=1)
        return words + self.character_embedding(characters).sum(-2) / counts

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


@torch.no_grad()
def predict_logits(
    model: TextClassifier | ReviewNetwork, ids: torch.Tensor, lengths: torch.Tensor, batch_size: int = 512
) -> torch.Tensor:
    """The classifier's (or one member's) output for every row of padded ``ids``, in batches sorted by length."""
    model.eval()
    device = next(model.parameters()).device
    order = torch.argsort(lengths, descending=True)
    logits = torch.empty(len(ids), model.config.classes)
    for rows in order.split(batch_size):
        length = lengths[rows]
        logits[rows] = model(ids[rows, : int(length.max())].to(device), length).float().cpu()
    return logits
