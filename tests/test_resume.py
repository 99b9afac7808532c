"""An interrupted training, run again, continues from its last finished epoch and ends with the weights of an
uninterrupted run, bit for bit; the interruption leaves nothing in the stage's outputs. Progress kept by other
code starts over."""

import os
import shlex
import signal
import subprocess
import time

import torch
import yaml

from pipeline_project import BIN, SETUP, Project, copy_project

STAGE = f"train_forecast@{SETUP}-gru"
CHECKPOINT = f"models/forecast/{SETUP}/gru.pt"
PROGRESS = f"{CHECKPOINT}.partial/progress.pt"


def interrupted_copy(chains_to_copy, tmp_path, stop: signal.Signals) -> tuple[Project, bytes]:
    """A copy of the project whose GRU forecaster was interrupted by ``stop`` (Ctrl-C's SIGINT, or SIGTERM as
    a killed `dvc repro` or a scheduler sends) after its first epoch, and the checkpoint that the same
    training gives uninterrupted."""
    project = copy_project(chains_to_copy, tmp_path / "project")
    path = project.path
    params = yaml.safe_load((path / "params.yaml").read_text(encoding="utf-8"))
    params["train_forecast"]["gru"].update(epochs=8, patience=8)  # time to interrupt it
    project.write_params(params)
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONUNBUFFERED": "1"}
    command = shlex.split(project.locked(STAGE)["cmd"])
    # The uninterrupted run outside DVC, so that neither dvc.lock nor the run cache knows its result.
    subprocess.run(command, cwd=path, env=environment, check=True, capture_output=True)
    uninterrupted = (path / CHECKPOINT).read_bytes()
    (path / CHECKPOINT).unlink()  # as dvc repro does before it runs a stage
    running = subprocess.Popen(
        command,
        cwd=path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell without job control starts a background job (`make test &`) with SIGINT ignored, and the
        # training would inherit that and never see this test's Ctrl-C: the training gets a terminal's default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    progress = path / PROGRESS
    deadline = time.monotonic() + 120
    while not progress.exists() and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    running.send_signal(stop)
    stdout, stderr = running.communicate(timeout=60)
    assert running.returncode == 1, stdout + stderr
    assert stderr.strip().splitlines()[-1].startswith("training interrupted: the finished epochs are kept in")
    assert "epoch 8:" not in stdout
    return project, uninterrupted


def test_interrupted_training_resumes_to_the_same_weights(chains_to_copy, tmp_path):
    project, uninterrupted = interrupted_copy(chains_to_copy, tmp_path, signal.SIGINT)
    assert not (project.path / CHECKPOINT).exists()
    assert STAGE in project.dvc("status", STAGE).stdout  # not taken for a result

    resumed = project.dvc("repro", STAGE).stdout
    assert "epoch 1:" not in resumed and "epoch 8:" in resumed, resumed
    assert (project.path / CHECKPOINT).read_bytes() == uninterrupted
    assert not (project.path / f"{CHECKPOINT}.partial").exists()
    assert "up to date" in project.dvc("status", STAGE).stdout


def test_progress_kept_under_other_numerics_is_not_continued(chains_to_copy, tmp_path):
    """Progress that other code (or torch, or thread count) kept: the training starts over, and ends where an
    uninterrupted run of this code does."""
    project, uninterrupted = interrupted_copy(chains_to_copy, tmp_path, signal.SIGTERM)
    progress = torch.load(project.path / PROGRESS, weights_only=True)
    progress["numerics"]["code"] = "the code before an edit"
    torch.save(progress, project.path / PROGRESS)

    rerun = project.dvc("repro", STAGE).stdout
    assert "epoch 1:" in rerun and "epoch 8:" in rerun, rerun
    assert (project.path / CHECKPOINT).read_bytes() == uninterrupted


def test_a_killed_dvc_repro_stops_its_training_which_the_next_repro_continues(chains_to_copy, tmp_path):
    project = copy_project(chains_to_copy, tmp_path / "project")
    path = project.path
    params = yaml.safe_load((path / "params.yaml").read_text(encoding="utf-8"))
    params["train_forecast"]["gru"].update(epochs=8, patience=8)
    project.write_params(params)
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONUNBUFFERED": "1"}
    running = subprocess.Popen(
        [str(BIN / "dvc"), "repro", STAGE], cwd=path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while not (path / PROGRESS).exists() and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    running.terminate()  # dvc repro itself, not its stage
    # Both pipes close once the stage, which writes to them too, has ended.
    stdout, stderr = running.communicate(timeout=60)
    assert b"training interrupted: the finished epochs are kept in" in stdout + stderr
    assert b"epoch 8:" not in stdout
    assert not (path / CHECKPOINT).exists()

    resumed = project.dvc("repro", STAGE).stdout
    assert "epoch 1:" not in resumed and "epoch 8:" in resumed, resumed
