"""Saved models: a checkpoint holds a model's weights with the config that rebuilds it; loading one checks
that it holds the model asked for. Evaluation and prediction need this module alone, not the training loop."""

import dataclasses
import io
import os
import pickle
from pathlib import Path

import torch
from torch import nn

from rnnlab.errors import RnnlabError
from rnnlab.io import write_bytes


class CheckpointError(RnnlabError):
    pass


def read_saved(path: str | Path, keys: tuple[str, ...], remedy: str) -> dict:
    """What ``torch.save`` wrote at ``path`` (tensors and plain values only); a missing, empty, truncated or
    foreign file is a CheckpointError naming it, what was expected and ``remedy``."""
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, EOFError, RuntimeError, pickle.UnpicklingError) as error:
        if Path(path).is_file() and Path(path).stat().st_size == 0:
            found = "an empty file"
        elif isinstance(error, pickle.UnpicklingError):
            # torch's message advises loading it anyway, which would run whatever code the file holds.
            found = "it holds objects other than tensors and plain values, which are never loaded"
        else:
            found = str(error).splitlines()[0]
        raise CheckpointError(f"{path}: not a readable checkpoint ({found}); {remedy}") from error
    if not isinstance(saved, dict) or not set(keys) <= saved.keys():
        raise CheckpointError(f"{path}: expected a checkpoint holding {list(keys)}; {remedy}")
    return saved


def serialised(value) -> bytes:
    """What ``torch.save`` writes for ``value``, in memory: so that a failed write is the system's own error
    (no space, file too large) and not torch's, and nothing is left half-written."""
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


def pick_device() -> torch.device:
    """The GPU of this rank (torchrun's LOCAL_RANK) where there is one, else the CPU."""
    return (
        torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if torch.cuda.is_available() else torch.device("cpu")
    )


def save_checkpoint(path: str | Path, model_config: dict, model: nn.Module, training: dict) -> None:
    """The model's state_dict with the config that rebuilds it and the ``training`` settings that made it (what
    a checkpoint found alone says of itself); loadable with ``weights_only=True``."""
    state = {name: tensor.cpu() for name, tensor in model.state_dict().items()}
    saved = {"config": model_config, "training": training, "state_dict": state}
    write_bytes(path, serialised(saved), at_once=True)


def load_model(
    path: str | Path,
    model_class: type[nn.Module],
    device: torch.device | None = None,
    cell: str | None = None,
    remedy: str | None = None,
) -> nn.Module:
    """The model that ``save_checkpoint`` wrote, rebuilt from its config (``model_class.Config``), in eval mode.
    A checkpoint of another task, or of another cell than ``cell``, is a CheckpointError naming both and the
    ``remedy`` (by default, for a checkpoint a stage wrote: the DVC commands that restore it)."""
    remedy = remedy or f"`dvc checkout {path}` restores the committed one, `dvc repro` retrains it"
    saved = read_saved(path, ("config", "state_dict"), remedy)
    config = saved["config"]
    expected = {field.name for field in dataclasses.fields(model_class.Config)}
    if not isinstance(config, dict) or set(config) != expected:
        raise CheckpointError(
            f"{path}: holds a model of another task (its settings {sorted(config)}), not a "
            f"{model_class.__name__}; {remedy}"
        )
    if cell is not None and config["cell"] != cell:
        raise CheckpointError(f"{path}: holds a {config['cell']} network, not the {cell} asked for; {remedy}")
    model = model_class(model_class.Config(**config))
    model.load_state_dict(saved["state_dict"])
    return model.to(device or pick_device()).eval()
