"""figure_forecast@<setup>: three test windows with every model's forecast -> metrics/forecast/<setup>/windows.png."""
import sys

from rnnlab.forecast.figure import plot_windows
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.train import test_in_degc
from rnnlab.io import read_tensors
from rnnlab.nn import NETWORKS

if __name__ == "__main__":
    setup = sys.argv[1]
    test = test_in_degc(f"data/forecast/{setup}/windows", TARGET)
    predictions = f"data/forecast/{setup}/predictions"
    forecasts = {name: read_tensors(predictions, name)["predicted_degc"] for name in NETWORKS}
    chosen = plot_windows(f"metrics/forecast/{setup}/windows.png", test["history"], test["true"], forecasts, test["start"])
    print(f"drew test windows {chosen}")
