"""baseline_tfidf: TF-IDF over the same tokens + a linear SVM on the same split -> report JSON, confusion and
per-class CSVs, macro-F1 and accuracy as a DVC metric, timing JSON."""

import time
from pathlib import Path

import pandas as pd

from rnnlab.config import load_params
from rnnlab.cpu import machine
from rnnlab.io import write_json
from rnnlab.stage import run_stage
from rnnlab.text.baseline import fit_tfidf_svm
from rnnlab.text.config import categories
from rnnlab.text.report import write_report


def main(split_dir, report, confusion, per_class, scores, timing) -> None:
    names = categories(load_params())
    train, test = (pd.read_parquet(Path(split_dir) / f"{name}.parquet") for name in ("train", "test"))
    started = time.perf_counter()
    classifier = fit_tfidf_svm(train["tokens"], train["cat"].map(names.index))
    seconds = time.perf_counter() - started
    predicted = classifier.predict(test["tokens"])
    labels = test["cat"].map(names.index).to_numpy()
    write_report("tfidf_svm", labels, predicted, names, {}, report, confusion, per_class, scores)
    write_json(timing, {**machine(), "seconds_to_fit": round(seconds, 1)})


if __name__ == "__main__":
    run_stage(main, threads=True)
