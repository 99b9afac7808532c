"""Drop-in counterparts of ``torch.nn.RNN``, ``torch.nn.GRU`` and ``torch.nn.LSTM``."""
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from rnnlab.nn.cells import GRUCell, LSTMCell, RecurrentCell, RNNCell, State, require_positive
from rnnlab.nn.layers import Layer, ReverseLayer, Stacked

Hidden = torch.Tensor | tuple[torch.Tensor, ...]


class Recurrent(nn.Module):
    """Same constructor arguments, ``forward(input, hx=None)`` contract, shapes and batch order as PyTorch's."""

    torch_class: type[nn.RNNBase]
    cell_class: type[RecurrentCell]

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        **cell_options,
    ):
        super().__init__()
        require_positive("input_size", input_size)
        require_positive("hidden_size", hidden_size)
        require_positive("num_layers", num_layers)
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout must be between 0 and 1, got {dropout!r}")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.num_directions = 2 if bidirectional else 1
        directions = [Layer, ReverseLayer][: self.num_directions]
        self.stack = Stacked(
            [
                [
                    direction(self.cell_class(self.level_input_size(level), hidden_size, bias, **cell_options))
                    for direction in directions
                ]
                for level in range(num_layers)
            ],
            dropout,
        )

    def level_input_size(self, level: int) -> int:
        return self.input_size if level == 0 else self.hidden_size * self.num_directions

    def cells(self) -> list[RecurrentCell]:
        """In PyTorch's order: layer by layer, forward direction before reverse."""
        return [direction.cell for directions in self.stack.levels for direction in directions]

    def torch_named_parameters(self) -> dict[str, nn.Parameter]:
        """Our parameters under PyTorch's names (``weight_ih_l0``, ``bias_hh_l1_reverse``, ...)."""
        named = {}
        for index, cell in enumerate(self.cells()):
            suffix = f"l{index // self.num_directions}" + ("_reverse" if index % self.num_directions else "")
            named[f"weight_ih_{suffix}"] = cell.input_proj.weight
            named[f"weight_hh_{suffix}"] = cell.hidden_proj.weight
            if self.bias:
                named[f"bias_ih_{suffix}"] = cell.input_proj.bias
                named[f"bias_hh_{suffix}"] = cell.hidden_proj.bias
        return named

    def forward(self, input: PackedSequence | torch.Tensor, hx: Hidden | None = None):
        packed = isinstance(input, PackedSequence)
        unbatched = not packed and input.dim() == 2
        if packed:
            data, batch_sizes = input.data, input.batch_sizes.tolist()
        else:
            if input.dim() not in (2, 3):
                raise ValueError(f"input must be a PackedSequence or a 2-D or 3-D tensor, got {input.dim()}-D")
            padded = input.unsqueeze(1) if unbatched else input.transpose(0, 1) if self.batch_first else input
            steps, batch = padded.shape[:2]
            data, batch_sizes = padded.reshape(steps * batch, -1), [batch] * steps
        if data.shape[-1] != self.input_size:
            raise ValueError(f"input feature size must be input_size={self.input_size}, got {data.shape[-1]}")

        states = self.initial_states(hx, data, batch_sizes[0], input.sorted_indices if packed else None, unbatched)
        output, finals = self.stack(data, batch_sizes, states)
        h_n = tuple(torch.stack(parts) for parts in zip(*finals))
        if packed:
            if input.unsorted_indices is not None:
                h_n = tuple(h.index_select(1, input.unsorted_indices) for h in h_n)
            output = PackedSequence(output, input.batch_sizes, input.sorted_indices, input.unsorted_indices)
        else:
            output = output.view(len(batch_sizes), batch_sizes[0], -1)
            output = output.squeeze(1) if unbatched else output.transpose(0, 1) if self.batch_first else output
            if unbatched:
                h_n = tuple(h.squeeze(1) for h in h_n)
        return output, self.pack_hidden(h_n)

    def initial_states(
        self, hx: Hidden | None, data: torch.Tensor, batch: int, sorted_indices: torch.Tensor | None, unbatched: bool
    ) -> list[State]:
        """Per direction state tuples from ``hx``, rows in the packed (length-sorted) order."""
        count = self.num_layers * self.num_directions
        state_count = self.cells()[0].state_count
        if hx is None:
            zeros = data.new_zeros(count, batch, self.hidden_size)
            parts = (zeros,) * state_count
        else:
            parts = tuple(hx) if isinstance(hx, tuple) else (hx,)
            if len(parts) != state_count:
                raise ValueError(f"hx must hold {state_count} tensor(s) for {type(self).__name__}, got {len(parts)}")
            if unbatched:
                parts = tuple(h.unsqueeze(1) for h in parts)
            expected = (count, batch, self.hidden_size)
            for h in parts:
                if tuple(h.shape) != expected:
                    raise ValueError(f"hx must have shape {expected}, got {tuple(h.shape)}")
            if sorted_indices is not None:
                parts = tuple(h.index_select(1, sorted_indices) for h in parts)
        return [tuple(h[index] for h in parts) for index in range(count)]

    def pack_hidden(self, h_n: State) -> Hidden:
        return h_n[0]

    def last_layer_states(self, hidden: Hidden) -> torch.Tensor:
        """The top layer's final ``h`` of every direction side by side: (batch, directions * hidden_size)."""
        h_n = hidden[0] if isinstance(hidden, tuple) else hidden
        return torch.cat(list(h_n[-self.num_directions :]), dim=1)

    @classmethod
    def from_torch(cls, module: nn.RNNBase) -> "Recurrent":
        """Our layer holding a copy of ``module``'s weights, on its device and dtype."""
        if not isinstance(module, cls.torch_class):
            raise ValueError(f"module must be a {cls.torch_class.__name__}, got {type(module).__name__}")
        if getattr(module, "proj_size", 0):
            raise ValueError(f"proj_size must be 0, got {module.proj_size}")
        options = {"nonlinearity": module.nonlinearity} if module.mode.startswith("RNN") else {}
        ours = cls(
            module.input_size,
            module.hidden_size,
            module.num_layers,
            module.bias,
            module.batch_first,
            module.dropout,
            module.bidirectional,
            **options,
        )
        reference = dict(module.named_parameters())
        ours.to(device=reference["weight_ih_l0"].device, dtype=reference["weight_ih_l0"].dtype)
        with torch.no_grad():
            for name, parameter in ours.torch_named_parameters().items():
                parameter.copy_(reference[name])
        return ours


class RNN(Recurrent):
    torch_class = nn.RNN
    cell_class = RNNCell

    def __init__(self, *args, nonlinearity: str = "tanh", **kwargs):
        super().__init__(*args, nonlinearity=nonlinearity, **kwargs)
        self.nonlinearity = nonlinearity


class GRU(Recurrent):
    torch_class = nn.GRU
    cell_class = GRUCell


class LSTM(Recurrent):
    torch_class = nn.LSTM
    cell_class = LSTMCell

    def pack_hidden(self, h_n: State) -> Hidden:
        return h_n


# The networks the pipelines train, by model name: class and whether it reads both directions.
NETWORKS: dict[str, tuple[type[Recurrent], bool]] = {
    "rnn": (RNN, False),
    "gru": (GRU, False),
    "lstm": (LSTM, False),
    "bilstm": (LSTM, True),
}


def network(name: str, input_size: int, hidden_size: int, num_layers: int, dropout: float) -> Recurrent:
    """The named network over batch-first input, with dropout between layers when there are several."""
    cls, bidirectional = NETWORKS[name]
    return cls(
        input_size,
        hidden_size,
        num_layers=num_layers,
        dropout=dropout if num_layers > 1 else 0.0,
        bidirectional=bidirectional,
        batch_first=True,
    )
