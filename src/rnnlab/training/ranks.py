"""Data-parallel training: ranks started under torchrun on this machine (or others), each taking its share
of every batch; rank 0 alone writes."""

import atexit
import os
import sys
from collections.abc import Callable

import torch
from torch import nn

Batch = tuple[torch.Tensor, ...]


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
