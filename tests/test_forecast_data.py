"""Station files, the regular grid and its gaps, normalisation and windows, on real station rows."""

import numpy as np
import pandas as pd
import pytest
import torch

from pipeline_project import FIXTURES
from rnnlab.forecast.jena import (
    StationFileError,
    fit_normalisation,
    measured_columns,
    prepare,
    read_station_files,
    station_files,
)
from rnnlab.forecast.windows import Periods, WindowConfig, make_windows, period_coverage, shortened, window_starts

SLICE = FIXTURES / "mpi_roof_2024_slice.csv"
FEATURES = ["hour", "T (degC)", "H2OC (mmol/mol)", "rho (g/m**3)", "sh (g/kg)", "Tpot (K)", "VPmax (mbar)"]
MEASURED = measured_columns(FEATURES)


def native_lines() -> list[bytes]:
    return SLICE.read_bytes().split(b"\r\n")[:-1]


def keras_style(lines: list[bytes]) -> bytes:
    """The Keras file's shape: the first 15 columns, LF line ends, an ASCII header."""
    return b"".join(b",".join(line.split(b",")[:15]) + b"\n" for line in lines)


def test_native_file_has_latin1_header_and_crlf():
    raw = SLICE.read_bytes()
    assert b"\r\n" in raw and "W/m²".encode("latin-1") in raw and "µmol".encode("latin-1") in raw


def test_both_formats_parse_to_the_same_values(tmp_path):
    lines = native_lines()
    keras = tmp_path / "keras.csv"
    keras.write_bytes(keras_style(lines))
    native = read_station_files([SLICE], MEASURED)
    from_keras = read_station_files([keras], MEASURED)
    pd.testing.assert_frame_equal(native, from_keras)
    assert native.index[0] == pd.Timestamp("2024-06-09 11:40")
    assert native["T (degC)"].iloc[0] == 18.76


def test_benchmark_format_parses_to_the_same_values(tmp_path):
    """The 2020 file as re-published for the forecasting benchmarks: header ``date``, ISO timestamps, UTF-8."""
    lines = native_lines()[:50]
    header = lines[0].decode("latin-1").replace("Date Time", "date").replace("CO2 (ppm)", "OT")
    rows = []
    for line in lines[1:]:
        stamp, rest = line.decode("latin-1").split(",", 1)
        rows.append(f"{pd.to_datetime(stamp, format='%d.%m.%Y %H:%M:%S'):%Y-%m-%d %H:%M:%S},{rest}")
    path = tmp_path / "weather.csv"
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")
    pd.testing.assert_frame_equal(read_station_files([path], MEASURED), read_station_files([SLICE], MEASURED).iloc[:49])


def test_overlapping_files_concatenate_and_exact_repeats_are_dropped_and_counted(tmp_path):
    lines = native_lines()
    header = lines[0]
    (tmp_path / "a.csv").write_bytes(b"\r\n".join([header, *lines[1:101]]) + b"\r\n")
    (tmp_path / "b.csv").write_bytes(b"\r\n".join([header, *lines[51:201]]) + b"\r\n")
    measured = read_station_files(station_files(tmp_path), MEASURED)
    assert len(measured) == 250 and measured.index.is_monotonic_increasing
    prepared = prepare(measured, FEATURES, 6)
    assert prepared.report["rows_read"] == 250 and prepared.report["repeated_rows_dropped"] == 50
    assert len(prepared.frame) == 200


def test_repeated_timestamps_that_disagree_are_an_error_naming_their_lines(tmp_path):
    lines = native_lines()
    header = lines[0]
    changed = lines[60].split(b",")
    changed[2] = b"99.0"  # T (degC) of the second copy
    (tmp_path / "a.csv").write_bytes(b"\r\n".join([header, *lines[1:101]]) + b"\r\n")
    (tmp_path / "b.csv").write_bytes(b"\r\n".join([header, b",".join(changed)]) + b"\r\n")
    stamp = changed[0].decode()
    with pytest.raises(StationFileError) as raised:
        read_station_files(station_files(tmp_path), MEASURED)
    assert str(raised.value) == (
        f"{tmp_path / 'a.csv'} line 61 and {tmp_path / 'b.csv'} line 2: the timestamp '{stamp}' is written 2 "
        "times with different values (1 timestamp(s) so in all); expected one row per timestamp, or exact copies "
        "(an hour written twice is a clock set back, as at the end of summer time)"
    )


def test_an_hour_written_twice_in_one_file_names_its_lines(tmp_path):
    lines = native_lines()[:151]
    # The clock set back an hour after line 101: the stamps of lines 96-101 written again, with other values.
    again = [b",".join([lines[row - 6].split(b",")[0], *lines[row].split(b",")[1:]]) for row in range(101, 107)]
    path = tmp_path / "clock.csv"
    path.write_bytes(b"\r\n".join([*lines[:101], *again, *lines[101:]]) + b"\r\n")
    with pytest.raises(StationFileError, match=rf"^{path} line 96 and line 102: the timestamp '[^']+' is written 2 "):
        read_station_files([path], MEASURED)


def test_bad_timestamp_names_file_column_and_row(tmp_path):
    lines = native_lines()[:5]
    lines[3] = b"2024-06-09 12:00," + lines[3].split(b",", 1)[1]
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(StationFileError, match=r"bad.csv: column 'Date Time' at data row 3 .*expected dd.mm.YYYY"):
        read_station_files([path], MEASURED)


def test_rows_a_little_out_of_order_are_reported_by_line_and_sorted(tmp_path, caplog):
    lines = native_lines()
    rows = lines[1:]
    rows.insert(10, rows.pop(2300))  # one late row written near the top: one row out of place, not all
    rows[500], rows[501] = rows[501], rows[500]
    path = tmp_path / "few.csv"
    path.write_bytes(b"\r\n".join([lines[0], *rows]) + b"\r\n")
    measured = read_station_files([path], MEASURED)
    assert caplog.messages == [
        f"{path}: 2 row(s) earlier than the row before them, first line 13 ('09.06.2024 13:20:00', after "
        "'25.06.2024 11:00:00'); sorted into time order"
    ]
    pd.testing.assert_frame_equal(measured, read_station_files([SLICE], MEASURED))


def test_month_first_file_with_days_up_to_12_is_refused_naming_the_row(tmp_path):
    """Every date parses as day-first, so only the order gives it away: each day lands in another month."""
    lines = native_lines()
    days = [pd.Timestamp(2024, month, day) for month in (6, 7) for day in range(1, 9)]  # 16 days, as many rows
    stamps = [day + step * pd.Timedelta(minutes=10) for day in days for step in range(144)]
    rows = [
        f"{stamp:%m.%d.%Y %H:%M:%S}".encode() + b"," + line.split(b",", 1)[1]
        for stamp, line in zip(stamps, lines[1:], strict=True)
    ]
    path = tmp_path / "month_first.csv"
    path.write_bytes(b"\r\n".join([lines[0], *rows]) + b"\r\n")
    with pytest.raises(
        StationFileError,
        match=r"month_first.csv: rows out of time order from line 1154 "
        r"\('07.01.2024 00:00:00', after '06.08.2024 23:50:00'\), "
        r"\d+ of 2304 rows out of place; expected rows in time order with timestamps written dd.mm.YYYY .*month-first",
    ):
        read_station_files([path], MEASURED)


def test_files_in_time_order_are_read_without_a_warning(caplog):
    """The benchmark slice holds a row written twice: the same time again is not going backwards."""
    read_station_files([SLICE, FIXTURES / "weather_2020_slice.csv"], MEASURED)
    assert caplog.messages == []


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Date Time,p (mbar)\n01.01.2009 00:10:00,996.5\n")
    with pytest.raises(StationFileError, match=r"bad.csv: missing column\(s\) \['T \(degC\)'"):
        read_station_files([path], MEASURED)


def test_short_gaps_are_interpolated_long_gaps_stay_and_sentinels_are_missing():
    measured = read_station_files([SLICE], MEASURED).iloc[:400]
    measured = measured.drop(measured.index[100:103])  # 3 missing steps: short
    measured = measured.drop(measured.index[200:220])  # 20 missing steps: long
    measured.iloc[300, measured.columns.get_loc("rho (g/m**3)")] = -9999.0
    prepared = prepare(measured, FEATURES, max_gap_steps=6)
    frame, report = prepared.frame, prepared.report
    assert len(frame) == 400 and (frame.index.to_series().diff().dropna() == pd.Timedelta(minutes=10)).all()
    assert report["timestamps_missing"] == 23
    assert report["impossible_values"]["rho (g/m**3)"] == 1
    assert report["rows_in_long_gaps"] == 20
    assert report["rows_interpolated"] == 4
    assert frame.iloc[100:103].notna().all().all()
    before, after = frame["T (degC)"].iloc[99], frame["T (degC)"].iloc[103]
    assert frame["T (degC)"].iloc[101] == pytest.approx(before + (after - before) / 2)
    long_gap = frame.iloc[203:223]
    assert long_gap.isna().all().all()
    assert frame.iloc[[202, 223]].notna().all().all()
    assert frame["hour"].iloc[0] == pytest.approx(11 + 40 / 60)


def test_normalisation_uses_the_training_period_only():
    frame = prepare(read_station_files([SLICE], MEASURED), FEATURES, 6).frame
    start, end = pd.Timestamp("2024-06-10"), pd.Timestamp("2024-06-12")
    statistics = fit_normalisation(frame, start, end)
    period = frame[(frame.index >= start) & (frame.index < end)]
    assert statistics["T (degC)"]["mean"] == pytest.approx(period["T (degC)"].mean())
    assert statistics["T (degC)"]["mean"] != pytest.approx(frame["T (degC)"].mean())


def test_periods_past_the_data_are_recorded_as_covered_and_reported():
    frame = prepare(read_station_files([SLICE], MEASURED), FEATURES, 6).frame  # 2024-06-09 11:40 to 06-25 11:30
    bounds = Periods("2024-06-10", "2024-06-20", "2024-06-22", "2024-12-31").bounds()
    coverage = period_coverage(frame, bounds)
    assert coverage["train"] == {
        "asked": ["2024-06-10 00:00:00", "2024-06-20 00:00:00"],
        "covered": ["2024-06-10 00:00:00", "2024-06-20 00:00:00"],
    }
    assert coverage["test"]["covered"] == ["2024-06-22 00:00:00", "2024-06-25 11:40:00"]
    assert shortened(coverage) == [
        "the test period asks for [2024-06-22 00:00:00, 2025-01-01 00:00:00) but the data cover "
        "[2024-06-22 00:00:00, 2024-06-25 11:40:00) of it"
    ]
    beyond = period_coverage(frame, Periods("2024-06-10", "2024-06-20", "2025-01-01", "2025-02-01").bounds())
    assert beyond["test"]["covered"] is None and shortened(beyond)[-1].endswith("but the data cover none of it")


def test_window_starts_skip_gaps_and_stay_inside_the_period():
    complete = np.ones(100, dtype=bool)
    complete[40] = False
    starts = window_starts(complete, first=10, last=90, span=10, stride=5)
    assert starts.tolist() == [10, 15, 20, 25, 30, 45, 50, 55, 60, 65, 70, 75, 80]
    assert all(not (s <= 40 < s + 10) for s in starts)


def test_windows_hold_the_right_rows_and_never_cross_a_boundary():
    frame = prepare(read_station_files([SLICE], MEASURED), FEATURES, 6).frame
    frame.iloc[700:710] = np.nan  # a long gap inside the training period
    periods = Periods("2024-06-09", "2024-06-18", "2024-06-21", "2024-06-24")
    normalisation = fit_normalisation(frame, *periods.bounds()["train"])
    config = WindowConfig(input_steps=72, target_steps=36, stride=12)
    windows = make_windows(frame, normalisation, config, periods)
    stats = normalisation["T (degC)"]
    for name, (begin, end) in periods.bounds().items():
        starts = pd.to_datetime(windows[name]["start"].numpy())
        assert (starts >= begin).all()
        assert (starts + pd.Timedelta(minutes=10) * (72 + 36 - 1) < end).all()
        gap_start, gap_end = frame.index[700], frame.index[709]
        assert not ((starts <= gap_end) & (starts + pd.Timedelta(minutes=10 * 107) >= gap_start)).any()
    first = windows["val"]
    index = frame.index.get_loc(pd.Timestamp(first["start"][0].item()))
    expected_target = (frame["T (degC)"].iloc[index + 72 : index + 108].to_numpy() - stats["mean"]) / stats["std"]
    torch.testing.assert_close(first["targets"][0], torch.tensor(expected_target, dtype=torch.float32))
    assert first["inputs"].shape[1:] == (72, len(FEATURES))


def test_periods_must_be_ordered_and_inside_the_data():
    with pytest.raises(ValueError, match="train_start < val_start"):
        Periods("2024-06-12", "2024-06-10", "2024-06-20", "2024-06-21")
    frame = prepare(read_station_files([SLICE], MEASURED), FEATURES, 6).frame
    periods = Periods("2024-06-09", "2024-06-18", "2024-06-21", "2025-01-31")
    later = Periods("2024-06-09", "2024-06-18", "2024-07-01", "2024-07-31")
    normalisation = fit_normalisation(frame, *periods.bounds()["train"])
    with pytest.raises(ValueError, match=r"no complete window .* in the test period .* the data cover"):
        make_windows(frame, normalisation, WindowConfig(72, 36, 12), later)


def test_data_shorter_than_one_window_is_a_data_error_not_a_params_error():
    frame = prepare(read_station_files([SLICE], MEASURED), FEATURES, 6).frame.iloc[:100]
    periods = Periods("2024-06-09", "2024-06-10", "2024-06-11", "2024-06-12")
    config = WindowConfig(input_steps=72, target_steps=36, stride=12)
    with pytest.raises(
        StationFileError, match=r"the data hold 100 steps \(2024-06-09 11:40:00 to .*\), fewer than one window of 108"
    ):
        make_windows(frame, fit_normalisation(frame, *periods.bounds()["train"]), config, periods)
