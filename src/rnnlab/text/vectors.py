"""Word2Vec embeddings and the fixed-length id tensors the classifiers read."""

import hashlib
from collections.abc import Iterable

import numpy as np
import torch
from gensim.models import KeyedVectors, Word2Vec

from rnnlab.text.config import Word2VecConfig
from rnnlab.text.corpus import BEGIN, END, sentence

PAD, UNKNOWN = "<pad>", "<unk>"
MARKERS = (PAD, UNKNOWN, BEGIN, END)


def stable_hash(text: str) -> int:
    """The same number for the same text in every process, unlike ``hash`` under PYTHONHASHSEED."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def train_word2vec(token_lists: Iterable[list[str]], config: Word2VecConfig) -> KeyedVectors:
    """CBOW, window 5, min_count 1, negative sampling 5; each review wrapped in <s> ... </s>.

    The same tokens and config give the same vectors to the bit: gensim seeds each word's initial vector
    from ``hashfxn`` of the word (Python's ``hash`` differs between processes), and a single worker
    thread keeps the order of updates fixed.
    """
    model = Word2Vec(
        sentences=[sentence(tokens) for tokens in token_lists],
        vector_size=config.vector_size,
        window=5,
        min_count=1,
        sg=0,
        negative=5,
        epochs=config.epochs,
        workers=1,
        seed=config.seed,
        hashfxn=stable_hash,
    )
    return model.wv


def save_vectors(vectors: KeyedVectors, path) -> None:
    """word2vec's binary format: words and float32 vectors, none of the pickled metadata (dates, platform)
    that ``KeyedVectors.save`` writes."""
    vectors.save_word2vec_format(str(path), binary=True)


def load_vectors(path) -> KeyedVectors:
    return KeyedVectors.load_word2vec_format(str(path), binary=True)


class Vocabulary:
    """Token ids: 0 pads, 1 is every token Word2Vec never saw, then Word2Vec's own order."""

    def __init__(self, tokens: list[str]):
        self.tokens = [PAD, UNKNOWN, *tokens]
        self.index = {token: position for position, token in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, tokens, max_len: int) -> list[int]:
        unknown = self.index[UNKNOWN]
        return [self.index.get(token, unknown) for token in sentence(tokens)[:max_len]]


def embedding_matrix(vectors: KeyedVectors, vocabulary: Vocabulary) -> torch.Tensor:
    """Rows in vocabulary order; padding is zero, the unknown token the mean vector."""
    known = torch.from_numpy(np.asarray(vectors.vectors, dtype=np.float32))
    return torch.cat([torch.zeros(1, known.shape[1]), known.mean(0, keepdim=True), known])


def character_table(vocabulary: Vocabulary, chars_per_word: int) -> torch.Tensor:
    """Character ids of each token's first ``chars_per_word`` characters, 0 padding; markers have none.

    Ids count from 1 in order of first appearance along the vocabulary, so the table repeats with it.
    """
    ids: dict[str, int] = {}
    table = torch.zeros(len(vocabulary), chars_per_word, dtype=torch.int64)
    for row, token in enumerate(vocabulary.tokens):
        if token not in MARKERS:
            for column, character in enumerate(token[:chars_per_word]):
                table[row, column] = ids.setdefault(character, len(ids) + 1)
    return table


def encode(token_lists, vocabulary: Vocabulary, max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Ids padded (or truncated) to ``max_len`` and the true lengths."""
    ids = torch.zeros(len(token_lists), max_len, dtype=torch.int64)
    lengths = torch.zeros(len(token_lists), dtype=torch.int64)
    for row, tokens in enumerate(token_lists):
        encoded = vocabulary.encode(tokens, max_len)
        ids[row, : len(encoded)] = torch.tensor(encoded)
        lengths[row] = len(encoded)
    return ids, lengths
