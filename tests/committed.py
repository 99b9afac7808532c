"""Configs holding the committed params.yaml's values, changed where a test says: tests build the models that
the pipeline builds, and params.yaml stays the one place that says what a setting is."""

import dataclasses

from pipeline_project import ROOT
from rnnlab import params
from rnnlab.config import model_cell
from rnnlab.forecast import config as forecast_settings
from rnnlab.text import config as text_settings

PARAMS = params.load(ROOT / "params.yaml")
# The models of each chain, as params.yaml lists them (a section each): tests never write the list out.
TEXT_MODELS = list(PARAMS["train_text"])
FORECASTERS = list(PARAMS["train_forecast"])
# A classifier's data sizes have no committed value; these are the smallest that build one.
WORDS_ONLY = {"character_vocab_size": 1, "chars_per_word": 0}


def _committed(cls, section: str) -> dict:
    names = {field.name for field in dataclasses.fields(cls)}
    return {key: value for key, value in PARAMS[section].items() if key in names}


def classifier_config(**given) -> text_settings.ClassifierConfig:
    return text_settings.ClassifierConfig(
        **{**WORDS_ONLY, **_committed(text_settings.ClassifierConfig, "text_model"), **given}
    )


def forecast_config(name: str | None = None, **given) -> forecast_settings.ForecastConfig:
    """The shared `forecaster` block, or forecaster ``name``'s own (its cell resolved), changed by ``given``."""
    committed = _committed(forecast_settings.ForecastConfig, "forecaster")
    if name is not None:
        block = PARAMS["train_forecast"][name]
        committed = {key: block[key] for key in committed.keys() | {"segment"} if key in block}
        committed["cell"] = model_cell(PARAMS, "train_forecast", name)
    return forecast_settings.ForecastConfig(**{**committed, **given})


def word2vec_config(**given) -> text_settings.Word2VecConfig:
    return text_settings.Word2VecConfig(**{**PARAMS["word2vec"], **given})
