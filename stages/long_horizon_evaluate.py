"""long_horizon_evaluate@<horizon>-<model>: the trained forecaster on every test window -> metrics JSON, and
its MSE by step ahead (CSV)."""

from rnnlab.config import load_params
from rnnlab.io import read_tensors
from rnnlab.long_horizon.config import model_kind
from rnnlab.long_horizon.model import FORECASTERS
from rnnlab.long_horizon.report import write_scores
from rnnlab.long_horizon.score import model_forecast
from rnnlab.stage import run_stage
from rnnlab.training.checkpoint import load_model


def main(name, checkpoint, series, metrics, by_step) -> None:
    model = load_model(checkpoint, FORECASTERS[model_kind(load_params(), name)])
    test = read_tensors(series, "test")["values"]
    write_scores(
        {name: model_forecast(model)}, series, test, model.config.input_steps, model.config.horizon, metrics, by_step
    )


if __name__ == "__main__":
    run_stage(main, threads=True, flush_denormals=True)
