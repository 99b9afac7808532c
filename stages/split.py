"""split: the lab's split by 1-based row number -> {train,val,test}.parquet in a folder."""

from pathlib import Path

import pandas as pd

from rnnlab.io import atomic_path
from rnnlab.stage import run_stage
from rnnlab.text.corpus import split


def main(segmented, out) -> None:
    parts = split(pd.read_parquet(segmented))
    for name, part in parts.items():
        with atomic_path(Path(out) / f"{name}.parquet") as temporary:
            part.to_parquet(temporary, index=False)
    print(", ".join(f"{name} {len(part)}" for name, part in parts.items()))


if __name__ == "__main__":
    run_stage(main)
