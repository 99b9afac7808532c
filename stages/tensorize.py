"""tensorize: padded token ids, lengths, labels, the embedding matrix and each word's characters -> a folder."""

from pathlib import Path

import pandas as pd
import torch

from rnnlab.config import load_params
from rnnlab.io import write_json, write_tensors
from rnnlab.stage import run_stage
from rnnlab.text.config import categories, chars_per_word
from rnnlab.text.config import max_len as tensorize_max_len
from rnnlab.text.vectors import Vocabulary, character_table, embedding_matrix, encode, load_vectors


def main(vectors_path, split_dir, out) -> None:
    out = Path(out)
    all_params = load_params()
    max_len = tensorize_max_len(all_params)
    names = categories(all_params)
    vectors = load_vectors(vectors_path)
    vocabulary = Vocabulary(list(vectors.index_to_key))
    for name in ("train", "val", "test"):
        part = pd.read_parquet(Path(split_dir) / f"{name}.parquet")
        ids, lengths = encode(part["tokens"].tolist(), vocabulary, max_len)
        labels = torch.tensor(part["cat"].map(names.index).to_numpy())
        write_tensors(out / f"{name}.safetensors", {"ids": ids, "lengths": lengths, "labels": labels})
    write_tensors(
        out / "embeddings.safetensors",
        {
            "embeddings": embedding_matrix(vectors, vocabulary),
            "word_characters": character_table(vocabulary, chars_per_word(all_params)),
        },
    )
    write_json(out / "labels.json", names)
    write_json(out / "vocab.json", vocabulary.tokens)
    print(f"vocabulary {len(vocabulary)}, max_len {max_len}")


if __name__ == "__main__":
    run_stage(main)
