"""figure_text: test F1 per class of every review model and TF-IDF -> PNG."""
import sys

from rnnlab.config import load_params
from rnnlab.summary import per_class_figure, text_results

if __name__ == "__main__":
    text_dir, out = sys.argv[1:]
    per_class_figure(text_results(load_params(), text_dir), out)
