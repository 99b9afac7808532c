"""fetch_text: the reviews CSV, from $DATA_MIRROR or the public URL, sha256-verified -> argv[1]."""
import sys

from rnnlab.fetch import REVIEWS, fetch

if __name__ == "__main__":
    print(f"wrote {fetch(REVIEWS, sys.argv[1])}")
