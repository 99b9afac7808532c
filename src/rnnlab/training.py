"""One training loop for both tasks: AdamW, cosine schedule, best-by-validation checkpoint, early stopping."""
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm

from rnnlab.io import atomic_path
from rnnlab.nn import NETWORKS

Batch = tuple[torch.Tensor, ...]


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 10
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 0.01
    patience: int = 3
    clip_norm: float = 1.0
    seed: int = 0

    def __post_init__(self):
        require_at_least_one(self, "epochs", "batch_size", "patience")
        if self.lr <= 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")


def require_at_least_one(config, *names: str) -> None:
    for name in names:
        if getattr(config, name) < 1:
            raise ValueError(f"{name} must be at least 1, got {getattr(config, name)!r}")


def require_network_shape(config) -> None:
    """Checks the fields every model config has: ``cell``, ``hidden``, ``layers`` and ``dropout``."""
    require_at_least_one(config, "hidden", "layers")
    if not 0.0 <= config.dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {config.dropout!r}")
    if config.cell not in NETWORKS:
        raise ValueError(f"cell must be one of {sorted(NETWORKS)}, got {config.cell!r}")


def pick_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


# Gradients that vanish over hundreds of steps reach denormal floats, which x86 CPUs handle about a hundred
# times slower; flushing them to zero changes no result that matters. Set on import, before a stage does any
# work: set when training began, the reviews' RNN took 29 s for its second epoch instead of 18-21 (same
# losses to the bit; docs/research-log.md).
torch.set_flush_denormal(True)


def seed_everything(seed: int) -> torch.Generator:
    """Seeds torch's global generator (dropout, init) and returns one for batch order; on CUDA, also
    PyTorch's deterministic kernels, so that a seed gives the same weights on the same GPU."""
    if torch.cuda.is_available():
        # cuBLAS needs a fixed workspace, and the embedding backward a sort instead of atomics; the fused
        # recurrence uses no atomics. Our layers write every element they allocate, so filling fresh
        # memory with NaN (the deterministic mode's default) would only cost time.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
        torch.utils.deterministic.fill_uninitialized_memory = False
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def optimizer_for(model: nn.Module, config: TrainConfig) -> torch.optim.AdamW:
    """AdamW over the parameters that train."""
    parameters = [p for p in model.parameters() if p.requires_grad]
    # fused: one kernel for all parameters, where the loop over tensors cost a third of a text training step.
    return torch.optim.AdamW(parameters, lr=config.lr, weight_decay=config.weight_decay, fused=True)


def train_step(
    model: nn.Module, batch: Batch, batch_loss: Callable[[nn.Module, Batch], torch.Tensor],
    optimizer: torch.optim.Optimizer, clip_norm: float,
) -> torch.Tensor:
    """One optimizer step on one batch, gradients clipped to ``clip_norm``; returns the batch's loss."""
    loss = batch_loss(model, batch)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_([p for group in optimizer.param_groups for p in group["params"]], clip_norm)
    optimizer.step()
    return loss.detach()


@dataclass
class FitResult:
    best_epoch: int
    best_score: float
    seconds_per_epoch: list[float]

    def timing(self) -> dict:
        """What a stage records of its run's time (in ``timings/``, which DVC does not track)."""
        return {"seconds_per_epoch": [round(s, 1) for s in self.seconds_per_epoch],
                "mean_seconds_per_epoch": round(sum(self.seconds_per_epoch) / len(self.seconds_per_epoch), 1)}


def fit(
    model: nn.Module,
    batches: Callable[[torch.Generator], list[Batch]],
    batch_loss: Callable[[nn.Module, Batch], torch.Tensor],
    validate: Callable[[nn.Module], dict[str, float]],
    config: TrainConfig,
    generator: torch.Generator,
    model_config: dict,
    checkpoint_path: str | Path,
    live_dir: str | Path,
    monitor: str,
    higher_is_better: bool,
) -> FitResult:
    """Trains ``model`` in place, saving it with ``model_config`` whenever ``validate(model)[monitor]`` improves.

    ``batches(generator)`` lists one epoch's batches (on the model's device); ``batch_loss`` is the mean
    loss of one. Stops after ``config.patience`` epochs without improvement. dvclive logs every epoch's
    train loss and validation scores to ``live_dir``; the seconds each epoch took are in the result only,
    so that the same run gives the same log.
    """
    from dvclive import Live  # here, not at the top: the benchmarks use this module on machines without it

    optimizer = optimizer_for(model, config)
    steps_per_epoch = len(batches(torch.Generator().manual_seed(0)))
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs * steps_per_epoch)
    best = FitResult(best_epoch=0, best_score=-math.inf if higher_is_better else math.inf, seconds_per_epoch=[])
    durations = best.seconds_per_epoch
    with Live(str(live_dir), save_dvc_exp=False, dvcyaml=False) as live:
        live.log_param("device", next(model.parameters()).device.type)
        for epoch in range(1, config.epochs + 1):
            started = time.perf_counter()
            model.train()
            total, count = 0.0, 0
            progress = tqdm(batches(generator), desc=f"epoch {epoch}/{config.epochs}", leave=False)
            for batch in progress:
                loss = train_step(model, batch, batch_loss, optimizer, config.clip_norm)
                schedule.step()
                total, count = total + loss.item(), count + 1
                progress.set_postfix(loss=f"{total / count:.4f}")
            durations.append(time.perf_counter() - started)
            model.eval()
            with torch.no_grad():
                scores = validate(model)
            live.log_metric("train/loss", total / count)
            for name, value in scores.items():
                live.log_metric(f"val/{name}", value)
            live.next_step()
            score = scores[monitor]
            improved = score > best.best_score if higher_is_better else score < best.best_score
            tqdm.write(f"epoch {epoch}: train loss {total / count:.4f}, val {scores}, {durations[-1]:.1f} s")
            if improved:
                best.best_epoch, best.best_score = epoch, score
                save_checkpoint(checkpoint_path, model_config, model)
            elif epoch - best.best_epoch >= config.patience:
                tqdm.write(f"no improvement in {config.patience} epochs: stopping after epoch {epoch}")
                break
        live.summary.update(best_epoch=best.best_epoch, **{f"best_val_{monitor}": best.best_score})
    return best


def save_checkpoint(path: str | Path, model_config: dict, model: nn.Module) -> None:
    """The model's state_dict with the config that rebuilds it; loadable with ``weights_only=True``."""
    state = {name: tensor.cpu() for name, tensor in model.state_dict().items()}
    # Through a file object: given a path, torch.save names the archive inside after the (temporary) file.
    with atomic_path(path) as temporary, open(temporary, "wb") as stream:
        torch.save({"config": model_config, "state_dict": state}, stream)


def load_checkpoint(path: str | Path) -> tuple[dict, dict]:
    """The config and state_dict that ``save_checkpoint`` wrote."""
    saved = torch.load(path, map_location="cpu", weights_only=True)
    return saved["config"], saved["state_dict"]
