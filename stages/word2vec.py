"""word2vec: CBOW embeddings of the segmented reviews -> word2vec binary format."""

import pandas as pd

from rnnlab.config import load_params
from rnnlab.io import atomic_path
from rnnlab.stage import run_stage
from rnnlab.text.config import word2vec
from rnnlab.text.vectors import save_vectors, train_word2vec


def main(segmented, out) -> None:
    config = word2vec(load_params())
    tokens = pd.read_parquet(segmented, columns=["tokens"])["tokens"]
    vectors = train_word2vec(tokens, config)
    with atomic_path(out) as temporary:
        save_vectors(vectors, temporary)
    print(f"{len(vectors)} words, {vectors.vector_size} dimensions")


if __name__ == "__main__":
    run_stage(main)
