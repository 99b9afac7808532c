"""The forecast chain's settings: each setup (data, features, periods, windows) and each forecaster with its
training."""

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from rnnlab import params
from rnnlab.config import TrainConfig, model_names, require_at_least_one, require_network_shape
from rnnlab.forecast.jena import DERIVED, PHYSICAL_LIMITS, TARGET
from rnnlab.station import STEP

# The section of params.yaml with one block per forecaster, each trained on every setup.
MODELS = "train_forecast"
# The forecast a forecaster corrects (rnnlab.forecast.model.Forecaster.base_forecast).
BASES = ("none", "hold_last", "repeat_last_24h", "blend", "linear")

STEPS_PER_HOUR = int(pd.Timedelta(hours=1) / STEP)
STEPS_PER_DAY = 24 * STEPS_PER_HOUR
# What the bases and baselines read besides the last value (rnnlab.forecast.evaluate.lagged): the same time of
# day one, two and three days before, and single values from ten minutes to six hours before the last.
DAYS_BACK = (1, 2, 3)
STEPS_BACK = (1, 3, 6, 18, 36)


@dataclass(frozen=True)
class ForecastConfig:
    cell: str  # the model's name, unless its block names a cell
    # From the setup.
    features: int
    target_steps: int
    target_feature: int  # which input column is the (normalised) temperature
    # From params.yaml.
    hidden: int
    layers: int
    dropout: float
    # The forecast the network corrects: "hold_last", "repeat_last_24h", "blend" (the two, handing over with
    # a decay fitted on the training windows), "linear" (a least-squares weighting of lagged temperatures,
    # fitted on the training windows: rnnlab.forecast.evaluate.fit_linear) or "none" (predict outright).
    base: str
    # Feed the network each window minus its own mean, so that it sees weather patterns rather than the
    # season's level, which shifts between the training and test periods.
    centre_inputs: bool
    # Steps the network reads at once (after SegRNN, Lin et al. 2023): 1 reads the window step by step; more
    # cuts it into segments of that many steps, each embedded by a linear layer, so that 720 steps are 15
    # recurrent steps of 48.
    segment: int = 1

    def __post_init__(self):
        require_network_shape(self)
        require_at_least_one(self, "segment")
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
        edges = [
            pd.Timestamp(self.train_start),
            pd.Timestamp(self.val_start),
            pd.Timestamp(self.test_start),
            pd.Timestamp(self.test_end) + pd.Timedelta(days=1),
        ]
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


def check(all_params: dict, path: str | Path = params.PARAMS_FILE) -> None:
    setups = params.section(all_params, "forecast", path)
    if not isinstance(setups, dict) or not setups:
        raise params.ParamsError(f"{path}: forecast must map setup names to setups, got {setups!r}")
    for setup in setups:
        checked = load_setup(all_params, setup, path)
        for name in model_names(all_params, MODELS, path):
            forecast_training(all_params, name, checked, path)


def load_setup(all_params: dict, name: str, path: str | Path = params.PARAMS_FILE) -> Setup:
    key = f"forecast.{name}"
    values = params.section(all_params, key, path)
    if not isinstance(values, dict):
        raise params.ParamsError(f"{path}: {key} must be a mapping, got {values!r}")
    values = dict(values)
    periods = params.build(Periods, values.pop("periods", None), f"{key}.periods", path)
    windows = params.build(WindowConfig, values.pop("windows", None), f"{key}.windows", path)
    setup = params.build(Setup, values, key, path, name=name, periods=periods, windows=windows)
    params.inside_project(setup.source, f"{key}.source", path)
    if windows.input_steps < max(DAYS_BACK) * STEPS_PER_DAY:
        raise params.ParamsError(
            f"{path}: {key}.windows.input_steps must cover the {max(DAYS_BACK)} days that the baselines read "
            f"back ({max(DAYS_BACK) * STEPS_PER_DAY} steps), got {windows.input_steps}"
        )
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
    key = f"{MODELS}.{name}"
    fixed = {
        "features": len(setup.features),
        "target_steps": setup.windows.target_steps,
        "target_feature": setup.features.index(TARGET),
    }
    block = params.section(all_params, key, path)
    if not (isinstance(block, dict) and "cell" in block):
        fixed["cell"] = name
    model_values, train_values = params.partition(block, ForecastConfig, TrainConfig, key, path, fixed)
    model = params.build(ForecastConfig, model_values, key, path, **fixed)
    if setup.windows.input_steps % model.segment:
        raise params.ParamsError(
            f"{path}: {key}.segment must divide forecast.{setup.name}.windows.input_steps "
            f"({setup.windows.input_steps}), got {model.segment}"
        )
    return model, params.build(TrainConfig, train_values, key, path)
