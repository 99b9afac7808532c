"""The forecasting chain under `dvc repro` on 16 days of real station data in the native format."""

import json

import pandas as pd

from committed import FORECASTERS
from pipeline_project import SETUP

# Every test here reads both_chains, the session's project in which both chains ran, and changes nothing in it.
TARGETS = [
    *(f"evaluate_forecast@{SETUP}-{m}" for m in FORECASTERS),
    f"baselines_forecast@{SETUP}",
    f"figure_forecast@{SETUP}",
]


def read(project, path):
    return json.loads((project.path / path).read_text())


def test_metrics_in_degrees_per_horizon_hour(both_chains):
    baselines = read(both_chains, f"metrics/forecast/{SETUP}/baselines.json")
    assert set(baselines) == {"hold_last", "repeat_last_24h", "blend", "linear"}
    for name in FORECASTERS:
        metrics = read(both_chains, f"metrics/forecast/scores/{SETUP}/{name}.json")
        assert 0 < metrics["mae"] <= metrics["rmse"] < 30
        assert len(metrics["mae_by_hour"]) == 6  # 36 steps of 10 minutes
        horizon = pd.read_csv(both_chains.path / f"metrics/forecast/{SETUP}/horizon/{name}.csv")
        assert horizon["hour"].tolist() == list(range(1, 7))
        assert metrics["windows"] == (5 * 144 - 468) // 12 + 1  # 5 test days, 468-step windows every 12


def test_prepare_reports_counts_and_figure_is_a_png(both_chains):
    report = read(both_chains, f"metrics/forecast/{SETUP}/prepare.json")
    assert report["rows_read"] == 16 * 144 and report["rows_in_long_gaps"] == 0
    assert report["periods"]["test"]["covered"] == report["periods"]["test"]["asked"]  # the data reach test_end
    assert (both_chains.path / f"metrics/forecast/{SETUP}/windows.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_second_repro_does_nothing(both_chains):
    assert "Running stage" not in both_chains.dvc("repro", *TARGETS).stdout
