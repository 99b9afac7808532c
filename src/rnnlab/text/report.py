"""Scoring a classifier's test predictions and writing what DVC tracks of them: no model code, so that the
TF-IDF baseline depends on none."""

from pathlib import Path

import pandas as pd
import torch
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

from rnnlab.io import atomic_path, write_json


def scores(labels: torch.Tensor, predicted: torch.Tensor, names: list[str]) -> dict:
    """Accuracy, macro-F1 and per-class precision/recall/F1/support."""
    classes = list(range(len(names)))
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=classes, zero_division=0)
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


def headline(metrics: dict) -> dict:
    """What `dvc metrics show` and `dvc metrics diff` compare of a classifier: its macro-F1 and accuracy."""
    return {"macro_f1": metrics["macro_f1"], "accuracy": metrics["accuracy"]}


def per_class_table(metrics: dict) -> str:
    """The lab's table: 类别 / 精确率 / 召回率 / F1."""
    lines = [f"{'类别':<8}{'精确率':>8}{'召回率':>8}{'F1':>8}"]
    for name, row in metrics["per_class"].items():
        lines.append(f"{name:<8}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}")
    lines.append(f"macro-F1 {metrics['macro_f1']:.4f}, accuracy {metrics['accuracy']:.4f}")
    return "\n".join(lines)


def write_report(
    name: str,
    labels: torch.Tensor,
    predicted: torch.Tensor,
    names: list[str],
    extra: dict,
    metrics_path: str | Path,
    confusion_path: str | Path,
    per_class_path: str | Path,
    headline_path: str | Path,
) -> dict:
    """Scores plus ``extra`` as JSON, their ``headline`` as the metric DVC compares, the confusion pairs and
    per-class F1 as CSV for DVC plots; prints the table."""
    metrics = {**scores(labels, predicted, names), **extra}
    write_json(metrics_path, metrics)
    write_json(headline_path, headline(metrics))
    pairs = pd.DataFrame({"actual": [names[i] for i in labels], "predicted": [names[i] for i in predicted]})
    per_class = pd.DataFrame(
        {"model": name, "class": list(metrics["per_class"]), "f1": [row["f1"] for row in metrics["per_class"].values()]}
    )
    for path, frame in ((confusion_path, pairs), (per_class_path, per_class)):
        with atomic_path(path) as temporary:
            frame.to_csv(temporary, index=False)
    print(f"{name} on the test split\n{per_class_table(metrics)}")
    return metrics
