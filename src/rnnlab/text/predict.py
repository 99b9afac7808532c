"""Classifying new reviews with a trained checkpoint."""
from pathlib import Path

import torch

from rnnlab.io import read_json
from rnnlab.text.corpus import tokenize
from rnnlab.text.model import TextClassifier
from rnnlab.text.vectors import Vocabulary, encode
from rnnlab.training import load_model


class ReviewClassifier:
    def __init__(self, checkpoint: str | Path, tensors: str | Path, max_len: int, max_chars: int):
        self.model = load_model(checkpoint, TextClassifier, torch.device("cpu"))
        tokens = read_json(Path(tensors) / "vocab.json")
        self.vocabulary = Vocabulary(tokens[2:])
        self.names = read_json(Path(tensors) / "labels.json")
        self.max_len = max_len
        self.max_chars = max_chars

    def top(self, reviews: list[str], k: int = 3) -> tuple[list[list[tuple[str, float]]], list[int]]:
        """The ``k`` likeliest categories of each review with their probabilities, and how many of each review's
        words the model knows (with none, the categories say nothing about the review)."""
        token_lists = tokenize(reviews, self.max_chars)
        known = [sum(token in self.vocabulary.index for token in tokens) for tokens in token_lists]
        ids, lengths = encode(token_lists, self.vocabulary, self.max_len)
        with torch.no_grad():
            probabilities = self.model(ids, lengths).softmax(1)
        best = probabilities.topk(min(k, len(self.names)), dim=1)
        ranked = [
            [(self.names[i], float(p)) for p, i in zip(values, indices)]
            for values, indices in zip(best.values.tolist(), best.indices.tolist())
        ]
        return ranked, known
