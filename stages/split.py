"""split: the lab's split by 1-based row number -> data/text/split/{train,val,test}.parquet."""
import pandas as pd

from rnnlab.io import atomic_path
from rnnlab.text.corpus import split

if __name__ == "__main__":
    parts = split(pd.read_parquet("data/text/segmented.parquet"))
    for name, part in parts.items():
        with atomic_path(f"data/text/split/{name}.parquet") as temporary:
            part.to_parquet(temporary, index=False)
    print(", ".join(f"{name} {len(part)}" for name, part in parts.items()))
