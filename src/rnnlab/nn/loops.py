"""The time loop over packed data, in one direction: the cell's steps one by one (``CellLoop``), or the fused
kernels (``rnnlab.nn.fused``), inside an autograd function (``Scan``) whose backward runs the loop back.

Packed data is ``(data, batch_sizes)`` as in ``PackedSequence``: the rows of all time steps,
time-major, sequences sorted longest first, so step t holds the first ``batch_sizes[t]`` sequences.
The running state covers the first ``batch_sizes[t]`` rows: going forward in time it sheds the rows
of sequences that have ended (their final state), going backward it takes on the initial state of
sequences that start. No per-step gathers or scatters.
"""

import itertools

import torch
from torch.nn import functional as F

from rnnlab.nn import fused
from rnnlab.nn.cells import State


def resize(running: State, batch: int, joining: State, leaving: list[torch.Tensor]) -> State:
    """``running`` cut or grown to ``batch`` rows: rows it sheds are written to ``leaving``, rows it
    gains are taken from ``joining`` (both full-batch)."""
    rows = running[0].shape[0]
    if batch < rows:
        for sink, tensor in zip(leaving, running):
            sink[batch:rows] = tensor[batch:]
        return tuple(tensor[:batch] for tensor in running)
    if batch > rows:
        return tuple(torch.cat([tensor, source[rows:batch]]) for tensor, source in zip(running, joining))
    return running


class CellLoop:
    """The time loop step by step, with the cell's ``step`` and ``step_backward``; runs anywhere."""

    @staticmethod
    def forward(cell, reverse, batch_sizes, projected, hidden_weight, hidden_bias, initial, output_weight=None):
        """The outputs, each step's previous output, the final states and what the backward needs. Written
        with differentiable operations only: autograd can run through it (see ``Unrolled``)."""
        order = range(len(batch_sizes))[::-1] if reverse else range(len(batch_sizes))
        steps = projected.split(batch_sizes)
        output = projected.new_empty(len(projected), cell.output_size)
        previous_output = torch.empty_like(output)
        # Rows of step t by narrow, not split: autograd allows writing into a view only when it is one view.
        starts = [0, *itertools.accumulate(batch_sizes)]
        final = [torch.empty_like(s) for s in initial]
        state, saved = tuple(s[:0] for s in initial), []
        for t in order:
            state = resize(state, batch_sizes[t], initial, final)
            previous_output.narrow(0, starts[t], batch_sizes[t]).copy_(state[0])
            state, kept = cell.step(steps[t], F.linear(state[0], hidden_weight, hidden_bias), state)
            if output_weight is not None:
                state = (F.linear(state[0], output_weight), *state[1:])
            output.narrow(0, starts[t], batch_sizes[t]).copy_(state[0])
            saved.append(kept)
        resize(state, 0, initial, final)
        return output, previous_output, tuple(final), saved

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
        """Fills the gradients of the projected inputs and hiddens; returns those of the initial states."""
        order = range(len(batch_sizes))[::-1] if reverse else range(len(batch_sizes))
        grad_outputs = grad_output.split(batch_sizes)
        separate = grad_hidden_projected is not grad_projected
        grad_projected_steps = grad_projected.split(batch_sizes)
        grad_hidden_steps = grad_hidden_projected.split(batch_sizes)
        grad_initial = [torch.empty_like(g) for g in grad_final]
        grad_state = tuple(g[:0] for g in grad_final)
        for t, kept in zip(reversed(order), reversed(saved)):
            grad_state = resize(grad_state, batch_sizes[t], grad_final, grad_initial)
            upstream = (grad_state[0] + grad_outputs[t], *grad_state[1:])
            grad_input, grad_hidden, direct = cell.step_backward(kept, upstream)
            grad_projected_steps[t].copy_(grad_input)
            if separate:
                grad_hidden_steps[t].copy_(grad_hidden)
            through_hidden = grad_hidden @ hidden_weight
            grad_state = (through_hidden if direct[0] is None else through_hidden + direct[0], *direct[1:])
        resize(grad_state, 0, grad_final, grad_initial)
        return tuple(grad_initial)


class Scan(torch.autograd.Function):
    """A cell over all steps of packed data in one direction, with backpropagation through time by hand.

    The input projection is one product over all steps; the time loop (``CellLoop``, or ``fused.FusedLoop``
    where its kernels apply) runs only the hidden products and the cell's arithmetic. Each weight's
    gradient is one product over all steps.
    """

    @staticmethod
    def forward(ctx, cell, reverse, batch_sizes, data, input_weight, input_bias, hidden_weight, hidden_bias, *initial):
        projected = F.linear(data, input_weight, input_bias)
        loop = fused.FusedLoop if fused.applies(cell, data) else CellLoop
        output, previous_output, final, saved = loop.forward(
            cell, reverse, batch_sizes, projected, hidden_weight, hidden_bias, initial
        )
        ctx.save_for_backward(data, input_weight, input_bias, hidden_weight, hidden_bias, *initial)
        ctx.cell, ctx.reverse, ctx.batch_sizes, ctx.loop, ctx.saved = cell, reverse, batch_sizes, loop, saved
        ctx.previous_output, ctx.projected, ctx.has_bias = previous_output, projected, input_bias is not None
        return (output, *final)

    @staticmethod
    def backward(ctx, grad_output, *grad_final):
        if torch.is_grad_enabled() or transformed(grad_output, *grad_final):
            return Scan.autograd_backward(ctx, grad_output, grad_final)
        data, input_weight, _, hidden_weight, *_ = ctx.saved_tensors
        # The projection is not read again: its memory takes the gradient (a fresh buffer this size costs
        # page faults on every call).
        grad_projected = ctx.projected
        separate = not ctx.cell.hidden_gradient_is_input_gradient
        grad_hidden_projected = torch.empty_like(grad_projected) if separate else grad_projected
        grad_initial = ctx.loop.backward(
            ctx.cell,
            ctx.reverse,
            ctx.batch_sizes,
            ctx.saved,
            hidden_weight,
            ctx.previous_output,
            grad_output,
            grad_final,
            grad_projected,
            grad_hidden_projected,
        )
        # x.T @ g, then transposed: far faster than g.T @ x when x is narrow (a few input features). The
        # transposed product is copied into the weight's own layout, in which torch returns its gradients.
        grad_input_weight = laid_out_like((data.T @ grad_projected).T, input_weight)
        grad_hidden_weight = laid_out_like((ctx.previous_output.T @ grad_hidden_projected).T, hidden_weight)
        grad_input_bias = grad_projected.sum(0) if ctx.has_bias else None
        grad_hidden_bias = grad_hidden_projected.sum(0) if ctx.has_bias else None
        grad_data = grad_projected @ input_weight if ctx.needs_input_grad[3] else None
        return (
            None,
            None,
            None,
            grad_data,
            grad_input_weight,
            grad_input_bias,
            grad_hidden_weight,
            grad_hidden_bias,
            *grad_initial,
        )

    @staticmethod
    def autograd_backward(ctx, grad_output, grad_final):
        """The forward run again under autograd and differentiated, for what the backward above cannot do:
        build a graph of the gradients (``create_graph=True``, so that second derivatives are exact), or
        take gradients batched by vmap (gradcheck's ``check_batched_grad``, ``torch.func.vmap`` over a
        vjp), which can neither be written into the forward's buffers nor handed to the fused kernels."""
        create_graph = torch.is_grad_enabled()
        inputs = ctx.saved_tensors
        wanted = [index for index, needs in enumerate(ctx.needs_input_grad[3:]) if needs]
        data, input_weight, input_bias, hidden_weight, hidden_bias, *initial = inputs
        with torch.enable_grad():
            output, final = Unrolled.run(
                ctx.cell,
                ctx.reverse,
                ctx.batch_sizes,
                data,
                (input_weight, input_bias, hidden_weight, hidden_bias, None),
                tuple(initial),
            )
            grads = torch.autograd.grad(
                (output, *final),
                [inputs[index] for index in wanted],
                (grad_output, *grad_final),
                create_graph=create_graph,
                allow_unused=True,
            )
        result = [None] * len(inputs)
        for index, grad in zip(wanted, grads):
            result[index] = grad
        return (None, None, None, *result)


def transformed(*tensors: torch.Tensor) -> bool:
    """Whether any of ``tensors`` is one of torch.func's transforms' wrappers (vmap, grad, jvp and those
    built on them), or batched by autograd's own vmap (``is_grads_batched``, which gradcheck uses)."""
    return any(
        torch._C._functorch.is_functorch_wrapped_tensor(tensor) or torch._C._functorch.is_legacy_batchedtensor(tensor)
        for tensor in tensors
    )


def mapped_alike(data: torch.Tensor, weights: tuple, state: State) -> tuple[torch.Tensor, State]:
    """``data`` and ``state`` copied into tensors that vmap maps over wherever it maps over any of data,
    weights and state: the loop writes its states into buffers made like the data and the initial state,
    and vmap cannot write a mapped tensor into one it does not map over."""
    tensors = [data, *(weight for weight in weights if weight is not None), *state]
    # new_zeros of a mapped tensor is mapped: the sum is mapped wherever any of them is.
    anchor = sum(tensor.new_zeros(()) for tensor in tensors)

    def mapped(tensor: torch.Tensor) -> torch.Tensor:
        return anchor.new_empty(tensor.shape, dtype=tensor.dtype).copy_(tensor)

    return mapped(data), tuple(mapped(tensor) for tensor in state)


def laid_out_like(gradient: torch.Tensor, tensor: torch.Tensor) -> torch.Tensor:
    """``gradient`` with ``tensor``'s strides: the same values, copied where the layout differs."""
    if gradient.stride() == tensor.stride():
        return gradient
    return torch.empty_like(tensor).copy_(gradient)


class Unrolled:
    """The time loop under autograd, for what ``Scan`` does not cover: an output projection (the LSTM's
    proj_size), second derivatives, batched gradients and torch.func's transforms."""

    @staticmethod
    def run(cell, reverse, batch_sizes, data, weights, initial) -> tuple[torch.Tensor, State]:
        input_weight, input_bias, hidden_weight, hidden_bias, output_weight = weights
        projected = F.linear(data, input_weight, input_bias)
        output, _, final, _ = CellLoop.forward(
            cell, reverse, batch_sizes, projected, hidden_weight, hidden_bias, initial, output_weight
        )
        return output, final
