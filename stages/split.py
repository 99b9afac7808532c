"""split: the lab's split by 1-based row number -> {train,val,test}.parquet in a folder."""
import sys
from pathlib import Path

import pandas as pd

from rnnlab.io import atomic_path
from rnnlab.text.corpus import split

if __name__ == "__main__":
    segmented, out = sys.argv[1:]
    parts = split(pd.read_parquet(segmented))
    for name, part in parts.items():
        with atomic_path(Path(out) / f"{name}.parquet") as temporary:
            part.to_parquet(temporary, index=False)
    print(", ".join(f"{name} {len(part)}" for name, part in parts.items()))
