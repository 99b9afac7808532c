"""figure_forecast@<setup>: three test windows with every forecaster's forecast -> PNG."""
import sys
from pathlib import Path

from rnnlab.config import load_params, model_names
from rnnlab.forecast.figure import plot_windows
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.train import windows_in_degc
from rnnlab.io import read_tensors

if __name__ == "__main__":
    windows, predictions, out = sys.argv[1:]
    test = windows_in_degc(windows, TARGET, "test")
    forecasts = {
        name: read_tensors(Path(predictions), name)["predicted_degc"]
        for name in model_names(load_params(), "train_forecast")
    }
    chosen = plot_windows(out, test["history"], test["true"], forecasts, test["start"])
    print(f"drew test windows {chosen}")
