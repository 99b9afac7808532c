"""Data-parallel training: two ranks under torch.distributed (gloo, 127.0.0.1) leave the weights that one
process leaves after the same global batches, for both tasks; and a stage runs as two ranks under dvc repro."""

import dataclasses
import os

import pytest
import torch
import torch.multiprocessing as multiprocessing

from pipeline_project import SETUP, copy_project
from rnnlab.config import load_params
from rnnlab.forecast.config import forecast_training, load_setup
from rnnlab.forecast.jena import TARGET
from rnnlab.forecast.train import train_forecaster
from rnnlab.text.config import text_training
from rnnlab.text.train import data_dimensions, train_classifier
from rnnlab.training.progress import TrainingOutputs


def train(rank: int, task: str, world: int, port: int, project: str, out: str) -> None:
    """One rank's training of one epoch (every batch of it one optimizer step), without dropout: dropout
    draws its masks per rank, so with it the ranks' steps are not one process's."""
    if world > 1:
        os.environ.update(
            MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world)
        )
    torch.set_num_threads(1)
    params = load_params(os.path.join(project, "params.yaml"))
    checkpoint, live = os.path.join(out, f"{task}-{world}.pt"), os.path.join(out, f"{task}-{world}-{rank}")
    outputs = TrainingOutputs.at(
        checkpoint, live, os.path.join(out, f"{task}-{world}.json"), os.path.join(out, f"{task}-{world}-timing.json")
    )
    if task == "text":
        tensors = os.path.join(project, "data/text/tensors")
        model, training = text_training(params, "gru", data_dimensions(tensors))
        train_classifier(
            dataclasses.replace(model, dropout=0.0), dataclasses.replace(training, epochs=1), tensors, outputs
        )
    else:
        model, training = forecast_training(params, "lstm", load_setup(params, SETUP))
        train_forecaster(
            dataclasses.replace(model, dropout=0.0),
            dataclasses.replace(training, epochs=1),
            os.path.join(project, f"data/forecast/{SETUP}/windows"),
            TARGET,
            outputs,
        )


@pytest.mark.parametrize("task", ["text", "forecast"])
def test_two_ranks_leave_the_weights_of_one_process(chains_to_copy, tmp_path, free_port, task):
    for world in (1, 2):
        multiprocessing.spawn(
            train, args=(task, world, free_port(), str(chains_to_copy.path), str(tmp_path)), nprocs=world
        )
    alone, shared = (torch.load(tmp_path / f"{task}-{world}.pt", weights_only=True)["state_dict"] for world in (1, 2))
    assert alone.keys() == shared.keys()
    assert max((alone[name] - shared[name]).abs().max().item() for name in alone) <= 1e-6
    # Rank 0 alone logs: the other rank's dvclive folder was never made.
    assert (tmp_path / f"{task}-2-0").is_dir() and not (tmp_path / f"{task}-2-1").exists()


def test_a_stage_runs_as_two_ranks_under_dvc_repro(chains_to_copy, tmp_path):
    project = copy_project(chains_to_copy, tmp_path / "project")
    path = project.path
    params = (path / "params.yaml").read_text(encoding="utf-8")
    # One thread a rank: two ranks of the default two threads would ask four of this machine's two cores.
    params = params.replace("threads: 2", "threads: 1", 1)
    gru = params.index("gru:", params.index("train_forecast:"))
    (path / "params.yaml").write_text(
        params[:gru] + params[gru:].replace("processes: 1", "processes: 2", 1), encoding="utf-8"
    )
    output = project.dvc("repro", f"train_forecast@{SETUP}-gru").stdout
    assert f"Running stage 'train_forecast@{SETUP}-gru'" in output
    assert output.count("best validation loss") == 1, output  # one rank reports
    assert (path / f"models/forecast/{SETUP}/gru.pt").stat().st_size > 0
    assert "up to date" in project.dvc("status", f"train_forecast@{SETUP}-gru").stdout
