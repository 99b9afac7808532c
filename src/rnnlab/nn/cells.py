"""Recurrent cells with PyTorch's equations, built on ``nn.Linear``.

A cell never sees raw inputs: its layer projects the inputs of all time steps at once through
``cell.input_proj`` and hands the cell one step of that projection. Per step a cell only does the
hidden-to-hidden product and the gate arithmetic. Every cell's state is a tuple of tensors whose
first element is the output ``h``, so layers treat all cells alike.
"""
import torch
from torch import nn

State = tuple[torch.Tensor, ...]


def require_positive(name: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


class RecurrentCell(nn.Module):
    """Holds the two projections; ``gates`` hidden-sized blocks, in PyTorch's gate order."""

    gates: int = 1
    state_count: int = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True):
        super().__init__()
        require_positive("input_size", input_size)
        require_positive("hidden_size", hidden_size)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.input_proj = nn.Linear(input_size, self.gates * hidden_size, bias=bias)
        self.hidden_proj = nn.Linear(hidden_size, self.gates * hidden_size, bias=bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # PyTorch's recurrent init: every weight and bias uniform in +-1/sqrt(hidden_size).
        bound = self.hidden_size**-0.5
        for parameter in self.parameters():
            nn.init.uniform_(parameter, -bound, bound)


class RNNCell(RecurrentCell):
    """h' = act(W_ih x + b_ih + W_hh h + b_hh) with act tanh or relu."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh"):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias)
        self.nonlinearity = nonlinearity
        self.activation = torch.tanh if nonlinearity == "tanh" else torch.relu

    def forward(self, projected_input: torch.Tensor, state: State) -> State:
        (h,) = state
        return (self.activation(projected_input + self.hidden_proj(h)),)


class GRUCell(RecurrentCell):
    """PyTorch's GRU: the reset gate scales ``W_hn h + b_hn``, not ``h``."""

    gates = 3

    def forward(self, projected_input: torch.Tensor, state: State) -> State:
        (h,) = state
        input_rz, input_n = projected_input.split([2 * self.hidden_size, self.hidden_size], 1)
        hidden_rz, hidden_n = self.hidden_proj(h).split([2 * self.hidden_size, self.hidden_size], 1)
        r, z = torch.sigmoid(input_rz + hidden_rz).chunk(2, 1)
        n = torch.tanh(input_n + r * hidden_n)
        # (1 - z) * n + z * h, one operation shorter.
        return (n + z * (h - n),)


class LSTMCell(RecurrentCell):
    """PyTorch's LSTM with gates in the order input, forget, cell, output."""

    gates = 4
    state_count = 2

    def forward(self, projected_input: torch.Tensor, state: State) -> State:
        h, c = state
        gates = projected_input + self.hidden_proj(h)
        i, f, g, o = gates.chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c
