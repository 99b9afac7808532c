"""summary@<setup>: every model on both tasks beside the baselines -> a Markdown table, its JSON, a bar chart,
and the forecasts' MAE by horizon hour (PNG)."""

from pathlib import Path

from rnnlab.config import load_params, model_names
from rnnlab.forecast import config as forecast_config
from rnnlab.io import atomic_path, write_json
from rnnlab.stage import run_stage
from rnnlab.summary import collect, figure, horizon_figure, markdown, read_results, text_results


def main(setup, text_dir, baselines_dir, scores_dir, table_path, json_path, figure_path, horizon_path) -> None:
    all_params = load_params()
    text = text_results(all_params, text_dir)
    forecasters = model_names(all_params, forecast_config.MODELS)
    forecast = read_results(
        [*(Path(scores_dir) / f"{name}.json" for name in forecasters), Path(baselines_dir) / "baselines.json"]
    )
    rows = collect(text, forecast)
    write_json(json_path, rows)
    table = markdown(rows, setup)
    with atomic_path(table_path) as temporary:
        temporary.write_text(table, encoding="utf-8")
    figure(rows, figure_path, setup)
    horizon_figure(forecast, horizon_path, setup)
    print(table)


if __name__ == "__main__":
    run_stage(main)
