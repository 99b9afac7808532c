"""Forward+backward time of our recurrent layers against torch's, same weights, same device, same run.

    python bench/cells.py [--repeats 15] [--device cpu|cuda] [--tf32 on|off] [--pins on|off] [--products ours|torch]

Prints one Markdown table: median milliseconds after warm-up, and ours/torch. ``--tf32`` sets
``torch.backends.cudnn.allow_tf32``, which both cuDNN and our fused kernels follow (on: PyTorch's default).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import rnnlab.nn
from rnnlab import cpu, gemm

CELLS = {
    "rnn": (nn.RNN, {}),
    "gru": (nn.GRU, {}),
    "lstm": (nn.LSTM, {}),
    "bilstm": (nn.LSTM, {"bidirectional": True}),
}


def text_batch(device: torch.device, generator: torch.Generator):
    """Batch 64, lengths drawn from 8..128, 100 features, packed."""
    lengths = torch.randint(8, 129, (64,), generator=generator)
    padded = torch.randn(64, int(lengths.max()), 100, generator=generator).to(device).requires_grad_()
    return lambda: pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)


def forecast_batch(device: torch.device, generator: torch.Generator):
    """Batch 64, 720 steps, 7 features, padded batch-first."""
    padded = torch.randn(64, 720, 7, generator=generator).to(device).requires_grad_()
    return lambda: padded


def time_step(module: nn.Module, make_input, device: torch.device, repeats: int) -> float:
    def step():
        output, _ = module(make_input())
        data = output.data if isinstance(output, nn.utils.rnn.PackedSequence) else output
        data.sum().backward()

    return median_ms(step, device, repeats)


def median_ms(step, device: torch.device, repeats: int) -> float:
    """Median wall time of ``step()`` in milliseconds over ``repeats`` runs after 3 warm-ups, the GPU
    synchronised around each."""
    for _ in range(3):
        step()
    timings = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def describe(device: torch.device) -> str:
    if device.type == "cuda":
        return f"torch {torch.__version__} on {torch.cuda.get_device_name(device)}"
    products = "rnnlab.gemm's" if gemm.installed() else "torch's"
    pins = "pinned" if cpu.pins_in_force() else "unpinned"
    threads = torch.get_num_threads()
    return f"torch {torch.__version__} on {cpu.cpu_model()}, {threads} threads, {pins}, {products} products"


def timing_arguments(
    description: str, repeats: int, more: Callable[[argparse.ArgumentParser], None] = lambda parser: None
) -> tuple[argparse.Namespace, torch.device]:
    """--repeats, --device, --tf32, --pins and --products, parsed and applied: --tf32 to cuDNN and our fused
    kernels alike; on the CPU, by default, the pins of params.yaml and rnnlab.gemm's products, as every stage
    computes. ``more`` adds a script's own arguments."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--tf32", choices=["on", "off"], default="on")
    parser.add_argument("--pins", choices=["on", "off"], default="on", help="compute.pins of params.yaml")
    parser.add_argument("--products", choices=["ours", "torch"], default="ours", help="float32 products on the CPU")
    more(parser)
    args = parser.parse_args()
    if args.pins == "on":
        cpu.start_pinned()
    elif cpu.pins_in_force():
        for name in cpu.PINS:
            os.environ.pop(name, None)
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    if args.products == "ours" and args.device == "cpu":
        gemm.install()
    torch.backends.cudnn.allow_tf32 = args.tf32 == "on"
    return args, torch.device(args.device)


def main() -> None:
    args, device = timing_arguments(__doc__, repeats=15)
    print(f"{describe(device)}; recurrent TF32 {args.tf32}; median of {args.repeats} after 3 warm-up runs\n")
    print("| shape | cell | ours ms | torch ms | ours/torch |")
    print("|---|---|---:|---:|---:|")
    shapes = {"text": (text_batch, 100, True), "forecast": (forecast_batch, 7, False)}
    for shape, (make_batch, features, packed) in shapes.items():
        for cell, (torch_class, options) in CELLS.items():
            generator = torch.Generator().manual_seed(0)
            reference = torch_class(features, 128, batch_first=not packed, **options).to(device)
            ours = getattr(rnnlab.nn, torch_class.__name__).from_torch(reference)
            make_input = make_batch(device, generator)
            ours_ms = time_step(ours, make_input, device, args.repeats)
            torch_ms = time_step(reference, make_input, device, args.repeats)
            print(f"| {shape} | {cell} | {ours_ms:.1f} | {torch_ms:.1f} | {ours_ms / torch_ms:.2f} |", flush=True)


if __name__ == "__main__":
    main()
