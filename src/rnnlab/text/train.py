"""Training, predicting and scoring the review classifier."""

from pathlib import Path

import torch
from safetensors import safe_open
from torch.nn import functional as F

from rnnlab.config import TrainConfig
from rnnlab.io import read_json, read_tensors
from rnnlab.text.config import ClassifierConfig
from rnnlab.text.model import TextClassifier, predict_logits
from rnnlab.text.report import scores
from rnnlab.training.loop import Task, fit, start_run
from rnnlab.training.progress import FitResult, TrainingOutputs
from rnnlab.training.ranks import rank_and_world

# Batches are drawn from pools of this many batches sorted by length, so a batch's sequences have
# similar lengths and the packed recurrence runs few steps past the shortest ones.
POOL_BATCHES = 50


def length_bucketed_batches(lengths: torch.Tensor, batch_size: int, generator: torch.Generator) -> list[torch.Tensor]:
    """Row indices of one epoch's batches: shuffled, then sorted by length within pools, batches shuffled."""
    order = torch.randperm(len(lengths), generator=generator)
    pool = batch_size * POOL_BATCHES
    batches = []
    for start in range(0, len(order), pool):
        chunk = order[start : start + pool]
        chunk = chunk[torch.argsort(lengths[chunk], descending=True, stable=True)]
        batches.extend(chunk.split(batch_size))
    return [batches[i] for i in torch.randperm(len(batches), generator=generator).tolist()]


def class_weights(labels: torch.Tensor, classes: int, power: float) -> torch.Tensor:
    """(rows / class rows) ** power, scaled so that the average row weighs 1."""
    counts = torch.bincount(labels, minlength=classes).double().clamp(min=1)
    weights = (len(labels) / counts) ** power
    return (weights / (weights[labels].mean())).float()


def data_dimensions(tensors: str | Path) -> dict[str, int]:
    """The sizes a classifier must be built with for the data in ``tensors``."""
    with safe_open(str(Path(tensors) / "embeddings.safetensors"), "pt") as stored:
        vocab_size, embedding_dim = stored.get_slice("embeddings").get_shape()
        word_characters = stored.get_tensor("word_characters")
    return {
        "vocab_size": vocab_size,
        "embedding_dim": embedding_dim,
        "classes": len(read_json(Path(tensors) / "labels.json")),
        "character_vocab_size": int(word_characters.max()) + 1 if word_characters.numel() else 1,
        "chars_per_word": word_characters.shape[1],
    }


def train_classifier(
    model_config: ClassifierConfig,
    train_config: TrainConfig,
    tensors: str | Path,
    outputs: TrainingOutputs,
) -> FitResult:
    """Trains on the train split, keeps the best checkpoint by validation macro-F1."""
    generator, device, train, val = start_run(train_config, tensors)
    model = TextClassifier(model_config, **read_tensors(tensors, "embeddings")).to(device)
    if device.type == "cuda" and rank_and_world()[1] > 1:
        # NCCL cannot sum sparse gradients across ranks: the word embeddings take the dense update there.
        for member in model.members:
            member.embedding.sparse = False
    names = read_json(Path(tensors) / "labels.json")

    weights = class_weights(train["labels"], model_config.classes, model_config.class_weight_power)

    def batch(rows: torch.Tensor):
        """A member's batch, with the sum of its rows' class weights: the weighted mean's normaliser."""
        return (
            train["ids"][rows, : int(train["lengths"][rows].max())].to(device),
            train["lengths"][rows],
            train["labels"][rows].to(device),
            weights[train["labels"][rows]].sum().to(device),
        )

    def batches(epoch_generator: torch.Generator):
        """Each step, one batch per member: every member sees the epoch in its own order."""
        orders = [
            length_bucketed_batches(train["lengths"], train_config.batch_size, epoch_generator)
            for _ in range(model_config.members)
        ]
        return [tuple(batch(rows) for rows in step) for step in zip(*orders)]

    device_weights = weights.to(device)

    def batch_loss(model: TextClassifier, member_batches) -> torch.Tensor:
        """The members' mean loss: no member sees another's output, so each learns a classifier of its own."""
        losses = [
            F.cross_entropy(member(ids, lengths), labels, weight=device_weights, reduction="sum") / normaliser
            for member, (ids, lengths, labels, normaliser) in zip(model.members, member_batches)
        ]
        return torch.stack(losses).mean()

    def validate(model: TextClassifier) -> dict[str, float]:
        logits = predict_logits(model, val["ids"], val["lengths"])
        return {
            "loss": F.cross_entropy(logits, val["labels"]).item(),
            "macro_f1": scores(val["labels"], logits.argmax(1), names)["macro_f1"],
        }

    task = Task(model, model_config.to_dict(), batches, batch_loss, validate, monitor="macro_f1", higher_is_better=True)
    return fit(task, train_config, generator, outputs)
