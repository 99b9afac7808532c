"""evaluate_text@<model>: test-split scores of the ensemble and of its first network alone -> metrics JSON,
confusion and per-class CSVs."""

from pathlib import Path

from rnnlab.io import read_json, read_tensors
from rnnlab.stage import run_stage
from rnnlab.text.model import TextClassifier, predict_logits
from rnnlab.text.report import scores, write_report
from rnnlab.training.checkpoint import load_model


def main(name, checkpoint, tensors, metrics, confusion, per_class) -> None:
    model = load_model(checkpoint, TextClassifier, cell=name)
    test = read_tensors(tensors, "test")
    names = read_json(Path(tensors) / "labels.json")
    member_logits = [predict_logits(member, test["ids"], test["lengths"]) for member in model.members]
    predicted = TextClassifier.combine(member_logits).argmax(1)
    # Like with like: the lab's and every other single network beside one network of ours.
    single = scores(test["labels"], member_logits[0].argmax(1), names)
    extra = {
        "members": len(model.members),
        "single_network": {"macro_f1": single["macro_f1"], "accuracy": single["accuracy"]},
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    write_report(name, test["labels"], predicted, names, extra, metrics, confusion, per_class)


if __name__ == "__main__":
    run_stage(main, threads=True, flush_denormals=True)
