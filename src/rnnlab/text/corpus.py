"""The review corpus: reading the CSV, jieba segmentation, and the lab's split by row number."""

import functools
import logging
import multiprocessing
from pathlib import Path

import pandas as pd

from rnnlab.errors import RnnlabError

log = logging.getLogger(__name__)

COLUMNS = ("cat", "label", "review")
BEGIN, END = "<s>", "</s>"


class CorpusError(RnnlabError, ValueError):
    pass


def read_reviews(path: str | Path, categories: list[str]) -> pd.DataFrame:
    """The CSV (UTF-8) with a 1-based ``row`` column; errors name the file, the line or the column and row."""
    try:
        frame = pd.read_csv(
            path, encoding="utf-8", dtype={"cat": str, "review": str}, keep_default_na=False, na_values=[""]
        )
    except pd.errors.EmptyDataError as error:
        raise CorpusError(f"{path}: empty file; expected a CSV with the header {','.join(COLUMNS)}") from error
    except UnicodeDecodeError as error:
        raise CorpusError(f"{path}: {_undecodable(path)}; expected UTF-8 (from GBK: iconv -f GBK -t UTF-8)") from error
    if frame.empty:
        raise CorpusError(f"{path}: a header and no reviews; expected one review per line after the header")
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
        found = "an empty value" if pd.isna(first["label"]) else repr(first["label"])
        raise CorpusError(f"{path}: column 'label' must be an integer, got {found} at row {first['row']}")
    frame["label"] = labels.astype("int64")
    return frame


def _undecodable(path: str | Path) -> str:
    """Where ``path`` first stops being UTF-8: the line, and the byte within it."""
    data = Path(path).read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        return f"line {line}, byte {error.start - line_start + 1} (0x{data[error.start]:02x}) is not UTF-8"
    return "not UTF-8"


def tokenize(reviews: list[str], max_chars: int) -> list[list[str]]:
    """jieba's tokens of each review's first ``max_chars`` characters, blanks dropped: what segment stores and
    what predict reads. The cut bounds the cost: jieba's time grows faster than the length of unpunctuated text."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [[token for token in jieba.lcut(review[:max_chars]) if token.strip()] for review in reviews]


def segment(frame: pd.DataFrame, workers: int, max_chars: int) -> pd.DataFrame:
    """Adds ``tokens``; a missing review becomes an empty token list, and a review longer than ``max_chars``
    is cut to it; both are counted in the log."""
    empty = frame["review"].isna()
    if empty.any():
        log.warning("%d review(s) missing, given no tokens: rows %s", empty.sum(), frame.loc[empty, "row"].tolist())
    long = frame["review"].str.len() > max_chars
    if long.any():
        log.warning(
            "%d review(s) longer than %d characters, cut to them: rows %s",
            long.sum(),
            max_chars,
            frame.loc[long, "row"].tolist(),
        )
    reviews = frame["review"].fillna("").tolist()
    chunks = [reviews[start : start + 2000] for start in range(0, len(reviews), 2000)]
    tokenize_chunk = functools.partial(tokenize, max_chars=max_chars)
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            tokenized = pool.map(tokenize_chunk, chunks)
    else:
        tokenized = [tokenize_chunk(chunk) for chunk in chunks]
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
