"""One training loop for every task: AdamW, cosine schedule, best-by-validation checkpoint, early stopping,
progress kept after every epoch; in one process or as data-parallel ranks under torchrun."""

import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm

from rnnlab.config import TrainConfig
from rnnlab.errors import RnnlabError
from rnnlab.io import OutputError, read_tensors
from rnnlab.training.checkpoint import pick_device, save_checkpoint
from rnnlab.training.optimizer import clip_gradients, optimizer_for
from rnnlab.training.progress import FitResult, Progress, TrainingOutputs, numerics
from rnnlab.training.ranks import Batch, BatchLoss, rank_and_world, share


class TrainingError(RnnlabError):
    pass


@dataclass(frozen=True)
class Task:
    """What one training is about, as its trainer builds it: the model and the config that rebuilds it;
    ``batches(generator)``, one epoch's batches (on the model's device); ``batch_loss``, the loss of one, or of
    a rank's share of one (``share``): its rows' summed losses over the whole batch's normaliser, which the
    batch carries as a scalar, so that the ranks' losses add up to the batch's mean; ``validate``, the scores
    of the model on the validation split, of which ``monitor`` decides the best epoch."""

    model: nn.Module
    model_config: dict
    batches: Callable[[torch.Generator], list[Batch]]
    batch_loss: Callable[[nn.Module, Batch], torch.Tensor]
    validate: Callable[[nn.Module], dict[str, float]]
    monitor: str
    higher_is_better: bool
    # Settings of what the model learns besides TrainConfig's (the long-horizon loss): kept with its training's.
    objective: dict = field(default_factory=dict)


def start_run(config: TrainConfig, data: str | Path) -> tuple[torch.Generator, torch.device, dict, dict]:
    """What every training starts with, before it builds its model: the seed set (the batch order's generator
    returned), the device, and the train and validation tensors in ``data``."""
    generator = seed_everything(config.seed)
    return generator, pick_device(), read_tensors(data, "train"), read_tensors(data, "val")


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


def train_step(
    model: nn.Module,
    batch: Batch,
    batch_loss: Callable[[nn.Module, Batch], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    clip_norm: float,
) -> torch.Tensor:
    """One optimizer step on one batch, gradients clipped to ``clip_norm``; returns the batch's loss."""
    loss = batch_loss(model, batch)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    clip_gradients([p for group in optimizer.param_groups for p in group["params"]], clip_norm)
    optimizer.step()
    return loss.detach()


def fit(task: Task, config: TrainConfig, generator: torch.Generator, outputs: TrainingOutputs) -> FitResult:
    """Trains ``task.model`` in place, keeping it whenever its validation score ``task.monitor`` improves;
    stops after ``config.patience`` epochs without improvement. dvclive logs every epoch's train loss and validation
    scores; the seconds each epoch took go to the timing file only, so that the same run gives the same log.
    The best checkpoint, the log, the best score and the timing replace ``outputs`` together at the end.
    """
    model, batches, batch_loss, monitor = task.model, task.batches, task.batch_loss, task.monitor
    rank, world = rank_and_world()
    step_model, step_loss = model, batch_loss
    if world > 1:
        from torch.distributed import all_reduce
        from torch.nn.parallel import DistributedDataParallel

        # DDP averages the ranks' gradients; each rank's loss is its share's sum over the whole batch's
        # normaliser, so world times it makes the average the whole batch's gradient, as in one process.
        step_model = DistributedDataParallel(BatchLoss(model, batch_loss))
        step_loss = lambda wrapped, batch: wrapped(share(batch, rank, world)) * world  # noqa: E731
    optimizer = optimizer_for(model, config)
    steps_per_epoch = len(batches(torch.Generator().manual_seed(0)))
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs * steps_per_epoch)
    best = FitResult(
        monitor=monitor, best_epoch=0, best_score=-math.inf if task.higher_is_better else math.inf, seconds_per_epoch=[]
    )
    # Training in progress lives beside the stage's outputs, not in them: an interrupted run leaves nothing
    # that DVC would take for a result, and the next run continues from its last finished epoch.
    work = Path(f"{outputs.checkpoint}.partial")
    state = {"model": model, "optimizer": optimizer, "schedule": schedule}
    training = {**asdict(config), **task.objective}
    settings = {"model_config": task.model_config, "train_config": training, "numerics": numerics()}
    progress = Progress(work, settings, state, generator, best)
    done, finished = progress.resume(tidies=rank == 0)
    durations = best.seconds_per_epoch
    # Every rank validates the same weights to the same scores and so stops at the same epoch; rank 0 alone
    # writes the checkpoint, the log and the lines on stdout.
    say = tqdm.write if rank == 0 else lambda line: None
    if finished:
        # A finished training whose outputs could not be replaced (no space, an interruption): only that is left.
        if rank == 0:
            progress.publish(outputs)
        return best
    try:
        live = open_log(progress.live, resume=done > 0) if rank == 0 else NoLog()
        with live:
            # The log goes on at the first epoch not kept, whatever step dvclive read back.
            live.step = done
            # Every setting the run used, the CPU pins among them: what `dvc exp show` lists beside its scores.
            live.log_params({"model": task.model_config, "training": settings["train_config"]})
            live.log_param("device", next(model.parameters()).device.type)
            live.log_param("threads", settings["numerics"]["threads"])
            live.log_param("pins", settings["numerics"]["pins"])
            live.log_param("fixed_order_products", settings["numerics"]["fixed_order_products"])
            epoch = done
            while not finished:
                epoch += 1
                started = time.perf_counter()
                model.train()
                total, count = 0.0, 0
                # disable=None: a progress bar on a terminal, none in a redirected log.
                bar = tqdm(
                    batches(generator),
                    desc=f"epoch {epoch}/{config.epochs}",
                    leave=False,
                    disable=None if rank == 0 else True,
                )
                for batch in bar:
                    loss = train_step(step_model, batch, step_loss, optimizer, config.clip_norm)
                    schedule.step()
                    if world > 1:
                        all_reduce(loss)
                        loss /= world
                    value = loss.item()
                    if not math.isfinite(value):
                        raise TrainingError(
                            f"epoch {epoch}, step {count + 1}: the training loss is {value}; "
                            f"lower train lr (now {config.lr:g}) in params.yaml"
                        )
                    total, count = total + value, count + 1
                    bar.set_postfix(loss=f"{total / count:.4f}")
                durations.append(time.perf_counter() - started)
                model.eval()
                with torch.no_grad():
                    scores = task.validate(model)
                live.log_metric("train/loss", total / count)
                for name, value in scores.items():
                    live.log_metric(f"val/{name}", value)
                live.next_step()
                score = scores[monitor]
                if not math.isfinite(score):
                    raise TrainingError(
                        f"epoch {epoch}: the validation {monitor} is {score}; lower train lr "
                        f"(now {config.lr:g}) in params.yaml"
                    )
                improved = score > best.best_score if task.higher_is_better else score < best.best_score
                say(f"epoch {epoch}: train loss {total / count:.4f}, val {scores}, {durations[-1]:.1f} s")
                if improved:
                    best.best_epoch, best.best_score = epoch, score
                    if rank == 0:
                        save_checkpoint(progress.best_file, task.model_config, model, settings["train_config"])
                elif epoch - best.best_epoch >= config.patience:
                    say(f"no improvement in {config.patience} epochs: stopping after epoch {epoch}")
                    finished = True
                finished = finished or epoch == config.epochs
                # The last epoch is kept as finished only once its log is complete, below.
                if rank == 0 and not finished:
                    progress.save(epoch, finished=False)
            live.summary.update(best.summary())
        if rank == 0:
            progress.save(epoch, finished=True)
    except KeyboardInterrupt:
        raise SystemExit(
            f"training interrupted: the finished epochs are kept in {work}; run the stage again "
            "(dvc repro) to continue from the last of them"
        ) from None
    if rank == 0:
        progress.publish(outputs)
    return best


def open_log(folder: Path, resume: bool):
    """dvclive's log in ``folder``. dvclive opens DVC's state database (sqlite) as it starts, which fails where
    no more can be written (a full disk, a file size limit): an OutputError naming the folder."""
    import sqlite3

    from dvclive import Live  # here, not at the top: the benchmarks use this module on machines without it

    try:
        return Live(str(folder), save_dvc_exp=False, dvcyaml=False, resume=resume)
    except (sqlite3.Error, OSError) as error:
        raise OutputError(
            f"{folder}: dvclive could not start its log ({error}): is the disk full, or a file size limit "
            "(ulimit -f) set? The earlier outputs are kept"
        ) from error


class NoLog:
    """What ranks other than 0 log to: nothing, through dvclive's calls."""

    summary: dict
    step: int

    def __enter__(self):
        self.summary = {}
        return self

    def __exit__(self, *exception):
        return False

    def log_param(self, name, value) -> None:
        pass

    def log_params(self, values) -> None:
        pass

    def log_metric(self, name, value) -> None:
        pass

    def next_step(self) -> None:
        pass
