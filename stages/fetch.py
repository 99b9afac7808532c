"""fetch@<dataset>: one of rnnlab.datasets.DATASETS, from $DATA_MIRROR or its public URL, sha256-verified -> argv[2]."""

from rnnlab.datasets import DATASETS
from rnnlab.fetch import fetch
from rnnlab.stage import run_stage


def main(name, destination) -> None:
    print(f"wrote {fetch(DATASETS[name], destination)}")


if __name__ == "__main__":
    run_stage(main)
