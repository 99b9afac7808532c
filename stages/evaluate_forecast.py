"""evaluate_forecast@<setup>-<model>: test errors in degC -> metrics JSON, MAE by horizon hour CSV, and the
forecasts (safetensors) for the figure."""

from safetensors.torch import save_file

from rnnlab.forecast.evaluate import errors, write_horizon
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.model import Forecaster
from rnnlab.forecast.train import predict
from rnnlab.forecast.windows import windows_in_degc
from rnnlab.io import atomic_path, write_json
from rnnlab.training import load_model
from rnnlab.errors import run_stage


def main(name, checkpoint, windows, metrics, horizon, predictions) -> None:
    test = windows_in_degc(windows, TARGET, "test")
    predicted_c = predict(load_model(checkpoint, Forecaster), test["inputs"]) * test["std"] + test["mean"]
    result = errors(predicted_c, test["true"])
    result["test_windows"] = len(predicted_c)
    write_json(metrics, result)
    write_horizon(horizon, name, result)
    with atomic_path(predictions) as temporary:
        save_file({"predicted_degc": predicted_c}, str(temporary))
    print(f"{name} on the test windows: MAE {result['mae']:.3f} degC, RMSE {result['rmse']:.3f} degC")


if __name__ == "__main__":
    run_stage(main)
