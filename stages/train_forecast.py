"""train_forecast@<setup>-<model>: the forecaster with our <model> cell, from the setup's windows -> checkpoint,
dvclive log folder, the best epoch and score (JSON), timing JSON."""

from rnnlab.config import load_params
from rnnlab.forecast.config import forecast_training, load_setup
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.train import train_forecaster
from rnnlab.stage import run_stage
from rnnlab.training.progress import TrainingOutputs
from rnnlab.training.ranks import run_as_processes


def main(setup_name, name, windows, checkpoint, live, summary, timing) -> None:
    all_params = load_params()
    model_config, train_config = forecast_training(all_params, name, load_setup(all_params, setup_name))
    run_as_processes(train_config.processes)
    train_forecaster(model_config, train_config, windows, TARGET, TrainingOutputs.at(checkpoint, live, summary, timing))


if __name__ == "__main__":
    run_stage(main, threads=True, flush_denormals=True)
