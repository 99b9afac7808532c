"""The text chain under `dvc repro` on a few hundred real reviews."""

import json

import pandas as pd
import yaml

from committed import TEXT_MODELS

# Every test here reads both_chains, the session's project in which both chains ran, and changes nothing in it.
TARGETS = [*(f"evaluate_text@{m}" for m in TEXT_MODELS), "baseline_tfidf"]


def test_metrics_are_well_formed(both_chains):
    categories = json.loads((both_chains.path / "data/text/tensors/labels.json").read_text(encoding="utf-8"))
    test_rows = len(pd.read_parquet(both_chains.path / "data/text/split/test.parquet"))
    for name in [*TEXT_MODELS, "tfidf_svm"]:
        metrics = json.loads((both_chains.path / f"metrics/text/{name}.json").read_text(encoding="utf-8"))
        assert 0.0 <= metrics["macro_f1"] <= 1.0 and 0.0 <= metrics["accuracy"] <= 1.0
        assert list(metrics["per_class"]) == categories
        assert sum(row["support"] for row in metrics["per_class"].values()) == test_rows
        confusion = pd.read_csv(both_chains.path / f"metrics/text/confusion/{name}.csv")
        assert list(confusion.columns) == ["actual", "predicted"] and len(confusion) == test_rows
        if name != "tfidf_svm":
            assert metrics["parameters"] > 0 and metrics["members"] >= 1
            assert 0.0 <= metrics["single_network"]["macro_f1"] <= 1.0
            if metrics["members"] == 1:
                assert metrics["single_network"]["macro_f1"] == metrics["macro_f1"]
            timing = json.loads((both_chains.path / f"timings/text/{name}.json").read_text())
            assert len(timing["seconds_per_epoch"]) == 2 and timing["mean_seconds_per_epoch"] >= 0
    assert test_rows == 80  # rows 5, 10, ..., 400 of the 401-row sample


def test_dvc_sees_metrics_and_training_curves(both_chains):
    # The text scores are outputs, not declared metrics (their per-class columns would make the table
    # unreadable); DVC shows them when named.
    shown = both_chains.dvc("metrics", "show", "--json", "metrics/text/gru.json", "metrics/text/tfidf_svm.json").stdout
    assert "macro_f1" in shown and "tfidf_svm" in shown
    curve = pd.read_csv(both_chains.path / "metrics/text/training/gru/plots/metrics/val/macro_f1.tsv", sep="\t")
    assert curve["step"].tolist() == [0, 1]


def test_training_log_records_every_setting_and_what_decides_its_numbers_beyond_params(both_chains):
    logged = yaml.safe_load((both_chains.path / "metrics/text/training/gru/params.yaml").read_text(encoding="utf-8"))
    params = yaml.safe_load((both_chains.path / "params.yaml").read_text(encoding="utf-8"))
    # compute.threads and compute.pins, whatever the cores and CPU of the machine.
    assert {key: logged[key] for key in ("device", "threads", "pins")} == {
        "device": "cpu",
        "threads": params["compute"]["threads"],
        "pins": params["compute"]["pins"],
    }
    block = params["train_text"]["gru"]
    assert {key: logged["training"][key] for key in ("lr", "epochs", "batch_size", "seed")} == {
        key: block[key] for key in ("lr", "epochs", "batch_size", "seed")
    }
    assert logged["model"]["hidden"] == block["hidden"] and logged["model"]["cell"] == "gru"


def test_second_repro_does_nothing(both_chains):
    output = both_chains.dvc("repro", *TARGETS).stdout
    assert "Running stage" not in output


def test_predict_prints_category_and_top_three(both_chains):
    categories = json.loads((both_chains.path / "data/text/tensors/labels.json").read_text(encoding="utf-8"))
    output = both_chains.run("python", "-m", "rnnlab", "predict", "--model", "gru", "这款热水器加热很快").stdout.strip()
    predicted, top_three, review = output.split("\t")
    assert predicted in categories and review == "这款热水器加热很快"
    assert len(top_three.split("  ")) == 3


def test_predict_runs_from_a_subfolder_and_says_when_it_knows_no_word(both_chains):
    output = both_chains.run("python", "-m", "rnnlab", "predict", "--model", "rnn", "", "🙂🙂", cwd="stages").stdout
    lines = output.strip("\n").split("\n")
    assert [line.split("\t")[:2] for line in lines] == [
        ["?", "no word of this review is in the model's vocabulary"]
    ] * 2


def test_predict_without_input_or_model_says_what_to_do_in_one_line(both_chains):
    empty = both_chains.run("python", "-m", "rnnlab", "predict", "--model", "rnn", check=False, stdin="\n\n")
    assert empty.returncode == 1
    assert empty.stderr == "rnnlab predict: no reviews to classify: give them as arguments, or one per line on stdin\n"
    missing = both_chains.run("python", "-m", "rnnlab", "predict", "--checkpoint", "nowhere.pt", "好", check=False)
    assert missing.returncode == 1 and len(missing.stderr.splitlines()) == 1
    # A file the user names is theirs: no DVC command makes it.
    expected = "nowhere.pt: no such file; --checkpoint must name a checkpoint that train_text wrote\n"
    assert missing.stderr.endswith(expected)
