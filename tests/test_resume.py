"""An interrupted training, run again, continues from its last finished epoch and ends with the weights of an
uninterrupted run, bit for bit; the interruption leaves nothing in the stage's outputs."""
import os
import shlex
import shutil
import signal
import subprocess
import time

import yaml

from pipeline_project import BIN, Project

STAGE = "train_forecast@mpi_roof_2024-gru"
CHECKPOINT = "models/forecast/mpi_roof_2024/gru.pt"


def test_interrupted_training_resumes_to_the_same_weights(both_chains, tmp_path):
    path = tmp_path / "project"
    shutil.copytree(both_chains.path, path, symlinks=True)
    project = Project(path)
    params = yaml.safe_load((path / "params.yaml").read_text(encoding="utf-8"))
    params["train_forecast"]["gru"].update(epochs=8, patience=8)  # time to interrupt it
    project.write_params(params)
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONUNBUFFERED": "1"}
    command = shlex.split(yaml.safe_load((path / "dvc.lock").read_text(encoding="utf-8"))["stages"][STAGE]["cmd"])
    # The uninterrupted run outside DVC, so that neither dvc.lock nor the run cache knows its result.
    subprocess.run(command, cwd=path, env=environment, check=True, capture_output=True)
    uninterrupted = (path / CHECKPOINT).read_bytes()
    (path / CHECKPOINT).unlink()  # as dvc repro does before it runs a stage
    running = subprocess.Popen(command, cwd=path, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    progress = path / f"{CHECKPOINT}.partial" / "progress.pt"
    deadline = time.monotonic() + 120
    while not progress.exists() and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    running.send_signal(signal.SIGINT)  # Ctrl-C, after the first epoch was kept
    stdout, stderr = running.communicate(timeout=60)
    assert running.returncode == 1, stdout + stderr
    assert stderr.strip().splitlines()[-1].startswith("training interrupted: the finished epochs are kept in")
    assert "epoch 8:" not in stdout
    assert not (path / CHECKPOINT).exists()
    assert "train_forecast@mpi_roof_2024-gru" in project.dvc("status", STAGE).stdout  # not taken for a result

    resumed = project.dvc("repro", STAGE).stdout
    assert "epoch 1:" not in resumed and "epoch 8:" in resumed, resumed
    assert (path / CHECKPOINT).read_bytes() == uninterrupted
    assert not (path / f"{CHECKPOINT}.partial").exists()
    assert "up to date" in project.dvc("status", STAGE).stdout
