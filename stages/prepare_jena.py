"""prepare_jena@<setup>: station file(s) -> regular grid with gaps marked -> data/forecast/<setup>/."""
import logging
import sys

from rnnlab.config import load_params
from rnnlab.params import ParamsError
from rnnlab.forecast.jena import (
    StationFileError,
    fit_normalisation,
    measured_columns,
    prepare,
    read_station_files,
    station_files,
)
from rnnlab.forecast.setup import load_setup
from rnnlab.io import atomic_path, write_json

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    setup = load_setup(load_params(), sys.argv[1])
    out = f"data/forecast/{setup.name}"
    measured = read_station_files(station_files(setup.source), measured_columns(setup.features))
    prepared = prepare(measured, setup.features, setup.max_gap_steps)
    try:
        normalisation = fit_normalisation(prepared.frame, *setup.periods.bounds()["train"])
    except StationFileError as error:
        raise ParamsError(f"params.yaml: forecast.{setup.name}.periods.train_start/val_start: {error}") from error
    with atomic_path(f"{out}/series.parquet") as temporary:
        prepared.frame.to_parquet(temporary)
    write_json(f"{out}/normalisation.json", normalisation)
    write_json(f"metrics/forecast/{setup.name}/prepare.json", prepared.report)
    print(prepared.report)
