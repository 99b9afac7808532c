"""The float32 products of our trainings: rnnlab.gemm's fixed-order kernels against torch's own (MKL), each in a
process of its own, since the kernels replace torch's for the whole process.

    python bench/products.py [--repeats 200]

Prints one Markdown table: median microseconds per product at torch's thread count, and torch/ours. Run it
with compute.pins in the environment (as every stage runs) and without, to see what MKL's pin costs.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

import torch

# (rows, columns, inner size) of A (rows x inner) times B (inner x columns), B a transposed weight as nn.Linear has it.
SHAPES = {
    "text GRU step, h W^T": (64, 384, 128),
    "forecast GRU step, h W^T": (64, 192, 64),
    "text input projection, x W^T": (8192, 384, 100),
    "its weights' gradient, x^T g": (100, 384, 8192),
}


def medians(repeats: int) -> dict[str, float]:
    """Median microseconds of each shape's product in this process, after 5 warm-ups."""
    generator = torch.Generator().manual_seed(0)
    result = {}
    for name, (rows, columns, inner) in SHAPES.items():
        a, b = torch.randn(rows, inner, generator=generator), torch.randn(columns, inner, generator=generator).T
        for _ in range(5):
            a @ b
        timings = []
        for _ in range(max(5, repeats * 64 * 384 * 128 // (rows * columns * inner))):
            start = time.perf_counter()
            a @ b
            timings.append(time.perf_counter() - start)
        result[name] = statistics.median(timings) * 1e6
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--kernels", choices=["ours", "torch"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kernels:
        if args.kernels == "ours":
            from rnnlab import gemm

            gemm.install()
        print(json.dumps(medians(args.repeats)))
        return
    runs = {
        kernels: json.loads(
            subprocess.run(
                [sys.executable, __file__, "--repeats", str(args.repeats), "--kernels", kernels],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for kernels in ("torch", "ours")
    }
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; median µs of each product\n")
    print("| product | m × n × k | torch µs | ours µs | torch/ours |")
    print("|---|---|---:|---:|---:|")
    for name, shape in SHAPES.items():
        theirs, ours = runs["torch"][name], runs["ours"][name]
        print(f"| {name} | {' × '.join(map(str, shape))} | {theirs:.0f} | {ours:.0f} | {theirs / ours:.2f} |")


if __name__ == "__main__":
    main()
