"""Recurrent cells with PyTorch's equations, built on ``nn.Linear``, each with its derivative.

A cell never runs a matrix product: its layer projects the inputs of all time steps at once through
``cell.input_proj``, each step's previous output through ``cell.hidden_proj``, and hands the cell one
step of both (an LSTM with ``proj_size`` also projects its output through ``cell.output_proj``, which its
layer applies). ``step`` is the gate arithmetic and ``step_backward`` its derivative, written out so that
the layer runs backpropagation through time itself and forms the hidden weights' gradient with one
matrix product over all steps, where autograd would form one per step. Every cell's state is a tuple
of tensors whose first element is the output ``h``, so layers treat all cells alike.
"""

import torch
from torch import nn

State = tuple[torch.Tensor, ...]
# What a step keeps for its backward: cell-specific tensors.
Saved = tuple[torch.Tensor, ...]
# The gradient of a state's tensors except through the hidden projection; None where there is none.
DirectGradient = tuple[torch.Tensor | None, ...]


def require_positive(name: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


class RecurrentCell(nn.Module):
    """Holds the two projections; ``gates`` hidden-sized blocks, in PyTorch's gate order."""

    gates: int = 1
    state_count: int = 1
    # Whether step_backward's projected-input and projected-hidden gradients are one tensor.
    hidden_gradient_is_input_gradient: bool = True

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device=None,
        dtype=None,
        output_size: int | None = None,
    ):
        super().__init__()
        require_positive("input_size", input_size)
        require_positive("hidden_size", hidden_size)
        self.input_size = input_size
        self.hidden_size = hidden_size
        # The size of h, what the cell passes on and feeds back: hidden_size unless an output projection shrinks it.
        self.output_size = output_size or hidden_size
        factory = {"device": device, "dtype": dtype}
        self.input_proj = nn.Linear(input_size, self.gates * hidden_size, bias=bias, **factory)
        self.hidden_proj = nn.Linear(self.output_size, self.gates * hidden_size, bias=bias, **factory)
        self.reset_parameters()

    @property
    def state_sizes(self) -> tuple[int, ...]:
        """The width of each tensor of the state: h first."""
        return (self.output_size,) + (self.hidden_size,) * (self.state_count - 1)

    def weights(self) -> tuple[torch.Tensor | None, ...]:
        """What a layer runs this cell with: input weight and bias, hidden weight and bias, output weight."""
        return self.input_proj.weight, self.input_proj.bias, self.hidden_proj.weight, self.hidden_proj.bias, None

    def reset_parameters(self) -> None:
        # PyTorch's recurrent init: every weight and bias uniform in +-1/sqrt(hidden_size).
        bound = self.hidden_size**-0.5
        for parameter in self.parameters():
            nn.init.uniform_(parameter, -bound, bound)

    def step(self, projected_input: torch.Tensor, projected_hidden: torch.Tensor, state: State) -> tuple[State, Saved]:
        """The next state from one step's projections and the previous state, and what the backward needs
        (never a view of ``projected_input``: the layer reuses that memory for gradients)."""
        raise NotImplementedError

    def step_backward(self, saved: Saved, grad_state: State) -> tuple[torch.Tensor, torch.Tensor, DirectGradient]:
        """From the gradient of a step's new state: those of its projected input, its projected hidden
        and its previous state (the part that does not pass through the projected hidden)."""
        raise NotImplementedError


class RNNCell(RecurrentCell):
    """h' = act(W_ih x + b_ih + W_hh h + b_hh) with act tanh or relu."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh", device=None, dtype=None
    ):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def step(self, projected_input, projected_hidden, state):
        pre_activation = projected_input + projected_hidden
        h = torch.tanh(pre_activation) if self.nonlinearity == "tanh" else torch.relu(pre_activation)
        return (h,), (h,)

    def step_backward(self, saved, grad_state):
        ((h,), (grad_h,)) = saved, grad_state
        grad = grad_h * (1 - h * h) if self.nonlinearity == "tanh" else grad_h * (h > 0)
        return grad, grad, (None,)


class GRUCell(RecurrentCell):
    """PyTorch's GRU: the reset gate scales ``W_hn h + b_hn``, not ``h``."""

    gates = 3
    hidden_gradient_is_input_gradient = False

    def step(self, projected_input, projected_hidden, state):
        (h,) = state
        input_rz, input_n = projected_input.split([2 * self.hidden_size, self.hidden_size], 1)
        hidden_rz, hidden_n = projected_hidden.split([2 * self.hidden_size, self.hidden_size], 1)
        rz = torch.sigmoid(input_rz + hidden_rz)
        r, z = rz.chunk(2, 1)
        n = torch.tanh(input_n + r * hidden_n)
        # (1 - z) * n + z * h, one operation shorter.
        return (n + z * (h - n),), (rz, n, hidden_n, h)

    def step_backward(self, saved, grad_state):
        rz, n, hidden_n, h = saved
        (grad_h,) = grad_state
        r, z = rz.chunk(2, 1)
        grad_input_n = grad_h * (1 - z) * (1 - n * n)
        grad_rz = torch.cat([grad_input_n * hidden_n, grad_h * (h - n)], 1) * rz * (1 - rz)
        grad_input = torch.cat([grad_rz, grad_input_n], 1)
        grad_hidden = torch.cat([grad_rz, grad_input_n * r], 1)
        return grad_input, grad_hidden, (grad_h * z,)


class LSTMCell(RecurrentCell):
    """PyTorch's LSTM with gates in the order input, forget, cell, output; with ``proj_size``, h is
    ``output_proj`` of what it would be (the cell state keeps hidden_size)."""

    gates = 4
    state_count = 2

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, proj_size: int = 0, device=None, dtype=None
    ):
        super().__init__(input_size, hidden_size, bias, device, dtype, output_size=proj_size or None)
        self.output_proj = (
            nn.Linear(hidden_size, proj_size, bias=False, device=device, dtype=dtype) if proj_size else None
        )
        if proj_size:
            self.reset_parameters()

    def weights(self) -> tuple[torch.Tensor | None, ...]:
        return *super().weights()[:4], None if self.output_proj is None else self.output_proj.weight

    def step(self, projected_input, projected_hidden, state):
        _, c = state
        i, f, g, o = (projected_input + projected_hidden).chunk(4, 1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c_next = f * c + i * g
        tanh_c = torch.tanh(c_next)
        return (o * tanh_c, c_next), (i, f, g, o, c, tanh_c)

    def step_backward(self, saved, grad_state):
        i, f, g, o, c, tanh_c = saved
        grad_h, grad_c = grad_state
        grad_c = grad_c + grad_h * o * (1 - tanh_c * tanh_c)
        grad_gates = torch.cat(
            [
                grad_c * g * i * (1 - i),
                grad_c * c * f * (1 - f),
                grad_c * i * (1 - g * g),
                grad_h * tanh_c * o * (1 - o),
            ],
            1,
        )
        return grad_gates, grad_gates, (None, grad_c * f)
