"""Same code, params and data give the same bytes: both chains run twice on the real samples, each time in
fresh processes with another PYTHONHASHSEED, and every output that DVC tracks has the same md5."""

import os
import shlex
import shutil
import subprocess

from pipeline_project import BIN, copy_project
from rnnlab.verify import locked_outputs

SETUP = "mpi_roof_2024"


def test_every_tracked_output_repeats_to_the_bit(both_chains, both_chains_again):
    first = locked_outputs(both_chains.path)
    second = locked_outputs(both_chains_again.path)
    assert first.keys() == second.keys()
    # Models, checkpoints, training logs, metrics, plots data and figures of both chains.
    assert {
        "data/text/word2vec.bin",
        "models/text/gru.pt",
        f"models/forecast/{SETUP}/lstm.pt",
        "metrics/text/training/bilstm/plots/metrics",
        f"metrics/summary/{SETUP}.png",
    } <= first.keys()
    assert [path for path in first if first[path] != second[path]] == []


def test_one_core_with_two_threads_writes_the_bytes_of_two_cores(chains_to_copy, tmp_path):
    """compute.threads, not the cores a machine has, splits the reductions: a training pinned to one core (as
    taskset does) gives the outputs that both_chains recorded, on however many cores it ran."""
    stage = f"train_forecast@{SETUP}-gru"
    project = copy_project(chains_to_copy, tmp_path / "project")
    path = project.path
    recorded = project.locked(stage)
    for out in recorded["outs"]:
        target = path / out["path"]
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    one_core = {min(os.sched_getaffinity(0))}
    subprocess.run(
        shlex.split(recorded["cmd"]),
        cwd=path,
        check=True,
        capture_output=True,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
        preexec_fn=lambda: os.sched_setaffinity(0, one_core),
    )
    assert "up to date" in project.dvc("status", stage).stdout
