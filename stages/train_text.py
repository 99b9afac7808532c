"""train@<model>: the review classifier with our <model> cell -> models/text/<model>.pt, its dvclive log, and
timings/text/<model>.json."""
import sys

from rnnlab.config import load_params, text_training
from rnnlab.io import write_timing
from rnnlab.text.classify import data_dimensions, train_classifier

TENSORS = "data/text/tensors"

if __name__ == "__main__":
    name = sys.argv[1]
    model_config, train_config = text_training(load_params(), name, data_dimensions(TENSORS))
    result = train_classifier(model_config, train_config, TENSORS, f"models/text/{name}.pt", f"metrics/text/training/{name}")
    write_timing(f"timings/text/{name}.json", result.timing())
    print(f"best validation macro-F1 {result.best_score:.4f} at epoch {result.best_epoch}, "
          f"{result.timing()['mean_seconds_per_epoch']} s per epoch")
