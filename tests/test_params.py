from dataclasses import dataclass

import pytest

from rnnlab import config, params


@dataclass(frozen=True)
class Example:
    size: int = 1
    rate: float = 0.1
    name: str = "a"
    flag: bool = False


@dataclass(frozen=True)
class Model:
    hidden: int


@dataclass(frozen=True)
class Rate:
    lr: float


def test_build_accepts_known_keys_and_ints_for_floats():
    assert params.build(Example, {"size": 3, "rate": 1}, "k") == Example(size=3, rate=1)


@pytest.mark.parametrize(
    "values,message",
    [
        ({"sise": 3}, r"k.sise is not a known key"),
        ({"size": -1}, r"k.size must not be negative"),
        ({"size": "3"}, r"k.size must be int, got '3'"),
        ({"flag": 1}, r"k.flag must be bool"),
        ({"rate": True}, r"k.rate must be float"),
    ],
)
def test_build_names_the_key(values, message):
    with pytest.raises(params.ParamsError, match=message):
        params.build(Example, values, "k")


def test_section_names_missing_key():
    with pytest.raises(params.ParamsError, match="missing key 'a.c'"):
        params.section({"a": {"b": 1}}, "a.c")


# The reader, and the stages' loader that checks the sections of what it read.
@pytest.mark.parametrize("load", [params.load, config.load_params], ids=["params.load", "config.load_params"])
def test_unreadable_file_is_reported(tmp_path, load):
    path = tmp_path / "params.yaml"
    path.write_text("train: {rnn: [\n")
    with pytest.raises(params.ParamsError, match="params.yaml: cannot read"):
        load(path)


SHARED_BLOCK = """\
forecaster: &forecaster
  hidden: 64
  lr: 0.001
train_forecast:
  rnn:
    <<: *forecaster
    lr: {lr}
"""


@pytest.mark.parametrize("written", [".nan", ".inf", "-.inf", ".NaN"])
def test_a_non_finite_number_is_refused_where_it_is_written(tmp_path, written):
    path = tmp_path / "params.yaml"
    path.write_text(SHARED_BLOCK.format(lr=written), encoding="utf-8")
    with pytest.raises(params.ParamsError, match=r"train_forecast.rnn.lr must be a finite number, got (nan|-?inf)"):
        params.load(path)
    path.write_text(SHARED_BLOCK.replace("hidden: 64", f"hidden: {written}").format(lr=0.01), encoding="utf-8")
    with pytest.raises(params.ParamsError, match=r"params.yaml: forecaster.hidden must be a finite number"):
        params.load(path)


def test_a_key_written_twice_is_refused_as_dvc_refuses_it(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(SHARED_BLOCK.format(lr=0.01) + "    lr: 0.1\n", encoding="utf-8")
    with pytest.raises(params.ParamsError, match=r"line 8: train_forecast.rnn.lr is written twice \(first on line 7\)"):
        params.load(path)


def test_an_error_in_a_shared_block_names_the_key_the_user_wrote(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(SHARED_BLOCK.replace("hidden: 64", "hidden: -3").format(lr=0.01), encoding="utf-8")
    values = params.load(path)["train_forecast"]["rnn"]
    with pytest.raises(params.ParamsError, match=r": forecaster.hidden \(merged into train_forecast.rnn\) must not be"):
        params.build(Model, {"hidden": values["hidden"]}, "train_forecast.rnn", path)
    # Set in the model's own section, it is named there.
    path.write_text(SHARED_BLOCK.format(lr=-0.5), encoding="utf-8")
    with pytest.raises(params.ParamsError, match=r": train_forecast.rnn.lr must not be negative"):
        params.build(Rate, {"lr": params.load(path)["train_forecast"]["rnn"]["lr"]}, "train_forecast.rnn", path)
