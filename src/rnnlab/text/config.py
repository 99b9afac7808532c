"""The text chain's settings: Word2Vec, tensorize, and each classifier with its training."""

from dataclasses import asdict, dataclass
from pathlib import Path

from rnnlab import params
from rnnlab.config import TrainConfig, integer_at_least, model_names, require_at_least_one, require_network_shape

POOLINGS = ("last", "max", "mean", "max_mean")
# Sizes that come from the data, not from params.yaml; stand-ins while only the file is checked.
PLACEHOLDER_DIMENSIONS = {
    "vocab_size": 2,
    "embedding_dim": 1,
    "classes": 2,
    "character_vocab_size": 1,
    "chars_per_word": 0,
}

# The section of params.yaml with one block per text model.
MODELS = "train_text"


@dataclass(frozen=True)
class Word2VecConfig:
    vector_size: int
    epochs: int
    seed: int

    def __post_init__(self):
        require_at_least_one(self, "vector_size", "epochs")


@dataclass(frozen=True)
class ClassifierConfig:
    cell: str
    # From the data (tensorize): each word's first ``chars_per_word`` character ids (0 pads) below
    # ``character_vocab_size``; chars_per_word 0 embeds words alone.
    vocab_size: int
    embedding_dim: int
    classes: int
    character_vocab_size: int
    chars_per_word: int
    # From params.yaml.
    hidden: int
    layers: int
    dropout: float
    pooling: str
    fine_tune_embeddings: bool
    # Loss weight of a class is (train rows / class rows) ** power: 0 plain, 1 fully balanced.
    class_weight_power: float
    # Networks trained side by side, each from its own initialisation and batch order; averaging them
    # removes most of the seed-to-seed spread of a single network.
    members: int

    def __post_init__(self):
        require_network_shape(self)
        require_at_least_one(self, "members", "character_vocab_size")
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {self.pooling!r}")

    def to_dict(self) -> dict:
        return asdict(self)


def check(all_params: dict, path: str | Path = params.PARAMS_FILE) -> None:
    categories(all_params, path)
    integer_at_least(all_params, "segment.workers", 1, path)
    max_chars(all_params, path)
    word2vec(all_params, path)
    max_len(all_params, path)
    chars_per_word(all_params, path)
    for name in model_names(all_params, MODELS, path):
        text_training(all_params, name, PLACEHOLDER_DIMENSIONS, path)


def categories(all_params: dict, path: str | Path = params.PARAMS_FILE) -> list[str]:
    names = params.section(all_params, "segment.categories", path)
    if not names or not all(isinstance(c, str) for c in names) or len(set(names)) != len(names):
        raise params.ParamsError(f"{path}: segment.categories must be a list of distinct names, got {names!r}")
    return names


def word2vec(all_params: dict, path: str | Path = params.PARAMS_FILE) -> Word2VecConfig:
    return params.build(Word2VecConfig, params.section(all_params, "word2vec", path), "word2vec", path)


def max_chars(all_params: dict, path: str | Path = params.PARAMS_FILE) -> int:
    return integer_at_least(all_params, "segment.max_chars", 1, path)


def max_len(all_params: dict, path: str | Path = params.PARAMS_FILE) -> int:
    return integer_at_least(all_params, "tensorize.max_len", 3, path)


def chars_per_word(all_params: dict, path: str | Path = params.PARAMS_FILE) -> int:
    return integer_at_least(all_params, "tensorize.chars_per_word", 0, path)


def text_training(
    all_params: dict, name: str, dimensions: dict, path: str | Path = params.PARAMS_FILE
) -> tuple[ClassifierConfig, TrainConfig]:
    """The classifier and training settings of ``train_text.<name>``."""
    key = f"{MODELS}.{name}"
    model_values, train_values = params.partition(
        params.section(all_params, key, path), ClassifierConfig, TrainConfig, key, path, ["cell", *dimensions]
    )
    model = params.build(ClassifierConfig, model_values, key, path, cell=name, **dimensions)
    return model, params.build(TrainConfig, train_values, key, path)
