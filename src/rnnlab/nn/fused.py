"""The time loop of one layer and one direction fused into one Triton kernel per pass.

A second implementation of ``loops.CellLoop``: the same gate arithmetic as the cells' ``step`` and
``step_backward``, written once more in Triton, so that all time steps run inside one kernel launch with
the running state on chip. Each program owns a tile of sequences and every hidden unit, so a step needs no
communication between programs; per step it loads that step's projected inputs, multiplies the state by
the hidden weights, applies the gates and stores the new state. Packed rows are sorted longest first, so
at step t the first ``batch_sizes[t]`` rows are the active ones; inactive rows keep their state, which is
therefore each sequence's final state (forward in time) or still its initial state (backward in time).

The kernels run on CUDA tensors, and on CPU tensors under Triton's interpreter (``TRITON_INTERPRET=1``),
which is how the test suite checks them without a GPU. They cover float32 and hidden sizes up to
``MAX_HIDDEN``; the products use TF32 where ``torch.backends.cudnn.allow_tf32`` allows it, as cuDNN does.
"""

import os

import torch

from rnnlab.nn.cells import GRUCell, LSTMCell, RecurrentCell, RNNCell

try:
    import triton
    import triton.language as tl
except ImportError:  # the CPU path needs no Triton
    triton = None

INTERPRETED = os.environ.get("TRITON_INTERPRET") == "1"
MAX_HIDDEN = 256
# Sequences per program: the smallest tile that tl.dot takes.
BLOCK_B = 16
KIND_RNN_TANH, KIND_RNN_RELU, KIND_GRU, KIND_LSTM = range(4)


def available(device: torch.device) -> bool:
    """Whether the fused kernels run on ``device``: CUDA with Triton, or the CPU under Triton's interpreter."""
    if triton is None:
        return False
    return device.type == "cuda" or (INTERPRETED and device.type == "cpu")


def applies(cell: RecurrentCell, data: torch.Tensor) -> bool:
    return (
        data.dtype == torch.float32
        and cell.hidden_size <= MAX_HIDDEN
        and cell.output_size == cell.hidden_size  # no output projection (LSTM proj_size): the loop runs it
        and type(cell) in (RNNCell, GRUCell, LSTMCell)
        and available(data.device)
    )


def cell_kind(cell: RecurrentCell) -> int:
    if isinstance(cell, LSTMCell):
        return KIND_LSTM
    if isinstance(cell, GRUCell):
        return KIND_GRU
    return KIND_RNN_RELU if cell.nonlinearity == "relu" else KIND_RNN_TANH


# Hidden-sized columns each packed row keeps for the backward pass: the RNN its output (the output buffer
# itself), the GRU r, z, n and W_hn h + b_hn, the LSTM i, f, g, o and the previous cell state.
SAVED_COLUMNS = {KIND_RNN_TANH: 1, KIND_RNN_RELU: 1, KIND_GRU: 4, KIND_LSTM: 5}


class FusedLoop:
    """``CellLoop``'s contract, each pass one kernel launch."""

    @staticmethod
    def forward(cell, reverse, batch_sizes, projected, hidden_weight, hidden_bias, initial):
        kind, hidden = cell_kind(cell), cell.hidden_size
        sizes = torch.tensor(batch_sizes, dtype=torch.int32)
        offsets = (sizes.cumsum(0) - sizes).to(torch.int32)
        sizes, offsets = sizes.to(projected.device), offsets.to(projected.device)
        rows, batch = len(projected), batch_sizes[0]
        output = projected.new_empty(rows, hidden)
        previous_output = projected.new_empty(rows, hidden)
        saved = projected.new_empty(rows, SAVED_COLUMNS[kind] * hidden) if kind in (KIND_GRU, KIND_LSTM) else output
        h0 = initial[0].contiguous()
        c0 = initial[1].contiguous() if kind == KIND_LSTM else h0
        h_n = torch.empty_like(h0)
        c_n = torch.empty_like(h0) if kind == KIND_LSTM else h_n
        bias = hidden_bias if hidden_bias is not None else hidden_weight
        grid = (triton.cdiv(batch, BLOCK_B),)
        _forward_kernel[grid](
            projected,
            hidden_weight.contiguous(),
            bias,
            sizes,
            offsets,
            h0,
            c0,
            output,
            previous_output,
            saved,
            h_n,
            c_n,
            len(batch_sizes),
            batch,
            hidden,
            int(reverse),
            CELL=kind,
            SAVED=SAVED_COLUMNS[kind],
            HAS_BIAS=hidden_bias is not None,
            PRECISION=precision(),
            BLOCK_B=BLOCK_B,
            BLOCK_H=block_size(hidden),
            num_warps=warps(hidden),
        )
        final = (h_n, c_n) if kind == KIND_LSTM else (h_n,)
        return output, previous_output, final, (sizes, offsets, saved)

    @staticmethod
    def backward(
        cell,
        reverse,
        batch_sizes,
        saved,
        hidden_weight,
        previous_output,
        grad_output,
        grad_final,
        grad_projected,
        grad_hidden_projected,
    ):
        kind, hidden = cell_kind(cell), cell.hidden_size
        sizes, offsets, kept = saved
        batch = batch_sizes[0]
        grad_h_n = grad_final[0].contiguous()
        grad_c_n = grad_final[1].contiguous() if kind == KIND_LSTM else grad_h_n
        grad_h0 = torch.empty_like(grad_h_n)
        grad_c0 = torch.empty_like(grad_h_n) if kind == KIND_LSTM else grad_h0
        grid = (triton.cdiv(batch, BLOCK_B),)
        _backward_kernel[grid](
            hidden_weight.contiguous(),
            sizes,
            offsets,
            kept,
            previous_output,
            grad_output.contiguous(),
            grad_h_n,
            grad_c_n,
            grad_projected,
            grad_hidden_projected,
            grad_h0,
            grad_c0,
            len(batch_sizes),
            batch,
            hidden,
            int(reverse),
            CELL=kind,
            SAVED=SAVED_COLUMNS[kind],
            PRECISION=precision(),
            BLOCK_B=BLOCK_B,
            BLOCK_H=block_size(hidden),
            num_warps=warps(hidden),
        )
        return (grad_h0, grad_c0) if kind == KIND_LSTM else (grad_h0,)


def precision() -> str:
    return "tf32" if torch.backends.cudnn.allow_tf32 else "ieee"


def block_size(hidden: int) -> int:
    return max(16, triton.next_power_of_2(hidden))


def warps(hidden: int) -> int:
    """Warps per program: enough registers for a step's weight tiles. ptxas for sm_90 reports no spills at
    hidden 64 with 8 warps (1.3 KB a thread with 4), and 1-2 KB at hidden 128 with 16 (10-16 KB with 4)."""
    return 8 if block_size(hidden) <= 64 else 16


if triton is not None:
    # The cell kinds as the kernels read them: a jit function may read a global only if it is a constexpr.
    _RNN_TANH = tl.constexpr(KIND_RNN_TANH)
    _GRU = tl.constexpr(KIND_GRU)
    _LSTM = tl.constexpr(KIND_LSTM)

    @triton.jit
    def _tanh(x):
        # From exp(-2|x|), which never overflows.
        e = tl.exp(-2.0 * tl.abs(x))
        t = (1.0 - e) / (1.0 + e)
        return tl.where(x < 0, -t, t)

    @triton.jit
    def _sigmoid(x):
        return 1.0 / (1.0 + tl.exp(-x))

    @triton.jit
    def _times_weight_t(h, weight_ptr, gate, hidden, BLOCK_H: tl.constexpr, PRECISION: tl.constexpr):
        """h @ W[gate]^T for W (gates * hidden, hidden): one gate's hidden product."""
        k = tl.arange(0, BLOCK_H)
        n = tl.arange(0, BLOCK_H)
        mask = (k[:, None] < hidden) & (n[None, :] < hidden)
        w = tl.load(weight_ptr + (gate * hidden + n[None, :]) * hidden + k[:, None], mask=mask, other=0.0)
        return tl.dot(h, w, input_precision=PRECISION)

    @triton.jit
    def _times_weight(d, weight_ptr, gate, hidden, BLOCK_H: tl.constexpr, PRECISION: tl.constexpr):
        """d @ W[gate]: a gate's gradient carried back to the previous output."""
        n = tl.arange(0, BLOCK_H)
        k = tl.arange(0, BLOCK_H)
        mask = (n[:, None] < hidden) & (k[None, :] < hidden)
        w = tl.load(weight_ptr + (gate * hidden + n[:, None]) * hidden + k[None, :], mask=mask, other=0.0)
        return tl.dot(d, w, input_precision=PRECISION)

    @triton.jit
    def _hidden_gate(
        h,
        weight_ptr,
        bias_ptr,
        gate,
        hidden,
        cols,
        col_in,
        HAS_BIAS: tl.constexpr,
        BLOCK_H: tl.constexpr,
        PRECISION: tl.constexpr,
    ):
        out = _times_weight_t(h, weight_ptr, gate, hidden, BLOCK_H, PRECISION)
        if HAS_BIAS:
            out += tl.load(bias_ptr + gate * hidden + cols, mask=col_in, other=0.0)[None, :]
        return out

    @triton.jit
    def _step_rows(sizes_ptr, offsets_ptr, k, steps, rows, col_in, later_first):
        """Mask and packed row numbers of the k-th step visited, last step first where ``later_first``;
        past the last step, no row."""
        t = tl.where(later_first != 0, tl.maximum(steps - 1 - k, 0), tl.minimum(k, steps - 1))
        active = (rows < tl.load(sizes_ptr + t)) & (k < steps)
        return active[:, None] & col_in[None, :], tl.load(offsets_ptr + t) + rows[:, None]

    @triton.jit
    def _load_columns(base_ptr, packed, cols, mask, hidden, WIDTH: tl.constexpr, COUNT: tl.constexpr):
        """The first COUNT hidden-sized column blocks of rows ``packed`` of a (rows, WIDTH * hidden) buffer;
        blocks past COUNT repeat the first, unloaded."""
        at = base_ptr + packed * (WIDTH * hidden) + cols[None, :]
        first = tl.load(at, mask=mask, other=0.0)
        second, third, fourth, fifth = first, first, first, first
        if COUNT > 1:
            second = tl.load(at + hidden, mask=mask, other=0.0)
        if COUNT > 2:
            third = tl.load(at + 2 * hidden, mask=mask, other=0.0)
        if COUNT > 3:
            fourth = tl.load(at + 3 * hidden, mask=mask, other=0.0)
        if COUNT > 4:
            fifth = tl.load(at + 4 * hidden, mask=mask, other=0.0)
        return first, second, third, fourth, fifth

    @triton.jit
    def _tile(batch, hidden, BLOCK_B: tl.constexpr, BLOCK_H: tl.constexpr):
        """This program's sequences and the hidden columns; where a (rows, hidden) state tile lives."""
        rows = tl.program_id(0) * BLOCK_B + tl.arange(0, BLOCK_B)
        cols = tl.arange(0, BLOCK_H)
        col_in = cols < hidden
        return rows, cols, col_in, (rows[:, None] < batch) & col_in[None, :], rows[:, None] * hidden + cols[None, :]

    @triton.jit
    def _load_state(h_ptr, c_ptr, state_at, state_mask, CELL: tl.constexpr):
        """The h tile and, for the LSTM, the c tile (else h again)."""
        h = tl.load(h_ptr + state_at, mask=state_mask, other=0.0)
        c = h
        if CELL == _LSTM:
            c = tl.load(c_ptr + state_at, mask=state_mask, other=0.0)
        return h, c

    @triton.jit
    def _forward_kernel(
        projected_ptr,
        weight_ptr,
        bias_ptr,
        sizes_ptr,
        offsets_ptr,
        h0_ptr,
        c0_ptr,
        output_ptr,
        previous_ptr,
        saved_ptr,
        hn_ptr,
        cn_ptr,
        steps,
        batch,
        hidden,
        reverse,
        CELL: tl.constexpr,
        SAVED: tl.constexpr,
        HAS_BIAS: tl.constexpr,
        PRECISION: tl.constexpr,
        BLOCK_B: tl.constexpr,
        BLOCK_H: tl.constexpr,
    ):
        rows, cols, col_in, state_mask, state_at = _tile(batch, hidden, BLOCK_B, BLOCK_H)
        h, c = _load_state(h0_ptr, c0_ptr, state_at, state_mask, CELL)
        GATES: tl.constexpr = 4 if CELL == _LSTM else 3 if CELL == _GRU else 1
        mask, packed = _step_rows(sizes_ptr, offsets_ptr, 0, steps, rows, col_in, reverse)
        x0, x1, x2, x3, _ = _load_columns(projected_ptr, packed, cols, mask, hidden, GATES, GATES)
        # A while loop: Triton 3.6's interpreter cannot take range() of a scalar argument under NumPy 2.
        k = 0
        while k < steps:
            k += 1
            # The next step's inputs do not depend on this step: their loads overlap its products.
            next_mask, next_packed = _step_rows(sizes_ptr, offsets_ptr, k, steps, rows, col_in, reverse)
            n0, n1, n2, n3, _ = _load_columns(projected_ptr, next_packed, cols, next_mask, hidden, GATES, GATES)
            at = packed * hidden + cols[None, :]
            tl.store(previous_ptr + at, h, mask=mask)
            s_at = saved_ptr + packed * (SAVED * hidden) + cols[None, :]
            if CELL == _LSTM:
                i = _sigmoid(
                    x0 + _hidden_gate(h, weight_ptr, bias_ptr, 0, hidden, cols, col_in, HAS_BIAS, BLOCK_H, PRECISION)
                )
                f = _sigmoid(
                    x1 + _hidden_gate(h, weight_ptr, bias_ptr, 1, hidden, cols, col_in, HAS_BIAS, BLOCK_H, PRECISION)
                )
                g = _tanh(
                    x2 + _hidden_gate(h, weight_ptr, bias_ptr, 2, hidden, cols, col_in, HAS_BIAS, BLOCK_H, PRECISION)
                )
                o = _sigmoid(
                    x3 + _hidden_gate(h, weight_ptr, bias_ptr, 3, hidden, cols, col_in, HAS_BIAS, BLOCK_H, PRECISION)
                )
                tl.store(s_at, i, mask=mask)
                tl.store(s_at + hidden, f, mask=mask)
                tl.store(s_at + 2 * hidden, g, mask=mask)
                tl.store(s_at + 3 * hidden, o, mask=mask)
                tl.store(s_at + 4 * hidden, c, mask=mask)
                c_next = f * c + i * g
                h_next = o * _tanh(c_next)
                c = tl.where(mask, c_next, c)
            elif CELL == _GRU:
                r = _sigmoid(
                    x0 + _hidden_gate(h, weight_ptr, bias_ptr, 0, hidden, cols, col_in, HAS_BIAS, BLOCK_H, PRECISION)
                )
                z = _sigmoid(
                    x1 + _hidden_gate(h, weight_ptr, bias_ptr, 1, hidden, cols, col_in, HAS_BIAS, BLOCK_H, PRECISION)
                )
                hidden_n = _hidden_gate(h, weight_ptr, bias_ptr, 2, hidden, cols, col_in, HAS_BIAS, BLOCK_H, PRECISION)
                n = _tanh(x2 + r * hidden_n)
                tl.store(s_at, r, mask=mask)
                tl.store(s_at + hidden, z, mask=mask)
                tl.store(s_at + 2 * hidden, n, mask=mask)
                tl.store(s_at + 3 * hidden, hidden_n, mask=mask)
                h_next = n + z * (h - n)
            else:
                pre = x0 + _hidden_gate(h, weight_ptr, bias_ptr, 0, hidden, cols, col_in, HAS_BIAS, BLOCK_H, PRECISION)
                h_next = _tanh(pre) if CELL == _RNN_TANH else tl.maximum(pre, 0.0)
            h = tl.where(mask, h_next, h)
            tl.store(output_ptr + at, h, mask=mask)
            mask, packed, x0, x1, x2, x3 = next_mask, next_packed, n0, n1, n2, n3
        tl.store(hn_ptr + state_at, h, mask=state_mask)
        if CELL == _LSTM:
            tl.store(cn_ptr + state_at, c, mask=state_mask)

    @triton.jit
    def _backward_kernel(
        weight_ptr,
        sizes_ptr,
        offsets_ptr,
        saved_ptr,
        previous_ptr,
        grad_output_ptr,
        grad_hn_ptr,
        grad_cn_ptr,
        grad_projected_ptr,
        grad_hidden_ptr,
        grad_h0_ptr,
        grad_c0_ptr,
        steps,
        batch,
        hidden,
        reverse,
        CELL: tl.constexpr,
        SAVED: tl.constexpr,
        PRECISION: tl.constexpr,
        BLOCK_B: tl.constexpr,
        BLOCK_H: tl.constexpr,
    ):
        rows, cols, col_in, state_mask, state_at = _tile(batch, hidden, BLOCK_B, BLOCK_H)
        # The gradient reaching each row's running state from later steps (its final state's to begin with).
        grad_h, grad_c = _load_state(grad_hn_ptr, grad_cn_ptr, state_at, state_mask, CELL)
        GATES: tl.constexpr = 4 if CELL == _LSTM else 3 if CELL == _GRU else 1
        mask, packed = _step_rows(sizes_ptr, offsets_ptr, 0, steps, rows, col_in, 1 - reverse)
        s0, s1, s2, s3, s4 = _load_columns(saved_ptr, packed, cols, mask, hidden, SAVED, SAVED)
        grad_out, h_previous, _, _, _ = _load_columns(grad_output_ptr, packed, cols, mask, hidden, 1, 1)
        if CELL == _GRU:
            h_previous, _, _, _, _ = _load_columns(previous_ptr, packed, cols, mask, hidden, 1, 1)
        k = 0
        while k < steps:
            k += 1
            next_mask, next_packed = _step_rows(sizes_ptr, offsets_ptr, k, steps, rows, col_in, 1 - reverse)
            n0, n1, n2, n3, n4 = _load_columns(saved_ptr, next_packed, cols, next_mask, hidden, SAVED, SAVED)
            next_grad_out, next_h_previous, _, _, _ = _load_columns(
                grad_output_ptr, next_packed, cols, next_mask, hidden, 1, 1
            )
            if CELL == _GRU:
                next_h_previous, _, _, _, _ = _load_columns(previous_ptr, next_packed, cols, next_mask, hidden, 1, 1)
            upstream = grad_h + grad_out
            g_at = grad_projected_ptr + packed * (GATES * hidden) + cols[None, :]
            if CELL == _LSTM:
                i, f, g, o, c_previous = s0, s1, s2, s3, s4
                tanh_c = _tanh(f * c_previous + i * g)
                total_c = grad_c + upstream * o * (1.0 - tanh_c * tanh_c)
                d_i = total_c * g * i * (1.0 - i)
                d_f = total_c * c_previous * f * (1.0 - f)
                d_g = total_c * i * (1.0 - g * g)
                d_o = upstream * tanh_c * o * (1.0 - o)
                tl.store(g_at, d_i, mask=mask)
                tl.store(g_at + hidden, d_f, mask=mask)
                tl.store(g_at + 2 * hidden, d_g, mask=mask)
                tl.store(g_at + 3 * hidden, d_o, mask=mask)
                through = (
                    _times_weight(d_i, weight_ptr, 0, hidden, BLOCK_H, PRECISION)
                    + _times_weight(d_f, weight_ptr, 1, hidden, BLOCK_H, PRECISION)
                    + _times_weight(d_g, weight_ptr, 2, hidden, BLOCK_H, PRECISION)
                    + _times_weight(d_o, weight_ptr, 3, hidden, BLOCK_H, PRECISION)
                )
                grad_c = tl.where(mask, total_c * f, grad_c)
            elif CELL == _GRU:
                r, z, n, hidden_n = s0, s1, s2, s3
                d_n = upstream * (1.0 - z) * (1.0 - n * n)
                d_r = d_n * hidden_n * r * (1.0 - r)
                d_z = upstream * (h_previous - n) * z * (1.0 - z)
                d_hidden_n = d_n * r
                tl.store(g_at, d_r, mask=mask)
                tl.store(g_at + hidden, d_z, mask=mask)
                tl.store(g_at + 2 * hidden, d_n, mask=mask)
                h_at = grad_hidden_ptr + packed * (GATES * hidden) + cols[None, :]
                tl.store(h_at, d_r, mask=mask)
                tl.store(h_at + hidden, d_z, mask=mask)
                tl.store(h_at + 2 * hidden, d_hidden_n, mask=mask)
                through = (
                    _times_weight(d_r, weight_ptr, 0, hidden, BLOCK_H, PRECISION)
                    + _times_weight(d_z, weight_ptr, 1, hidden, BLOCK_H, PRECISION)
                    + _times_weight(d_hidden_n, weight_ptr, 2, hidden, BLOCK_H, PRECISION)
                    + upstream * z
                )
            else:
                h = s0
                if CELL == _RNN_TANH:
                    d_pre = upstream * (1.0 - h * h)
                else:
                    d_pre = tl.where(h > 0, upstream, 0.0)
                tl.store(g_at, d_pre, mask=mask)
                through = _times_weight(d_pre, weight_ptr, 0, hidden, BLOCK_H, PRECISION)
            grad_h = tl.where(mask, through, grad_h)
            mask, packed, s0, s1, s2, s3, s4 = next_mask, next_packed, n0, n1, n2, n3, n4
            grad_out, h_previous = next_grad_out, next_h_previous
        tl.store(grad_h0_ptr + state_at, grad_h, mask=state_mask)
        if CELL == _LSTM:
            tl.store(grad_c0_ptr + state_at, grad_c, mask=state_mask)
