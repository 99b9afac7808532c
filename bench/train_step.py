"""One training step of the project's own models, ours against the same model on torch.nn's cells.

    python bench/train_step.py [--repeats 20] [--device cpu|cuda] [--tf32 on|off]

A step is what ``training.fit`` runs per batch: forward, loss, backward, gradient clipping, fused AdamW.
text: the review classifier with one member (68,496-word and 5,000-character embeddings of 100, hidden
128, max+mean pooling), batches of 64 random reviews with lengths drawn from 8..128. forecast: the
Forecaster (hidden 64), batches of 64 random windows of 720 steps x 7 features, 288 targets. For torch,
the same model with its recurrent network replaced by ``torch.nn``'s carrying the same weights.
Prints one Markdown table: median milliseconds after warm-up, and ours/torch.
"""
import copy
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from cells import describe, median_ms, timing_arguments
from rnnlab.forecast.model import ForecastConfig, Forecaster
from rnnlab.nn import NETWORKS, Recurrent
from rnnlab.text.model import ClassifierConfig, TextClassifier
from rnnlab.training import TrainConfig, optimizer_for, train_step


class TorchNetwork(nn.Module):
    """torch.nn's counterpart of one of our networks, with its weights and our ``last_layer_states``."""

    def __init__(self, ours: Recurrent):
        super().__init__()
        options = {"nonlinearity": ours.nonlinearity} if hasattr(ours, "nonlinearity") else {}
        self.network = ours.torch_class(
            ours.input_size, ours.hidden_size, num_layers=ours.num_layers, bias=ours.bias,
            batch_first=ours.batch_first, dropout=ours.dropout, bidirectional=ours.bidirectional, **options,
        ).to(next(ours.parameters()).device)
        with torch.no_grad():
            for name, parameter in ours.torch_named_parameters().items():
                getattr(self.network, name).copy_(parameter)
        self.num_directions = ours.num_directions

    def forward(self, *args):
        return self.network(*args)

    last_layer_states = Recurrent.last_layer_states


def on_torch_cells(model: nn.Module) -> nn.Module:
    twin = copy.deepcopy(model)
    for module in list(twin.modules()):
        if isinstance(getattr(module, "recurrent", None), Recurrent):
            module.recurrent = TorchNetwork(module.recurrent)
    return twin


VOCABULARY = 68_496


def text_model(cell: str, device: torch.device, generator: torch.Generator) -> nn.Module:
    config = ClassifierConfig(cell=cell, vocab_size=VOCABULARY, embedding_dim=100, classes=10,
                              character_vocab_size=5_000, chars_per_word=4)
    words = torch.randint(1, 5_000, (config.vocab_size, config.chars_per_word), generator=generator)
    return TextClassifier(config, word_characters=words).to(device)


def text_batch(device: torch.device, generator: torch.Generator):
    lengths = torch.randint(8, 129, (64,), generator=generator)
    ids = torch.randint(2, VOCABULARY, (64, int(lengths.max())), generator=generator)
    ids = ids.masked_fill(torch.arange(ids.shape[1]) >= lengths[:, None], 0).to(device)
    return ids, lengths, torch.randint(0, 10, (64,), generator=generator).to(device)


def forecast_model(cell: str, device: torch.device, generator: torch.Generator) -> nn.Module:
    return Forecaster(ForecastConfig(cell=cell, features=7, target_steps=288, target_feature=1, dropout=0.2)).to(device)


def forecast_batch(device: torch.device, generator: torch.Generator):
    return torch.randn(64, 720, 7, generator=generator).to(device), torch.randn(64, 288, generator=generator).to(device)


@dataclass(frozen=True)
class Task:
    model: Callable[[str, torch.device, torch.Generator], nn.Module]
    batch: Callable[[torch.device, torch.Generator], tuple]
    loss: Callable[[nn.Module, tuple], torch.Tensor]


TASKS = {
    "text": Task(text_model, text_batch, lambda m, b: F.nll_loss(m(b[0], b[1]), b[2])),
    "forecast": Task(forecast_model, forecast_batch, lambda m, b: F.mse_loss(m(b[0]), b[1])),
}


def time_training(model, batch, loss, device, repeats) -> float:
    optimizer = optimizer_for(model, TrainConfig())
    return median_ms(lambda: train_step(model, batch, loss, optimizer, TrainConfig.clip_norm), device, repeats)


def main() -> None:
    args, device = timing_arguments(__doc__, repeats=20)
    print(f"{describe(device)}; recurrent TF32 {args.tf32}; training step, median of {args.repeats} after 3 warm-up runs\n")
    print("| task | cell | ours ms | torch.nn ms | ours/torch |")
    print("|---|---|---:|---:|---:|")
    for name, task in TASKS.items():
        for cell in NETWORKS:
            generator = torch.Generator().manual_seed(0)
            model, batch = task.model(cell, device, generator), task.batch(device, generator)
            ours_ms = time_training(model, batch, task.loss, device, args.repeats)
            torch_ms = time_training(on_torch_cells(model), batch, task.loss, device, args.repeats)
            print(f"| {name} | {cell} | {ours_ms:.1f} | {torch_ms:.1f} | {ours_ms / torch_ms:.2f} |", flush=True)


if __name__ == "__main__":
    main()
