"""baselines_forecast@<setup>: hold-last and repeat-last-24h on the test windows -> baselines JSON, and each
one's MAE by horizon hour as CSV in a folder."""
import sys
from pathlib import Path

from rnnlab.forecast.evaluate import errors, hold_last, repeat_last_day, write_horizon
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.train import test_in_degc
from rnnlab.io import write_json

if __name__ == "__main__":
    windows, metrics, horizon = sys.argv[1:]
    test = test_in_degc(windows, TARGET)
    history_c, true_c = test["history"], test["true"]
    results = {}
    for name, baseline in (("hold_last", hold_last), ("repeat_last_24h", repeat_last_day)):
        results[name] = errors(baseline(history_c, true_c.shape[1]), true_c)
        write_horizon(Path(horizon) / f"{name}.csv", name, results[name])
        print(f"{name} on the test windows: MAE {results[name]['mae']:.3f} degC")
    write_json(metrics, results)
