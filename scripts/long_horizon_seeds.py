"""The long-horizon forecasters' spread over seeds, from DVC experiments that changed one forecaster's seed.

    for seed in 1 2; do
        dvc exp run --queue -S long_horizon.models.segment_gru.seed=$seed long_horizon_table
    done
    dvc queue start --jobs 1        # then wait until `dvc queue status` shows them all done
    python scripts/long_horizon_seeds.py metrics/long_horizon_seeds.json

For each forecaster and horizon: the test MSE and MAE (standardised) and the temperature's MAE in degC at the
committed seed (HEAD's metrics) and at each experiment's, with their mean and sample standard deviation; then
the table of README.md: ours (mean ± sd) beside the baselines and the published numbers.
"""

import json
import sys

from seed_spread import at, experiments_of, git, spread

METRICS = ("mse", "mae", "temperature_mae_degc")


def seed_changed(head_params: dict, params: dict) -> tuple[str, int] | None:
    """(forecaster, seed) when ``params`` differ from ``head_params`` only in ``long_horizon.models.<name>.seed``."""
    head_models, models = head_params["long_horizon"]["models"], params["long_horizon"]["models"]
    outside = {k: v for k, v in params["long_horizon"].items() if k != "models"}
    if {k: v for k, v in params.items() if k != "long_horizon"} != {
        k: v for k, v in head_params.items() if k != "long_horizon"
    }:
        return None
    if (
        outside != {k: v for k, v in head_params["long_horizon"].items() if k != "models"}
        or models.keys() != head_models.keys()
    ):
        return None
    changed = [name for name in models if models[name] != head_models[name]]
    if len(changed) != 1:
        return None
    name = changed[0]
    if {k: v for k, v in models[name].items() if k != "seed"} != {
        k: v for k, v in head_models[name].items() if k != "seed"
    }:
        return None
    return name, models[name]["seed"]


def main(out: str) -> None:
    head = git("rev-parse", "HEAD").strip()
    params = at(head, "params.yaml")["long_horizon"]
    horizons, models = params["horizons"], params["models"]
    runs = {name: {section["seed"]: head} for name, section in models.items()}
    for commit in experiments_of(head):
        found = seed_changed(at(head, "params.yaml"), at(commit, "params.yaml"))
        if found:
            runs[found[0]][found[1]] = commit
    result = {}
    for name, commits in runs.items():
        result[name] = {}
        for horizon in horizons:
            scores = {
                seed: at(commit, f"metrics/long_horizon/scores/{horizon}/{name}.json")
                for seed, commit in commits.items()
            }
            result[name][str(horizon)] = {
                metric: spread({seed: s[metric] for seed, s in scores.items()}) for metric in METRICS
            }
    with open(out, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(result, indent=2) + "\n")
    for name, by_horizon in result.items():
        cells = [
            f"{r['mse']['mean']:.4f} ± {r['mse']['std'] or 0:.4f} ({r['mae']['mean']:.4f})" for r in by_horizon.values()
        ]
        seeds = list(next(iter(by_horizon.values()))["mse"]["by_seed"])
        print(f"| {name}, seeds {', '.join(seeds)} | {params['input_steps']} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(*sys.argv[1:])
