"""fetch@<dataset>: one of rnnlab.fetch.DATASETS, from $DATA_MIRROR or its public URL, sha256-verified -> argv[2]."""
import sys

from rnnlab.fetch import DATASETS, fetch

if __name__ == "__main__":
    name, destination = sys.argv[1:]
    print(f"wrote {fetch(DATASETS[name], destination)}")
