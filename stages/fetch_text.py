"""fetch_text: the reviews CSV into data/raw/, from $DATA_MIRROR or the public URL, sha256-verified."""
from rnnlab.fetch import REVIEWS, fetch

if __name__ == "__main__":
    print(f"wrote {fetch(REVIEWS, 'data/raw/online_shopping_10_cats.csv')}")
