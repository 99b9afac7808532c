"""train_text@<model>: the review classifier with our <model> cell, from the tensors folder -> checkpoint, dvclive
log folder, timing JSON."""

from rnnlab.config import load_params
from rnnlab.stage import run_stage
from rnnlab.text.config import text_training
from rnnlab.text.train import data_dimensions, train_classifier
from rnnlab.training.progress import TrainingOutputs
from rnnlab.training.ranks import run_as_processes


def main(name, tensors, checkpoint, live, summary, timing) -> None:
    model_config, train_config = text_training(load_params(), name, data_dimensions(tensors))
    run_as_processes(train_config.processes)
    train_classifier(model_config, train_config, tensors, TrainingOutputs.at(checkpoint, live, summary, timing))


if __name__ == "__main__":
    run_stage(main, threads=True, flush_denormals=True)
