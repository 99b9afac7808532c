"""train_forecast@<setup>-<model>: the forecaster with our <model> cell -> models/forecast/<setup>/<model>.pt, its
dvclive log, and timings/forecast/<setup>/<model>.json."""
import sys

from rnnlab.config import forecast_training, load_params
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.setup import load_setup
from rnnlab.forecast.train import train_forecaster
from rnnlab.io import write_timing

if __name__ == "__main__":
    setup_name, name = sys.argv[1], sys.argv[2]
    all_params = load_params()
    setup = load_setup(all_params, setup_name)
    model_config, train_config = forecast_training(all_params, name, setup)
    result = train_forecaster(
        model_config, train_config, f"data/forecast/{setup.name}/windows", TARGET,
        f"models/forecast/{setup.name}/{name}.pt", f"metrics/forecast/{setup.name}/training/{name}",
    )
    write_timing(f"timings/forecast/{setup.name}/{name}.json", result.timing())
    print(f"best validation MSE {result.best_score:.4f} at epoch {result.best_epoch}, "
          f"{result.timing()['mean_seconds_per_epoch']} s per epoch")
