"""Training that is interrupted at any moment, run again, writes byte for byte what an uninterrupted one writes;
a damaged work folder is started over, never a dead end; a non-finite loss stops at once with one line; the
outputs are replaced all together or not at all."""

import errno
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
import torch

from rnnlab import io
from rnnlab.io import OutputError
from rnnlab.training import progress
from rnnlab.training.checkpoint import CheckpointError, load_model
from rnnlab.training.loop import TrainingError
from rnnlab.training.progress import Progress
from training_toy import train_toy

EPOCHS = 5


def files(folder: Path) -> dict[str, bytes]:
    """Every output file's bytes, the timing (seconds) aside."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "timing.json"
    }


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("uninterrupted")
    train_toy(folder, EPOCHS)
    return files(folder)


def interrupt_once(monkeypatch, owner, name: str, when):
    """``owner.name`` wrapped to raise KeyboardInterrupt (as Ctrl-C or SIGTERM would) the first time ``when``
    holds; ``when(call, *args, **kwargs)`` may call the original first."""
    original = getattr(owner, name)
    state = {"done": False}

    def wrapped(*args, **kwargs):
        if not state["done"] and when(original, *args, **kwargs):
            state["done"] = True
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapped)


def before_save_of(epoch):
    """After the epoch's log rows were written, before its progress is kept."""
    return lambda original, progress, at, finished: at == epoch


def after_save_of(epoch):
    def when(original, progress, at, finished):
        if at != epoch:
            return False
        original(progress, at, finished)
        return True

    return when


def halfway_through_writing_progress(original, path, content, at_once=False):
    """The progress file half written when the interruption comes."""
    if Path(path).name != "progress.pt" or torch.load(BytesIO(content), weights_only=True)["epoch"] != 3:
        return False
    with io.atomic_path(path, at_once=True) as temporary:
        temporary.write_bytes(content[: len(content) // 2])
        raise KeyboardInterrupt


MOMENTS = {
    "after the log of epoch 2, before its progress": (Progress, "save", before_save_of(2)),
    "after the progress of epoch 2": (Progress, "save", after_save_of(2)),
    "while the progress of epoch 3 is written": (progress, "write_bytes", halfway_through_writing_progress),
    "after the last epoch, before its log is complete": (Progress, "save", lambda o, p, at, finished: finished),
    "before the outputs are replaced": (Progress, "publish", lambda original, progress, outputs: True),
}


@pytest.mark.parametrize("moment", MOMENTS)
def test_an_interrupted_training_resumes_to_the_same_bytes(monkeypatch, tmp_path, uninterrupted, moment):
    owner, name, when = MOMENTS[moment]
    with monkeypatch.context() as patch:
        interrupt_once(patch, owner, name, when)
        # fit says how to continue when the interruption comes while it trains; after, the stage does (report).
        expected = (
            pytest.raises(KeyboardInterrupt) if name == "publish" else pytest.raises(SystemExit, match="interrupted")
        )
        with expected:
            train_toy(tmp_path, EPOCHS)
    assert not (tmp_path / "model.pt").exists()
    assert (tmp_path / "model.pt.partial" / "progress.pt").is_file()
    train_toy(tmp_path, EPOCHS)
    assert files(tmp_path) == uninterrupted
    assert not (tmp_path / "model.pt.partial").exists()


def test_a_replacement_interrupted_midway_leaves_the_earlier_outputs(monkeypatch, tmp_path, uninterrupted):
    train_toy(tmp_path, EPOCHS, lr=0.01)  # other outputs in place
    earlier = files(tmp_path)
    (tmp_path / "model.pt").unlink()  # as dvc repro does before it runs the stage: the rest stays
    original = os.replace

    def failing(source, destination):
        # The checkpoint placed and the old log set aside: the new log does not fit.
        if Path(source) == tmp_path / "model.pt.partial" / "live":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(source, destination)

    with monkeypatch.context() as patch:
        patch.setattr(io.os, "replace", failing)
        with pytest.raises(OutputError, match=r"live: cannot be written \(No space left on device\)"):
            train_toy(tmp_path, EPOCHS)
    left = files(tmp_path)
    assert {k: v for k, v in left.items() if ".partial" not in k} == {
        k: v for k, v in earlier.items() if k != "model.pt"
    }
    train_toy(tmp_path, EPOCHS)  # the finished training is published, not trained again
    assert files(tmp_path) == uninterrupted


def test_a_damaged_work_folder_is_started_over(tmp_path, uninterrupted, capsys):
    with pytest.raises(SystemExit):
        with pytest.MonkeyPatch.context() as patch:
            interrupt_once(patch, Progress, "save", after_save_of(2))
            train_toy(tmp_path, EPOCHS)
    progress = tmp_path / "model.pt.partial" / "progress.pt"
    progress.write_bytes(progress.read_bytes()[:100])
    train_toy(tmp_path, EPOCHS)
    assert "progress.pt: not a readable checkpoint" in capsys.readouterr().out
    assert files(tmp_path) == uninterrupted


def test_progress_without_its_best_checkpoint_is_started_over(tmp_path, uninterrupted):
    with pytest.raises(SystemExit):
        with pytest.MonkeyPatch.context() as patch:
            interrupt_once(patch, Progress, "save", after_save_of(2))
            train_toy(tmp_path, EPOCHS)
    (tmp_path / "model.pt.partial" / "best.pt").unlink()
    train_toy(tmp_path, EPOCHS)
    assert files(tmp_path) == uninterrupted


def test_a_non_finite_loss_stops_at_once_naming_epoch_and_step(tmp_path):
    steps = {"count": 0}

    def blowing_up(network, batch):
        steps["count"] += 1
        loss = ((network(batch[0]) - batch[1]) ** 2).mean()
        return loss * float("inf") if steps["count"] == 7 else loss

    with pytest.raises(TrainingError, match=r"^epoch 2, step 3: the training loss is (nan|inf); lower train lr"):
        train_toy(tmp_path, EPOCHS, batch_loss=blowing_up)
    assert steps["count"] == 7
    assert not (tmp_path / "model.pt").exists()


def test_a_checkpoint_of_another_cell_or_task_is_refused(tmp_path):
    from rnnlab.forecast.model import Forecaster
    from rnnlab.text.model import TextClassifier

    saved = {"config": {"cell": "lstm", "features": 3}, "state_dict": {}}
    torch.save(saved, tmp_path / "gru.pt")
    with pytest.raises(CheckpointError, match=r"gru.pt: holds a model of another task .* not a TextClassifier"):
        load_model(tmp_path / "gru.pt", TextClassifier, cell="gru")
    fields = {field: 1 for field in Forecaster.Config.__dataclass_fields__}
    torch.save({"config": {**fields, "cell": "lstm"}, "state_dict": {}}, tmp_path / "gru.pt")
    with pytest.raises(CheckpointError, match=r"gru.pt: holds a lstm network, not the gru asked for"):
        load_model(tmp_path / "gru.pt", Forecaster, cell="gru")


def test_a_log_that_cannot_start_under_a_file_size_limit_is_one_line(tmp_path):
    """dvclive opens DVC's sqlite state as it starts; under `ulimit -f` that fails inside sqlite."""
    for command in (["git", "init", "-q"], [sys.executable, "-m", "dvc", "init", "-q"]):
        subprocess.run(command, cwd=tmp_path, check=True)
    limited = (
        "import resource, sys; from pathlib import Path; from rnnlab.errors import report; "
        "from rnnlab.training.loop import open_log; resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096)); "
        "report('train', lambda: open_log(Path('live'), resume=False))"
    )
    result = subprocess.run([sys.executable, "-c", limited], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("train: live: dvclive could not start its log (")
    assert "Traceback" not in result.stderr
