"""Sliding windows over the prepared series: inputs of past steps, targets the next temperatures; and the
windows read back in degrees Celsius."""

from pathlib import Path

import numpy as np
import pandas as pd
import torch

from rnnlab.forecast.config import Periods, WindowConfig
from rnnlab.forecast.jena import TARGET, StationFileError
from rnnlab.io import read_json, read_tensors
from rnnlab.station import STEP


def window_starts(complete: np.ndarray, first: int, last: int, span: int, stride: int) -> np.ndarray:
    """Start indices every ``stride`` steps from ``first`` whose ``span`` rows lie in [first, last) and are complete."""
    starts = np.arange(first, last - span + 1, stride)
    # Complete rows before each position; a window is whole when all its rows are complete.
    counts = np.concatenate([[0], np.cumsum(complete)])
    return starts[counts[starts + span] - counts[starts] == span]


def make_windows(
    frame: pd.DataFrame, normalisation: dict, config: WindowConfig, periods: Periods
) -> dict[str, dict[str, torch.Tensor]]:
    """Per period: ``inputs`` (N, input_steps, features), ``targets`` (N, target_steps), window ``start`` times."""
    features = list(frame.columns)
    mean = np.array([normalisation[name]["mean"] for name in features])
    std = np.array([normalisation[name]["std"] for name in features])
    values = ((frame.to_numpy() - mean) / std).astype(np.float32)
    complete = ~np.isnan(values).any(axis=1)
    target_column = features.index(TARGET)
    span = config.input_steps + config.target_steps
    if len(values) < span:
        # The data's fault, not the periods': no period of them could hold a window.
        raise StationFileError(
            f"the data hold {len(values)} steps ({frame.index[0]} to {frame.index[-1]}), fewer than one window "
            f"of {span} (input_steps + target_steps)"
        )
    # Views, not copies: row s of ``spans`` is the window starting at step s, shaped (features, span).
    spans = np.lib.stride_tricks.sliding_window_view(values, span, axis=0)
    result = {}
    for name, (begin, end) in periods.bounds().items():
        first, last = frame.index.searchsorted(begin), frame.index.searchsorted(end)
        starts = window_starts(complete, first, last, span, config.stride)
        if len(starts) == 0:
            raise ValueError(
                f"no complete window of {span} steps in the {name} period [{begin}, {end}); "
                f"the data cover {frame.index[0]} to {frame.index[-1]}"
            )
        windows = spans[starts]
        result[name] = {
            "inputs": torch.from_numpy(np.ascontiguousarray(windows[:, :, : config.input_steps].transpose(0, 2, 1))),
            "targets": torch.from_numpy(np.ascontiguousarray(windows[:, target_column, config.input_steps :])),
            "start": torch.from_numpy(frame.index[starts].as_unit("ns").asi8.copy()),  # ns since 1970
        }
    return result


def period_coverage(frame: pd.DataFrame, bounds: dict[str, tuple[pd.Timestamp, pd.Timestamp]]) -> dict[str, dict]:
    """Each period as asked ([start, end) from params.yaml) and as the data cover it: from its first complete
    row to the step after its last (None where it has none)."""
    coverage = {}
    for name, (start, end) in bounds.items():
        rows = frame[(frame.index >= start) & (frame.index < end)].dropna().index
        coverage[name] = {
            "asked": [str(start), str(end)],
            "covered": [str(rows[0]), str(rows[-1] + STEP)] if len(rows) else None,
        }
    return coverage


def shortened(coverage: dict[str, dict]) -> list[str]:
    """One line for each period that the data cover less of than asked."""
    return [
        f"the {name} period asks for [{period['asked'][0]}, {period['asked'][1]}) but the data cover "
        + (f"[{period['covered'][0]}, {period['covered'][1]}) of it" if period["covered"] else "none of it")
        for name, period in coverage.items()
        if period["covered"] != period["asked"]
    ]


def target_scale(directory: str | Path, target: str) -> tuple[float, float]:
    """Mean and standard deviation that turn normalised temperatures back into degrees Celsius."""
    statistics = read_json(Path(directory) / "normalisation.json")[target]
    return statistics["mean"], statistics["std"]


def windows_in_degc(directory: str | Path, target: str, split: str) -> dict:
    """The ``split``'s windows: their normalised ``inputs``, observed temperature ``history`` and ``true`` future
    in degrees Celsius, their ``start`` times, and the ``mean`` and ``std`` that turn the target into degrees."""
    test = read_tensors(directory, split)
    mean, std = target_scale(directory, target)
    column = list(read_json(Path(directory) / "normalisation.json")).index(target)
    return {
        "inputs": test["inputs"],
        "mean": mean,
        "std": std,
        "history": test["inputs"][:, :, column] * std + mean,
        "true": test["targets"] * std + mean,
        "start": test["start"],
    }
