"""segment: jieba tokens for every review -> data/text/segmented.parquet."""
import logging

from rnnlab import params
from rnnlab.config import load_params
from rnnlab.io import atomic_path
from rnnlab.text.corpus import read_reviews, segment

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = load_params()
    categories = params.section(config, "segment.categories")
    workers = params.section(config, "segment.workers")
    frame = segment(read_reviews("data/raw/online_shopping_10_cats.csv", categories), workers)
    with atomic_path("data/text/segmented.parquet") as temporary:
        frame.to_parquet(temporary, index=False)
    print(f"segmented {len(frame)} reviews, {frame['tokens'].map(len).sum()} tokens")
