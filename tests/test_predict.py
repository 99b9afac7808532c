"""`rnnlab predict` with a tiny trained-shaped model: batches, streamed input, and its one-line failures."""

import io
import shutil
import sys

import pytest
import torch
import yaml

from committed import classifier_config
from pipeline_project import ROOT
from rnnlab.__main__ import main
from rnnlab.io import write_json
from rnnlab.text import predict
from rnnlab.text.model import TextClassifier
from rnnlab.text.predict import Review, ReviewClassifier, argument_reviews, stream_reviews
from rnnlab.text.vectors import Vocabulary
from rnnlab.training.checkpoint import save_checkpoint

WORDS = ["<s>", "</s>", "热水器", "加热", "很快", "好评", "差评", "酒店", "干净", "好"]
CATEGORIES = ["书籍", "酒店", "热水器", "水果"]
REVIEWS = [
    "这款热水器加热很快",
    "酒店很干净",
    "好评",
    "差评！",
    "好好好",
    "没听过的词",
    "热水器很好",
    "酒店差评",
    "很快",
    "干净的酒店，好评",
]
MAX_CHARS = 12


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder that `rnnlab` takes for the repository, with a tiny GRU checkpoint and tensorize's files; reviews
    are cut to MAX_CHARS there."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["segment"]["max_chars"] = MAX_CHARS
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    shutil.copyfile(ROOT / "dvc.yaml", tmp_path / "dvc.yaml")
    vocabulary = Vocabulary(WORDS)
    write_json(tmp_path / "data/text/tensors/vocab.json", vocabulary.tokens)
    write_json(tmp_path / "data/text/tensors/labels.json", CATEGORIES)
    torch.manual_seed(0)
    config = classifier_config(
        cell="gru", vocab_size=len(vocabulary), embedding_dim=8, classes=len(CATEGORIES), hidden=6, members=2
    )
    save_checkpoint(tmp_path / "models/text/gru.pt", config.to_dict(), TextClassifier(config), training={})
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RNNLAB_TRACEBACK", raising=False)
    return tmp_path


@pytest.fixture
def classifier(project):
    return ReviewClassifier(project / "models/text/gru.pt", project / "data/text/tensors", 16, MAX_CHARS)


@pytest.fixture
def run_predict(project, monkeypatch, capsys):
    """``rnnlab predict ARGUMENTS`` in this process with ``stdin``: exit status, stdout lines, stderr lines."""

    def run(*arguments: str, stdin: bytes = b"") -> tuple[int, list[str], list[str]]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        try:
            main(["predict", "--model", "gru", *arguments])
            status = 0
        except SystemExit as stopped:
            status = stopped.code
        out, err = capsys.readouterr()
        return status, out.splitlines(), err.splitlines()

    return run


def test_batches_give_what_one_forward_over_all_reviews_gives(classifier, monkeypatch):
    batch_sizes = []
    one_forward = classifier.top

    def recorded_top(reviews):
        batch_sizes.append(len(reviews))
        return one_forward(reviews)

    expected_ranked, expected_known = one_forward(REVIEWS)
    monkeypatch.setattr(predict, "BATCH_REVIEWS", 3)
    monkeypatch.setattr(classifier, "top", recorded_top)
    answers = list(classifier.classify(argument_reviews(REVIEWS, MAX_CHARS)))
    assert batch_sizes == [3, 3, 3, 1]
    assert [review.text for review, _, _ in answers] == REVIEWS
    assert [known for _, _, known in answers] == expected_known
    for (_, ranked, _), expected in zip(answers, expected_ranked):
        assert [name for name, _ in ranked] == [name for name, _ in expected]
        assert [p for _, p in ranked] == pytest.approx([p for _, p in expected], abs=1e-6)


def test_stdin_is_read_as_batches_are_answered(classifier, monkeypatch):
    monkeypatch.setattr(predict, "BATCH_REVIEWS", 50)
    lines = [f"{REVIEWS[i % len(REVIEWS)]} {i}" for i in range(3000)]
    stream = io.BytesIO("\n".join(lines).encode("utf-8"))
    answers = classifier.classify(stream_reviews(stream, MAX_CHARS))
    next(answers)
    assert stream.tell() < len(stream.getvalue()) / 4
    assert [review.text for review, _, _ in [*answers]] == [line[:MAX_CHARS] for line in lines[1:]]


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"  a b  \n\n \t \nc\r\n  d", [Review("a b", False), Review("c", False), Review("d", False)]),
        (
            b"abcdef\nabc     \n   abcd\nab  cd",
            [Review("abc", True), Review("abc", False), Review("abc", True), Review("ab ", True)],
        ),
    ],
)
def test_lines_are_stripped_and_cut_whatever_the_pieces_they_are_read_in(monkeypatch, data, expected):
    monkeypatch.setattr(predict, "READ_CHARS", 2)
    assert list(stream_reviews(io.BytesIO(data), 3)) == expected


@pytest.mark.parametrize(
    "data, where",
    [
        ("好评\n很快\n差评\n".encode("gbk"), "line 1, byte 1 (0xba)"),
        ("好评\n\n很快\n".encode() + "差评".encode("gbk"), "line 4, byte 1 (0xb2)"),
        ("好评".encode() * 10 + b"\xff\n", "line 1, byte 61 (0xff)"),
    ],
)
def test_input_that_is_not_utf8_names_its_line_and_byte_after_answering_the_lines_before(
    run_predict, monkeypatch, data, where
):
    monkeypatch.setattr(predict, "READ_CHARS", 4)
    status, out, err = run_predict(stdin=data)
    assert status == 1
    assert err == [f"rnnlab predict: stdin: {where} is not UTF-8; expected UTF-8 (from GBK: iconv -f GBK -t UTF-8)"]
    answered_lines = int(where.split(",")[0].split()[1]) - 1
    assert [line.split("\t")[-1] for line in out] == [
        line for line in data.decode("utf-8", "replace").splitlines()[:answered_lines] if line
    ]


def test_an_argument_that_is_not_utf8_names_the_argument_and_byte(run_predict):
    status, out, err = run_predict("好评", "好\udcca")
    assert status == 1 and len(out) == 1
    assert err == [
        "rnnlab predict: review argument 2, byte 4 (0xca) is not UTF-8; "
        "expected UTF-8 (from GBK: iconv -f GBK -t UTF-8)"
    ]


def test_a_long_review_is_classified_by_its_first_characters_and_echoed_cut(run_predict):
    status, out, err = run_predict(stdin=("酒店很干净" * 1000 + "\n好评\n").encode("utf-8"))
    assert status == 0 and err == []
    first_chars = ("酒店很干净" * 3)[:MAX_CHARS]
    assert [line.split("\t")[-1] for line in out] == [f"{first_chars}…[cut after {MAX_CHARS} characters]", "好评"]
    _, as_argument, _ = run_predict(first_chars)
    assert out[0].split("\t")[:2] == as_argument[0].split("\t")[:2]


@pytest.mark.parametrize(
    "review, echoed",
    [
        ("好\x1b[2J\x1b]0;t\x07", "好\\x1b[2J\\x1b]0;t\\x07"),
        ("酒店\r差评\tx", "酒店\\r差评\\tx"),
        ("\u202e评好", "\\u202e评好"),
        ("热水器👍\u200d", "热水器👍\u200d"),
    ],
)
def test_control_characters_of_a_review_are_echoed_as_escapes(run_predict, review, echoed):
    status, out, err = run_predict(review)
    assert status == 0 and err == []
    assert len(out) == 1 and out[0].split("\t")[2:] == [echoed]


@pytest.mark.parametrize(
    "missing, arguments, expected",
    [
        (
            "models/text/gru.pt",
            [],
            "models/text/gru.pt: no trained model; `dvc pull train_text@gru` fetches it from the "
            "team's remote, `dvc repro train_text@gru` makes it",
        ),
        ("data/text/tensors", [], "data/text/tensors/vocab.json: no vocabulary; `dvc pull tensorize` fetches it"),
        (
            "data/text/tensors/labels.json",
            ["--tensors", "data/text/tensors"],
            "data/text/tensors/labels.json: no category names; `dvc pull tensorize` fetches it",
        ),
    ],
)
def test_a_missing_artifact_is_one_line_naming_the_dvc_command_that_brings_it(
    project, run_predict, missing, arguments, expected
):
    path = project / missing
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    status, out, err = run_predict(*arguments, "好评")
    assert status == 1 and out == [] and len(err) == 1
    assert err[0].startswith("rnnlab predict: ") and expected in err[0] and "dvc repro" in err[0]


@pytest.mark.parametrize("content, found", [(None, "no such file"), (b"not a checkpoint", "not a readable checkpoint")])
def test_a_checkpoint_named_on_the_command_line_is_not_sent_to_dvc(run_predict, tmp_path_factory, content, found):
    outside = tmp_path_factory.mktemp("elsewhere") / "mine.pt"
    if content is not None:
        outside.write_bytes(content)
    status, out, err = run_predict("--checkpoint", str(outside), "好评")
    assert status == 1 and out == [] and len(err) == 1
    assert err[0].startswith(f"rnnlab predict: {outside}: {found}")
    assert err[0].endswith("--checkpoint must name a checkpoint that train_text wrote") and "dvc" not in err[0]
