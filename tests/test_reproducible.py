"""Same code, params and data give the same bytes: both chains run twice on the real samples, each time in
fresh processes with another PYTHONHASHSEED, and every output that DVC tracks has the same md5."""
import yaml

from pipeline_project import make_project

SETUP = "mpi_roof_2024"
# The summary needs every text and forecast metric, so these targets run both chains whole.
TARGETS = [f"summary@{SETUP}", f"figure_forecast@{SETUP}"]


def tracked_outputs(hash_seed: str, path) -> dict[str, str]:
    """The md5 of every output that ``dvc repro`` of both chains recorded, by path."""
    path.mkdir()
    project = make_project(path, {"PYTHONHASHSEED": hash_seed})
    project.place_raw("fetch_text", "reviews_sample.csv", "data/raw/online_shopping_10_cats.csv")
    project.place_raw("fetch_station_extract", "mpi_roof_2024_slice.csv", "data/raw/mpi_roof_2024_sample.csv")
    project.dvc("repro", *TARGETS)
    lock = yaml.safe_load((project.path / "dvc.lock").read_text(encoding="utf-8"))
    return {out["path"]: out["md5"] for stage in lock["stages"].values() for out in stage.get("outs", [])}


def test_every_tracked_output_repeats_to_the_bit(tmp_path):
    first = tracked_outputs("1", tmp_path / "first")
    second = tracked_outputs("2", tmp_path / "second")
    assert first.keys() == second.keys()
    # Models, checkpoints, training logs, metrics, plots data and figures of both chains.
    assert {"data/text/word2vec.bin", "models/text/gru.pt", f"models/forecast/{SETUP}/lstm.pt",
            "metrics/text/training/bilstm", f"metrics/summary/{SETUP}.png"} <= first.keys()
    assert [path for path in first if first[path] != second[path]] == []
