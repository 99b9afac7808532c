"""Every setting of params.yaml checked at once, as ``python -m rnnlab check`` does before any stage runs; each
stage checks the settings it reads as it reads them (the tasks' config modules)."""

from pathlib import Path

from rnnlab import params
from rnnlab.config import check_sections, threads
from rnnlab.cpu import pins_in
from rnnlab.datasets import check_destinations
from rnnlab.forecast import config as forecast_config
from rnnlab.long_horizon import config as long_horizon_config
from rnnlab.text import config as text_config


def check(all_params: dict, path: str | Path = params.PARAMS_FILE) -> None:
    check_sections(all_params, path)
    threads(all_params, path)
    pins_in(all_params, path)
    check_destinations(all_params, path)
    text_config.check(all_params, path)
    forecast_config.check(all_params, path)
    long_horizon_config.check(all_params, path)
