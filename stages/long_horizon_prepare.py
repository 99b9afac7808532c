"""long_horizon_prepare: the benchmark file -> its train, validation and test rows standardised (a folder of
safetensors, with the scaler as JSON), and what the file holds besides a clean record (JSON)."""

import torch

from rnnlab.config import load_params
from rnnlab.io import atomic_directory, write_json, write_tensors
from rnnlab.long_horizon.config import input_steps
from rnnlab.long_horizon.data import BenchmarkFileError, faults, read_benchmark, split_rows, standardise
from rnnlab.stage import run_stage


def main(source, series, report) -> None:
    lookback = input_steps(load_params())
    stamps, channels, values = read_benchmark(source)
    try:
        splits = split_rows(len(values), lookback)
    except ValueError as error:
        raise BenchmarkFileError(f"{source}: {error}") from None
    mean, std = standardise(values, splits["train"][1])
    scaled = torch.from_numpy((values - mean) / std).float()
    with atomic_directory(series) as building:
        for name, (start, end) in splits.items():
            write_tensors(building / f"{name}.safetensors", {"values": scaled[start:end].contiguous()})
        write_json(building / "scaler.json", {"channels": channels, "mean": mean.tolist(), "std": std.tolist()})
    found = faults(stamps, channels, values, splits)
    write_json(
        report,
        {
            "rows": len(values),
            "channels": len(channels),
            "splits": {name: {"rows": end - start} for name, (start, end) in splits.items()},
            **found,
        },
    )
    print(
        f"{len(values)} rows of {len(channels)} channels: "
        + ", ".join(f"{name} rows [{start}, {end})" for name, (start, end) in splits.items())
        + f"; {len(found['repeated_rows'])} repeated rows, {len(found['gaps'])} gaps, kept as the file holds them"
    )


if __name__ == "__main__":
    run_stage(main)
