"""windows_station@<setup>: sliding windows per period of the prepared series -> a windows folder."""

from pathlib import Path

import pandas as pd

from rnnlab import params
from rnnlab.config import load_params
from rnnlab.forecast.config import load_setup
from rnnlab.forecast.jena import StationFileError
from rnnlab.forecast.windows import make_windows
from rnnlab.io import read_json, write_json, write_tensors
from rnnlab.stage import run_stage


def main(setup_name, series, normalisation_path, out) -> None:
    setup = load_setup(load_params(), setup_name)
    normalisation = read_json(normalisation_path)
    try:
        windows = make_windows(pd.read_parquet(series), normalisation, setup.windows, setup.periods)
    except StationFileError as error:
        raise StationFileError(f"{setup.source} (forecast.{setup.name}.source): {error}") from error
    except ValueError as error:
        raise params.ParamsError(f"params.yaml: forecast.{setup.name}.periods or .windows: {error}") from error
    for name, tensors in windows.items():
        write_tensors(Path(out) / f"{name}.safetensors", tensors)
    write_json(Path(out) / "normalisation.json", normalisation)
    print(", ".join(f"{name} {len(t['inputs'])} windows" for name, t in windows.items()))


if __name__ == "__main__":
    run_stage(main)
