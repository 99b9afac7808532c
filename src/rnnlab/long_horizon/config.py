"""The long-horizon benchmark's settings: the lookback, the horizons, and each forecaster with its training."""

from dataclasses import asdict, dataclass
from pathlib import Path

from rnnlab import params
from rnnlab.config import TrainConfig, integer_at_least, require_at_least_one, require_network_shape

SECTION = "long_horizon"
# How a window's own level is taken out before the network reads it and put back on its forecast: its last
# value, or RevIN's mean and standard deviation over the lookback (without RevIN's learned affine).
LEVELS = ("last", "revin")
LOSSES = ("mse", "mae")


@dataclass(frozen=True)
class SegmentConfig:
    """The segment-recurrent forecaster (rnnlab.long_horizon.model.SegmentForecaster)."""

    cell: str
    # From the data and the stage.
    channels: int
    input_steps: int
    horizon: int
    # From params.yaml.
    segment: int  # steps per segment, in and out; input_steps must be a multiple of it
    hidden: int
    layers: int
    dropout: float
    level: str

    def __post_init__(self):
        _check_forecaster(self)
        require_at_least_one(self, "segment")
        if self.input_steps % self.segment:
            raise ValueError(f"segment must divide input_steps ({self.input_steps}), got {self.segment!r}")
        if self.hidden < 2:
            raise ValueError(f"hidden must be at least 2 (half position, half channel embedding), got {self.hidden!r}")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PointwiseConfig:
    """The point-wise baseline (rnnlab.long_horizon.model.PointwiseForecaster)."""

    cell: str
    # From the data and the stage.
    channels: int
    input_steps: int
    horizon: int
    # From params.yaml.
    hidden: int
    layers: int
    dropout: float
    level: str

    def __post_init__(self):
        _check_forecaster(self)

    def to_dict(self) -> dict:
        return asdict(self)


# What a forecaster's ``kind`` in params.yaml names: the config of the model it trains.
KINDS = {"segment": SegmentConfig, "pointwise": PointwiseConfig}


def _check_forecaster(config: SegmentConfig | PointwiseConfig) -> None:
    require_network_shape(config)
    require_at_least_one(config, "channels", "input_steps", "horizon")
    if config.level not in LEVELS:
        raise ValueError(f"level must be one of {list(LEVELS)}, got {config.level!r}")


@dataclass(frozen=True)
class Objective:
    """What one epoch trains on: ``windows_per_epoch`` training windows drawn afresh each epoch (0: all), and
    the loss on the standardised values."""

    loss: str
    windows_per_epoch: int

    def __post_init__(self):
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {list(LOSSES)}, got {self.loss!r}")


def check(all_params: dict, path: str | Path = params.PARAMS_FILE) -> None:
    input_steps(all_params, path)
    for horizon in horizons(all_params, path):
        for name in model_names(all_params, path):
            forecaster(all_params, name, channels=1, horizon=horizon, path=path)


def input_steps(all_params: dict, path: str | Path = params.PARAMS_FILE) -> int:
    return integer_at_least(all_params, f"{SECTION}.input_steps", 1, path)


def horizons(all_params: dict, path: str | Path = params.PARAMS_FILE) -> list[int]:
    values = params.section(all_params, f"{SECTION}.horizons", path)
    if (
        not isinstance(values, list)
        or not values
        or len(set(values)) != len(values)
        or any(not isinstance(v, int) or isinstance(v, bool) or v < 1 for v in values)
    ):
        raise params.ParamsError(
            f"{path}: {SECTION}.horizons must be a list of distinct positive integers, got {values!r}"
        )
    return values


def model_names(all_params: dict, path: str | Path = params.PARAMS_FILE) -> list[str]:
    models = params.section(all_params, f"{SECTION}.models", path)
    if not isinstance(models, dict) or not models:
        raise params.ParamsError(f"{path}: {SECTION}.models must map forecaster names to settings, got {models!r}")
    return list(models)


def model_kind(
    all_params: dict, name: str, path: str | Path = params.PARAMS_FILE
) -> type[SegmentConfig | PointwiseConfig]:
    """The config class that ``long_horizon.models.<name>.kind`` names."""
    key = f"{SECTION}.models.{name}.kind"
    kind = params.section(all_params, key, path)
    if kind not in KINDS:
        raise params.ParamsError(f"{path}: {key} must be one of {list(KINDS)}, got {kind!r}")
    return KINDS[kind]


def forecaster(
    all_params: dict, name: str, channels: int, horizon: int, path: str | Path = params.PARAMS_FILE
) -> tuple[SegmentConfig | PointwiseConfig, Objective, TrainConfig]:
    """The settings of ``long_horizon.models.<name>`` for ``channels`` channels and ``horizon`` steps ahead: the
    config of the model its ``kind`` names, what an epoch trains on, and how."""
    key = f"{SECTION}.models.{name}"
    values = params.section(all_params, key, path)
    if not isinstance(values, dict):
        raise params.ParamsError(f"{path}: {key} must be a mapping, got {values!r}")
    config_class = model_kind(all_params, name, path)
    objective_names = {"loss", "windows_per_epoch"}
    fixed = {"channels": channels, "input_steps": input_steps(all_params, path), "horizon": horizon}
    model_values, train_values = params.partition(
        {k: v for k, v in values.items() if k not in objective_names | {"kind"}},
        config_class,
        TrainConfig,
        key,
        path,
        fixed,
    )
    objective = params.build(Objective, {k: v for k, v in values.items() if k in objective_names}, key, path)
    return (
        params.build(config_class, model_values, key, path, **fixed),
        objective,
        params.build(TrainConfig, train_values, key, path),
    )
