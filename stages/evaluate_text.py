"""evaluate_text@<model>: test-split scores of the ensemble and of its first network alone -> report JSON,
confusion and per-class CSVs, the ensemble's and the first network's macro-F1 and accuracy as DVC metrics."""

from pathlib import Path

from rnnlab.io import read_json, read_tensors, write_json
from rnnlab.stage import run_stage
from rnnlab.text.model import TextClassifier, predict_logits
from rnnlab.text.report import headline, scores, write_report
from rnnlab.training.checkpoint import load_model


def main(name, checkpoint, tensors, report, confusion, per_class, ensemble_scores, single_scores) -> None:
    model = load_model(checkpoint, TextClassifier, cell=name)
    test = read_tensors(tensors, "test")
    names = read_json(Path(tensors) / "labels.json")
    member_logits = [predict_logits(member, test["ids"], test["lengths"]) for member in model.members]
    predicted = TextClassifier.combine(member_logits).argmax(1)
    # Like with like: the lab's and every other single network beside one network of ours.
    single = scores(test["labels"], member_logits[0].argmax(1), names)
    extra = {
        "members": len(model.members),
        "single_network": headline(single),
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    write_report(name, test["labels"], predicted, names, extra, report, confusion, per_class, ensemble_scores)
    write_json(single_scores, extra["single_network"])


if __name__ == "__main__":
    run_stage(main, threads=True, flush_denormals=True)
