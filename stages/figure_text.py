"""figure_text: test F1 per class of every review model and TF-IDF -> PNG."""
import sys
from pathlib import Path

from rnnlab.config import load_params, model_names
from rnnlab.summary import TEXT_BASELINE, per_class_figure, read_results

if __name__ == "__main__":
    text_dir, out = sys.argv[1:]
    names = [*model_names(load_params(), "train"), TEXT_BASELINE]
    per_class_figure(read_results([Path(text_dir) / f"{name}.json" for name in names]), out)
