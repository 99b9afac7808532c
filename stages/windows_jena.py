"""windows_jena@<setup>: sliding windows per period -> data/forecast/<setup>/windows/."""
import sys

import pandas as pd
from safetensors.torch import save_file

from rnnlab import params
from rnnlab.config import load_params
from rnnlab.forecast.setup import load_setup
from rnnlab.forecast.windows import make_windows
from rnnlab.io import atomic_path, read_json, write_json

if __name__ == "__main__":
    setup = load_setup(load_params(), sys.argv[1])
    prepared = f"data/forecast/{setup.name}"
    frame = pd.read_parquet(f"{prepared}/series.parquet")
    normalisation = read_json(f"{prepared}/normalisation.json")
    try:
        windows = make_windows(frame, normalisation, setup.windows, setup.periods)
    except ValueError as error:
        raise params.ParamsError(f"params.yaml: forecast.{setup.name}.periods or .windows: {error}") from error
    for name, tensors in windows.items():
        with atomic_path(f"{prepared}/windows/{name}.safetensors") as temporary:
            save_file(tensors, str(temporary))
    write_json(f"{prepared}/windows/normalisation.json", normalisation)
    print(", ".join(f"{name} {len(t['inputs'])} windows" for name, t in windows.items()))
