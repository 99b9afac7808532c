"""prepare_station@<setup>: the setup's station file(s) -> regular grid with gaps marked (parquet), the training
period's normalisation (JSON), and what preparing found (JSON)."""

import logging
import sys

from rnnlab.config import load_params
from rnnlab.forecast.config import load_setup
from rnnlab.forecast.jena import (
    StationFileError,
    fit_normalisation,
    measured_columns,
    prepare,
    read_station_files,
    station_files,
)
from rnnlab.forecast.windows import period_coverage, shortened
from rnnlab.io import atomic_path, write_json
from rnnlab.params import ParamsError
from rnnlab.stage import run_stage


def main(setup_name, series, normalisation_path, report) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    setup = load_setup(load_params(), setup_name)
    measured = read_station_files(station_files(setup.source), measured_columns(setup.features))
    prepared = prepare(measured, setup.features, setup.max_gap_steps)
    try:
        normalisation = fit_normalisation(prepared.frame, *setup.periods.bounds()["train"])
    except StationFileError as error:
        raise ParamsError(f"params.yaml: forecast.{setup.name}.periods.train_start/val_start: {error}") from error
    with atomic_path(series) as temporary:
        prepared.frame.to_parquet(temporary)
    write_json(normalisation_path, normalisation)
    # What each period really covers, so that a test_end past the data's end is seen, not silently cut.
    coverage = period_coverage(prepared.frame, setup.periods.bounds())
    write_json(report, {**prepared.report, "periods": coverage})
    print(prepared.report)
    for line in shortened(coverage):
        print(f"prepare_station@{setup.name}: {line} (recorded in {report})", file=sys.stderr)


if __name__ == "__main__":
    run_stage(main)
