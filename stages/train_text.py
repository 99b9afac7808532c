"""train@<model>: the review classifier with our <model> cell -> models/text/<model>.pt and its dvclive log."""
import sys

from rnnlab import params
from rnnlab.text.classify import data_dimensions, train_classifier
from rnnlab.text.model import CELLS, ClassifierConfig
from rnnlab.training import TrainConfig

TENSORS = "data/text/tensors"

if __name__ == "__main__":
    name = sys.argv[1]
    if name not in CELLS:
        raise SystemExit(f"unknown model {name!r}; expected one of {sorted(CELLS)}")
    key = f"train.{name}"
    model_values, train_values = params.partition(params.section(params.load(), key), ClassifierConfig)
    model_config = params.build(ClassifierConfig, model_values, key, cell=name, **data_dimensions(TENSORS))
    train_config = params.build(TrainConfig, train_values, key)
    result = train_classifier(model_config, train_config, TENSORS, f"models/text/{name}.pt", f"metrics/text/training/{name}")
    print(f"best validation macro-F1 {result.best_score:.4f} at epoch {result.best_epoch}, "
          f"{result.seconds_per_epoch:.1f} s per epoch")
