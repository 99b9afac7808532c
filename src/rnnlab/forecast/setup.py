"""A forecasting setup from params.yaml: which station data, which features, which periods and windows."""
from dataclasses import dataclass
from pathlib import Path

from rnnlab import params
from rnnlab.forecast.jena import DERIVED, PHYSICAL_LIMITS, TARGET
from rnnlab.forecast.windows import Periods, WindowConfig


@dataclass(frozen=True)
class Setup:
    name: str
    source: str
    features: list[str]
    max_gap_steps: int
    periods: Periods
    windows: WindowConfig


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
    if unknown or TARGET not in setup.features:
        raise params.ParamsError(
            f"{path}: {key}.features must include {TARGET!r} and name station columns or "
            f"{sorted(DERIVED)}; unknown: {unknown}"
        )
    return setup
