"""figure_text: test F1 per class of every review model and TF-IDF -> PNG."""

from rnnlab.config import load_params
from rnnlab.stage import run_stage
from rnnlab.summary import per_class_figure, text_results


def main(text_dir, out) -> None:
    per_class_figure(text_results(load_params(), text_dir), out)


if __name__ == "__main__":
    run_stage(main)
