"""Fetching a public dataset (rnnlab.datasets) from a local mirror or its URL, verified by sha256."""

import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from rnnlab.datasets import Dataset
from rnnlab.errors import RnnlabError
from rnnlab.io import atomic_path
from rnnlab.verify import Verifier, VerifyError, digest_of, locked_outputs

MIRROR_VARIABLE = "DATA_MIRROR"


class FetchError(RnnlabError, RuntimeError):
    pass


class DataUnreachable(FetchError):
    """Neither the offline mirror nor the network has the data: nothing is wrong with the data itself. Its line
    starts with ``LEAD``, by which `make repro` tells it from a failure."""

    LEAD = "data unreachable: "

    def __str__(self) -> str:
        return self.LEAD + super().__str__()


def refuse_replacing_own_data(stage: str, destination: str | Path) -> None:
    """A file at ``destination`` that dvc.lock does not record as ``stage``'s output was put there by hand, the
    user's own data: a FetchError, never replaced. (dvc.yaml keeps the file there for the stage to see:
    ``persist``, which DVC would otherwise delete, or check out of its run cache, before the stage runs.)"""
    destination = Path(destination)
    if not destination.exists():
        return
    try:
        # An output path belongs to one stage only (DVC refuses two), so the path alone finds the record.
        recorded = locked_outputs(Path.cwd()).get(destination.as_posix())
    except VerifyError:
        recorded = None
    if recorded is not None:
        verifier = Verifier(Path.cwd(), cache=None)
        verifier.output(destination.as_posix(), recorded)
        if verifier.checked and not verifier.damaged:
            return
    raise FetchError(
        f"{destination}: not the file dvc.lock records for {stage} (your own data?), so it is not replaced: "
        f"`dvc commit --force {stage}` makes it the stage's output, and the next `dvc repro` runs the chains "
        "on it; delete it to fetch the dataset's file instead"
    )


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
    actual = digest_of(path, "sha256")
    if actual != dataset.sha256:
        what = dataset.member if dataset.verify == "member" else Path(dataset.mirror_path).name
        raise FetchError(
            f"{source}: sha256 of {what} is {actual}, expected {dataset.sha256} (source URL {dataset.url}, "
            f"mirror variable {MIRROR_VARIABLE})"
        )
