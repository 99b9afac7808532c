from dataclasses import dataclass

import pytest

from rnnlab import params


@dataclass(frozen=True)
class Example:
    size: int = 1
    rate: float = 0.1
    name: str = "a"
    flag: bool = False


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


def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("a: [1, 2\n")
    with pytest.raises(params.ParamsError, match="params.yaml: cannot read"):
        params.load(path)
