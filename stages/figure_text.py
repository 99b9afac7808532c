"""figure_text: test F1 per class of every review model and TF-IDF -> metrics/text/per_class.png."""
from rnnlab.summary import per_class_figure

if __name__ == "__main__":
    per_class_figure("metrics/text", "metrics/text/per_class.png")
