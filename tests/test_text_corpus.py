import pandas as pd
import pytest

from committed import PARAMS
from pipeline_project import FIXTURES
from rnnlab.text.corpus import CorpusError, read_reviews, segment, sentence, split, split_name

SAMPLE = FIXTURES / "reviews_sample.csv"
CATEGORIES = PARAMS["segment"]["categories"]  # the sample's, as the pipeline reads them


def test_read_reviews_numbers_rows_from_one():
    frame = read_reviews(SAMPLE, CATEGORIES)
    assert frame["row"].tolist() == list(range(1, len(frame) + 1))
    assert frame["review"].isna().sum() == 1


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("cat,review\n书籍,好\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.csv: missing column\(s\) \['label'\]"):
        read_reviews(path, CATEGORIES)


def test_unknown_category_names_column_and_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("cat,label,review\n书籍,1,好\n汽车,0,差\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="column 'cat' has unknown category '汽车' at row 2"):
        read_reviews(path, CATEGORIES)


def test_non_integer_label_names_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("cat,label,review\n书籍,yes,好\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="column 'label' must be an integer, got 'yes' at row 1"):
        read_reviews(path, CATEGORIES)


def test_empty_label_is_named_as_empty(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("cat,label,review\n书籍,1,好\n书籍,,好\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="column 'label' must be an integer, got an empty value at row 2"):
        read_reviews(path, CATEGORIES)


@pytest.mark.parametrize("workers", [1, 2])
def test_segment_gives_tokens_and_empty_list_for_missing_review(workers, caplog):
    frame = read_reviews(SAMPLE, CATEGORIES).head(30)
    frame.loc[3, "review"] = None
    result = segment(frame, workers, max_chars=4000)
    assert list(result["tokens"][3]) == []
    assert "1 review(s) missing" in caplog.text
    joined = "".join(result["tokens"][0])
    assert joined == "".join(frame["review"][0].split())


def test_sentence_wraps_tokens():
    assert sentence(["很", "好"]) == ["<s>", "很", "好", "</s>"]


def test_split_follows_row_numbers_and_gives_lab_counts():
    assert [split_name(i) for i in range(1, 11)] == ["train", "train", "train", "val", "test"] * 2
    frame = pd.DataFrame({"row": range(1, 62_775)})
    parts = split(frame)
    assert {name: len(part) for name, part in parts.items()} == {"train": 37_665, "val": 12_555, "test": 12_554}
    assert set(parts["test"]["row"] % 5) == {0}


def test_a_long_review_is_cut_before_segmentation(caplog):
    frame = read_reviews(SAMPLE, CATEGORIES).head(3)
    # Unpunctuated Chinese, where jieba's time grows fastest with length.
    frame.loc[1, "review"] = "这款热水器加热很快而且外观漂亮" * 13_334
    result = segment(frame, workers=1, max_chars=300)
    assert "".join(result["tokens"][1]) == frame["review"][1][:300]
    assert "".join(result["tokens"][0]) == "".join(frame["review"][0].split())
    assert "1 review(s) longer than 300 characters, cut to them: rows [2]" in caplog.text
