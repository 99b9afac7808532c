"""train_text@<model>: the review classifier with our <model> cell, from the tensors folder -> checkpoint, dvclive
log folder, timing JSON."""

from rnnlab.config import load_params, require_unchanged, settings_of
from rnnlab.stage import run_stage
from rnnlab.text.config import text_training
from rnnlab.text.train import data_dimensions, train_classifier
from rnnlab.training.progress import TrainingOutputs
from rnnlab.training.ranks import run_as_processes


def main(name, tensors, checkpoint, live, summary, timing) -> None:
    dimensions = data_dimensions(tensors)
    model_config, train_config = text_training(load_params(), name, dimensions)
    run_as_processes(train_config.processes)
    train_classifier(model_config, train_config, tensors, TrainingOutputs.at(checkpoint, live, summary, timing))
    require_unchanged(
        lambda: settings_of(*text_training(load_params(), name, dimensions)),
        settings_of(model_config, train_config),
        f"train_text.{name}",
    )


if __name__ == "__main__":
    run_stage(main, threads=True, flush_denormals=True)
