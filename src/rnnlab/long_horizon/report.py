"""The benchmark's result files: each forecast's test errors (JSON), its MSE by step ahead (CSV), and the
table of our runs beside the published numbers (Markdown)."""

import csv
from pathlib import Path

import torch

from rnnlab.io import atomic_path, read_json, write_json
from rnnlab.long_horizon.data import TEMPERATURE
from rnnlab.long_horizon.published import HORIZONS, PUBLISHED
from rnnlab.long_horizon.score import Forecast, score


def write_scores(
    forecasts: dict[str, Forecast],
    series: str | Path,
    test: torch.Tensor,
    input_steps: int,
    horizon: int,
    metrics: str | Path,
    by_step: str | Path,
) -> dict:
    """Scores each named forecast on every test window: {mse, mae, temperature_mae_degc, windows} under its
    name in ``metrics`` (the fields alone for a single forecast), and each one's MSE by step ahead in the folder
    ``by_step`` as ``<name>.csv``."""
    scaler = read_json(Path(series) / "scaler.json")
    temperature = scaler["channels"].index(TEMPERATURE)
    results = {}
    for name, forecast in forecasts.items():
        scores = score(forecast, test, input_steps, horizon)
        results[name] = {
            "mse": round(scores["mse"], 6),
            "mae": round(scores["mae"], 6),
            "temperature_mae_degc": round(scores["mae_by_channel"][temperature] * scaler["std"][temperature], 4),
            "windows": scores["windows"],
        }
        with atomic_path(Path(by_step) / f"{name}.csv") as temporary:
            with open(temporary, "w", newline="", encoding="utf-8") as stream:
                rows = ((step, f"{mse:.6f}") for step, mse in enumerate(scores["mse_by_step"], start=1))
                csv.writer(stream).writerows([("step", "mse"), *rows])
        print(
            f"horizon {horizon}, {name}: test MSE {scores['mse']:.4f}, MAE {scores['mae']:.4f} "
            f"({scores['windows']} windows); temperature MAE {results[name]['temperature_mae_degc']:.3f} degC"
        )
    write_json(metrics, results if len(results) > 1 else results[name])
    return results


def table(results: dict[int, dict[str, dict]], input_steps: int, horizons: list[int]) -> str:
    """Markdown: test MSE (MAE) of each of our forecasts at each horizon, then the published rows."""
    header = ["forecast", "lookback", *(f"{h}" for h in horizons), "source"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    names = list(dict.fromkeys(name for by_name in results.values() for name in by_name))
    for name in names:
        cells = []
        for horizon in horizons:
            found = results.get(horizon, {}).get(name)
            cells.append(f"{found['mse']:.3f} ({found['mae']:.3f})" if found else "–")
        lines.append(f"| {name} | {input_steps} | " + " | ".join(cells) + " | this run |")
    for model, lookback, mse, mae, source in PUBLISHED:
        published = dict(zip(HORIZONS, zip(mse, mae)))
        cells = [f"{published[h][0]:.3f} ({published[h][1]:.3f})" if h in published else "–" for h in horizons]
        lines.append(f"| {model} | {lookback} | " + " | ".join(cells) + f" | {source} |")
    return "\n".join(lines) + "\n"
