"""Running a cell over packed data: one direction in time, then directions and layers composed.

Packed data is ``(data, batch_sizes)`` as in ``PackedSequence``: the rows of all time steps,
time-major, sequences sorted longest first, so step t holds the first ``batch_sizes[t]`` sequences.
Sequences that end are dropped by shrinking the batch (forward) or joined by growing it (reverse):
no per-step gathers or scatters.
"""
import torch
from torch import nn
from torch.nn import functional as F

from rnnlab.nn.cells import RecurrentCell, State


class Layer(nn.Module):
    """Runs a cell forward in time; the final state of each sequence is taken at its own last step."""

    def __init__(self, cell: RecurrentCell):
        super().__init__()
        self.cell = cell

    def forward(self, data: torch.Tensor, batch_sizes: list[int], state: State) -> tuple[torch.Tensor, State]:
        # torch.split, not slicing in a loop: the backward of many slices of one tensor is quadratic.
        steps = torch.split(self.cell.input_proj(data), batch_sizes)
        outputs, finished = [], []
        for projected_input in steps:
            batch = projected_input.shape[0]
            if batch < state[0].shape[0]:
                finished.append(tuple(s[batch:] for s in state))
                state = tuple(s[:batch] for s in state)
            state = self.cell(projected_input, state)
            outputs.append(state[0])
        # Sequences that ended later sit at lower batch rows.
        final = tuple(torch.cat([s, *parts[::-1]]) for s, *parts in zip(state, *finished))
        return torch.cat(outputs), final


class ReverseLayer(Layer):
    """Runs a cell backward in time, each sequence starting from its own last step."""

    def forward(self, data: torch.Tensor, batch_sizes: list[int], state: State) -> tuple[torch.Tensor, State]:
        steps = torch.split(self.cell.input_proj(data), batch_sizes)
        initial, state = state, tuple(s[: batch_sizes[-1]] for s in state)
        outputs = []
        for projected_input in reversed(steps):
            batch, running = projected_input.shape[0], state[0].shape[0]
            if batch > running:
                state = tuple(torch.cat([s, s0[running:batch]]) for s, s0 in zip(state, initial))
            state = self.cell(projected_input, state)
            outputs.append(state[0])
        return torch.cat(outputs[::-1]), state


class Stacked(nn.Module):
    """Levels one above the other, each a list of directions (``Layer`` and/or ``ReverseLayer``) over
    the same input with outputs concatenated feature-wise; dropout between levels in training mode.

    States are indexed ``level * directions + direction``, PyTorch's layout of ``h_n``.
    """

    def __init__(self, levels: list[list[Layer]], dropout: float = 0.0):
        super().__init__()
        self.levels = nn.ModuleList(nn.ModuleList(directions) for directions in levels)
        self.dropout = dropout

    def forward(self, data: torch.Tensor, batch_sizes: list[int], states: list[State]) -> tuple[torch.Tensor, list[State]]:
        finals: list[State] = []
        for index, directions in enumerate(self.levels):
            if index > 0:
                data = F.dropout(data, self.dropout, self.training)
            results = [
                direction(data, batch_sizes, states[len(finals) + offset])
                for offset, direction in enumerate(directions)
            ]
            data = torch.cat([output for output, _ in results], 1)
            finals.extend(final for _, final in results)
        return data, finals
