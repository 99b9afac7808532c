"""baselines_forecast@<setup>: the simple forecasts on the test windows -> baselines JSON, and each one's MAE by
horizon hour as CSV in a folder. The naive ones fit nothing but the blend's decay; the linear one (the
forecasters' base alone) is a least-squares fit. Both are fitted on the training windows."""

from pathlib import Path

from rnnlab.forecast.base import blend, fit_blend_decay, fit_linear, hold_last, repeat_last_day, weighted
from rnnlab.forecast.config import STEPS_PER_HOUR
from rnnlab.forecast.evaluate import errors, write_horizon
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.windows import windows_in_degc
from rnnlab.io import write_json
from rnnlab.stage import run_stage


def main(windows, metrics, horizon) -> None:
    train, test = windows_in_degc(windows, TARGET, "train"), windows_in_degc(windows, TARGET, "test")
    decay = fit_blend_decay(train["history"], train["true"])
    steps = test["true"].shape[1]
    forecasts = {
        "hold_last": hold_last(test["history"], steps),
        "repeat_last_24h": repeat_last_day(test["history"], steps),
        "blend": blend(test["history"], steps, decay),
        "linear": weighted(test["history"], fit_linear(train["history"], train["true"])),
    }
    results = {}
    for name, forecast in forecasts.items():
        results[name] = errors(forecast, test["true"])
        write_horizon(Path(horizon) / f"{name}.csv", name, results[name])
        print(f"{name} on the test windows: MAE {results[name]['mae']:.3f} degC")
    results["blend"]["decay_hours"] = decay / STEPS_PER_HOUR
    write_json(metrics, results)


if __name__ == "__main__":
    run_stage(main, threads=True)
