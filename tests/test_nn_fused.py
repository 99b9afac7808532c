"""The fused kernels without a GPU: the parity suite through them under Triton's interpreter, and each
kernel compiled for the H100 (sm_90) by Triton's own compiler, which needs no GPU."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

triton = pytest.importorskip("triton", reason="the fused kernels need the 'triton' extra: pip install -e '.[triton]'")
from triton.backends.compiler import GPUTarget  # noqa: E402
from triton.compiler import ASTSource  # noqa: E402

from rnnlab.nn import fused  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# Index pointers are int32; every other pointer is float32 data.
INDEX_POINTERS = {"sizes_ptr", "offsets_ptr"}


def pytest_under_the_interpreter(path: str, selection: str) -> None:
    # A process of its own: the interpreter is chosen when Triton's kernels are defined, for the whole process.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider", path, "-k", selection],
        cwd=ROOT,
        env={**os.environ, "TRITON_INTERPRET": "1"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout


@pytest.mark.slow
def test_parity_suite_runs_through_the_fused_kernels_under_the_interpreter():
    pytest_under_the_interpreter("tests/test_nn_parity.py", "float32")


@pytest.mark.slow
def test_fused_gradients_in_torch_layouts_and_under_vmap():
    # float32 samples, which the fused kernels run: the weights' gradients in their own layout, and vmap
    # over the backward of a fused forward.
    pytest_under_the_interpreter("tests/test_torch_rnn_suite.py", "rnnlab and (memory_format or batched_gradients)")


def signature(kernel, constants: dict) -> dict[str, str]:
    types = {}
    for name in kernel.arg_names:
        if name in constants:
            types[name] = "constexpr"
        elif name.endswith("_ptr"):
            types[name] = "*i32" if name in INDEX_POINTERS else "*fp32"
        else:
            types[name] = "i32"
    return types


@pytest.mark.parametrize(
    "cell",
    [fused.KIND_RNN_TANH, fused.KIND_RNN_RELU, fused.KIND_GRU, fused.KIND_LSTM],
    ids=["rnn_tanh", "rnn_relu", "gru", "lstm"],
)
@pytest.mark.parametrize("kernel", ["forward", "backward"])
def test_kernels_compile_for_hopper(cell, kernel):
    if fused.INTERPRETED:
        pytest.skip("kernels defined under the interpreter are not compiled")
    function = getattr(fused, f"_{kernel}_kernel")
    constants = dict(CELL=cell, SAVED=fused.SAVED_COLUMNS[cell], PRECISION="tf32", BLOCK_B=fused.BLOCK_B, BLOCK_H=128)
    if kernel == "forward":
        constants["HAS_BIAS"] = True
    source = ASTSource(
        function,
        signature(function, constants),
        constexprs={(function.arg_names.index(name),): value for name, value in constants.items()},
    )
    compiled = triton.compile(source, target=GPUTarget("cuda", 90, 32), options={"num_warps": fused.warps(128)})
    assert compiled.asm["cubin"]
