"""fetch@<dataset>: one of rnnlab.datasets.DATASETS, from $DATA_MIRROR or its public URL, sha256-verified -> argv[2]."""

from rnnlab.config import load_params
from rnnlab.datasets import DATASETS, check_destinations
from rnnlab.fetch import fetch, refuse_replacing_own_data
from rnnlab.stage import run_stage


def main(name, destination) -> None:
    check_destinations(load_params())
    refuse_replacing_own_data(f"fetch@{name}", destination)
    print(f"wrote {fetch(DATASETS[name], destination)}")


if __name__ == "__main__":
    run_stage(main)
