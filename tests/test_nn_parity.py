"""Our layers against torch.nn.RNN/GRU/LSTM with the same weights: outputs, final states, gradients.

Runs on ``RNNLAB_TEST_DEVICE`` (default cpu). Float32 goes through the fused kernels wherever they run
(CUDA, or the CPU under ``TRITON_INTERPRET=1``: see test_nn_fused.py) and every test asserts which loop
ran; float64 always takes the step-by-step loop.
"""

import itertools
import os

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import rnnlab.nn
from rnnlab.nn import fused

DEVICE = torch.device(os.environ.get("RNNLAB_TEST_DEVICE", "cpu"))
TORCH_CLASSES = {"rnn_tanh": nn.RNN, "rnn_relu": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
OURS = {"rnn_tanh": rnnlab.nn.RNN, "rnn_relu": rnnlab.nn.RNN, "gru": rnnlab.nn.GRU, "lstm": rnnlab.nn.LSTM}
# (atol, rtol). float32 also gets 1e-6 relative (8 ulps): a gradient of 40 summed in another order differs by
# more than 1e-5 (the fused kernels under the interpreter did once by 1.14e-5, 2.6e-7 relative).
TOLERANCE = {"float64": (1e-10, 0.0), "float32": (1e-5, 1e-6)}
INPUT, HIDDEN, BATCH, MAX_LEN = 5, 6, 7, 9


@pytest.fixture(autouse=True)
def ieee_float32():
    """cuDNN's and our fused kernels' products in IEEE float32, so that 1e-5 holds on a GPU too."""
    allowed = torch.backends.cudnn.allow_tf32
    torch.backends.cudnn.allow_tf32 = False
    yield
    torch.backends.cudnn.allow_tf32 = allowed


@pytest.fixture
def fused_calls(monkeypatch) -> list[str]:
    """Records each run of the fused loop."""
    calls = []
    forward = fused.FusedLoop.forward
    monkeypatch.setattr(
        fused.FusedLoop, "forward", staticmethod(lambda cell, *rest: calls.append(cell) or forward(cell, *rest))
    )
    return calls


def make_pair(kind: str, layers: int, bidirectional: bool, batch_first: bool, dtype: torch.dtype):
    options = {"nonlinearity": kind.removeprefix("rnn_")} if kind.startswith("rnn") else {}
    reference = TORCH_CLASSES[kind](
        INPUT, HIDDEN, layers, batch_first=batch_first, bidirectional=bidirectional, **options
    ).to(DEVICE, dtype)
    return reference, OURS[kind].from_torch(reference)


def make_inputs(layout: str, dtype: torch.dtype, generator: torch.Generator):
    # Lengths include 1 and the maximum, in no particular order, so packing must sort.
    lengths = torch.tensor([3, MAX_LEN, 1, 5, MAX_LEN, 2, 1])
    padded = torch.randn(BATCH, MAX_LEN, INPUT, dtype=dtype, generator=generator).to(DEVICE).requires_grad_()
    if layout == "packed":
        return padded, pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    if layout == "batch_first":
        return padded, padded
    return padded, padded.transpose(0, 1)


def outputs_of(module, inputs, hx):
    output, hidden = module(inputs, hx)
    data = output.data if isinstance(output, nn.utils.rnn.PackedSequence) else output
    return [data, *(hidden if isinstance(hidden, tuple) else (hidden,))]


CASES = list(
    itertools.product(
        TORCH_CLASSES, [1, 2], [False, True], ["packed", "padded", "batch_first"], [False, True], TOLERANCE
    )
)


@pytest.mark.parametrize("kind,layers,bidirectional,layout,given_hx,dtype", CASES)
def test_matches_torch(kind, layers, bidirectional, layout, given_hx, dtype, fused_calls):
    (atol, rtol), dtype = TOLERANCE[dtype], getattr(torch, dtype)
    generator = torch.Generator().manual_seed(len(kind) * 100 + layers * 10 + bidirectional)
    reference, ours = make_pair(kind, layers, bidirectional, layout == "batch_first", dtype)
    hx = None
    if given_hx:
        shape = (layers * (2 if bidirectional else 1), BATCH, HIDDEN)
        states = [torch.randn(shape, dtype=dtype, generator=generator).to(DEVICE).requires_grad_() for _ in range(2)]
        hx = tuple(states) if kind == "lstm" else states[0]

    padded, inputs = make_inputs(layout, dtype, generator)
    ours_out = outputs_of(ours, inputs, hx)
    ref_out = outputs_of(reference, inputs, hx)
    expect_fused = dtype == torch.float32 and fused.available(DEVICE)
    assert len(fused_calls) == (layers * (2 if bidirectional else 1) if expect_fused else 0)
    for mine, theirs in zip(ours_out, ref_out, strict=True):
        assert mine.shape == theirs.shape
        torch.testing.assert_close(mine, theirs, rtol=rtol, atol=atol)

    # One random projection of every output gives gradients that depend on all of them.
    weights = [torch.randn(t.shape, dtype=dtype, generator=generator).to(DEVICE) for t in ref_out]
    given = [] if hx is None else list(hx) if isinstance(hx, tuple) else [hx]
    ours_named = dict(ours.named_parameters())
    ref_named = dict(reference.named_parameters())
    assert ours_named.keys() == ref_named.keys()
    grads_ours = torch.autograd.grad(
        sum((w * t).sum() for w, t in zip(weights, ours_out)),
        [padded, *given, *ours_named.values()],
        retain_graph=True,  # the packing of the shared input is differentiated again below
    )
    grads_ref = torch.autograd.grad(
        sum((w * t).sum() for w, t in zip(weights, ref_out)), [padded, *given, *(ref_named[n] for n in ours_named)]
    )
    for mine, theirs in zip(grads_ours, grads_ref, strict=True):
        torch.testing.assert_close(mine, theirs, rtol=rtol, atol=atol)


@pytest.mark.parametrize("kind", TORCH_CLASSES)
def test_matches_torch_across_tiles_float32(kind, fused_calls):
    """Several tiles of sequences and a hidden size that is no power of two, both directions, packed."""
    generator = torch.Generator().manual_seed(7)
    options = {"nonlinearity": kind.removeprefix("rnn_")} if kind.startswith("rnn") else {}
    reference = TORCH_CLASSES[kind](4, 20, bidirectional=True, **options).to(DEVICE)
    ours = OURS[kind].from_torch(reference)
    lengths = torch.randint(1, 12, (37,), generator=generator)
    padded = torch.randn(37, int(lengths.max()), 4, generator=generator).to(DEVICE).requires_grad_()
    inputs = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    ours_out, ref_out = outputs_of(ours, inputs, None), outputs_of(reference, inputs, None)
    assert len(fused_calls) == (2 if fused.available(DEVICE) else 0)
    weights = [torch.randn(t.shape, generator=generator).to(DEVICE) for t in ref_out]
    grads_ours = torch.autograd.grad(sum((w * t).sum() for w, t in zip(weights, ours_out)), padded, retain_graph=True)
    grads_ref = torch.autograd.grad(sum((w * t).sum() for w, t in zip(weights, ref_out)), padded)
    for mine, theirs in zip([*ours_out, *grads_ours], [*ref_out, *grads_ref], strict=True):
        atol, rtol = TOLERANCE["float32"]
        torch.testing.assert_close(mine, theirs, rtol=rtol, atol=atol)


@pytest.mark.parametrize(
    "cell",
    [
        rnnlab.nn.RNNCell(3, 4),
        rnnlab.nn.RNNCell(3, 4, nonlinearity="relu"),
        rnnlab.nn.GRUCell(3, 4),
        rnnlab.nn.LSTMCell(3, 4),
    ],
    ids=["rnn_tanh", "rnn_relu", "gru", "lstm"],
)
def test_step_backward_is_the_derivative_of_step(cell):
    generator = torch.Generator().manual_seed(0)
    width = cell.gates * cell.hidden_size

    def random(columns):
        return torch.randn(5, columns, dtype=torch.float64, generator=generator, requires_grad=True)

    projected_input, projected_hidden = random(width), random(width)
    state = tuple(random(cell.hidden_size) for _ in range(cell.state_count))
    new_state, saved = cell.step(projected_input, projected_hidden, state)
    grad_state = tuple(torch.randn(s.shape, dtype=torch.float64, generator=generator) for s in new_state)
    expected = torch.autograd.grad(
        new_state, [projected_input, projected_hidden, *state], grad_state, allow_unused=True
    )

    grad_input, grad_hidden, direct = cell.step_backward(saved, grad_state)
    for mine, theirs in zip([grad_input, grad_hidden, *direct], expected, strict=True):
        if theirs is None:
            assert mine is None
        else:
            torch.testing.assert_close(mine, theirs, rtol=0, atol=1e-12)
