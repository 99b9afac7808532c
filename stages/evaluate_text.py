"""evaluate@<model>: test-split scores -> metrics/text/<model>.json, confusion and per-class CSVs."""
import sys

from rnnlab.io import read_json, read_tensors
from rnnlab.text.classify import load_classifier, predict_logits, write_report

TENSORS = "data/text/tensors"

if __name__ == "__main__":
    name = sys.argv[1]
    model = load_classifier(f"models/text/{name}.pt")
    test = read_tensors(TENSORS, "test")
    predicted = predict_logits(model, test["ids"], test["lengths"]).argmax(1)
    extra = {"parameters": sum(p.numel() for p in model.parameters())}
    write_report(name, test["labels"], predicted, read_json(f"{TENSORS}/labels.json"), extra)
