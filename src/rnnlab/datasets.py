"""The public datasets the pipeline fetches: where each comes from and its checksum (rnnlab.fetch gets them),
and the check of where params.yaml puts them. Imports no framework, as ``python -m rnnlab check`` reads it."""

from dataclasses import dataclass
from pathlib import Path

from rnnlab import params


@dataclass(frozen=True)
class Dataset:
    url: str
    mirror_path: str  # relative to $DATA_MIRROR
    member: str | None  # the file to take out of the zip; None when the source is the file itself
    sha256: str
    verify: str  # "zip", "member" or "file": what the checksum is of


# Every dataset the pipeline fetches, by the name its fetch stage takes (fetch@<name> in dvc.yaml).
DATASETS = {
    "reviews": Dataset(
        url="https://github.com/SophonPlus/ChineseNlpCorpus/raw/master/datasets/online_shopping_10_cats/"
        "online_shopping_10_cats.zip",
        mirror_path="text/online_shopping_10_cats.zip",
        member="online_shopping_10_cats.csv",
        sha256="6816ded66fde9d0927ecbd370b5e12d0174d1abac35192ec014ac2a0a8d25858",
        verify="zip",
    ),
    "jena_climate_2009_2016": Dataset(
        url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/jena_climate_2009_2016.csv.zip",
        mirror_path="jena/jena_climate_2009_2016.csv.zip",
        member="jena_climate_2009_2016.csv",
        sha256="eb3df9da6c25039f10814ded0a14138bb0afa3612be9cf79cafdf1cf6f95172e",
        verify="member",
    ),
    "station_2017b": Dataset(
        url="https://www.bgc-jena.mpg.de/wetter/mpi_roof_2017b.zip",
        mirror_path="jena/mpi_roof_2017b.zip",
        member="mpi_roof_2017b.csv",
        sha256="815fafc32ce2dc0d7d2bbfe7f27e71ac91b43fc0355433358911791f41874a9a",
        verify="zip",
    ),
    "weather_2020": Dataset(
        # The station's 2020 as the long-horizon forecasting benchmarks (Autoformer, Time-Series-Library)
        # re-published it; this copy is in the offline mirror.
        url="the forecasting benchmarks' weather.csv (not a direct download: the mirror holds this copy)",
        mirror_path="jena/weather_2020.zip",
        member="weather.csv",
        sha256="5df21f1e839756ad6dfe91a58775397a7a3c2377b2fd3ad7b6a1c4a51f2541cf",
        verify="zip",
    ),
    "station_2024": Dataset(
        # Cut from the station's published half-year files; this extract itself is only in the offline mirror.
        url="https://www.bgc-jena.mpg.de/wetter/ (not a direct download: the mirror holds this extract)",
        mirror_path="jena/mpi_roof_2024_sample.csv",
        member=None,
        sha256="3a412dc1d411244bd0583f99ced81c30a20283fadb7b204e781de9f78878f912",
        verify="file",
    ),
}


def check_destinations(all_params: dict, path: str | Path = params.PARAMS_FILE) -> None:
    """params.yaml's fetch section: a destination path for every dataset, and for nothing else."""
    destinations = params.section(all_params, "fetch", path)
    if not isinstance(destinations, dict) or set(destinations) != set(DATASETS):
        raise params.ParamsError(f"{path}: fetch must map each of {sorted(DATASETS)} to a path, got {destinations!r}")
    for name, destination in destinations.items():
        if not isinstance(destination, str) or not destination:
            raise params.ParamsError(f"{path}: fetch.{name} must be a path, got {destination!r}")
        params.inside_project(destination, f"fetch.{name}", path)
