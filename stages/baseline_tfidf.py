"""baseline_tfidf: TF-IDF over the same tokens + a linear SVM on the same split -> metrics/text/tfidf_svm.json."""
import time

import pandas as pd

from rnnlab import params
from rnnlab.config import load_params
from rnnlab.io import write_timing
from rnnlab.text.baseline import fit_tfidf_svm
from rnnlab.text.classify import write_report

if __name__ == "__main__":
    categories = params.section(load_params(), "segment.categories")
    train, test = (pd.read_parquet(f"data/text/split/{name}.parquet") for name in ("train", "test"))
    started = time.perf_counter()
    classifier = fit_tfidf_svm(train["tokens"], train["cat"].map(categories.index))
    seconds = time.perf_counter() - started
    predicted = classifier.predict(test["tokens"])
    labels = test["cat"].map(categories.index).to_numpy()
    write_report("tfidf_svm", labels, predicted, categories, {})
    write_timing("timings/text/tfidf_svm.json", {"seconds_to_fit": round(seconds, 1)})
