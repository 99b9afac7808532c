import hashlib
import os
import zipfile

import pytest

from pipeline_project import ROOT
from rnnlab.config import load_params
from rnnlab.datasets import DATASETS, Dataset, check_destinations
from rnnlab.fetch import DataUnreachable, FetchError, fetch
from rnnlab.params import ParamsError


def make_mirror(tmp_path, content: bytes, sha256: str | None = None, verify: str = "zip"):
    mirror = tmp_path / "mirror"
    (mirror / "set").mkdir(parents=True)
    archive = mirror / "set" / "data.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("data.csv", content)
    digest = hashlib.sha256(archive.read_bytes() if verify == "zip" else content).hexdigest()
    dataset = Dataset("https://example.invalid/data.zip", "set/data.zip", "data.csv", sha256 or digest, verify)
    return mirror, dataset


@pytest.mark.parametrize("verify", ["zip", "member"])
def test_fetch_from_mirror_verifies_and_extracts(tmp_path, monkeypatch, verify):
    mirror, dataset = make_mirror(tmp_path, b"a,b\n1,2\n", verify=verify)
    monkeypatch.setenv("DATA_MIRROR", str(mirror))
    target = fetch(dataset, tmp_path / "out" / "data.csv")
    assert target.read_bytes() == b"a,b\n1,2\n"


@pytest.mark.parametrize("verify", ["zip", "member"])
def test_checksum_mismatch_names_checksum_and_leaves_nothing(tmp_path, monkeypatch, verify):
    mirror, dataset = make_mirror(tmp_path, b"a,b\n1,2\n", sha256="0" * 64, verify=verify)
    monkeypatch.setenv("DATA_MIRROR", str(mirror))
    target = tmp_path / "out" / "data.csv"
    target.parent.mkdir()
    with pytest.raises(FetchError, match="0{64}.*https://example.invalid/data.zip.*DATA_MIRROR") as raised:
        fetch(dataset, target)
    assert not isinstance(raised.value, DataUnreachable)  # wrong data is an error, never a dataset to skip
    assert os.listdir(target.parent) == []


def test_missing_mirror_file_names_variable_url_and_checksum(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_MIRROR", str(tmp_path))
    with pytest.raises(DataUnreachable, match=r"DATA_MIRROR=.*set/data.zip.*https://example.invalid.*f{64}"):
        fetch(Dataset("https://example.invalid/x.zip", "set/data.zip", "data.csv", "f" * 64, "zip"), tmp_path / "d")


def test_unreachable_url_names_url_and_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("DATA_MIRROR", raising=False)
    dataset = Dataset("http://127.0.0.1:9/data.zip", "set/data.zip", "data.csv", "f" * 64, "zip")
    with pytest.raises(DataUnreachable, match=r"http://127.0.0.1:9/data.zip.*DATA_MIRROR.*f{64}"):
        fetch(dataset, tmp_path / "data.csv")
    assert not (tmp_path / "data.csv").exists()


@pytest.mark.skipif(not os.environ.get("DATA_MIRROR"), reason="needs DATA_MIRROR with the offline copies")
def test_real_reviews_zip_from_mirror(tmp_path):
    target = fetch(DATASETS["reviews"], tmp_path / "reviews.csv")
    assert target.stat().st_size == 11_299_695


# The station's files in the offline mirror: what each holds, from the mirror's README.
STATION_FILES = {"station_2017b": (26_496, "01.07.2017 00:10:00"), "weather_2020": (52_696, "2020-01-01 00:10:00")}


@pytest.mark.skipif(not os.environ.get("DATA_MIRROR"), reason="needs DATA_MIRROR with the offline copies")
@pytest.mark.parametrize("name", STATION_FILES)
def test_real_station_zips_from_mirror(tmp_path, name):
    rows, first = STATION_FILES[name]
    lines = fetch(DATASETS[name], tmp_path / "station.csv").read_bytes().splitlines()
    assert len(lines) == rows + 1 and lines[1].startswith(first.encode())


def test_every_dataset_has_one_fetch_destination_in_params():
    all_params = load_params(ROOT / "params.yaml")
    check_destinations(all_params)
    del all_params["fetch"]["weather_2020"]
    with pytest.raises(ParamsError, match="fetch must map each of"):
        check_destinations(all_params)
