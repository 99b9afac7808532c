"""The long-horizon benchmark: its published protocol (split, scaler, windows, scoring), the baselines, the
segment forecaster and the point-wise one, and its stages run by DVC on a slice of the real file."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from pipeline_project import FIXTURES, make_project
from rnnlab.config import NETWORKS
from rnnlab.io import read_json
from rnnlab.long_horizon.baselines import Linear, repeat_last
from rnnlab.long_horizon.config import PointwiseConfig, SegmentConfig
from rnnlab.long_horizon.data import (
    LAST_CHANNEL,
    BenchmarkFileError,
    faults,
    read_benchmark,
    split_rows,
    standardise,
    windows,
)
from rnnlab.long_horizon.model import PointwiseForecaster, SegmentForecaster
from rnnlab.long_horizon.score import score

SLICE = FIXTURES / "weather_2020_slice.csv"


def published_borders(rows: int, lookback: int) -> dict[str, tuple[int, int]]:
    """Time-Series-Library's Dataset_Custom borders, written as that loader writes them."""
    num_train, num_test = int(rows * 0.7), int(rows * 0.2)
    num_vali = rows - num_train - num_test
    border1s = [0, num_train - lookback, rows - num_test - lookback]
    border2s = [num_train, num_train + num_vali, rows]
    return dict(zip(("train", "val", "test"), zip(border1s, border2s)))


@pytest.mark.parametrize("rows,lookback", [(52696, 720), (52696, 96), (2700, 96), (1001, 17)])
def test_split_is_the_published_loaders(rows, lookback):
    assert split_rows(rows, lookback) == published_borders(rows, lookback)


def test_too_few_rows_for_a_split_is_an_error():
    with pytest.raises(ValueError, match="too few"):
        split_rows(100, 96)


def test_scaler_is_fitted_on_the_training_rows_alone():
    values = np.concatenate([np.random.default_rng(0).normal(5, 2, (700, 3)), np.full((300, 3), 1e6)])
    values[:, 2] = 4.0  # a constant channel
    mean, std = standardise(values, 700)
    scaled = (values[:700] - mean) / std
    np.testing.assert_allclose(scaled[:, :2].mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(scaled[:, :2].std(0), 1)
    assert std[2] == 1.0 and scaled[:, 2].max() == 0


def test_every_stride_one_window_in_order():
    series = torch.arange(30.0).reshape(10, 3)
    every = windows(series, 4)
    assert every.shape == (7, 3, 4)
    assert torch.equal(every[2, 1], series[2:6, 1])


def test_file_is_read_as_it_is_held_with_the_target_last_and_faults_reported():
    stamps, channels, values = read_benchmark(SLICE)
    header = pd.read_csv(SLICE, nrows=0).columns.tolist()
    assert channels[-1] == LAST_CHANNEL and len(channels) == len(header) - 1
    assert len(values) == len(pd.read_csv(SLICE))  # nothing dropped or filled
    found = faults(stamps, channels, values, split_rows(len(values), 96))
    assert [r["timestamp"] for r in found["repeated_rows"]] == ["2020-05-12 06:00:00"]
    assert [(g["after"], g["missing_steps"]) for g in found["gaps"]] == [("2020-05-29 09:30:00", 9)]
    assert sum(sum(by_split.values()) for by_split in found["cells_-9999"].values()) == int((values == -9999).sum()) > 0


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda f: f.drop(columns="OT"), r"no column 'OT'"),
        (lambda f: f.drop(columns="T (degC)"), r"no column 'T \(degC\)'"),
        (
            lambda f: f.assign(**{"T (degC)": f["T (degC)"].astype(object).where(f.index != 4, "n/a")}),
            r"row 6, column 'T \(degC\)': expected a number, found 'n/a'",
        ),
    ],
)
def test_bad_file_names_the_row_and_column(tmp_path, change, message):
    path = tmp_path / "weather.csv"
    change(pd.read_csv(SLICE, nrows=50)).to_csv(path, index=False)
    with pytest.raises(BenchmarkFileError, match=message):
        read_benchmark(path)


def test_score_counts_every_window_channel_and_step():
    series = torch.randn(200, 4)
    perfect = score(lambda h: _truth(series, h, 12), series, 24, 12, batch_size=7)
    assert perfect["windows"] == 200 - 24 - 12 + 1 and perfect["mse"] == 0 and perfect["mae"] == 0
    off = score(lambda h: _truth(series, h, 12) + torch.tensor([0, 0, 0, 2.0])[:, None], series, 24, 12, batch_size=7)
    assert off["mse"] == pytest.approx(1.0) and off["mae"] == pytest.approx(0.5)
    assert off["mse_by_channel"] == pytest.approx([0, 0, 0, 4]) and off["mse_by_step"] == pytest.approx([1.0] * 12)


def _truth(series: torch.Tensor, history: torch.Tensor, horizon: int) -> torch.Tensor:
    """The windows' true futures, found by locating each lookback in ``series``."""
    steps = history.shape[-1]
    every = windows(series, steps + horizon)
    index = [int(torch.nonzero((every[:, 0, :steps] == h[0]).all(1))[0]) for h in history]
    return every[index][..., steps:]


def test_repeat_last_holds_each_channels_last_value():
    history = torch.randn(5, 3, 10)
    assert torch.equal(repeat_last(history, 4), history[..., -1:].expand(-1, -1, 4))


def test_least_squares_recovers_a_linear_recurrence():
    # x_t = 1.6 x_{t-1} - 0.8 x_{t-2} + 0.3: every future step is a linear function of the lookback.
    x = [1.0, -0.5]
    for _ in range(400):
        x.append(1.6 * x[-1] - 0.8 * x[-2] + 0.3)
    series = torch.tensor(x, dtype=torch.float64).float()[:, None].repeat(1, 2)
    series[:, 1] *= -1.5
    linear = Linear.fit(series, 16, 8, batch_size=50)
    assert score(linear, series, 16, 8)["mse"] < 1e-6
    assert score(lambda h: repeat_last(h, 8), series, 16, 8)["mse"] > 1e-3


def model(cell="gru", level="last", channels=3, kind="segment"):
    shape = dict(
        cell=cell, channels=channels, input_steps=48, horizon=30, hidden=16, layers=1, dropout=0.0, level=level
    )
    if kind == "pointwise":
        return PointwiseForecaster(PointwiseConfig(**shape)).eval()
    return SegmentForecaster(SegmentConfig(**shape, segment=12)).eval()


@pytest.mark.parametrize("cell", NETWORKS)
@pytest.mark.parametrize("level", ["last", "revin"])
def test_each_channel_is_forecast_from_its_own_past(cell, level):
    forecaster, history = model(cell, level), torch.randn(4, 3, 48)
    changed = history.clone()
    changed[:, 0] += torch.randn(4, 48)
    before, after = forecaster(history), forecaster(changed)
    assert before.shape == (4, 3, 30)
    torch.testing.assert_close(before[:, 1:], after[:, 1:])
    assert not torch.allclose(before[:, 0], after[:, 0])


@pytest.mark.parametrize("cell", NETWORKS)
def test_the_pointwise_baseline_reads_every_channel(cell):
    forecaster, history = model(cell, "revin", kind="pointwise"), torch.randn(4, 3, 48)
    changed = history.clone()
    changed[:, 0] += torch.randn(4, 48)
    before, after = forecaster(history), forecaster(changed)
    assert before.shape == (4, 3, 30)
    # Channel 0's past moves the other channels' forecasts too; each window is forecast on its own.
    assert not torch.allclose(before[:, 1:], after[:, 1:])
    torch.testing.assert_close(forecaster(history[:2]), before[:2])


@pytest.mark.parametrize("kind", ["segment", "pointwise"])
def test_window_level_is_removed_and_restored(kind):
    history = torch.randn(4, 3, 48)
    last = model(level="last", kind=kind)
    torch.testing.assert_close(last(history + 7.0), last(history) + 7.0, atol=1e-5, rtol=0)
    revin = model(level="revin", kind=kind)
    torch.testing.assert_close(revin(history * 3.0 + 7.0), revin(history) * 3.0 + 7.0, atol=1e-4, rtol=1e-5)


@pytest.mark.parametrize("kind", ["segment", "pointwise"])
def test_wrong_window_shape_is_refused(kind):
    with pytest.raises(ValueError, match=r"expected \(batch, 3, 48\) windows"):
        model(kind=kind)(torch.randn(2, 3, 40))


def test_segment_must_divide_the_lookback():
    with pytest.raises(ValueError, match="segment must divide input_steps"):
        SegmentConfig(
            cell="gru", channels=1, input_steps=50, horizon=8, segment=12, hidden=8, layers=1, dropout=0.0, level="last"
        )


@pytest.mark.slow
def test_stages_run_on_a_slice_of_the_file(tmp_path: Path):
    project = make_project(tmp_path)
    project.place_raw("fetch@weather_2020", SLICE.name, "data/raw/station/weather_2020.csv")
    project.dvc("repro", "long_horizon_table")
    section = yaml.safe_load((project.path / "params.yaml").read_text(encoding="utf-8"))["long_horizon"]
    rows = len(pd.read_csv(SLICE))
    test_rows = int(rows * 0.2)
    table = (project.path / "metrics/summary/long_horizon.md").read_text(encoding="utf-8")
    for horizon in section["horizons"]:
        folder = project.path / "metrics/long_horizon" / str(horizon)
        baselines = read_json(folder / "baselines.json")
        assert set(baselines) == {"repeat_last", "linear"}
        for name in section["models"]:
            result = read_json(project.path / "metrics/long_horizon/scores" / str(horizon) / f"{name}.json")
            assert result["windows"] == test_rows - horizon + 1
            assert np.isfinite(result["mse"]) and result["temperature_mae_degc"] > 0
        for name in [*baselines, *section["models"]]:
            by_step = folder / "by_step" / ("baselines" if name in baselines else "") / f"{name}.csv"
            assert pd.read_csv(by_step).columns.tolist() == ["step", "mse"] and len(pd.read_csv(by_step)) == horizon
    for name in section["models"]:
        assert f"| {name} | {section['input_steps']} |" in table
    assert "| SegRNN | 720 | – | – | Lin et al. 2023" in table  # published at other horizons only
    # Nothing changed: every stage is up to date.
    assert "changed" not in project.dvc("status", "long_horizon_table").stdout
