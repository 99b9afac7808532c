"""evaluate_forecast@<setup>-<model>: test errors in degC -> metrics/forecast/<setup>/<model>.json."""
import sys

from safetensors.torch import save_file

from rnnlab.forecast.evaluate import errors, write_horizon
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.train import load_forecaster, predict, target_scale, test_in_degc
from rnnlab.io import atomic_path, read_tensors, write_json

if __name__ == "__main__":
    setup, name = sys.argv[1], sys.argv[2]
    windows = f"data/forecast/{setup}/windows"
    mean, std = target_scale(windows, TARGET)
    model = load_forecaster(f"models/forecast/{setup}/{name}.pt")
    predicted_c = predict(model, read_tensors(windows, "test")["inputs"]) * std + mean
    result = errors(predicted_c, test_in_degc(windows, TARGET)["true"])
    result["test_windows"] = len(predicted_c)
    write_json(f"metrics/forecast/{setup}/{name}.json", result)
    write_horizon(f"metrics/forecast/{setup}/horizon/{name}.csv", name, result)
    with atomic_path(f"data/forecast/{setup}/predictions/{name}.safetensors") as temporary:
        save_file({"predicted_degc": predicted_c}, str(temporary))
    print(f"{name} on {setup} test: MAE {result['mae']:.3f} degC, RMSE {result['rmse']:.3f} degC")
