"""What a stage reads is what dvc.lock names, and what dvc.lock records is what the stage ran with: a damaged
input stops the stage that reads it with one line; params edited while a training runs fail it before its
outputs are replaced; a checkpoint and its dvclive log carry every setting the training used."""

import hashlib
import os
import random
import shlex
import subprocess
import time

import pytest
import torch
import yaml

from pipeline_project import BIN, SETUP, copy_project
from rnnlab.verify import VerifyError, check_inputs

TRAINING = f"train_forecast@{SETUP}-gru"
CHECKPOINT = f"models/forecast/{SETUP}/gru.pt"
# A stage that reads each kind of artifact: a checkpoint, a tensor file inside a folder output, a parquet file.
READERS = {
    CHECKPOINT: f"evaluate_forecast@{SETUP}-gru",
    "data/text/tensors/test.safetensors": "evaluate_text@gru",
    f"data/forecast/{SETUP}/series.parquet": f"windows_station@{SETUP}",
}


def flip_a_bit(path, bit: int) -> None:
    data = bytearray(path.read_bytes())
    data[bit // 8 % len(data)] ^= 1 << bit % 8
    path.unlink()  # a file DVC linked from its cache is read-only, and its object must stay whole
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damaged", list(READERS))
def test_a_flipped_bit_in_an_input_stops_the_stage_that_reads_it_with_one_line(chains_to_copy, tmp_path, damaged):
    project = copy_project(chains_to_copy, tmp_path / "project")
    stage = READERS[damaged]
    flip_a_bit(project.path / damaged, bit=8 * 1000 + 3)
    result = project.run(*shlex.split(project.locked(stage)["cmd"]), check=False)
    output = damaged if stage != "evaluate_text@gru" else "data/text/tensors"
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"{stage.split('@')[0]}: {output}: its bytes are not those dvc.lock records for "
        f"{project_stage_of(project, output)}'s output (damaged, or changed by hand); `python -m rnnlab verify` "
        "names each damaged file and the commands that replace it from the remote, "
        f"`dvc repro --force {project_stage_of(project, output)}` makes it again"
    ]


def project_stage_of(project, output: str) -> str:
    stages = yaml.safe_load((project.path / "dvc.lock").read_text(encoding="utf-8"))["stages"]
    return next(name for name, stage in stages.items() if any(out["path"] == output for out in stage["outs"]))


def test_no_checkpoint_with_a_flipped_bit_gets_past_the_check(chains_to_copy, tmp_path):
    """20 random single-bit flips anywhere in the file, header and padding included."""
    project = copy_project(chains_to_copy, tmp_path / "project")
    checkpoint = project.path / CHECKPOINT
    whole = checkpoint.read_bytes()
    arguments = shlex.split(project.locked(READERS[CHECKPOINT])["cmd"])[1:]
    flips = random.Random(0).sample(range(8 * len(whole)), 20)
    for bit in flips:
        checkpoint.unlink()
        checkpoint.write_bytes(whole)
        flip_a_bit(checkpoint, bit)
        with pytest.raises(VerifyError, match=f"^{CHECKPOINT}: its bytes are not those dvc.lock records"):
            check_inputs(project.path, arguments)
    checkpoint.unlink()
    checkpoint.write_bytes(whole)
    check_inputs(project.path, arguments)  # the whole file passes


def test_params_edited_while_a_training_runs_fail_it_and_the_lock_keeps_what_it_ran_with(chains_to_copy, tmp_path):
    project = copy_project(chains_to_copy, tmp_path / "project")
    params = yaml.safe_load((project.path / "params.yaml").read_text(encoding="utf-8"))
    params["train_forecast"]["gru"].update(epochs=8, patience=8)  # time to edit params.yaml meanwhile
    project.write_params(params)
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    running = subprocess.Popen(
        [str(BIN / "dvc"), "repro", TRAINING],
        cwd=project.path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    progress = project.path / f"{CHECKPOINT}.partial/progress.pt"
    deadline = time.monotonic() + 300
    while not progress.exists() and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    lr = params["train_forecast"]["gru"]["lr"]
    params["train_forecast"]["gru"]["lr"] = 2 * lr
    project.write_params(params)
    stdout, stderr = running.communicate(timeout=300)

    assert running.returncode != 0, stdout + stderr
    assert (
        f"train_forecast: params.yaml: train_forecast.gru changed while the stage ran (lr {lr!r} -> {2 * lr!r}); "
        "its outputs, made with the earlier values, were not replaced: `dvc repro` runs it with the new ones; "
        f"dvc repro removed {TRAINING}'s earlier outputs before running it: `dvc checkout {TRAINING}` put them back"
    ) in stderr.splitlines()
    assert project.locked(TRAINING)["params"]["params.yaml"]["train_forecast.gru"]["epochs"] == 2

    project.dvc("repro", TRAINING)
    recorded = project.locked(TRAINING)["params"]["params.yaml"]["train_forecast.gru"]
    training = torch.load(project.path / CHECKPOINT, weights_only=True)["training"]
    logged = yaml.safe_load((project.path / f"metrics/forecast/{SETUP}/training/gru/params.yaml").read_text())
    for name in ("lr", "epochs", "batch_size", "weight_decay", "seed"):
        assert training[name] == logged["training"][name] == recorded[name], name
    assert training["lr"] == 2 * lr
    assert logged["pins"] == params["compute"]["pins"]


def test_own_data_put_in_place_is_never_replaced_and_one_commit_makes_it_the_input(chains_to_copy, tmp_path):
    project = copy_project(chains_to_copy, tmp_path / "project")
    reviews = project.path / "data/raw/online_shopping_10_cats.csv"
    own = b"".join(reviews.read_bytes().splitlines(keepends=True)[:-5])  # one's own, smaller corpus
    reviews.unlink()
    reviews.write_bytes(own)

    refused = project.dvc("repro", "segment", check=False)
    assert refused.returncode != 0
    assert (
        "fetch: data/raw/online_shopping_10_cats.csv: not the file dvc.lock records for fetch@reviews (your own "
        "data?), so it is not replaced: `dvc commit --force fetch@reviews` makes it the stage's output"
    ) in refused.stderr
    assert reviews.read_bytes() == own

    project.dvc("commit", "--force", "fetch@reviews")
    project.dvc("repro", "segment")
    assert reviews.read_bytes() == own
    read = {dep["path"]: dep["md5"] for dep in project.locked("segment")["deps"]}
    assert read["data/raw/online_shopping_10_cats.csv"] == hashlib.md5(own).hexdigest()
