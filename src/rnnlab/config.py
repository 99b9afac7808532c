"""Every setting of the pipeline as a typed config, and params.yaml checked whole against them.

A bad value stops any stage before work starts, naming its key. This module imports neither torch nor gensim
nor dvclive, so that a stage that needs none of them does not pay for them. params.yaml is the one source of
every value: the configs' fields that it sets have no defaults here.
"""
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from rnnlab import params
from rnnlab.forecast.jena import DERIVED, PHYSICAL_LIMITS, TARGET

# Shared blocks of params.yaml that the model sections merge (YAML anchors), beside the stages' sections.
SECTIONS = ("text_model", "forecaster", "segment", "word2vec", "tensorize", "train", "forecast", "train_forecast")
# The recurrent networks a model section may name; rnnlab.nn.NETWORKS builds each.
NETWORKS = ("rnn", "gru", "lstm", "bilstm")
POOLINGS = ("last", "max", "mean", "max_mean")
# The forecast a forecaster corrects; rnnlab.forecast.model.BASES computes each.
BASES = ("none", "hold_last", "repeat_last_24h")
# Sizes that come from the data, not from params.yaml; stand-ins while only the file is checked.
PLACEHOLDER_TEXT_DIMENSIONS = {"vocab_size": 2, "embedding_dim": 1, "classes": 2, "character_vocab_size": 1, "chars_per_word": 0}


def require_at_least_one(config, *names: str) -> None:
    for name in names:
        if getattr(config, name) < 1:
            raise ValueError(f"{name} must be at least 1, got {getattr(config, name)!r}")


def require_network_shape(config) -> None:
    """Checks the fields every model config has: ``cell``, ``hidden``, ``layers`` and ``dropout``."""
    require_at_least_one(config, "hidden", "layers")
    if not 0.0 <= config.dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {config.dropout!r}")
    if config.cell not in NETWORKS:
        raise ValueError(f"cell must be one of {sorted(NETWORKS)}, got {config.cell!r}")


@dataclass(frozen=True)
class Word2VecConfig:
    vector_size: int
    epochs: int
    seed: int

    def __post_init__(self):
        require_at_least_one(self, "vector_size", "epochs")


@dataclass(frozen=True)
class TrainConfig:
    epochs: int
    batch_size: int
    lr: float
    weight_decay: float
    patience: int
    clip_norm: float
    seed: int

    def __post_init__(self):
        require_at_least_one(self, "epochs", "batch_size", "patience")
        if self.lr <= 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")
        if self.clip_norm <= 0:
            raise ValueError(f"clip_norm must be positive, got {self.clip_norm!r}")


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


@dataclass(frozen=True)
class ForecastConfig:
    cell: str
    # From the setup.
    features: int
    target_steps: int
    target_feature: int  # which input column is the (normalised) temperature
    # From params.yaml.
    hidden: int
    layers: int
    dropout: float
    # The forecast the network corrects: "hold_last", "repeat_last_24h" or "none" (predict outright).
    base: str
    # Feed the network each window minus its own mean, so that it sees weather patterns rather than the
    # season's level, which shifts between the training and test periods.
    centre_inputs: bool

    def __post_init__(self):
        require_network_shape(self)
        if self.base not in BASES:
            raise ValueError(f"base must be one of {sorted(BASES)}, got {self.base!r}")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class WindowConfig:
    input_steps: int
    target_steps: int
    stride: int

    def __post_init__(self):
        require_at_least_one(self, "input_steps", "target_steps", "stride")


@dataclass(frozen=True)
class Periods:
    """Train [train_start, val_start), validation [val_start, test_start), test [test_start, test_end]."""

    train_start: str | date
    val_start: str | date
    test_start: str | date
    test_end: str | date

    def __post_init__(self):
        stamps = [pd.Timestamp(getattr(self, name)) for name in ("train_start", "val_start", "test_start", "test_end")]
        if not stamps[0] < stamps[1] < stamps[2] <= stamps[3]:
            raise ValueError(f"periods must satisfy train_start < val_start < test_start <= test_end, got {self}")

    def bounds(self) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
        """Each period as [first, last) timestamps; test_end is a whole day."""
        edges = [pd.Timestamp(self.train_start), pd.Timestamp(self.val_start), pd.Timestamp(self.test_start),
                 pd.Timestamp(self.test_end) + pd.Timedelta(days=1)]
        return {name: (edges[i], edges[i + 1]) for i, name in enumerate(("train", "val", "test"))}


@dataclass(frozen=True)
class Setup:
    """A forecasting setup: which station data, which features, which periods and windows."""

    name: str
    source: str
    features: list[str]
    max_gap_steps: int
    periods: Periods
    windows: WindowConfig


def load_params(path: str | Path = params.PARAMS_FILE) -> dict:
    all_params = params.load(path)
    check(all_params, path)
    return all_params


def check(all_params: dict, path: str | Path = params.PARAMS_FILE) -> None:
    for section in all_params:
        if section not in SECTIONS:
            raise params.ParamsError(f"{path}: {section} is not a known section; expected one of {list(SECTIONS)}")
    categories(all_params, path)
    integer_at_least(all_params, "segment.workers", 1, path)
    word2vec(all_params, path)
    max_len(all_params, path)
    chars_per_word(all_params, path)
    for name in model_names(all_params, "train", path):
        text_training(all_params, name, PLACEHOLDER_TEXT_DIMENSIONS, path)
    setups = params.section(all_params, "forecast", path)
    if not isinstance(setups, dict) or not setups:
        raise params.ParamsError(f"{path}: forecast must map setup names to setups, got {setups!r}")
    for setup in setups:
        checked = load_setup(all_params, setup, path)
        for name in model_names(all_params, "train_forecast", path):
            forecast_training(all_params, name, checked, path)


def model_names(all_params: dict, section: str, path: str | Path = params.PARAMS_FILE) -> list[str]:
    models = params.section(all_params, section, path)
    if not isinstance(models, dict) or not models:
        raise params.ParamsError(f"{path}: {section} must map model names to settings, got {models!r}")
    for name in models:
        if name not in NETWORKS:
            raise params.ParamsError(f"{path}: {section}.{name} is not a model; expected one of {sorted(NETWORKS)}")
    return list(models)


def integer_at_least(all_params: dict, key: str, minimum: int, path: str | Path = params.PARAMS_FILE) -> int:
    """The integer at ``key``; anything else, or less than ``minimum``, is an error naming the key."""
    value = params.section(all_params, key, path)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        expected = {0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer of at least {minimum}")
        raise params.ParamsError(f"{path}: {key} must be {expected}, got {value!r}")
    return value


def categories(all_params: dict, path: str | Path = params.PARAMS_FILE) -> list[str]:
    names = params.section(all_params, "segment.categories", path)
    if not names or not all(isinstance(c, str) for c in names) or len(set(names)) != len(names):
        raise params.ParamsError(f"{path}: segment.categories must be a list of distinct names, got {names!r}")
    return names


def word2vec(all_params: dict, path: str | Path = params.PARAMS_FILE) -> Word2VecConfig:
    return params.build(Word2VecConfig, params.section(all_params, "word2vec", path), "word2vec", path)


def max_len(all_params: dict, path: str | Path = params.PARAMS_FILE) -> int:
    return integer_at_least(all_params, "tensorize.max_len", 3, path)


def chars_per_word(all_params: dict, path: str | Path = params.PARAMS_FILE) -> int:
    return integer_at_least(all_params, "tensorize.chars_per_word", 0, path)


def text_training(
    all_params: dict, name: str, dimensions: dict, path: str | Path = params.PARAMS_FILE
) -> tuple[ClassifierConfig, TrainConfig]:
    """The classifier and training settings of ``train.<name>``."""
    key = f"train.{name}"
    model_values, train_values = params.partition(
        params.section(all_params, key, path), ClassifierConfig, TrainConfig, key, path, ["cell", *dimensions]
    )
    model = params.build(ClassifierConfig, model_values, key, path, cell=name, **dimensions)
    return model, params.build(TrainConfig, train_values, key, path)


def load_setup(all_params: dict, name: str, path: str | Path = params.PARAMS_FILE) -> Setup:
    key = f"forecast.{name}"
    values = params.section(all_params, key, path)
    if not isinstance(values, dict):
        raise params.ParamsError(f"{path}: {key} must be a mapping, got {values!r}")
    values = dict(values)
    periods = params.build(Periods, values.pop("periods", None), f"{key}.periods", path)
    windows = params.build(WindowConfig, values.pop("windows", None), f"{key}.windows", path)
    setup = params.build(Setup, values, key, path, name=name, periods=periods, windows=windows)
    unknown = [f for f in setup.features if f not in DERIVED and f not in PHYSICAL_LIMITS]
    if unknown or TARGET not in setup.features or len(set(setup.features)) != len(setup.features):
        raise params.ParamsError(
            f"{path}: {key}.features must include {TARGET!r}, each once, and name station columns or "
            f"{sorted(DERIVED)}; unknown: {unknown}"
        )
    return setup


def forecast_training(
    all_params: dict, name: str, setup: Setup, path: str | Path = params.PARAMS_FILE
) -> tuple[ForecastConfig, TrainConfig]:
    """The forecaster and training settings of ``train_forecast.<name>`` for ``setup``."""
    key = f"train_forecast.{name}"
    fixed = {"cell": name, "features": len(setup.features), "target_steps": setup.windows.target_steps,
             "target_feature": setup.features.index(TARGET)}
    model_values, train_values = params.partition(
        params.section(all_params, key, path), ForecastConfig, TrainConfig, key, path, fixed
    )
    model = params.build(ForecastConfig, model_values, key, path, **fixed)
    return model, params.build(TrainConfig, train_values, key, path)
