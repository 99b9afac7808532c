"""train_forecast@<setup>-<model>: the forecaster with our <model> cell, from the setup's windows -> checkpoint,
dvclive log folder, the best epoch and score (JSON), timing JSON."""

from rnnlab.config import load_params, require_unchanged, settings_of
from rnnlab.forecast.config import forecast_training, load_setup
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.train import train_forecaster
from rnnlab.stage import run_stage
from rnnlab.training.progress import TrainingOutputs
from rnnlab.training.ranks import run_as_processes


def main(setup_name, name, windows, checkpoint, live, summary, timing) -> None:
    def configured(all_params: dict) -> tuple:
        return forecast_training(all_params, name, load_setup(all_params, setup_name))

    model_config, train_config = configured(load_params())
    run_as_processes(train_config.processes)
    train_forecaster(model_config, train_config, windows, TARGET, TrainingOutputs.at(checkpoint, live, summary, timing))
    require_unchanged(
        lambda: settings_of(*configured(load_params())),
        settings_of(model_config, train_config),
        f"train_forecast.{name}",
    )


if __name__ == "__main__":
    run_stage(main, threads=True, flush_denormals=True)
