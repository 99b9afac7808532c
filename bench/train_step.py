"""One training step of the project's own models, ours against the same model on torch.nn's cells.

    python bench/train_step.py [--repeats 20] [--device cpu|cuda] [--tf32 on|off] [--beside-busy]

A step is what ``training.loop.fit`` runs per batch: forward, loss, backward, gradient clipping, fused AdamW.
Models and training settings are params.yaml's. text: the review classifier with one member (68,496-word
and 5,000-character embeddings), batches of random reviews with lengths drawn from 8..128. forecast: the
Forecaster of the 2024 setup, batches of random windows. For torch,
the same model with its recurrent network replaced by ``torch.nn``'s carrying the same weights.
Prints one Markdown table: median milliseconds after warm-up, and ours/torch. ``--beside-busy``: ours alone,
then beside one other process that keeps a core busy (what a user's machine often runs), and the slowdown.
Options of bench/cells.py: by default the pins and products every stage runs with.
"""

import copy
import dataclasses
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

import torch
from cells import describe, median_ms, timing_arguments
from torch import nn
from torch.nn import functional as F

from rnnlab import config
from rnnlab.forecast import config as forecast_config
from rnnlab.forecast.model import Forecaster
from rnnlab.nn import Recurrent
from rnnlab.text import config as text_config
from rnnlab.text.model import TextClassifier
from rnnlab.training.loop import train_step
from rnnlab.training.optimizer import optimizer_for


class TorchNetwork(nn.Module):
    """torch.nn's counterpart of one of our networks, with its weights and our ``last_layer_states``."""

    def __init__(self, ours: Recurrent):
        super().__init__()
        options = {"nonlinearity": ours.nonlinearity} if hasattr(ours, "nonlinearity") else {}
        self.network = ours.torch_class(
            ours.input_size,
            ours.hidden_size,
            num_layers=ours.num_layers,
            bias=ours.bias,
            batch_first=ours.batch_first,
            dropout=ours.dropout,
            bidirectional=ours.bidirectional,
            **options,
        ).to(next(ours.parameters()).device)
        self.network.load_state_dict(ours.state_dict())
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


PARAMS = config.load_params()
# The sizes of the review data (tensorize's vocabulary and characters, the ten classes).
TEXT_DIMENSIONS = {
    "vocab_size": 68_496,
    "embedding_dim": PARAMS["word2vec"]["vector_size"],
    "classes": 10,
    "character_vocab_size": 5_000,
    "chars_per_word": text_config.chars_per_word(PARAMS),
}
FORECAST_SETUP = forecast_config.load_setup(PARAMS, "mpi_roof_2024")
NETWORKS = config.model_names(PARAMS, "train_text")


def text_settings(cell: str) -> tuple[text_config.ClassifierConfig, config.TrainConfig]:
    model_config, train_config = text_config.text_training(PARAMS, cell, TEXT_DIMENSIONS)
    return dataclasses.replace(model_config, members=1), train_config


def text_model(cell: str, device: torch.device, generator: torch.Generator) -> nn.Module:
    model_config = text_settings(cell)[0]
    words = torch.randint(1, 5_000, (model_config.vocab_size, model_config.chars_per_word), generator=generator)
    return TextClassifier(model_config, word_characters=words).to(device)


def text_batch(cell: str, device: torch.device, generator: torch.Generator):
    batch_size = text_settings(cell)[1].batch_size
    lengths = torch.randint(8, 129, (batch_size,), generator=generator)
    ids = torch.randint(2, TEXT_DIMENSIONS["vocab_size"], (batch_size, int(lengths.max())), generator=generator)
    ids = ids.masked_fill(torch.arange(ids.shape[1]) >= lengths[:, None], 0).to(device)
    return ids, lengths, torch.randint(0, TEXT_DIMENSIONS["classes"], (batch_size,), generator=generator).to(device)


def forecast_settings(cell: str) -> tuple[forecast_config.ForecastConfig, config.TrainConfig]:
    return forecast_config.forecast_training(PARAMS, cell, FORECAST_SETUP)


def forecast_model(cell: str, device: torch.device, generator: torch.Generator) -> nn.Module:
    return Forecaster(forecast_settings(cell)[0]).to(device)


def forecast_batch(cell: str, device: torch.device, generator: torch.Generator):
    batch_size, windows = forecast_settings(cell)[1].batch_size, FORECAST_SETUP.windows
    inputs = torch.randn(batch_size, windows.input_steps, len(FORECAST_SETUP.features), generator=generator)
    return inputs.to(device), torch.randn(batch_size, windows.target_steps, generator=generator).to(device)


@dataclass(frozen=True)
class Task:
    settings: Callable[[str], tuple]
    model: Callable[[str, torch.device, torch.Generator], nn.Module]
    batch: Callable[[str, torch.device, torch.Generator], tuple]
    loss: Callable[[nn.Module, tuple], torch.Tensor]


TASKS = {
    "text": Task(text_settings, text_model, text_batch, lambda m, b: F.nll_loss(m(b[0], b[1]), b[2])),
    "forecast": Task(forecast_settings, forecast_model, forecast_batch, lambda m, b: F.mse_loss(m(b[0]), b[1])),
}


def time_training(model, batch, loss, train_config: config.TrainConfig, device, repeats) -> float:
    optimizer = optimizer_for(model, train_config)
    return median_ms(lambda: train_step(model, batch, loss, optimizer, train_config.clip_norm), device, repeats)


def busy_core() -> subprocess.Popen:
    """Another process that keeps one core busy until it is killed."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def main() -> None:
    def beside_busy(parser):
        parser.add_argument("--beside-busy", action="store_true", help="ours alone and beside a busy process")

    args, device = timing_arguments(__doc__, repeats=20, more=beside_busy)
    print(
        f"{describe(device)}; recurrent TF32 {args.tf32}; training step, "
        f"median of {args.repeats} after 3 warm-up runs\n"
    )
    if args.beside_busy:
        print("| task | cell | ours ms alone | beside a busy process | slowdown |")
    else:
        print("| task | cell | ours ms | torch.nn ms | ours/torch |")
    print("|---|---|---:|---:|---:|")
    for name, task in TASKS.items():
        for cell in NETWORKS:
            generator = torch.Generator().manual_seed(0)
            model, batch = task.model(cell, device, generator), task.batch(cell, device, generator)
            train_config = task.settings(cell)[1]
            ours_ms = time_training(model, batch, task.loss, train_config, device, args.repeats)
            if args.beside_busy:
                neighbour = busy_core()
                try:
                    other_ms = time_training(model, batch, task.loss, train_config, device, args.repeats)
                finally:
                    neighbour.kill()
                    neighbour.wait()
            else:
                other_ms = time_training(on_torch_cells(model), batch, task.loss, train_config, device, args.repeats)
            ratio = other_ms / ours_ms if args.beside_busy else ours_ms / other_ms
            print(f"| {name} | {cell} | {ours_ms:.1f} | {other_ms:.1f} | {ratio:.2f} |", flush=True)


if __name__ == "__main__":
    main()
