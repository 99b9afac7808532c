"""The project's own recurrent networks, exact counterparts of PyTorch's."""

from rnnlab.nn.cells import GRUCell, LSTMCell, RNNCell
from rnnlab.nn.layers import Layer, ReverseLayer, Stacked
from rnnlab.nn.recurrent import GRU, LSTM, RNN, Recurrent, network

__all__ = [
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "Layer",
    "RNN",
    "RNNCell",
    "Recurrent",
    "ReverseLayer",
    "Stacked",
    "network",
]
