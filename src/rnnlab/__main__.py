"""Command line: ``python -m rnnlab predict --model lstm "这款热水器加热很快"``, ``python -m rnnlab check``,
``python -m rnnlab queue -S train_text.rnn.hidden=64``, ``python -m rnnlab verify``.

Runs from any folder of the repository. An expected failure (bad params, no trained model, no input) is one
line on stderr and exit status 1; RNNLAB_TRACEBACK=1 shows the traceback as well.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from rnnlab import config, params
from rnnlab.errors import RnnlabError, report
from rnnlab.text import config as text_config


class UsageError(RnnlabError):
    pass


def repository_root() -> Path:
    """The folder holding dvc.yaml, here or above: paths in params.yaml and dvc.yaml are relative to it."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "dvc.yaml").is_file() and (folder / "params.yaml").is_file():
            return folder
    raise UsageError(f"{here}: not inside the rnnlab repository (no dvc.yaml and params.yaml here or above)")


def predict(arguments: argparse.Namespace) -> None:
    from rnnlab.text.predict import ReviewClassifier, argument_reviews, require_artifact, stream_reviews

    if arguments.checkpoint:
        # The user's own file, which no DVC command restores; it may hold any cell.
        checkpoint, cell = Path(arguments.checkpoint), None
        remedy = "--checkpoint must name a checkpoint that train_text wrote"
        if not checkpoint.is_file():
            raise UsageError(f"{checkpoint}: no such file; {remedy}")
    else:
        # The stage's output, which DVC restores (load_model's remedy); it must hold <model>.
        checkpoint, cell, remedy = Path(f"models/text/{arguments.model}.pt"), arguments.model, None
        require_artifact(checkpoint, "trained model", f"train_text@{arguments.model}")
    all_params = config.load_params()
    max_chars = text_config.max_chars(all_params)
    classifier = ReviewClassifier(
        checkpoint,
        arguments.tensors or "data/text/tensors",
        text_config.max_len(all_params),
        max_chars,
        cell=cell,
        remedy=remedy,
    )
    if arguments.reviews:
        reviews = argument_reviews(arguments.reviews, max_chars)
    else:
        reviews = stream_reviews(sys.stdin.buffer, max_chars)
    answered = False
    for review, ranked, known in classifier.classify(reviews):
        answered = True
        if known:
            print(f"{ranked[0][0]}\t" + "  ".join(f"{name} {p:.3f}" for name, p in ranked) + f"\t{review.echo()}")
        else:
            print(f"?\tno word of this review is in the model's vocabulary\t{review.echo()}")
    if not answered:
        raise UsageError("no reviews to classify: give them as arguments, or one per line on stdin")


def check(arguments: argparse.Namespace) -> None:
    from rnnlab.settings import check as check_settings

    check_settings(config.load_params())
    print("params.yaml: every setting is valid")


def queue(arguments: argparse.Namespace) -> None:
    """Checks params.yaml with the ``-S`` overrides applied as DVC applies them, then queues the experiment:
    DVC queues any value, and one a stage refuses would only fail once the queue runs it."""
    from dvc.exceptions import InvalidArgumentError
    from dvc.utils.hydra import apply_overrides

    from rnnlab.settings import check as check_settings

    overrides = [f"-S {override}" for override in arguments.set_param]
    with tempfile.TemporaryDirectory() as folder:
        overridden = Path(folder) / params.PARAMS_FILE.name
        shutil.copyfile(params.PARAMS_FILE, overridden)
        try:
            apply_overrides(overridden, arguments.set_param)
        except InvalidArgumentError as error:
            reason = " ".join(str(error.__cause__ or error).split())  # Hydra's reasons run over lines
            raise UsageError(f"{' '.join(overrides)}: {reason}") from error
        try:
            # Named as params.yaml, whose folder is the project that the paths in it must stay inside.
            check_settings(params.load(overridden), params.PARAMS_FILE)
        except RnnlabError as error:
            raise UsageError(f"with {' '.join(overrides)}, {error}") from error
    name = ["--name", arguments.name] if arguments.name else []
    command = ["exp", "run", "--queue", *name, *(word for override in overrides for word in override.split(" ", 1))]
    os.execv(sys.executable, [sys.executable, "-m", "dvc", *command, *arguments.targets])


def verify(arguments: argparse.Namespace) -> None:
    from rnnlab.verify import verify as verify_outputs

    verify_outputs(Path.cwd())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="rnnlab")
    commands = parser.add_subparsers(dest="command", required=True)
    predictor = commands.add_parser("predict", help="category and top-3 probabilities of reviews")
    predictor.add_argument("--model", default="lstm", choices=config.NETWORKS)
    # Defaults are where dvc.yaml's train and tensorize stages write.
    predictor.add_argument("--checkpoint", help="a trained classifier (default: models/text/<model>.pt)")
    predictor.add_argument("--tensors", help="tensorize's folder: vocabulary and labels (default: data/text/tensors)")
    predictor.add_argument("reviews", nargs="*", help="reviews; one per line on stdin when none are given")
    predictor.set_defaults(run=predict)
    checker = commands.add_parser("check", help="check every setting of params.yaml, as each stage will")
    checker.set_defaults(run=check)
    queuer = commands.add_parser("queue", help="check the -S values, then `dvc exp run --queue` with them")
    queuer.add_argument("-S", "--set-param", action="append", required=True, metavar="KEY=VALUE")
    queuer.add_argument("-n", "--name", help="the experiment's name")
    queuer.add_argument("targets", nargs="*", help="stages to run (default: all)")
    queuer.set_defaults(run=queue)
    verifier = commands.add_parser("verify", help="rehash dvc.lock's outputs and their cache objects; list damage")
    verifier.set_defaults(run=verify)
    arguments = parser.parse_args(argv)
    # Paths given on the command line are the user's, from where they stand; the defaults are the repository's.
    for name in ("checkpoint", "tensors"):
        if getattr(arguments, name, None):
            setattr(arguments, name, Path(getattr(arguments, name)).resolve())

    def run() -> None:
        os.chdir(repository_root())
        arguments.run(arguments)

    report(f"rnnlab {arguments.command}", run)


if __name__ == "__main__":
    main()
