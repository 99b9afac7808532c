"""The bar every recurrent classifier must clear: TF-IDF of the jieba tokens and a linear SVM."""

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import LinearSVC


def _identity(tokens):
    return list(tokens)


def fit_tfidf_svm(token_lists, labels) -> Pipeline:
    """Jieba tokens as terms, sublinear term frequency, default C."""
    pipeline = make_pipeline(
        TfidfVectorizer(analyzer=_identity, sublinear_tf=True),
        LinearSVC(C=1.0),
    )
    return pipeline.fit(list(token_lists), labels)
