"""Configs holding the committed params.yaml's values, changed where a test says: tests build the models that
the pipeline builds, and params.yaml stays the one place that says what a setting is."""
import dataclasses
from pathlib import Path

from rnnlab import config, params

PARAMS = params.load(Path(__file__).resolve().parents[1] / "params.yaml")
# A classifier's data sizes have no committed value; these are the smallest that build one.
WORDS_ONLY = {"character_vocab_size": 1, "chars_per_word": 0}


def _committed(cls, section: str) -> dict:
    names = {field.name for field in dataclasses.fields(cls)}
    return {key: value for key, value in PARAMS[section].items() if key in names}


def classifier_config(**given) -> config.ClassifierConfig:
    return config.ClassifierConfig(**{**WORDS_ONLY, **_committed(config.ClassifierConfig, "text_model"), **given})


def forecast_config(**given) -> config.ForecastConfig:
    return config.ForecastConfig(**{**_committed(config.ForecastConfig, "forecaster"), **given})


def word2vec_config(**given) -> config.Word2VecConfig:
    return config.Word2VecConfig(**{**PARAMS["word2vec"], **given})


def train_config(section: str = "text_model", **given) -> config.TrainConfig:
    return config.TrainConfig(**{**_committed(config.TrainConfig, section), **given})
