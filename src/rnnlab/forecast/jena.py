"""Jena weather station files: parsing, a regular 10-minute grid, gaps, features, normalisation."""

import bisect
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rnnlab.errors import RnnlabError
from rnnlab.station import STEP

log = logging.getLogger(__name__)

# The timestamp column of each format the station's data come in, and how it is written: the station's own
# files and the Keras file; the 2020 file as re-published for the forecasting benchmarks.
TIMESTAMPS = {
    "Date Time": ("%d.%m.%Y %H:%M:%S", "dd.mm.YYYY HH:MM:SS"),
    "date": ("%Y-%m-%d %H:%M:%S", "YYYY-mm-dd HH:MM:SS"),
}
TARGET = "T (degC)"
# Physically possible values at a mid-European station; anything outside (the -9999 sentinels of the
# station's files included) is treated as missing.
PHYSICAL_LIMITS = {
    "p (mbar)": (850.0, 1100.0),
    "T (degC)": (-50.0, 50.0),
    "Tpot (K)": (220.0, 330.0),
    "Tdew (degC)": (-60.0, 40.0),
    "rh (%)": (0.0, 100.5),
    "VPmax (mbar)": (0.0, 130.0),
    "VPact (mbar)": (0.0, 80.0),
    "VPdef (mbar)": (0.0, 130.0),
    "sh (g/kg)": (0.0, 50.0),
    "H2OC (mmol/mol)": (0.0, 80.0),
    "rho (g/m**3)": (1000.0, 1450.0),
    "wv (m/s)": (0.0, 60.0),
    "max. wv (m/s)": (0.0, 80.0),
    "wd (deg)": (0.0, 360.0),
}
DERIVED = {"hour": lambda index: index.hour + index.minute / 60.0}
# A file is refused once more than this share of its rows would have to move to put it in time order. Rows
# logged late or a block pasted twice move a handful, and sorting them is safe. A month-first file whose days
# are all 12 or less parses without error as day-first, but each month's days land in different months, which
# puts about half the rows out of place once two months are read: sorting would hide wrong dates. Rows that
# must move, not backward steps, because that month-first file steps back only once a month.
MAX_SHARE_OUT_OF_PLACE = 0.1


class StationFileError(RnnlabError, ValueError):
    pass


def read_station_files(paths: list[str | Path], columns: list[str]) -> pd.DataFrame:
    """The measured ``columns`` of one or more station files (native, Keras or benchmark format), indexed by
    timestamp: every row of every file, in time order. A timestamp written twice with different values is a
    StationFileError naming both lines; exact copies stay, for ``prepare`` to drop and count."""
    frames, lines = [], []
    for path in paths:
        # Latin-1 reads the native files' W/m² and µmol headers; the other formats' names we read are ASCII.
        frame = pd.read_csv(path, encoding="latin-1")
        timestamp = next((name for name in TIMESTAMPS if name in frame.columns), None)
        if timestamp is None:
            raise StationFileError(
                f"{path}: no timestamp column; expected one of {list(TIMESTAMPS)}, found {list(frame.columns[:3])}..."
            )
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise StationFileError(
                f"{path}: missing column(s) {missing}; expected the station's columns {list(frame.columns[:3])}..."
            )
        stamp_format, written = TIMESTAMPS[timestamp]
        stamps = pd.to_datetime(frame[timestamp], format=stamp_format, errors="coerce")
        if stamps.isna().any():
            row = int(stamps.isna().to_numpy().argmax())
            raise StationFileError(
                f"{path}: column {timestamp!r} at data row {row + 1} is {frame[timestamp].iloc[row]!r}; "
                f"expected {written}"
            )
        _check_time_order(path, frame[timestamp], stamps, written)
        frames.append(frame[columns].apply(pd.to_numeric, errors="coerce").set_axis(stamps.rename("time")))
        # Line numbers count the header as line 1.
        written_at = {"file": str(path), "line": frame.index + 2, "written": frame[timestamp]}
        lines.append(pd.DataFrame(written_at).set_axis(stamps))
    # Both sorted alike (the same timestamps, a stable sort), so that row i of one is row i of the other.
    measured = pd.concat(frames).sort_index(kind="stable")
    _refuse_disagreeing_copies(measured, pd.concat(lines).sort_index(kind="stable"))
    return measured


def _check_time_order(path: str | Path, as_written: pd.Series, stamps: pd.Series, written: str) -> None:
    """Warn about rows earlier than the row before them (they are sorted into place); refuse the file when
    more than ``MAX_SHARE_OUT_OF_PLACE`` of its rows are out of place."""
    backward = (stamps.diff() < pd.Timedelta(0)).to_numpy()
    if not backward.any():
        return
    row = int(backward.argmax())
    # Line numbers count the header as line 1.
    first = f"line {row + 2} ({as_written.iloc[row]!r}, after {as_written.iloc[row - 1]!r})"
    out_of_place = _rows_out_of_place(stamps)
    if out_of_place > MAX_SHARE_OUT_OF_PLACE * len(stamps):
        raise StationFileError(
            f"{path}: rows out of time order from {first}, {out_of_place} of {len(stamps)} rows out of place; "
            f"expected rows in time order with timestamps written {written} (is the date written month-first?)"
        )
    log.warning(
        "%s: %d row(s) earlier than the row before them, first %s; sorted into time order",
        path,
        int(backward.sum()),
        first,
    )


def _rows_out_of_place(stamps: pd.Series) -> int:
    """The fewest rows that must move to put ``stamps`` in order: all but a longest non-decreasing subsequence."""
    # Patience sorting: tails[k] is the smallest last value of a non-decreasing subsequence of length k + 1.
    tails: list[int] = []
    for value in stamps.to_numpy().astype("int64").tolist():
        position = bisect.bisect_right(tails, value)
        if position == len(tails):
            tails.append(value)
        else:
            tails[position] = value
    return len(stamps) - len(tails)


@dataclass
class PreparedSeries:
    frame: pd.DataFrame  # features on the regular grid; NaN rows are gaps no window may cross
    report: dict


def prepare(measured: pd.DataFrame, features: list[str], max_gap_steps: int) -> PreparedSeries:
    """Regular 10-minute grid, impossible values removed, short gaps interpolated, features added."""
    report = {"rows_read": len(measured)}
    measured = _without_repeated_rows(measured)
    report["repeated_rows_dropped"] = report["rows_read"] - len(measured)
    off_grid = measured.index != measured.index.floor(STEP)
    report["rows_off_grid_dropped"] = int(off_grid.sum())
    measured = measured[~off_grid]
    impossible = {}
    cleaned = measured.copy()
    for column in cleaned.columns:
        low, high = PHYSICAL_LIMITS.get(column, (-np.inf, np.inf))
        bad = ~cleaned[column].between(low, high) & cleaned[column].notna()
        impossible[column] = int(bad.sum())
        cleaned.loc[bad, column] = np.nan
    report["impossible_values"] = impossible
    grid = pd.date_range(cleaned.index[0], cleaned.index[-1], freq=STEP)
    report["grid_rows"] = len(grid)
    report["timestamps_missing"] = int(len(grid) - cleaned.index.isin(grid).sum())
    on_grid = cleaned.reindex(grid)
    missing_before = int(on_grid.isna().any(axis=1).sum())
    filled = on_grid.interpolate(method="linear", limit=max_gap_steps, limit_area="inside")
    # interpolate's limit fills the first steps of a long gap too; undo that so long gaps stay whole.
    filled = filled.where(~_inside_long_gap(on_grid, max_gap_steps), np.nan)
    gap_rows = filled.isna().any(axis=1)
    report["rows_interpolated"] = missing_before - int(gap_rows.sum())
    report["rows_in_long_gaps"] = int(gap_rows.sum())
    result = pd.DataFrame(index=grid)
    for name in features:
        result[name] = DERIVED[name](grid) if name in DERIVED else filled[name]
    result.loc[gap_rows, :] = np.nan
    result.index.name = "time"
    return PreparedSeries(result, report)


def _refuse_disagreeing_copies(measured: pd.DataFrame, lines: pd.DataFrame) -> None:
    """A StationFileError naming the lines of the first timestamp that ``measured`` holds twice with different
    values, since nothing says which is right; ``lines``: the file, line and timestamp as written of each row."""
    repeated = measured.index.duplicated(keep=False)
    if not repeated.any():
        return
    disagreeing = measured[repeated].groupby(level=0).nunique(dropna=False).gt(1).any(axis=1)
    if not disagreeing.any():
        return
    first = (measured.index == disagreeing[disagreeing].index[0]).nonzero()[0]
    copies = lines.iloc[first]
    where = " and ".join(
        f"{file} line {line}" if position == 0 or file != copies["file"].iloc[0] else f"line {line}"
        for position, (file, line) in enumerate(zip(copies["file"], copies["line"]))
    )
    raise StationFileError(
        f"{where}: the timestamp {copies['written'].iloc[0]!r} is written {len(copies)} times with different "
        f"values ({int(disagreeing.sum())} timestamp(s) so in all); expected one row per timestamp, or exact "
        "copies (an hour written twice is a clock set back, as at the end of summer time)"
    )


def _without_repeated_rows(measured: pd.DataFrame) -> pd.DataFrame:
    """One row per timestamp: exact copies (files that overlap, a row written twice) are dropped."""
    return measured[~measured.index.duplicated(keep="first")]


def _inside_long_gap(frame: pd.DataFrame, max_gap_steps: int) -> pd.DataFrame:
    """True where a value belongs to a run of missing values longer than ``max_gap_steps``."""
    missing = frame.isna()
    run_ids = (missing != missing.shift()).cumsum()
    run_sizes = run_ids.apply(lambda ids: ids.map(ids.value_counts()))
    return missing & (run_sizes > max_gap_steps)


def fit_normalisation(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, dict[str, float]]:
    """Mean and standard deviation of each feature over [start, end) only."""
    period = frame[(frame.index >= start) & (frame.index < end)]
    if period.dropna().empty:
        raise StationFileError(
            f"no complete rows in [{start}, {end}) to fit the normalisation on; "
            f"the data cover {frame.index[0]} to {frame.index[-1]}"
        )
    return {name: {"mean": float(period[name].mean()), "std": float(period[name].std())} for name in frame.columns}


def station_files(source: str | Path) -> list[Path]:
    """A station file, or every ``*.csv`` of a folder of them in name order (the half-year files sort by date)."""
    source = Path(source)
    if source.is_dir():
        files = sorted(source.glob("*.csv"))
        if not files:
            raise StationFileError(f"{source}: no .csv station files in this folder")
        return files
    if not source.is_file():
        raise StationFileError(f"{source}: no such station file or folder")
    return [source]


def measured_columns(features: list[str]) -> list[str]:
    return [name for name in features if name not in DERIVED]
