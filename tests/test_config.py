"""params.yaml is checked whole before a stage works; every error names the key."""

import copy

import pytest
import yaml

from pipeline_project import ROOT
from rnnlab import config, settings
from rnnlab.params import ParamsError

COMMITTED = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))


def test_committed_params_are_valid():
    settings.check(COMMITTED)


def with_change(path: str, value):
    changed = copy.deepcopy(COMMITTED)
    *parents, last = path.split(".")
    node = changed
    for part in parents:
        node = node[part]
    node[last] = value
    return changed


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("train_text.transformer", {"hidden": 8}, r"train_text.transformer names no network; name the block after"),
        ("train_forecast.cnn", {}, r"train_forecast.cnn names no network"),
        ("train_forecast.gru.cell", "cnn", r"train_forecast.gru names no network"),
        (
            "train_forecast.gru.segment",
            50,
            r"train_forecast.gru.segment must divide forecast.jena2009_2016.windows.input_steps \(720\), got 50",
        ),
        ("train_text.lstm.hidden", -5, r"train_text.lstm.hidden must not be negative"),
        ("train_text.gru.hidden", 0, r"train_text.gru: hidden must be at least 1"),
        ("train_text.rnn.epochs", "ten", r"train_text.rnn.epochs must be int, got 'ten'"),
        ("train_text.rnn.pooling", "attention", r"train_text.rnn: pooling must be one of"),
        ("train_text.lstm.dropout", 1.5, r"train_text.lstm: dropout must be in \[0, 1\)"),
        ("train_forecast.gru.lr", 0, r"train_forecast.gru: lr must be positive"),
        ("word2vec.vector_size", 0, r"word2vec: vector_size must be at least 1"),
        ("tensorize.max_len", 2, r"tensorize.max_len must be an integer of at least 3"),
        ("tensorize.chars_per_word", -1, r"tensorize.chars_per_word must be a non-negative integer"),
        ("segment.workers", 0, r"segment.workers must be a positive integer"),
        ("forecast.mpi_roof_2024.windows.stride", 0, r"forecast.mpi_roof_2024.windows: stride must be at least 1"),
        (
            "forecast.mpi_roof_2024.windows.input_steps",
            72,
            r"input_steps must cover the 3 days .* \(432 steps\), got 72",
        ),
        (
            "forecast.mpi_roof_2024.periods.val_start",
            "2024-01-01",
            r"forecast.mpi_roof_2024.periods: .*train_start < val_start",
        ),
        ("forecast.mpi_roof_2024.periods.test_end", "not a date", r"forecast.mpi_roof_2024.periods"),
        ("forecast.mpi_roof_2024.features", ["hour", "wind"], r"forecast.mpi_roof_2024.features must include"),
        ("forecast.jena2009_2016.sorce", "x.csv", r"forecast.jena2009_2016.sorce is not a known key"),
        ("evaluate", {}, r"evaluate is not a known section"),
        ("long_horizon.models.segment_gru.kind", "cnn", r"segment_gru.kind must be one of \['segment', 'pointwise'\]"),
        (
            "long_horizon.models.pointwise_gru.segment",
            48,
            r"long_horizon.models.pointwise_gru.segment is not a known key; expected one of \['batch_size', 'cell'",
        ),
    ],
)
def test_bad_values_name_their_key(key, value, message):
    with pytest.raises(ParamsError, match=message):
        settings.check(with_change(key, value))


@pytest.mark.parametrize("name", config.NETWORKS)
def test_every_network_a_model_may_name_is_built(name):
    from rnnlab.nn import GRU, LSTM, RNN, network

    built = network(name, input_size=3, hidden_size=4, num_layers=1, dropout=0.0)
    assert type(built) is {"rnn": RNN, "gru": GRU, "lstm": LSTM}[name.removeprefix("bi")]
    assert built.bidirectional == name.startswith("bi")


def test_checking_every_setting_imports_no_framework():
    import subprocess
    import sys

    probe = (
        "import sys; from rnnlab import config, settings; settings.check(config.load_params()); "
        "print(sorted({'torch', 'gensim', 'dvclive'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


def test_a_missing_setting_is_named():
    changed = copy.deepcopy(COMMITTED)
    del changed["train_text"]["gru"]["clip_norm"]
    with pytest.raises(ParamsError, match=r"train_text.gru is missing clip_norm"):
        settings.check(changed)


def test_an_unknown_key_lists_model_and_training_keys():
    with pytest.raises(ParamsError, match=r"train_text.gru.hiden is not a known key; expected one of .*'hidden'.*'lr'"):
        settings.check(with_change("train_text.gru.hiden", 64))


def test_check_command_names_the_bad_key(tmp_path):
    import subprocess
    import sys

    (tmp_path / "params.yaml").write_text(
        yaml.safe_dump(with_change("train_text.gru.lr", 0), allow_unicode=True), encoding="utf-8"
    )
    (tmp_path / "dvc.yaml").write_text("stages: {}\n", encoding="utf-8")
    (tmp_path / "stages").mkdir()
    # From a folder inside the repository, as a user may stand.
    result = subprocess.run(
        [sys.executable, "-m", "rnnlab", "check"], cwd=tmp_path / "stages", capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr == "rnnlab check: params.yaml: train_text.gru: lr must be positive, got 0\n"
