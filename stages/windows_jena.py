"""windows_jena@<setup>: sliding windows per period of the prepared series -> a windows folder."""
from pathlib import Path

import pandas as pd
from safetensors.torch import save_file

from rnnlab import params
from rnnlab.config import load_params
from rnnlab.forecast.config import load_setup
from rnnlab.forecast.jena import StationFileError
from rnnlab.forecast.windows import make_windows
from rnnlab.io import atomic_path, read_json, write_json
from rnnlab.errors import run_stage


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
        with atomic_path(Path(out) / f"{name}.safetensors") as temporary:
            save_file(tensors, str(temporary))
    write_json(Path(out) / "normalisation.json", normalisation)
    print(", ".join(f"{name} {len(t['inputs'])} windows" for name, t in windows.items()))


if __name__ == "__main__":
    run_stage(main)
