"""train_forecast@<setup>-<model>: the forecaster with our <model> cell -> models/forecast/<setup>/<model>.pt."""
import sys

from rnnlab import params
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.model import ForecastConfig
from rnnlab.forecast.setup import load_setup
from rnnlab.forecast.train import train_forecaster
from rnnlab.training import TrainConfig

if __name__ == "__main__":
    setup_name, name = sys.argv[1], sys.argv[2]
    all_params = params.load()
    setup = load_setup(all_params, setup_name)
    key = f"train_forecast.{name}"
    model_values, train_values = params.partition(params.section(all_params, key), ForecastConfig)
    model_config = params.build(
        ForecastConfig, model_values, key, cell=name, features=len(setup.features),
        target_steps=setup.windows.target_steps, target_feature=setup.features.index(TARGET),
    )
    train_config = params.build(TrainConfig, train_values, key)
    result = train_forecaster(
        model_config, train_config, f"data/forecast/{setup.name}/windows", TARGET,
        f"models/forecast/{setup.name}/{name}.pt", f"metrics/forecast/{setup.name}/training/{name}",
    )
    print(f"best validation MSE {result.best_score:.4f} at epoch {result.best_epoch}, "
          f"{result.seconds_per_epoch:.1f} s per epoch")
