"""figure_forecast@<setup>: three test windows with every forecaster's forecast -> PNG."""

from pathlib import Path

from rnnlab.config import load_params, model_names
from rnnlab.forecast import config as forecast_config
from rnnlab.forecast.figure import plot_windows
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.windows import windows_in_degc
from rnnlab.io import read_tensors
from rnnlab.stage import run_stage


def main(windows, predictions, out) -> None:
    test = windows_in_degc(windows, TARGET, "test")
    forecasts = {
        name: read_tensors(Path(predictions), name)["predicted_degc"]
        for name in model_names(load_params(), forecast_config.MODELS)
    }
    chosen = plot_windows(out, test["history"], test["true"], forecasts, test["start"])
    print(f"drew test windows {chosen}")


if __name__ == "__main__":
    run_stage(main)
