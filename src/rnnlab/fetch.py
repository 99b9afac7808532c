"""Fetching a public dataset from a local mirror or its URL, verified by sha256."""

import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rnnlab.errors import RnnlabError
from rnnlab.io import atomic_path, sha256_of

MIRROR_VARIABLE = "DATA_MIRROR"


class FetchError(RnnlabError, RuntimeError):
    pass


class DataUnreachable(FetchError):
    """Neither the offline mirror nor the network has the data: nothing is wrong with the data itself. Its line
    starts with ``LEAD``, by which `make repro` tells it from a failure."""

    LEAD = "data unreachable: "

    def __str__(self) -> str:
        return self.LEAD + super().__str__()


@dataclass(frozen=True)
class Dataset:
    url: str
    mirror_path: str  # relative to $DATA_MIRROR
    member: str | None  # the file to take out of the zip; None when the source is the file itself
    sha256: str
    verify: str  # "zip", "member" or "file": what the checksum is of


def fetch(dataset: Dataset, destination: str | Path) -> Path:
    """Puts ``dataset.member`` at ``destination``; nothing is left there unless its checksum matched."""
    destination = Path(destination)
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / Path(dataset.mirror_path).name
        source = _copy_source(dataset, archive)
        if dataset.verify in ("zip", "file"):
            _check(archive, dataset, source)
        with atomic_path(destination) as temporary:
            if dataset.member is None:
                shutil.copyfile(archive, temporary)
                return destination
            try:
                with zipfile.ZipFile(archive) as bundle, bundle.open(dataset.member) as member:
                    with open(temporary, "wb") as out:
                        shutil.copyfileobj(member, out)
            except (zipfile.BadZipFile, KeyError) as error:
                raise FetchError(f"{source}: expected a zip holding {dataset.member!r}: {error}") from error
            if dataset.verify == "member":
                _check(temporary, dataset, source)
    return destination


def _copy_source(dataset: Dataset, archive: Path) -> str:
    mirror = os.environ.get(MIRROR_VARIABLE)
    if mirror:
        mirrored = Path(mirror) / dataset.mirror_path
        if not mirrored.is_file():
            raise DataUnreachable(
                f"{MIRROR_VARIABLE}={mirror} is set but {mirrored} does not exist; put the file there "
                f"(from {dataset.url}, sha256 {dataset.sha256}) or unset {MIRROR_VARIABLE} to download it"
            )
        shutil.copyfile(mirrored, archive)
        return str(mirrored)
    try:
        with urllib.request.urlopen(dataset.url, timeout=60) as response, open(archive, "wb") as out:
            shutil.copyfileobj(response, out)
    except (urllib.error.URLError, OSError) as error:
        raise DataUnreachable(
            f"cannot download {dataset.url} ({error}); without network, set {MIRROR_VARIABLE} to a folder "
            f"holding {dataset.mirror_path} (sha256 {dataset.sha256})"
        ) from error
    return dataset.url


def _check(path: Path, dataset: Dataset, source: str) -> None:
    actual = sha256_of(path)
    if actual != dataset.sha256:
        what = dataset.member if dataset.verify == "member" else Path(dataset.mirror_path).name
        raise FetchError(
            f"{source}: sha256 of {what} is {actual}, expected {dataset.sha256} (source URL {dataset.url}, "
            f"mirror variable {MIRROR_VARIABLE})"
        )


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
