"""Drop-in counterparts of ``torch.nn.RNN``, ``torch.nn.GRU`` and ``torch.nn.LSTM``.

Each takes torch's constructor arguments in torch's order and checks them as torch does, raises torch's
exception types, and holds its weights under torch's names (``weight_ih_l0``, ``bias_hh_l1_reverse``,
``weight_hr_l0``): the very Parameters of its cells' ``nn.Linear`` layers, registered a second time, not
copied. The forward reads the weights by those names, so a torch state_dict loads as is and
``weight_norm``, ``parametrize`` or ``torch.func.functional_call`` act by name.
"""

import inspect
import math
import numbers
import warnings

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from rnnlab.nn.cells import GRUCell, LSTMCell, RecurrentCell, RNNCell, State
from rnnlab.nn.layers import Layer, ReverseLayer, Stacked

Hidden = torch.Tensor | tuple[torch.Tensor, ...]
# Torch's name of each weight a cell runs with, in ``RecurrentCell.weights()`` order.
WEIGHT_SLOTS = ("weight_ih", "bias_ih", "weight_hh", "bias_hh", "weight_hr")
# Where each slot's Parameter lives in a cell.
SLOT_HOMES = {
    "weight_ih": ("input_proj", "weight"),
    "bias_ih": ("input_proj", "bias"),
    "weight_hh": ("hidden_proj", "weight"),
    "bias_hh": ("hidden_proj", "bias"),
    "weight_hr": ("output_proj", "weight"),
}
# Torch's order of registration, which reset_parameters follows: the same seed gives torch's weights.
TORCH_ORDER = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")


def check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size) -> None:
    """torch.nn.RNNBase's checks, messages and exception types."""
    if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
        raise ValueError(
            "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
        )
    if dropout > 0 and num_layers == 1:
        warnings.warn(
            "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
            f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
            stacklevel=4,
        )
    for name, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


class Recurrent(nn.Module):
    """torch's ``forward(input, hx=None)`` contract, shapes and batch order; subclasses give torch's
    constructor signature."""

    torch_class: type[nn.RNNBase]
    cell_class: type[RecurrentCell]

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers,
        bias,
        batch_first,
        dropout,
        bidirectional,
        device,
        dtype,
        proj_size=0,
        **cell_options,
    ):
        super().__init__()
        check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.bidirectional, self.proj_size = bias, batch_first, bidirectional, proj_size
        self.num_directions = 2 if bidirectional else 1
        directions = [Layer, ReverseLayer][: self.num_directions]
        if proj_size:
            cell_options["proj_size"] = proj_size
        # Built without drawing random numbers (reset_parameters draws them in torch's order), then placed.
        self.stack = Stacked(
            [
                [
                    direction(
                        self.cell_class(
                            self.level_input_size(level), hidden_size, bias, **cell_options, device="meta", dtype=dtype
                        )
                    )
                    for direction in directions
                ]
                for level in range(num_layers)
            ],
        ).to_empty(device=torch.get_default_device() if device is None else device)
        self.dropout = float(dropout)
        # name -> (Linear, its attribute): where each torch-named weight also lives.
        self._homes: dict[str, tuple[nn.Module, str]] = {}
        self._cell_weight_names: list[tuple[str | None, ...]] = []
        # torch's names per layer and direction, in its order (torch code reads _flat_weights_names).
        self._all_weights: list[list[str]] = []
        for index, cell in enumerate(self.cells()):
            suffix = f"_l{index // self.num_directions}" + ("_reverse" if index % self.num_directions else "")
            names = {slot: slot + suffix for slot, weight in zip(WEIGHT_SLOTS, cell.weights()) if weight is not None}
            self._all_weights.append([names[slot] for slot in TORCH_ORDER if slot in names])
            for slot in TORCH_ORDER:
                if slot in names:
                    module_name, attribute = SLOT_HOMES[slot]
                    home = getattr(cell, module_name)
                    self.register_parameter(names[slot], getattr(home, attribute))
                    self._homes[names[slot]] = (home, attribute)
            self._cell_weight_names.append(tuple(names.get(slot) for slot in WEIGHT_SLOTS))
        self._flat_weights_names = [name for names in self._all_weights for name in names]
        self.register_state_dict_post_hook(_without_cell_copies)
        self.register_load_state_dict_pre_hook(_with_cell_copies)
        self.reset_parameters()

    @property
    def dropout(self) -> float:
        return self.stack.dropout

    @dropout.setter
    def dropout(self, value: float) -> None:
        self.stack.dropout = value

    def __setattr__(self, name, value) -> None:
        super().__setattr__(name, value)
        self._follow(name, value if isinstance(value, nn.Parameter) else None)

    def __delattr__(self, name) -> None:
        super().__delattr__(name)
        self._follow(name, None)

    def _follow(self, name: str, parameter: nn.Parameter | None) -> None:
        """The cell's Linear holds the torch-named Parameter, or none while the name holds a computed tensor
        (weight_norm, parametrize), so that no Parameter is left that the forward does not read."""
        home = self.__dict__.get("_homes", {}).get(name)
        if home is not None:
            home[0].register_parameter(home[1], parameter)

    def _apply(self, fn, recurse=True):
        # A conversion that makes new Parameters (to_empty, or torch.__future__'s overwrite) makes one for
        # each home: the cells' Linear layers take the torch-named one again.
        result = super()._apply(fn, recurse)
        for name in self._homes:
            self._follow(name, self._parameters.get(name))
        return result

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    @property
    def _flat_weights(self) -> list[torch.Tensor | None]:
        """The weights the forward reads, in torch's order (what code written for torch's modules uses)."""
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[torch.Tensor]]:
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """Nothing to do: torch compacts its weights into one buffer for cuDNN; ours are read in place."""

    def level_input_size(self, level: int) -> int:
        return self.input_size if level == 0 else (self.proj_size or self.hidden_size) * self.num_directions

    def cells(self) -> list[RecurrentCell]:
        """In PyTorch's order: layer by layer, forward direction before reverse."""
        return [direction.cell for directions in self.stack.levels for direction in directions]

    def forward(self, input: PackedSequence | torch.Tensor, hx: Hidden | None = None):
        packed = isinstance(input, PackedSequence)
        unbatched = not packed and input.dim() == 2
        if packed:
            data, batch_sizes = input.data, input.batch_sizes.tolist()
        else:
            if input.dim() not in (2, 3):
                raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D instead")
            padded = input.unsqueeze(1) if unbatched else input.transpose(0, 1) if self.batch_first else input
            steps, batch = padded.shape[:2]
            if steps == 0:
                raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
            data, batch_sizes = padded.reshape(steps * batch, padded.shape[-1]), [batch] * steps
        weights = [tuple(name and getattr(self, name) for name in names) for names in self._cell_weight_names]
        self.check_input(data, weights[0][0])
        states = self.initial_states(hx, data, batch_sizes[0], input.sorted_indices if packed else None, unbatched)
        output, finals = self.stack(data, batch_sizes, states, weights)
        h_n = tuple(torch.stack(parts) for parts in zip(*finals))
        if packed:
            if input.unsorted_indices is not None:
                h_n = tuple(h.index_select(1, input.unsorted_indices) for h in h_n)
            output = PackedSequence(output, input.batch_sizes, input.sorted_indices, input.unsorted_indices)
        else:
            output = output.view(len(batch_sizes), batch_sizes[0], output.shape[-1])
            output = output.squeeze(1) if unbatched else output.transpose(0, 1) if self.batch_first else output
            if unbatched:
                h_n = tuple(h.squeeze(1) for h in h_n)
        return output, self.pack_hidden(h_n)

    def check_input(self, data: torch.Tensor, weight: torch.Tensor) -> None:
        if data.dtype != weight.dtype and not torch.is_autocast_enabled(data.device.type):
            raise ValueError(
                f"RNN input dtype ({data.dtype}) does not match weight dtype ({weight.dtype}). "
                f"Convert input: input.to({weight.dtype}), or convert model: model.to({data.dtype})"
            )
        if data.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {data.shape[-1]}"
            )

    def initial_states(
        self, hx: Hidden | None, data: torch.Tensor, batch: int, sorted_indices: torch.Tensor | None, unbatched: bool
    ) -> list[State]:
        """Per direction state tuples from ``hx``, rows in the packed (length-sorted) order."""
        count = self.num_layers * self.num_directions
        sizes = self.cells()[0].state_sizes
        if hx is None:
            parts = tuple(data.new_zeros(count, batch, size) for size in sizes)
        else:
            parts = tuple(hx) if isinstance(hx, (tuple, list)) else (hx,)
            if len(parts) != len(sizes):
                raise RuntimeError(f"{type(self).__name__} expects hx as {len(sizes)} tensor(s), got {len(parts)}")
            dims = 2 if unbatched else 3
            if any(h.dim() != dims for h in parts):
                found = ", ".join(f"{h.dim()}-D" for h in parts)
                kind = "unbatched 2-D" if unbatched else "batched 3-D"
                raise RuntimeError(f"For {kind} input, hx should also be {dims}-D but got ({found}) tensor(s)")
            if unbatched:
                parts = tuple(h.unsqueeze(1) for h in parts)
            for index, (h, size) in enumerate(zip(parts, sizes)):
                expected = (count, batch, size)
                if tuple(h.shape) != expected:
                    which = f"hidden[{index}] size" if len(sizes) > 1 else "hidden size"
                    raise RuntimeError(f"Expected {which} {expected}, got {list(h.shape)}")
            if sorted_indices is not None:
                parts = tuple(h.index_select(1, sorted_indices) for h in parts)
        return [tuple(h[index] for h in parts) for index in range(count)]

    def pack_hidden(self, h_n: State) -> Hidden:
        return h_n[0]

    def last_layer_states(self, hidden: Hidden) -> torch.Tensor:
        """The top layer's final ``h`` of every direction side by side: (batch, directions * output size)."""
        h_n = hidden[0] if isinstance(hidden, tuple) else hidden
        return torch.cat(list(h_n[-self.num_directions :]), dim=1)

    @classmethod
    def from_torch(cls, module: nn.RNNBase) -> "Recurrent":
        """Our layer with ``module``'s settings and a copy of its weights, on its device and dtype."""
        if not isinstance(module, cls.torch_class):
            raise ValueError(f"module must be a {cls.torch_class.__name__}, got {type(module).__name__}")
        names = [name for name in inspect.signature(cls.__init__).parameters if name not in ("self", "device", "dtype")]
        weight = module.weight_ih_l0
        ours = cls(**{name: getattr(module, name) for name in names}, device=weight.device, dtype=weight.dtype)
        ours.load_state_dict(module.state_dict())
        return ours


def _without_cell_copies(module: Recurrent, state_dict: dict, prefix: str, local_metadata) -> None:
    """A state_dict under torch's names only: the cells' Linear layers hold the same Parameters."""
    for key in [key for key in state_dict if key.startswith(prefix + "stack.")]:
        del state_dict[key]


def _with_cell_copies(module: Recurrent, state_dict: dict, prefix: str, *rest) -> None:
    """Loading a torch-named state_dict: each weight's entry also under its cell's name (the same Parameter,
    filled twice), so that the cells report nothing missing."""
    cell_names = {id(parameter): name for name, parameter in module.stack.named_parameters(remove_duplicate=False)}
    for name in module._homes:
        parameter = module._parameters.get(name)
        if prefix + name in state_dict and parameter is not None and id(parameter) in cell_names:
            state_dict[f"{prefix}stack.{cell_names[id(parameter)]}"] = state_dict[prefix + name]


def refuse_projection(proj_size: int) -> None:
    if proj_size:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")


class RNN(Recurrent):
    torch_class = nn.RNN
    cell_class = RNNCell

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        nonlinearity="tanh",
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        device=None,
        dtype=None,
        *,
        proj_size=0,
    ):
        refuse_projection(proj_size)
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device,
            dtype,
            nonlinearity=nonlinearity,
        )
        self.nonlinearity = nonlinearity


class GRU(Recurrent):
    torch_class = nn.GRU
    cell_class = GRUCell

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        device=None,
        dtype=None,
        *,
        proj_size=0,
    ):
        refuse_projection(proj_size)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype)


class LSTM(Recurrent):
    torch_class = nn.LSTM
    cell_class = LSTMCell

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        proj_size=0,
        device=None,
        dtype=None,
    ):
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype, proj_size
        )

    def pack_hidden(self, h_n: State) -> Hidden:
        return h_n


def network(name: str, input_size: int, hidden_size: int, num_layers: int, dropout: float) -> Recurrent:
    """The named network over batch-first input, with dropout between layers when there are several: "rnn",
    "gru" or "lstm", reading both directions with "bi" before the name (the names a model section may give
    are rnnlab.config.NETWORKS)."""
    bidirectional = name.startswith("bi")
    cls = {"rnn": RNN, "gru": GRU, "lstm": LSTM}[name.removeprefix("bi")]
    return cls(
        input_size,
        hidden_size,
        num_layers=num_layers,
        dropout=dropout if num_layers > 1 else 0.0,
        bidirectional=bidirectional,
        batch_first=True,
    )
