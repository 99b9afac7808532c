#!/usr/bin/env bash
# Every GPU check of the fused recurrence in one run, for a machine with CUDA, PyTorch, Triton and pytest:
# parity on CUDA (fused kernels in float32, the step-by-step fallback in float64), the layer and
# training-step benchmarks against cuDNN with the recurrent TF32 on (PyTorch's default) and off, and
# whether training repeats to the bit, and the long-horizon benchmark's forecaster at the paper's size for one
# horizon (needs data/long_horizon/series from `dvc repro long_horizon_prepare`: carry it). Writes one Markdown report to $OUT/gpu.md (bench/out/gpu.md when
# OUT is unset) and prints it. Needs no install: it runs the checkout's src/ directly.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out}"
mkdir -p "$out"
export PYTHONPATH="$PWD/src" PYTHONUNBUFFERED=1
python=${PYTHON:-python3}
exec > >(tee "$out/gpu.md") 2>&1
status=0
echo "# GPU checks, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
"$python" -c 'import torch, triton; print(f"torch {torch.__version__}, Triton {triton.__version__}, {torch.cuda.get_device_name()}")' || status=1
echo
echo "## Parity on CUDA (tests/test_nn_parity.py, TF32 off)"
echo '```'
RNNLAB_TEST_DEVICE=cuda "$python" -m pytest -o addopts= -q -p no:cacheprovider tests/test_nn_parity.py 2>&1 | tail -n 15 || status=1
echo '```'
for tf32 in on off; do
    echo
    echo "## Layers, forward+backward (bench/cells.py --tf32 $tf32)"
    echo
    "$python" bench/cells.py --device cuda --tf32 "$tf32" || status=1
    echo
    echo "## Training step of the project's models (bench/train_step.py --tf32 $tf32)"
    echo
    "$python" bench/train_step.py --device cuda --tf32 "$tf32" || status=1
done
echo
echo "## Determinism (bench/determinism.py)"
echo
"$python" bench/determinism.py --device cuda || status=1
echo
echo "## Long-horizon benchmark, SegRNN's size: d = 512, every training window each epoch, lr 1e-4, 30 epochs, patience 10"
echo
"$python" bench/long_horizon.py --horizon 96 --hidden 512 --windows-per-epoch 0 --lr 0.0001 --epochs 30 --patience 10 \
    || status=1
exit $status
