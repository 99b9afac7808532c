"""Classifying new reviews with a trained checkpoint, a batch at a time, reading the input as it goes."""

import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import torch

from rnnlab.errors import RnnlabError
from rnnlab.io import read_json
from rnnlab.text.corpus import tokenize
from rnnlab.text.model import TextClassifier
from rnnlab.text.vectors import Vocabulary, encode
from rnnlab.training.checkpoint import load_model

# Reviews per forward pass: memory grows with this, not with the input.
BATCH_REVIEWS = 256
# Characters of a line read at a time: a line of any length is read in bounded memory.
READ_CHARS = 1 << 16
# What decoding with errors="surrogateescape" puts in place of each byte that is not UTF-8.
ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
EXPECTED_UTF8 = "expected UTF-8 (from GBK: iconv -f GBK -t UTF-8)"
TENSORIZE_STAGE = "tensorize"
# Characters a terminal acts on rather than shows (escape sequences, carriage returns, the tab that separates
# the output's columns; the bidirectional overrides that reorder what follows them) are echoed as escapes.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

Ranked = list[tuple[str, float]]


class PredictError(RnnlabError):
    pass


@dataclass(frozen=True)
class Review:
    """What the model reads of one input: its first ``max_chars`` characters, and whether more followed."""

    text: str
    cut: bool

    def echo(self) -> str:
        """The review as the output shows it, its control characters as escapes; a cut one says so, since the
        model never read the rest."""
        shown = "".join(_shown(character) for character in self.text)
        return f"{shown}…[cut after {len(self.text):,} characters]" if self.cut else shown


def _shown(character: str) -> str:
    """``character``, or its escape (``\\x1b``, ``\\u202e``) when a terminal would act on it."""
    if unicodedata.category(character) == "Cc" or character in BIDI_CONTROLS:
        return ascii(character)[1:-1]
    return character


def require_artifact(path: Path, what: str, stage: str) -> None:
    """A PredictError naming ``path`` and the dvc commands that bring it, when it is missing."""
    if not path.is_file():
        raise PredictError(
            f"{path}: no {what}; `dvc pull {stage}` fetches it from the team's remote, `dvc repro {stage}` makes it"
        )


def refuse_non_utf8(where: str, text: str, offset: int) -> None:
    """A PredictError naming ``where`` and the byte, when ``text`` (decoded with errors="surrogateescape")
    holds a byte that is not UTF-8; ``offset``: the bytes of the same line before ``text``."""
    escaped = ESCAPED_BYTE.search(text)
    if escaped:
        byte = offset + len(text[: escaped.start()].encode("utf-8", "surrogateescape")) + 1
        value = ord(escaped.group()) - 0xDC00
        raise PredictError(f"{where}, byte {byte} (0x{value:02x}) is not UTF-8; {EXPECTED_UTF8}")


def argument_reviews(arguments: list[str], max_chars: int) -> Iterator[Review]:
    """The reviews given on the command line, as given (Python keeps bytes that are not UTF-8 as escapes)."""
    for number, argument in enumerate(arguments, 1):
        refuse_non_utf8(f"review argument {number}", argument, 0)
        yield Review(argument[:max_chars], len(argument) > max_chars)


def stream_reviews(stream: BinaryIO, max_chars: int) -> Iterator[Review]:
    """The nonblank lines of ``stream``, stripped, read one at a time; a line that is not UTF-8 is a
    PredictError naming it and the byte."""
    # Bytes that are not UTF-8 become escapes rather than an error, so that the error can name their line.
    lines = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="\n")
    try:
        for number in itertools.count(1):
            review = _read_line(lines, number, max_chars)
            if review is None:
                return
            if review.text:
                yield review
    finally:
        lines.detach()  # the stream is the caller's: left open


def _read_line(lines: TextIO, number: int, max_chars: int) -> Review | None:
    """Line ``number`` of ``lines``, stripped, of which only the first ``max_chars`` characters are kept;
    None at the end of the input."""
    kept, cut, offset = "", False, 0
    while piece := lines.readline(READ_CHARS):
        refuse_non_utf8(f"stdin: line {number}", piece, offset)
        offset += len(piece.encode("utf-8", "surrogateescape"))
        # Blanks that start the line are not part of its review.
        text = piece if kept else piece.lstrip()
        room = max_chars - len(kept)
        kept += text[:room]
        cut = cut or bool(text[room:].strip())
        if piece.endswith("\n"):
            break
    if not offset:
        return None
    # Stripped as a whole line would be: only a line that ends within the kept characters loses its end.
    return Review(kept, True) if cut else Review(kept.rstrip(), False)


def _batches(reviews: Iterable[Review]) -> Iterator[list[Review]]:
    """Lists of up to BATCH_REVIEWS reviews; when the input fails to read, the reviews before the failure
    come first, then the error: nothing read is left unanswered."""
    batch = []
    try:
        for review in reviews:
            batch.append(review)
            if len(batch) == BATCH_REVIEWS:
                yield batch
                batch = []
    except PredictError:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


class ReviewClassifier:
    """A trained checkpoint with tensorize's vocabulary and category names."""

    def __init__(
        self,
        checkpoint: str | Path,
        tensors: str | Path,
        max_len: int,
        max_chars: int,
        cell: str | None = None,
        remedy: str | None = None,
    ):
        vocabulary, labels = Path(tensors) / "vocab.json", Path(tensors) / "labels.json"
        require_artifact(vocabulary, "vocabulary", TENSORIZE_STAGE)
        require_artifact(labels, "category names", TENSORIZE_STAGE)
        self.model = load_model(checkpoint, TextClassifier, torch.device("cpu"), cell, remedy)
        self.vocabulary = Vocabulary(read_json(vocabulary)[2:])
        self.names = read_json(labels)
        self.max_len = max_len
        self.max_chars = max_chars

    def top(self, reviews: list[str], k: int = 3) -> tuple[list[Ranked], list[int]]:
        """The ``k`` likeliest categories of each review with their probabilities, and how many of each review's
        words the model knows (with none, the categories say nothing about the review), in one forward pass."""
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

    def classify(self, reviews: Iterable[Review]) -> Iterator[tuple[Review, Ranked, int]]:
        """Each review with what ``top`` gives for it, BATCH_REVIEWS reviews per forward pass, reading the
        reviews only as each batch is needed."""
        for batch in _batches(reviews):
            yield from zip(batch, *self.top([review.text for review in batch]))
