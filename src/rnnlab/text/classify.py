"""Training, predicting and scoring the review classifier."""
from pathlib import Path

import pandas as pd
import torch
from safetensors import safe_open
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from torch.nn import functional as F

from rnnlab.config import TrainConfig
from rnnlab.text.config import ClassifierConfig
from rnnlab.io import atomic_path, read_json, read_tensors, write_json
from rnnlab.text.model import TextClassifier
from rnnlab.training import FitResult, fit, start_run

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


@torch.no_grad()
def predict_logits(model: TextClassifier, ids: torch.Tensor, lengths: torch.Tensor, batch_size: int = 512):
    model.eval()
    device = next(model.parameters()).device
    order = torch.argsort(lengths, descending=True)
    logits = torch.empty(len(ids), model.config.classes)
    for rows in order.split(batch_size):
        length = lengths[rows]
        logits[rows] = model(ids[rows, : int(length.max())].to(device), length).float().cpu()
    return logits


def scores(labels: torch.Tensor, predicted: torch.Tensor, names: list[str]) -> dict:
    """Accuracy, macro-F1 and per-class precision/recall/F1/support."""
    classes = list(range(len(names)))
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predicted, labels=classes, zero_division=0
    )
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "macro_f1": float(f1.mean()),
        "per_class": {
            name: {
                "precision": float(precision[c]),
                "recall": float(recall[c]),
                "f1": float(f1[c]),
                "support": int(support[c]),
            }
            for c, name in enumerate(names)
        },
    }


def per_class_table(metrics: dict) -> str:
    """The lab's table: 类别 / 精确率 / 召回率 / F1."""
    lines = [f"{'类别':<8}{'精确率':>8}{'召回率':>8}{'F1':>8}"]
    for name, row in metrics["per_class"].items():
        lines.append(f"{name:<8}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}")
    lines.append(f"macro-F1 {metrics['macro_f1']:.4f}, accuracy {metrics['accuracy']:.4f}")
    return "\n".join(lines)


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
    checkpoint_path: str | Path,
    live_dir: str | Path,
) -> FitResult:
    """Trains on the train split, keeps the best checkpoint by validation macro-F1."""
    generator, device, train, val = start_run(train_config, tensors)
    model = TextClassifier(model_config, **read_tensors(tensors, "embeddings")).to(device)
    names = read_json(Path(tensors) / "labels.json")

    weights = class_weights(train["labels"], model_config.classes, model_config.class_weight_power)

    def batch(rows: torch.Tensor):
        """A member's batch, with the sum of its rows' class weights: the weighted mean's normaliser."""
        return (train["ids"][rows, : int(train["lengths"][rows].max())].to(device), train["lengths"][rows],
                train["labels"][rows].to(device), weights[train["labels"][rows]].sum().to(device))

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

    return fit(
        model, batches, batch_loss, validate, train_config, generator, model_config.to_dict(),
        checkpoint_path, live_dir, monitor="macro_f1", higher_is_better=True,
    )


def write_report(
    name: str, labels: torch.Tensor, predicted: torch.Tensor, names: list[str], extra: dict,
    metrics_path: str | Path, confusion_path: str | Path, per_class_path: str | Path,
) -> dict:
    """Scores plus ``extra`` as JSON, the confusion pairs and per-class F1 as CSV for DVC plots; prints the table."""
    metrics = {**scores(labels, predicted, names), **extra}
    write_json(metrics_path, metrics)
    pairs = pd.DataFrame({"actual": [names[i] for i in labels], "predicted": [names[i] for i in predicted]})
    per_class = pd.DataFrame(
        {"model": name, "class": list(metrics["per_class"]), "f1": [row["f1"] for row in metrics["per_class"].values()]}
    )
    for path, frame in ((confusion_path, pairs), (per_class_path, per_class)):
        with atomic_path(path) as temporary:
            frame.to_csv(temporary, index=False)
    print(f"{name} on the test split\n{per_class_table(metrics)}")
    return metrics
