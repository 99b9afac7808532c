"""One training loop for both tasks: AdamW, cosine schedule, best-by-validation checkpoint, early stopping;
in one process or as data-parallel ranks under torchrun."""
import atexit
import hashlib
import math
import os
import pickle
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm

from rnnlab.config import TrainConfig
from rnnlab.errors import RnnlabError
from rnnlab.io import atomic_path, read_tensors, write_json

Batch = tuple[torch.Tensor, ...]


class CheckpointError(RnnlabError):
    pass


def read_saved(path: str | Path, keys: tuple[str, ...], remedy: str) -> dict:
    """What ``torch.save`` wrote at ``path`` (tensors and plain values only); a missing, empty, truncated or
    foreign file is a CheckpointError naming it, what was expected and ``remedy``."""
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, EOFError, RuntimeError, pickle.UnpicklingError) as error:
        found = "an empty file" if Path(path).is_file() and Path(path).stat().st_size == 0 else str(error).splitlines()[0]
        raise CheckpointError(f"{path}: not a readable checkpoint ({found}); {remedy}") from error
    if not isinstance(saved, dict) or not set(keys) <= saved.keys():
        raise CheckpointError(f"{path}: expected a checkpoint holding {list(keys)}; {remedy}")
    return saved


def pick_device() -> torch.device:
    """The GPU of this rank (torchrun's LOCAL_RANK) where there is one, else the CPU."""
    return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if torch.cuda.is_available() else torch.device("cpu")


def run_as_processes(processes: int) -> None:
    """Starts this script again under torchrun as ``processes`` data-parallel ranks on this machine, in place
    of this process; nothing when ``processes`` is 1 or the script already runs under torchrun (which is how
    several hosts run it: torchrun --nnodes …)."""
    if processes > 1 and "WORLD_SIZE" not in os.environ:
        command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={processes}"]
        os.execv(sys.executable, [*command, *sys.argv])


def rank_and_world() -> tuple[int, int]:
    """This process's rank and the number of ranks: (0, 1) alone; under torchrun, the process group joined
    (gloo on the CPU, NCCL on GPUs) on first use."""
    if "WORLD_SIZE" not in os.environ:
        return 0, 1
    from torch import distributed

    if not distributed.is_initialized():
        distributed.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
        atexit.register(distributed.destroy_process_group)
    return distributed.get_rank(), distributed.get_world_size()


def writes_outputs() -> bool:
    """Whether this process writes the stage's outputs: rank 0 alone."""
    return rank_and_world()[0] == 0


def write_result(result: "FitResult", summary: str | Path, timing: str | Path, score_label: str) -> None:
    """A training stage's outputs, from rank 0 alone: the best epoch and score, the seconds per epoch, and
    one line on stdout naming the score ``score_label``."""
    if not writes_outputs():
        return
    write_json(summary, result.summary())
    write_json(timing, result.timing())
    print(f"best {score_label} {result.best_score:.4f} at epoch {result.best_epoch}, "
          f"{result.timing()['mean_seconds_per_epoch']} s per epoch")


def share(batch, rank: int, world: int):
    """This rank's rows of ``batch`` (a tensor or nested tuples of them): every ``world``-th from ``rank`` on.
    Scalars, such as a batch's normaliser, are the whole batch's and stay as they are."""
    if isinstance(batch, tuple):
        return tuple(share(part, rank, world) for part in batch)
    if batch.dim() == 0:
        return batch
    if len(batch) < world:
        raise ValueError(f"a batch of {len(batch)} rows cannot be shared by {world} ranks")
    return batch[rank::world]


class BatchLoss(nn.Module):
    """The model with its loss on a batch as the forward pass: what DistributedDataParallel wraps, so that
    its gradient hooks see every parameter the loss used."""

    def __init__(self, model: nn.Module, batch_loss: Callable[[nn.Module, Batch], torch.Tensor]):
        super().__init__()
        self.model = model
        self.batch_loss = batch_loss

    def forward(self, batch: Batch) -> torch.Tensor:
        return self.batch_loss(self.model, batch)


# Gradients that vanish over hundreds of steps reach denormal floats, which x86 CPUs handle about a hundred
# times slower; flushing them to zero changes no result that matters. Set on import, before a stage does any
# work: set when training began, the reviews' RNN took 29 s for its second epoch instead of 18-21 (same
# losses to the bit; docs/research-log.md).
torch.set_flush_denormal(True)


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


class RowSparseAdamW(torch.optim.AdamW):
    """AdamW, with the parameters whose gradients come sparse (word embeddings) updated only in the rows the
    batch used: Adam's moments and weight decay for those rows, as a lazy Adam does, where the dense update
    would move all 68,000 rows of each embedding every step (a fifth of a text training step's time)."""

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for parameter in group["params"]:
                if parameter.grad is None or not parameter.grad.is_sparse:
                    continue
                gradient = parameter.grad.coalesce()
                rows, values = gradient.indices()[0], gradient.values()
                state = self.state[parameter]
                if not state:
                    state["step"] = torch.zeros((), dtype=torch.float32, device=parameter.device)
                    state["exp_avg"] = torch.zeros_like(parameter)
                    state["exp_avg_sq"] = torch.zeros_like(parameter)
                state["step"] += 1
                step = state["step"].item()
                exp_avg = state["exp_avg"][rows].mul_(beta1).add_(values, alpha=1 - beta1)
                exp_avg_sq = state["exp_avg_sq"][rows].mul_(beta2).addcmul_(values, values, value=1 - beta2)
                state["exp_avg"][rows], state["exp_avg_sq"][rows] = exp_avg, exp_avg_sq
                denominator = (exp_avg_sq / (1 - beta2**step)).sqrt_().add_(group["eps"])
                updated = parameter[rows].mul_(1 - group["lr"] * group["weight_decay"])
                parameter[rows] = updated.addcdiv_(exp_avg, denominator, value=-group["lr"] / (1 - beta1**step))
                # The fused dense step below skips parameters without a gradient.
                parameter.grad = None
        return super().step(closure)


def optimizer_for(model: nn.Module, config: TrainConfig) -> RowSparseAdamW:
    """AdamW over the parameters that train."""
    parameters = [p for p in model.parameters() if p.requires_grad]
    # fused: one kernel for all parameters, where the loop over tensors cost a third of a text training step.
    return RowSparseAdamW(parameters, lr=config.lr, weight_decay=config.weight_decay, fused=True)


def clip_gradients(parameters: list[nn.Parameter], clip_norm: float) -> None:
    """torch's clip_grad_norm_ (total norm over all gradients, scaled down to ``clip_norm``), which also takes
    sparse gradients: their duplicate rows summed first, as the norm is the summed gradient's."""
    gradients = []
    for parameter in parameters:
        if parameter.grad is not None and parameter.grad.is_sparse:
            parameter.grad = parameter.grad.coalesce()
        if parameter.grad is not None:
            gradients.append(parameter.grad.values() if parameter.grad.is_sparse else parameter.grad)
    total = nn.utils.get_total_norm(gradients)
    scale = (clip_norm / (total + 1e-6)).clamp(max=1.0)
    for gradient in gradients:
        gradient.mul_(scale)


def train_step(
    model: nn.Module, batch: Batch, batch_loss: Callable[[nn.Module, Batch], torch.Tensor],
    optimizer: torch.optim.Optimizer, clip_norm: float,
) -> torch.Tensor:
    """One optimizer step on one batch, gradients clipped to ``clip_norm``; returns the batch's loss."""
    loss = batch_loss(model, batch)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    clip_gradients([p for group in optimizer.param_groups for p in group["params"]], clip_norm)
    optimizer.step()
    return loss.detach()


@dataclass
class FitResult:
    monitor: str
    best_epoch: int
    best_score: float
    seconds_per_epoch: list[float]

    def summary(self) -> dict:
        """The training's metrics: its best epoch and that epoch's validation score."""
        return {"best_epoch": self.best_epoch, f"best_val_{self.monitor}": self.best_score}

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

    ``batches(generator)`` lists one epoch's batches (on the model's device); ``batch_loss`` is the loss of
    one, or of a rank's share of one (``share``): its rows' summed losses over the whole batch's normaliser,
    which the batch carries as a scalar, so that the ranks' losses add up to the batch's mean. Stops after ``config.patience`` epochs without improvement. dvclive logs every epoch's
    train loss and validation scores to ``live_dir``; the seconds each epoch took are in the result only,
    so that the same run gives the same log.
    """
    from dvclive import Live  # here, not at the top: the benchmarks use this module on machines without it

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
    best = FitResult(monitor=monitor, best_epoch=0, best_score=-math.inf if higher_is_better else math.inf, seconds_per_epoch=[])
    # Training in progress lives beside the stage's outputs, not in them: an interrupted run leaves nothing
    # that DVC would take for a result, and the next run continues from its last finished epoch.
    work = Path(f"{checkpoint_path}.partial")
    progress_file, best_file, work_live = work / "progress.pt", work / "best.pt", work / "live"
    state = {"model": model, "optimizer": optimizer, "schedule": schedule}
    settings = {"model_config": model_config, "train_config": asdict(config), "numerics": numerics()}
    done = resume(progress_file, settings, state, generator, best)
    if done == 0 and rank == 0:
        shutil.rmtree(work, ignore_errors=True)
    durations = best.seconds_per_epoch
    # Every rank validates the same weights to the same scores and so stops at the same epoch; rank 0 alone
    # writes the checkpoint, the log and the lines on stdout.
    say = tqdm.write if rank == 0 else lambda line: None
    live_settings = {"save_dvc_exp": False, "dvcyaml": False, "resume": done > 0}
    try:
        with (Live(str(work_live), **live_settings) if rank == 0 else NoLog()) as live:
            live.log_param("device", next(model.parameters()).device.type)
            live.log_param("threads", torch.get_num_threads())
            for epoch in range(done + 1, config.epochs + 1):
                started = time.perf_counter()
                model.train()
                total, count = 0.0, 0
                # disable=None: a progress bar on a terminal, none in a redirected log.
                progress = tqdm(batches(generator), desc=f"epoch {epoch}/{config.epochs}", leave=False,
                                disable=None if rank == 0 else True)
                for batch in progress:
                    loss = train_step(step_model, batch, step_loss, optimizer, config.clip_norm)
                    schedule.step()
                    if world > 1:
                        all_reduce(loss)
                        loss /= world
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
                say(f"epoch {epoch}: train loss {total / count:.4f}, val {scores}, {durations[-1]:.1f} s")
                if improved:
                    best.best_epoch, best.best_score = epoch, score
                    if rank == 0:
                        save_checkpoint(best_file, model_config, model)
                elif epoch - best.best_epoch >= config.patience:
                    say(f"no improvement in {config.patience} epochs: stopping after epoch {epoch}")
                    break
                if rank == 0:
                    save_progress(progress_file, settings, state, generator, best, epoch)
            live.summary.update(best.summary())
    except KeyboardInterrupt:
        raise SystemExit(f"training interrupted: the finished epochs are kept in {work}; run the stage again "
                         "(dvc repro) to continue from the last of them") from None
    if rank == 0:
        for finished, output in ((best_file, Path(checkpoint_path)), (work_live, Path(live_dir))):
            output.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(output, ignore_errors=True)
            os.replace(finished, output)
        shutil.rmtree(work)
    return best


def numerics() -> dict:
    """What decides a training's numbers besides its params and data: our code, torch's version and the thread
    count (which splits the CPU's reductions). Progress kept under other numerics is not continued, so that a
    resumed run ends where an uninterrupted one would."""
    package = Path(__file__).parent
    code = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        code.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    # str: torch's version class is not among what weights_only loading reads back.
    return {"code": code.hexdigest(), "torch": str(torch.__version__), "threads": torch.get_num_threads()}


def save_progress(path: Path, settings: dict, state: dict, generator: torch.Generator, best: FitResult,
                  epoch: int) -> None:
    """What continuing after ``epoch`` needs: the weights, optimizer, schedule, random states, best so far."""
    progress = {
        **settings, "epoch": epoch, "best": asdict(best), "generator": generator.get_state(),
        "rng": torch.get_rng_state(), "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        **{name: part.state_dict() for name, part in state.items()},
    }
    with atomic_path(path) as temporary, open(temporary, "wb") as stream:
        torch.save(progress, stream)


def resume(path: Path, settings: dict, state: dict, generator: torch.Generator, best: FitResult) -> int:
    """Restores what ``save_progress`` kept, when it was kept with the same settings; the epochs done (0 when
    there is nothing to continue)."""
    if not path.exists():
        return 0
    progress = read_saved(path, ("epoch", *state), f"delete {path.parent} to train from the start")
    if any(progress.get(key) != value for key, value in settings.items()):
        return 0
    for name, part in state.items():
        part.load_state_dict(progress[name])
    generator.set_state(progress["generator"])
    torch.set_rng_state(progress["rng"])
    if progress["cuda_rng"]:
        torch.cuda.set_rng_state_all(progress["cuda_rng"])
    for field, value in progress["best"].items():
        setattr(best, field, value)
    return progress["epoch"]


class NoLog:
    """What ranks other than 0 log to: nothing, through dvclive's calls."""

    summary: dict

    def __enter__(self):
        self.summary = {}
        return self

    def __exit__(self, *exception):
        return False

    def log_param(self, name, value) -> None:
        pass

    def log_metric(self, name, value) -> None:
        pass

    def next_step(self) -> None:
        pass


def save_checkpoint(path: str | Path, model_config: dict, model: nn.Module) -> None:
    """The model's state_dict with the config that rebuilds it; loadable with ``weights_only=True``."""
    state = {name: tensor.cpu() for name, tensor in model.state_dict().items()}
    # Through a file object: given a path, torch.save names the archive inside after the (temporary) file.
    with atomic_path(path) as temporary, open(temporary, "wb") as stream:
        torch.save({"config": model_config, "state_dict": state}, stream)


def load_model(path: str | Path, model_class: type[nn.Module], device: torch.device | None = None) -> nn.Module:
    """The model that ``save_checkpoint`` wrote, rebuilt from its config (``model_class.Config``), in eval mode."""
    saved = read_saved(
        path, ("config", "state_dict"), f"`dvc checkout {path}` restores the committed one, `dvc repro` retrains it"
    )
    model = model_class(model_class.Config(**saved["config"]))
    model.load_state_dict(saved["state_dict"])
    return model.to(device or pick_device()).eval()
