"""long_horizon_baselines@<horizon>: the last value held and the least-squares linear forecast (fitted on the
training windows), scored on every test window -> metrics JSON, and each one's MSE by step ahead (CSV)."""

from rnnlab.config import load_params
from rnnlab.io import read_tensors
from rnnlab.long_horizon.baselines import Linear, repeat_last
from rnnlab.long_horizon.config import input_steps
from rnnlab.long_horizon.report import write_scores
from rnnlab.stage import run_stage


def main(horizon, series, metrics, by_step) -> None:
    horizon, lookback = int(horizon), input_steps(load_params())
    train, test = read_tensors(series, "train")["values"], read_tensors(series, "test")["values"]
    forecasts = {
        "repeat_last": lambda history: repeat_last(history, horizon),
        "linear": Linear.fit(train, lookback, horizon),
    }
    write_scores(forecasts, series, test, lookback, horizon, metrics, by_step)


if __name__ == "__main__":
    run_stage(main, threads=True)
