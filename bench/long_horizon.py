"""The long-horizon benchmark's segment forecaster trained at another size than params.yaml's, for one horizon:
its test MSE and MAE (every test window) and the time it took.

    python bench/long_horizon.py [--horizon 96] [--hidden 512] [--epochs 30] [--patience 10]
                                 [--windows-per-epoch 0] [--lr 0.0001]

Every setting not given is params.yaml's ``long_horizon.models.segment_gru``. Reads the standardised rows that
``dvc repro long_horizon_prepare`` writes (data/long_horizon/series). Trains on the GPU where there is one.
Prints one Markdown table row. Runs without dvclive (the training log is not kept), so that a bare GPU machine
can run it.
"""

import argparse
import dataclasses
import importlib.util
import sys
import tempfile
import time
import types
from pathlib import Path

import torch

from rnnlab.config import load_params
from rnnlab.io import read_json, read_tensors
from rnnlab.long_horizon.config import forecaster
from rnnlab.long_horizon.model import FORECASTERS
from rnnlab.long_horizon.score import model_forecast, score
from rnnlab.training.checkpoint import load_model, pick_device
from rnnlab.training.loop import NoLog
from rnnlab.training.progress import TrainingOutputs

MODEL = "segment_gru"


def without_dvclive() -> None:
    """dvclive's Live as a log that keeps nothing, where dvclive is not installed."""
    if importlib.util.find_spec("dvclive") is None:
        sys.modules["dvclive"] = types.SimpleNamespace(Live=lambda *args, **kwargs: NoLog())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", default="data/long_horizon/series")
    parser.add_argument("--horizon", type=int, default=96)
    parser.add_argument("--hidden", type=int)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--patience", type=int)
    parser.add_argument("--windows-per-epoch", type=int)
    parser.add_argument("--lr", type=float)
    arguments = parser.parse_args()
    without_dvclive()
    from rnnlab.long_horizon.train import train_forecaster

    channels = len(read_json(Path(arguments.series) / "scaler.json")["channels"])
    model_config, objective, train_config = forecaster(load_params(), MODEL, channels, arguments.horizon)
    model_config = dataclasses.replace(model_config, **given(arguments, hidden="hidden"))
    objective = dataclasses.replace(objective, **given(arguments, windows_per_epoch="windows_per_epoch"))
    train_config = dataclasses.replace(train_config, **given(arguments, epochs="epochs", patience="patience", lr="lr"))
    with tempfile.TemporaryDirectory() as folder:
        outputs = TrainingOutputs.at(
            *(Path(folder) / name for name in ("model.pt", "live", "best.json", "timing.json"))
        )
        started = time.perf_counter()
        result = train_forecaster(model_config, objective, train_config, arguments.series, outputs)
        seconds = time.perf_counter() - started
        model = load_model(outputs.checkpoint, FORECASTERS[type(model_config)], pick_device())
    test = score(
        model_forecast(model),
        read_tensors(arguments.series, "test")["values"],
        model_config.input_steps,
        model_config.horizon,
    )
    print("| device | horizon | hidden | windows per epoch | epochs run (best) | lr | train s | test MSE | test MAE |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    name = torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"
    print(
        f"| {name} | {model_config.horizon} | {model_config.hidden} | {objective.windows_per_epoch or 'all'} | "
        f"{len(result.seconds_per_epoch)} ({result.best_epoch}) | {train_config.lr:g} | {seconds:.0f} | "
        f"{test['mse']:.4f} | {test['mae']:.4f} |"
    )


def given(arguments: argparse.Namespace, **fields: str) -> dict:
    """The config fields whose command-line option was given."""
    return {
        field: getattr(arguments, option) for field, option in fields.items() if getattr(arguments, option) is not None
    }


if __name__ == "__main__":
    main()
