"""train@<model>: the review classifier with our <model> cell, from the tensors folder -> checkpoint, dvclive
log folder, timing JSON."""

from rnnlab.config import load_params
from rnnlab.text.config import text_training
from rnnlab.io import write_json
from rnnlab.training import run_as_processes, writes_outputs
from rnnlab.text.classify import data_dimensions, train_classifier
from rnnlab.errors import run_stage


def main(name, tensors, checkpoint, live, summary, timing) -> None:
    model_config, train_config = text_training(load_params(), name, data_dimensions(tensors))
    run_as_processes(train_config.processes)
    result = train_classifier(model_config, train_config, tensors, checkpoint, live)
    if writes_outputs():
        write_json(summary, result.summary())
        write_json(timing, result.timing())
        print(f"best validation macro-F1 {result.best_score:.4f} at epoch {result.best_epoch}, "
              f"{result.timing()['mean_seconds_per_epoch']} s per epoch")


if __name__ == "__main__":
    run_stage(main)
