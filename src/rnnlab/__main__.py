"""Command line: ``python -m rnnlab predict --model lstm "这款热水器加热很快"``, ``python -m rnnlab check``."""
import argparse
import sys

from rnnlab import config
from rnnlab.text import config as text_config


def predict(arguments: argparse.Namespace) -> None:
    from rnnlab.text.predict import ReviewClassifier

    checkpoint = arguments.checkpoint or f"models/text/{arguments.model}.pt"
    max_len = text_config.max_len(config.load_params())
    classifier = ReviewClassifier(checkpoint, arguments.tensors, max_len)
    reviews = arguments.reviews or [line.strip() for line in sys.stdin if line.strip()]
    for review, ranked in zip(reviews, classifier.top(reviews)):
        print(f"{ranked[0][0]}\t" + "  ".join(f"{name} {p:.3f}" for name, p in ranked) + f"\t{review}")


def check(arguments: argparse.Namespace) -> None:
    config.check(config.load_params())
    print("params.yaml: every setting is valid")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="rnnlab")
    commands = parser.add_subparsers(dest="command", required=True)
    predictor = commands.add_parser("predict", help="category and top-3 probabilities of reviews")
    predictor.add_argument("--model", default="lstm", choices=config.NETWORKS)
    # Defaults are where dvc.yaml's train and tensorize stages write.
    predictor.add_argument("--checkpoint", help="a trained classifier (default: models/text/<model>.pt)")
    predictor.add_argument("--tensors", default="data/text/tensors", help="tensorize's folder: vocabulary and labels")
    predictor.add_argument("reviews", nargs="*", help="reviews; one per line on stdin when none are given")
    predictor.set_defaults(run=predict)
    checker = commands.add_parser("check", help="check every setting of params.yaml, as each stage will")
    checker.set_defaults(run=check)
    arguments = parser.parse_args(argv)
    arguments.run(arguments)


if __name__ == "__main__":
    main()
