"""tensorize: padded token ids, lengths, labels, the embedding matrix and each word's characters -> data/text/tensors/."""
import pandas as pd
import torch
from safetensors.torch import save_file

from rnnlab import params
from rnnlab.config import chars_per_word, load_params
from rnnlab.config import max_len as tensorize_max_len
from rnnlab.io import atomic_path, write_json
from rnnlab.text.vectors import Vocabulary, character_table, embedding_matrix, encode, load_vectors

OUT = "data/text/tensors"

if __name__ == "__main__":
    config = load_params()
    max_len = tensorize_max_len(config)
    categories = params.section(config, "segment.categories")
    vectors = load_vectors("data/text/word2vec.bin")
    vocabulary = Vocabulary(list(vectors.index_to_key))
    for name in ("train", "val", "test"):
        part = pd.read_parquet(f"data/text/split/{name}.parquet")
        ids, lengths = encode(part["tokens"].tolist(), vocabulary, max_len)
        labels = torch.tensor(part["cat"].map(categories.index).to_numpy())
        with atomic_path(f"{OUT}/{name}.safetensors") as temporary:
            save_file({"ids": ids, "lengths": lengths, "labels": labels}, str(temporary))
    with atomic_path(f"{OUT}/embeddings.safetensors") as temporary:
        save_file({
            "embeddings": embedding_matrix(vectors, vocabulary),
            "word_characters": character_table(vocabulary, chars_per_word(config)),
        }, str(temporary))
    write_json(f"{OUT}/labels.json", categories)
    write_json(f"{OUT}/vocab.json", vocabulary.tokens)
    print(f"vocabulary {len(vocabulary)}, max_len {max_len}")
