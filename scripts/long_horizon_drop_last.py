"""The benchmark's test MSE on every window (our protocol) beside the MSE with the last partial batch left out,
as the published SegRNN and Time-Series-Library numbers were measured (their test loader: batch 64,
drop_last=True), for the committed checkpoints and the least-squares forecast.

    python scripts/long_horizon_drop_last.py [BATCH]

Stride-1 windows end one row apart, so leaving out the test rows' last k rows leaves out their last k windows.
"""

import sys

import torch

from rnnlab.config import load_params, threads
from rnnlab.io import read_tensors
from rnnlab.long_horizon.baselines import Linear
from rnnlab.long_horizon.config import horizons, input_steps, model_kind, model_names
from rnnlab.long_horizon.model import FORECASTERS
from rnnlab.long_horizon.score import model_forecast, score
from rnnlab.training.checkpoint import load_model

SERIES = "data/long_horizon/series"


def main(batch: int) -> None:
    params = load_params()
    torch.set_num_threads(threads(params))
    torch.set_flush_denormal(True)
    lookback = input_steps(params)
    train, test = read_tensors(SERIES, "train")["values"], read_tensors(SERIES, "test")["values"]
    print(f"| forecast | horizon | every window | last partial batch of {batch} left out |")
    print("|---|---:|---:|---:|")
    for horizon in horizons(params):
        forecasts = {
            name: model_forecast(
                load_model(f"models/long_horizon/{name}_{horizon}.pt", FORECASTERS[model_kind(params, name)])
            )
            for name in model_names(params)
        }
        forecasts["least squares"] = Linear.fit(train, lookback, horizon)
        for name, forecast in forecasts.items():
            every = score(forecast, test, lookback, horizon)
            left_out = every["windows"] % batch
            kept = score(forecast, test[: len(test) - left_out], lookback, horizon)
            print(
                f"| {name} | {horizon} | {every['mse']:.4f} ({every['windows']}) | "
                f"{kept['mse']:.4f} ({kept['windows']}) |",
                flush=True,
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 64)
