"""The whole of params.yaml checked at once: a bad value stops any stage before work starts, naming its key."""
from pathlib import Path

from rnnlab import params
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.model import ForecastConfig
from rnnlab.forecast.setup import Setup, load_setup
from rnnlab.nn import NETWORKS
from rnnlab.text.model import ClassifierConfig
from rnnlab.text.vectors import Word2VecConfig
from rnnlab.training import TrainConfig

SECTIONS = ("segment", "word2vec", "tensorize", "train", "forecast", "train_forecast")
# Sizes that come from the data, not from params.yaml; stand-ins while only the file is checked.
PLACEHOLDER_TEXT_DIMENSIONS = {"vocab_size": 2, "embedding_dim": 1, "classes": 2, "character_vocab_size": 1, "chars_per_word": 0}


def load_params(path: str | Path = params.PARAMS_FILE) -> dict:
    all_params = params.load(path)
    check(all_params, path)
    return all_params


def check(all_params: dict, path: str | Path = params.PARAMS_FILE) -> None:
    for section in all_params:
        if section not in SECTIONS:
            raise params.ParamsError(f"{path}: {section} is not a known section; expected one of {list(SECTIONS)}")
    categories = params.section(all_params, "segment.categories", path)
    if not categories or not all(isinstance(c, str) for c in categories) or len(set(categories)) != len(categories):
        raise params.ParamsError(f"{path}: segment.categories must be a list of distinct names, got {categories!r}")
    integer_at_least(all_params, "segment.workers", 1, path)
    params.build(Word2VecConfig, params.section(all_params, "word2vec", path), "word2vec", path)
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
    if not isinstance(models, dict):
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


def max_len(all_params: dict, path: str | Path = params.PARAMS_FILE) -> int:
    return integer_at_least(all_params, "tensorize.max_len", 3, path)


def chars_per_word(all_params: dict, path: str | Path = params.PARAMS_FILE) -> int:
    return integer_at_least(all_params, "tensorize.chars_per_word", 0, path)


def text_training(
    all_params: dict, name: str, dimensions: dict, path: str | Path = params.PARAMS_FILE
) -> tuple[ClassifierConfig, TrainConfig]:
    """The classifier and training settings of ``train.<name>``."""
    key = f"train.{name}"
    model_values, train_values = params.partition(params.section(all_params, key, path), ClassifierConfig)
    model = params.build(ClassifierConfig, model_values, key, path, cell=name, **dimensions)
    return model, params.build(TrainConfig, train_values, key, path)


def forecast_training(
    all_params: dict, name: str, setup: Setup, path: str | Path = params.PARAMS_FILE
) -> tuple[ForecastConfig, TrainConfig]:
    """The forecaster and training settings of ``train_forecast.<name>`` for ``setup``."""
    key = f"train_forecast.{name}"
    model_values, train_values = params.partition(params.section(all_params, key, path), ForecastConfig)
    model = params.build(
        ForecastConfig, model_values, key, path, cell=name, features=len(setup.features),
        target_steps=setup.windows.target_steps, target_feature=setup.features.index(TARGET),
    )
    return model, params.build(TrainConfig, train_values, key, path)
