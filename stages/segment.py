"""segment: jieba tokens for every review of the reviews CSV -> a parquet file."""

import logging

from rnnlab import params
from rnnlab.config import load_params
from rnnlab.io import atomic_path
from rnnlab.stage import run_stage
from rnnlab.text.config import categories, max_chars
from rnnlab.text.corpus import read_reviews, segment


def main(reviews, segmented) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    all_params = load_params()
    frame = segment(
        read_reviews(reviews, categories(all_params)),
        params.section(all_params, "segment.workers"),
        max_chars(all_params),
    )
    with atomic_path(segmented) as temporary:
        frame.to_parquet(temporary, index=False)
    print(f"segmented {len(frame)} reviews, {frame['tokens'].map(len).sum()} tokens")


if __name__ == "__main__":
    run_stage(main)
