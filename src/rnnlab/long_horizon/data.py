"""The long-horizon benchmark's data as its published loaders read them (Time-Series-Library's and SegRNN's
``Dataset_Custom``), so that our numbers stand beside the published table.

The file's rows are used as the file holds them: nothing is filled, dropped or clipped, so its faults (a
repeated row, 9 missing 10-minute slots, -9999 cells) stay in, as they do for every published number. The
split is by row counts: the first ``int(0.7 N)`` rows train, the last ``int(0.2 N)`` test, the rest validate;
the validation and test windows' lookback reaches back across their first boundary. Every channel is
standardised with the mean and (population) standard deviation of the training rows. Windows have stride 1.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import torch

from rnnlab.errors import RnnlabError
from rnnlab.station import STEP

TIMESTAMP = "date"
# The loaders move this column last; the benchmark's other channels keep the file's order.
LAST_CHANNEL = "OT"
TEMPERATURE = "T (degC)"
TRAIN_SHARE, TEST_SHARE = 0.7, 0.2
SPLITS = ("train", "val", "test")
# What the station writes for a value it did not measure.
MISSING_VALUE = -9999


class BenchmarkFileError(RnnlabError, ValueError):
    pass


def read_benchmark(path: str | Path) -> tuple[pd.Series, list[str], np.ndarray]:
    """The timestamps, channel names and values (rows × channels, float64) of a benchmark file."""
    try:
        # Cells as written: a cell that is not a number (pandas would read "n/a" or an empty cell as NaN) is an error.
        frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise BenchmarkFileError(f"{path}: not a readable CSV file ({error})") from error
    for column in (TIMESTAMP, TEMPERATURE, LAST_CHANNEL):
        if column not in frame.columns:
            raise BenchmarkFileError(
                f"{path}: no column {column!r}; expected the benchmark's header ({TIMESTAMP}, the station's channels "
                f"with {TEMPERATURE!r}, then {LAST_CHANNEL})"
            )
    channels = [c for c in frame.columns if c not in (TIMESTAMP, LAST_CHANNEL)] + [LAST_CHANNEL]
    for channel in channels:
        values = pd.to_numeric(frame[channel], errors="coerce")
        bad = np.flatnonzero(values.isna().to_numpy())
        if len(bad):
            raise BenchmarkFileError(
                f"{path}: row {bad[0] + 2}, column {channel!r}: expected a number, "
                f"found {frame[channel].iloc[bad[0]]!r}"
            )
    return frame[TIMESTAMP], channels, frame[channels].to_numpy(dtype=np.float64)


def split_rows(rows: int, input_steps: int) -> dict[str, tuple[int, int]]:
    """Each split's rows [start, end): validation and test start ``input_steps`` rows early, for their first
    window's lookback."""
    train, test = int(rows * TRAIN_SHARE), int(rows * TEST_SHARE)
    val = rows - train - test
    if train < input_steps + 1 or val < 1 or test < 1:
        raise ValueError(
            f"{rows} rows are too few to split into training windows of {input_steps} steps and a "
            f"validation and test period"
        )
    return {"train": (0, train), "val": (train - input_steps, train + val), "test": (rows - test - input_steps, rows)}


def standardise(values: np.ndarray, train_end: int) -> tuple[np.ndarray, np.ndarray]:
    """The training rows' mean and standard deviation of each channel (a constant channel's taken as 1, as
    scikit-learn's StandardScaler does)."""
    mean, std = values[:train_end].mean(axis=0), values[:train_end].std(axis=0)
    return mean, np.where(std == 0, 1.0, std)


def faults(stamps: pd.Series, channels: list[str], values: np.ndarray, splits: dict[str, tuple[int, int]]) -> dict:
    """What in the file is not a clean 10-minute record, where it is, and which split's rows hold it."""
    times = pd.to_datetime(stamps, errors="coerce")
    steps = times.diff().iloc[1:]
    own_split = {"train": splits["train"][0], "val": splits["train"][1], "test": splits["val"][1]}

    def split_of(row: int) -> str:
        return max((start, name) for name, start in own_split.items() if start <= row)[1]

    repeated = [int(row) for row in np.flatnonzero(times.duplicated().to_numpy())]
    gaps = [
        {"after": str(stamps.iloc[i - 1]), "missing_steps": int(step / STEP) - 1, "split": split_of(i)}
        for i, step in steps[steps > STEP].items()
    ]
    sentinel = {}
    for column, channel in enumerate(channels):
        rows = np.flatnonzero(values[:, column] == MISSING_VALUE)
        if len(rows):
            sentinel[channel] = {name: int(sum(split_of(r) == name for r in rows)) for name in SPLITS}
    return {
        "repeated_rows": [
            {"line": row + 2, "timestamp": str(stamps.iloc[row]), "split": split_of(row)} for row in repeated
        ],
        "gaps": gaps,
        f"cells_{MISSING_VALUE}": sentinel,
    }


def windows(series: torch.Tensor, steps: int) -> torch.Tensor:
    """Every stride-1 window of ``steps`` rows of ``series`` (rows × channels), as (windows, channels, steps):
    a view, no copy."""
    return series.unfold(0, steps, 1)
