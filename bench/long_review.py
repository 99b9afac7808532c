"""What one very long review costs segment and predict's tokenizer, with and without params.yaml's cut.

    python bench/long_review.py [--chars 200000]

Times jieba (one process, after a warm-up that loads its dictionary) on the 401 reviews of the test sample,
then on the same reviews with one replaced by ``chars`` random Chinese characters (unpunctuated, few
dictionary words: jieba's worst case, whose time grows faster than the length), cut to
``segment.max_chars`` as the stages cut it; ``--uncut`` also times it whole. Prints one Markdown table.
"""

import argparse
import random
import time
from pathlib import Path

from rnnlab.config import load_params
from rnnlab.text.config import categories, max_chars
from rnnlab.text.corpus import read_reviews, segment

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reviews_sample.csv"


def seconds(frame, bound: int) -> float:
    start = time.perf_counter()
    segment(frame, workers=1, max_chars=bound)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument("--uncut", action="store_true", help="also time the long review whole (minutes)")
    arguments = parser.parse_args()
    all_params = load_params()
    bound = max_chars(all_params)
    reviews = read_reviews(SAMPLE, categories(all_params))
    long = reviews.copy()
    characters = random.Random(0)
    long.loc[0, "review"] = "".join(chr(characters.randrange(0x4E00, 0x9FA6)) for _ in range(arguments.chars))
    seconds(reviews, bound)  # loads jieba's dictionary
    rows = [
        ("401 sample reviews", bound, seconds(reviews, bound)),
        (f"the same, one of {arguments.chars:,} characters", bound, seconds(long, bound)),
    ]
    if arguments.uncut:
        rows.append(
            (f"the same, one of {arguments.chars:,} characters", arguments.chars, seconds(long, arguments.chars))
        )
    print("| reviews | max_chars | seconds |\n|---|---:|---:|")
    for name, cut, taken in rows:
        print(f"| {name} | {cut:,} | {taken:.2f} |")


if __name__ == "__main__":
    main()
