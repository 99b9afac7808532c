"""baselines_forecast@<setup>: hold-last and repeat-last-24h on the test windows -> baselines.json."""
import sys

from rnnlab.forecast.evaluate import errors, hold_last, repeat_last_day, write_horizon
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.train import test_in_degc
from rnnlab.io import write_json

if __name__ == "__main__":
    setup = sys.argv[1]
    test = test_in_degc(f"data/forecast/{setup}/windows", TARGET)
    history_c, true_c = test["history"], test["true"]
    results = {}
    for name, baseline in (("hold_last", hold_last), ("repeat_last_24h", repeat_last_day)):
        results[name] = errors(baseline(history_c, true_c.shape[1]), true_c)
        write_horizon(f"metrics/forecast/{setup}/horizon/{name}.csv", name, results[name])
        print(f"{name} on {setup} test: MAE {results[name]['mae']:.3f} degC")
    write_json(f"metrics/forecast/{setup}/baselines.json", results)
