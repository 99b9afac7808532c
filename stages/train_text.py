"""train@<model>: the review classifier with our <model> cell -> models/text/<model>.pt and its dvclive log."""
import sys

from rnnlab.config import load_params, text_training
from rnnlab.text.classify import data_dimensions, train_classifier

TENSORS = "data/text/tensors"

if __name__ == "__main__":
    name = sys.argv[1]
    model_config, train_config = text_training(load_params(), name, data_dimensions(TENSORS))
    result = train_classifier(model_config, train_config, TENSORS, f"models/text/{name}.pt", f"metrics/text/training/{name}")
    print(f"best validation macro-F1 {result.best_score:.4f} at epoch {result.best_epoch}, "
          f"{result.seconds_per_epoch:.1f} s per epoch")
