"""A cell over packed data, composed: one direction in time (``Layer``, ``ReverseLayer``, each a time loop of
``rnnlab.nn.loops``), then directions and layers stacked (``Stacked``)."""

import torch
from torch import nn
from torch.nn import functional as F

from rnnlab.nn.cells import RecurrentCell, State
from rnnlab.nn.loops import Scan, Unrolled, mapped_alike, transformed


class Layer(nn.Module):
    """Runs a cell forward in time; the final state of each sequence is taken at its own last step."""

    reverse = False

    def __init__(self, cell: RecurrentCell):
        super().__init__()
        self.cell = cell

    def forward(
        self, data: torch.Tensor, batch_sizes: list[int], state: State, weights: tuple | None = None
    ) -> tuple[torch.Tensor, State]:
        """``weights`` as ``cell.weights()`` orders them; the cell's own by default (a module holding the
        layer may hold them under other names, or compute them: weight_norm, parametrize)."""
        weights = weights or self.cell.weights()
        # torch.func's transforms take autograd's own operations, which the unrolled loop is made of.
        if transformed(data, *(weight for weight in weights if weight is not None), *state):
            data, state = mapped_alike(data, weights, state)
            return Unrolled.run(self.cell, self.reverse, batch_sizes, data, weights, state)
        if weights[4] is not None:
            return Unrolled.run(self.cell, self.reverse, batch_sizes, data, weights, state)
        output, *final = Scan.apply(self.cell, self.reverse, batch_sizes, data, *weights[:4], *state)
        return output, tuple(final)


class ReverseLayer(Layer):
    """Runs a cell backward in time, each sequence starting from its own last step."""

    reverse = True


class Stacked(nn.Module):
    """Levels one above the other, each a list of directions (``Layer`` and/or ``ReverseLayer``) over
    the same input with outputs concatenated feature-wise; dropout between levels in training mode.

    States are indexed ``level * directions + direction``, PyTorch's layout of ``h_n``.
    """

    def __init__(self, levels: list[list[Layer]], dropout: float = 0.0):
        super().__init__()
        self.levels = nn.ModuleList(nn.ModuleList(directions) for directions in levels)
        self.dropout = dropout

    def forward(
        self, data: torch.Tensor, batch_sizes: list[int], states: list[State], weights: list[tuple] | None = None
    ) -> tuple[torch.Tensor, list[State]]:
        """``weights``: each direction's, in the order of ``states``; the cells' own by default."""
        finals: list[State] = []
        for index, directions in enumerate(self.levels):
            if index > 0:
                data = F.dropout(data, self.dropout, self.training)
            results = [
                direction(data, batch_sizes, states[len(finals) + offset], weights and weights[len(finals) + offset])
                for offset, direction in enumerate(directions)
            ]
            data = torch.cat([output for output, _ in results], 1)
            finals.extend(final for _, final in results)
        return data, finals
