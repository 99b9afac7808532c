"""segment: jieba tokens for every review of the reviews CSV -> a parquet file."""
import logging
import sys

from rnnlab import params
from rnnlab.config import load_params
from rnnlab.text.config import categories
from rnnlab.io import atomic_path
from rnnlab.text.corpus import read_reviews, segment

if __name__ == "__main__":
    reviews, segmented = sys.argv[1:]
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    all_params = load_params()
    frame = segment(read_reviews(reviews, categories(all_params)), params.section(all_params, "segment.workers"))
    with atomic_path(segmented) as temporary:
        frame.to_parquet(temporary, index=False)
    print(f"segmented {len(frame)} reviews, {frame['tokens'].map(len).sum()} tokens")
