"""Whether training repeats to the bit: two runs of one epoch from the same seed, and what that costs.

    python bench/determinism.py [--steps 20] [--device cpu|cuda]

For each model of both tasks (the shapes of bench/train_step.py), ``training.seed_everything`` seeds the
run (and on CUDA turns on PyTorch's deterministic kernels), the model trains ``steps`` batches, and the
weights of two such runs are compared. A third run with the deterministic kernels off gives their cost.
Prints one Markdown table.
"""

import argparse
import time

import torch
from cells import describe
from train_step import NETWORKS, TASKS, Task

from rnnlab.training.loop import seed_everything, train_step
from rnnlab.training.optimizer import optimizer_for


def run_epoch(task: Task, cell: str, device: torch.device, steps: int, deterministic: bool):
    """Final weights and seconds of one seeded epoch of ``steps`` batches."""
    seed_everything(0)
    torch.use_deterministic_algorithms(deterministic and device.type == "cuda")
    data = torch.Generator().manual_seed(1)
    model = task.model(cell, device, data)
    batches = [task.batch(cell, device, data) for _ in range(steps)]
    train_config = task.settings(cell)[1]
    optimizer = optimizer_for(model, train_config)
    if device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    for batch in batches:
        train_step(model, batch, task.loss, optimizer, train_config.clip_norm)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return [p.detach().clone() for p in model.parameters()], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    print(f"{describe(device)}; {args.steps} training steps per epoch, two seeded runs compared\n")
    print("| task | cell | weights equal | largest difference | epoch s, deterministic | epoch s, default kernels |")
    print("|---|---|---|---:|---:|---:|")
    for name, task in TASKS.items():
        for cell in NETWORKS:
            first, seconds = run_epoch(task, cell, device, args.steps, deterministic=True)
            second, _ = run_epoch(task, cell, device, args.steps, deterministic=True)
            _, default_seconds = run_epoch(task, cell, device, args.steps, deterministic=False)
            equal = all(torch.equal(a, b) for a, b in zip(first, second))
            largest = max((a - b).abs().max().item() for a, b in zip(first, second))
            print(
                f"| {name} | {cell} | {'yes' if equal else 'NO'} | {largest:.3g} | {seconds:.3f} "
                f"| {default_seconds:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
