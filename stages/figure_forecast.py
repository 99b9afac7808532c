"""figure_forecast@<setup>: three test windows with every model's forecast -> metrics/forecast/<setup>/windows.png."""
import sys

from safetensors.torch import load_file

from rnnlab.forecast.figure import plot_windows
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.train import test_in_degc
from rnnlab.nn import NETWORKS

if __name__ == "__main__":
    setup = sys.argv[1]
    test = test_in_degc(f"data/forecast/{setup}/windows", TARGET)
    forecasts = {
        name: load_file(f"data/forecast/{setup}/predictions/{name}.safetensors")["predicted_degc"] for name in NETWORKS
    }
    chosen = plot_windows(f"metrics/forecast/{setup}/windows.png", test["history"], test["true"], forecasts, test["start"])
    print(f"drew test windows {chosen}")
