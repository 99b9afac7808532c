"""Data-parallel training: two ranks under torch.distributed (gloo, 127.0.0.1) leave the weights that one
process leaves after the same global batches, for both tasks; a stage runs as two ranks under dvc repro, and
two hosts' torchrun launchers write what those two ranks on one machine write."""

import dataclasses
import os
import shlex
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch
import torch.multiprocessing as multiprocessing
import yaml

from pipeline_project import SETUP, copy_project, make_project
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


@pytest.mark.slow
def test_a_stage_runs_as_two_ranks_under_dvc_repro_and_two_hosts_write_the_same(tmp_path, free_port):
    """`dvc repro` runs a stage as two ranks on one machine (processes: 2), one of which reports; two torchrun
    launchers, one a host, each in its own copy of the project, run the stage's command from dvc.yaml as README
    says: node rank 0's host alone writes, the checkpoint of the one-machine run, byte for byte, and `dvc
    commit` there records the stage as that run did. The static rendezvous (--master-addr): under c10d torchrun
    ignores --node-rank and ranks the hosts by name and process id, so that rank 0, and the outputs, could be on
    any host."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    project.place_raw("fetch@station_2024", "mpi_roof_2024_slice.csv", "data/raw/station/mpi_roof_2024_sample.csv")
    params = yaml.safe_load((project.path / "params.yaml").read_text(encoding="utf-8"))
    params["compute"]["threads"] = 1  # two ranks of one thread each on this machine's two cores
    params["train_forecast"]["gru"]["processes"] = 2
    project.write_params(params)
    project.dvc("repro", f"windows_station@{SETUP}")
    # Each host as after `dvc pull`: the code, params and the windows the stage reads; nothing trained.
    hosts = [copy_project(project, tmp_path / f"host{node}") for node in (0, 1)]
    stage, checkpoint = f"train_forecast@{SETUP}-gru", f"models/forecast/{SETUP}/gru.pt"
    output = project.dvc("repro", stage).stdout
    assert f"Running stage '{stage}'" in output
    assert output.count("best validation loss") == 1, output  # one rank reports
    assert "up to date" in project.dvc("status", stage).stdout

    # The stage's command with torchrun in place of python, which torchrun starts the script with.
    _, *script = shlex.split(project.locked(stage)["cmd"])
    rendezvous = ("--master-addr", "127.0.0.1", "--master-port", str(free_port()))

    def launch(node: int) -> None:
        hosts[node].run(
            "torchrun", "--nnodes", "2", "--node-rank", str(node), "--nproc-per-node", "1", *rendezvous, *script
        )

    with ThreadPoolExecutor(max_workers=2) as executor:
        list(executor.map(launch, (1, 0)))  # the order the hosts start in does not decide their ranks
    assert (hosts[0].path / checkpoint).read_bytes() == (project.path / checkpoint).read_bytes()
    assert not (hosts[1].path / checkpoint).exists()
    hosts[0].dvc("commit", "--force", stage)
    assert hosts[0].locked(stage) == project.locked(stage)
