"""long_horizon_table: every forecast's test MSE (MAE) by horizon beside the published numbers -> Markdown."""

from pathlib import Path

from rnnlab.config import load_params
from rnnlab.io import atomic_path, read_json
from rnnlab.long_horizon.config import horizons, input_steps, model_names
from rnnlab.long_horizon.report import table
from rnnlab.stage import run_stage


def main(baselines, scores, output) -> None:
    all_params = load_params()
    results = {}
    for horizon in horizons(all_params):
        results[horizon] = {
            **read_json(Path(baselines) / str(horizon) / "baselines.json"),
            **{name: read_json(Path(scores) / str(horizon) / f"{name}.json") for name in model_names(all_params)},
        }
    with atomic_path(output) as temporary:
        temporary.write_text(table(results, input_steps(all_params), horizons(all_params)), encoding="utf-8")


if __name__ == "__main__":
    run_stage(main)
