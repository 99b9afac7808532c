"""evaluate_forecast@<setup>-<model>: test errors in degC -> metrics JSON, MAE by horizon hour CSV, and the
forecasts (safetensors) for the figure."""

from rnnlab.config import load_params, model_cell
from rnnlab.forecast.config import MODELS
from rnnlab.forecast.evaluate import errors, write_horizon
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.model import Forecaster, predict
from rnnlab.forecast.windows import windows_in_degc
from rnnlab.io import write_json, write_tensors
from rnnlab.stage import run_stage
from rnnlab.training.checkpoint import load_model


def main(name, checkpoint, windows, metrics, horizon, predictions) -> None:
    test = windows_in_degc(windows, TARGET, "test")
    model = load_model(checkpoint, Forecaster, cell=model_cell(load_params(), MODELS, name))
    predicted_c = predict(model, test["inputs"]) * test["std"] + test["mean"]
    result = errors(predicted_c, test["true"])
    result["windows"] = len(predicted_c)
    write_json(metrics, result)
    write_horizon(horizon, name, result)
    write_tensors(predictions, {"predicted_degc": predicted_c})
    print(f"{name} on the test windows: MAE {result['mae']:.3f} degC, RMSE {result['rmse']:.3f} degC")


if __name__ == "__main__":
    run_stage(main, threads=True, flush_denormals=True)
