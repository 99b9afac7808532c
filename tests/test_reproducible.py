"""Same code, params and data give the same bytes: both chains run twice on the real samples, each time in
fresh processes with another PYTHONHASHSEED, and every output that DVC tracks has the same md5."""
import yaml

from pipeline_project import Project, run_both_chains

SETUP = "mpi_roof_2024"


def tracked_outputs(project: Project) -> dict[str, str]:
    """The md5 of every output in the project's dvc.lock, by path."""
    lock = yaml.safe_load((project.path / "dvc.lock").read_text(encoding="utf-8"))
    return {out["path"]: out["md5"] for stage in lock["stages"].values() for out in stage.get("outs", [])}


def test_every_tracked_output_repeats_to_the_bit(both_chains, tmp_path):
    first = tracked_outputs(both_chains)
    second = tracked_outputs(run_both_chains(tmp_path / "second", hash_seed="2"))
    assert first.keys() == second.keys()
    # Models, checkpoints, training logs, metrics, plots data and figures of both chains.
    assert {"data/text/word2vec.bin", "models/text/gru.pt", f"models/forecast/{SETUP}/lstm.pt",
            "metrics/text/training/bilstm", f"metrics/summary/{SETUP}.png"} <= first.keys()
    assert [path for path in first if first[path] != second[path]] == []
