"""long_horizon_train@<horizon>-<model>: the forecaster <model> of params.yaml, trained for <horizon>
steps ahead on the benchmark's rows -> checkpoint, dvclive log folder, the best epoch and score (JSON), timing
JSON."""

from rnnlab.config import load_params, require_unchanged, settings_of
from rnnlab.io import read_json
from rnnlab.long_horizon.config import forecaster
from rnnlab.long_horizon.train import train_forecaster
from rnnlab.stage import run_stage
from rnnlab.training.progress import TrainingOutputs
from rnnlab.training.ranks import run_as_processes


def main(horizon, name, series, checkpoint, live, summary, timing) -> None:
    channels = len(read_json(f"{series}/scaler.json")["channels"])
    model_config, objective, train_config = forecaster(load_params(), name, channels, int(horizon))
    run_as_processes(train_config.processes)
    outputs = TrainingOutputs.at(checkpoint, live, summary, timing)
    train_forecaster(model_config, objective, train_config, series, outputs)
    require_unchanged(
        lambda: settings_of(*forecaster(load_params(), name, channels, int(horizon))),
        settings_of(model_config, objective, train_config),
        f"long_horizon.models.{name}",
    )


if __name__ == "__main__":
    run_stage(main, threads=True, flush_denormals=True)
