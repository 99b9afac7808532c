"""long_horizon_prepare: the benchmark file -> its train, validation and test rows standardised (a folder of
safetensors, with the scaler as JSON), and what the file holds besides a clean record (JSON)."""
import os
import shutil
import tempfile
from pathlib import Path

import torch
from safetensors.torch import save_file

from rnnlab.config import load_params
from rnnlab.errors import run_stage
from rnnlab.io import FILE_MODE, write_json
from rnnlab.long_horizon.config import input_steps
from rnnlab.long_horizon.data import BenchmarkFileError, faults, read_benchmark, split_rows, standardise


def main(source, series, report) -> None:
    lookback = input_steps(load_params())
    stamps, channels, values = read_benchmark(source)
    try:
        splits = split_rows(len(values), lookback)
    except ValueError as error:
        raise BenchmarkFileError(f"{source}: {error}") from None
    mean, std = standardise(values, splits["train"][1])
    scaled = torch.from_numpy((values - mean) / std).float()
    # The folder appears whole or not at all.
    output = Path(series)
    output.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}."))
    try:
        for name, (start, end) in splits.items():
            save_file({"values": scaled[start:end].contiguous()}, str(building / f"{name}.safetensors"))
        write_json(building / "scaler.json", {"channels": channels, "mean": mean.tolist(), "std": std.tolist()})
        # mkdtemp and safetensors make private files; the outputs are the team's, like every file the stages write.
        for path in building.iterdir():
            os.chmod(path, FILE_MODE)
        os.chmod(building, FILE_MODE | 0o111)
        shutil.rmtree(output, ignore_errors=True)
        os.replace(building, output)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    found = faults(stamps, channels, values, splits)
    write_json(report, {"rows": len(values), "channels": len(channels),
                        "splits": {name: {"rows": end - start} for name, (start, end) in splits.items()}, **found})
    print(f"{len(values)} rows of {len(channels)} channels: " +
          ", ".join(f"{name} rows [{start}, {end})" for name, (start, end) in splits.items()) +
          f"; {len(found['repeated_rows'])} repeated rows, {len(found['gaps'])} gaps, kept as the file holds them")


if __name__ == "__main__":
    run_stage(main)
