"""word2vec: CBOW embeddings of the segmented reviews -> data/text/word2vec.bin."""
import pandas as pd

from rnnlab import params
from rnnlab.config import load_params
from rnnlab.io import atomic_path
from rnnlab.text.vectors import Word2VecConfig, save_vectors, train_word2vec

if __name__ == "__main__":
    config = params.build(Word2VecConfig, params.section(load_params(), "word2vec"), "word2vec")
    tokens = pd.read_parquet("data/text/segmented.parquet", columns=["tokens"])["tokens"]
    vectors = train_word2vec(tokens, config)
    with atomic_path("data/text/word2vec.bin") as temporary:
        save_vectors(vectors, temporary)
    print(f"{len(vectors)} words, {vectors.vector_size} dimensions")
