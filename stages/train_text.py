"""train@<model>: the review classifier with our <model> cell, from the tensors folder -> checkpoint, dvclive
log folder, timing JSON."""

from rnnlab.config import load_params
from rnnlab.text.config import text_training
from rnnlab.training import run_as_processes, write_result
from rnnlab.text.classify import data_dimensions, train_classifier
from rnnlab.errors import run_stage


def main(name, tensors, checkpoint, live, summary, timing) -> None:
    model_config, train_config = text_training(load_params(), name, data_dimensions(tensors))
    run_as_processes(train_config.processes)
    result = train_classifier(model_config, train_config, tensors, checkpoint, live)
    write_result(result, summary, timing, "validation macro-F1")


if __name__ == "__main__":
    run_stage(main)
