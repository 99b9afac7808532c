"""The review corpus: reading the CSV, jieba segmentation, and the lab's split by row number."""
import logging
import multiprocessing
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

COLUMNS = ("cat", "label", "review")
BEGIN, END = "<s>", "</s>"


class CorpusError(ValueError):
    pass


def read_reviews(path: str | Path, categories: list[str]) -> pd.DataFrame:
    """The CSV with a 1-based ``row`` column; errors name the file, the column and the row."""
    frame = pd.read_csv(path, dtype={"cat": str, "review": str}, keep_default_na=False, na_values=[""])
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise CorpusError(f"{path}: missing column(s) {missing}; expected columns {list(COLUMNS)}")
    frame.insert(0, "row", range(1, len(frame) + 1))
    unknown = frame[~frame["cat"].isin(categories)]
    if len(unknown):
        first = unknown.iloc[0]
        raise CorpusError(
            f"{path}: column 'cat' has unknown category {first['cat']!r} at row {first['row']} "
            f"({len(unknown)} rows in all); expected one of {categories}"
        )
    labels = pd.to_numeric(frame["label"], errors="coerce")
    if labels.isna().any():
        first = frame[labels.isna()].iloc[0]
        raise CorpusError(f"{path}: column 'label' must be an integer, got {first['label']!r} at row {first['row']}")
    frame["label"] = labels.astype("int64")
    return frame


def tokenize(reviews: list[str]) -> list[list[str]]:
    """jieba's tokens of each review, blanks dropped: what segment stores and what predict reads."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [[token for token in jieba.lcut(review) if token.strip()] for review in reviews]


def segment(frame: pd.DataFrame, workers: int) -> pd.DataFrame:
    """Adds ``tokens``; a missing review becomes an empty token list and is counted in the log."""
    empty = frame["review"].isna()
    if empty.any():
        log.warning("%d review(s) missing, given no tokens: rows %s", empty.sum(), frame.loc[empty, "row"].tolist())
    reviews = frame["review"].fillna("").tolist()
    chunks = [reviews[start : start + 2000] for start in range(0, len(reviews), 2000)]
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            tokenized = pool.map(tokenize, chunks)
    else:
        tokenized = [tokenize(chunk) for chunk in chunks]
    result = frame.copy()
    result["tokens"] = [tokens for chunk in tokenized for tokens in chunk]
    return result


def sentence(tokens) -> list[str]:
    return [BEGIN, *tokens, END]


def split_name(row: int) -> str:
    """The lab's split by 1-based row number."""
    return "val" if row % 5 == 4 else "test" if row % 5 == 0 else "train"


def split(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    names = frame["row"].map(split_name)
    return {name: frame[names == name].reset_index(drop=True) for name in ("train", "val", "test")}
