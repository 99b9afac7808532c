"""What a user's bad input does to a stage run as dvc.yaml runs it: one line on stderr naming the file and what
was expected, exit status 1, and nothing written."""

import fractions
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

from pipeline_project import FIXTURES, ROOT

# Each case starts stage scripts in processes of their own: seconds apiece.
pytestmark = pytest.mark.slow

SAMPLE = FIXTURES / "reviews_sample.csv"


def run_stage(folder: Path, script: str, *arguments: str, traceback: bool = False) -> subprocess.CompletedProcess:
    environment = {**os.environ, "RNNLAB_TRACEBACK": "1" if traceback else "0"}
    return subprocess.run(
        [sys.executable, str(ROOT / "stages" / script), *arguments],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def folder(tmp_path):
    shutil.copyfile(ROOT / "params.yaml", tmp_path / "params.yaml")
    return tmp_path


def assert_one_line(result: subprocess.CompletedProcess, *parts: str) -> None:
    assert result.returncode == 1, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "bad.csv: empty file; expected a CSV with the header cat,label,review"),
        (b"cat,label,review\n", "bad.csv: a header and no reviews"),
        (
            "cat,label,review\n书籍,1,好\n酒店,0,差\n".encode("gbk"),
            "bad.csv: line 2, byte 1 (0xca) is not UTF-8; expected UTF-8",
        ),
    ],
)
def test_segment_names_the_bad_reviews_file_and_writes_nothing(folder, content, expected):
    (folder / "bad.csv").write_bytes(content)
    result = run_stage(folder, "segment.py", "bad.csv", "out/segmented.parquet")
    assert_one_line(result, f"segment: {expected}")
    assert not (folder / "out").exists()


def test_a_bad_param_is_one_line_and_the_traceback_is_there_when_asked(folder):
    params = yaml.safe_load((folder / "params.yaml").read_text(encoding="utf-8"))
    params["segment"]["max_chars"] = 0
    (folder / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    assert_one_line(
        run_stage(folder, "segment.py", str(SAMPLE), "out.parquet"), "segment: params.yaml: segment.max_chars"
    )
    shown = run_stage(folder, "segment.py", str(SAMPLE), "out.parquet", traceback=True)
    assert shown.returncode == 1 and "Traceback (most recent call last)" in shown.stderr
    assert not (folder / "out.parquet").exists()


def pickled_object() -> bytes:
    """A checkpoint-shaped file holding an object that is not a tensor or a plain value."""
    buffer = io.BytesIO()
    torch.save({"config": fractions.Fraction(1, 2), "state_dict": {}}, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, found",
    [
        (b"", "(an empty file)"),
        (b"PK\x03\x04 a zip cut short", "not a readable checkpoint"),
        (pickled_object(), "(it holds objects other than tensors and plain values, which are never loaded)"),
    ],
)
def test_evaluate_names_an_unreadable_checkpoint_and_how_to_restore_it(folder, content, found):
    (folder / "gru.pt").write_bytes(content)
    outputs = ("m.json", "c.csv", "p.csv", "e.json", "s.json")
    result = run_stage(folder, "evaluate_text.py", "gru", "gru.pt", "tensors", *outputs)
    assert "weights_only" not in result.stderr
    assert_one_line(result, "evaluate_text: gru.pt: not a readable checkpoint", found, "dvc checkout gru.pt")
    assert sorted(path.name for path in folder.iterdir()) == ["gru.pt", "params.yaml"]


def test_an_unexpected_error_keeps_its_traceback(folder):
    result = run_stage(folder, "split.py", "missing.parquet", "out")
    assert result.returncode == 1 and "Traceback (most recent call last)" in result.stderr


def test_a_params_path_outside_the_project_is_refused_before_anything_is_written(folder, tmp_path_factory):
    shutil.copyfile(ROOT / "dvc.yaml", folder / "dvc.yaml")
    outside = tmp_path_factory.mktemp("outside") / "escape.csv"
    outside.write_text("not to be overwritten\n", encoding="utf-8")
    escape = os.path.relpath(outside, folder)
    params = yaml.safe_load((folder / "params.yaml").read_text(encoding="utf-8"))
    params["fetch"]["station_2024"] = escape
    (folder / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    expected = f"params.yaml: fetch.station_2024 is {escape!r}, outside the project; expected a path inside"

    checked = subprocess.run([sys.executable, "-m", "rnnlab", "check"], cwd=folder, capture_output=True, text=True)
    assert_one_line(checked, f"rnnlab check: {expected}")
    assert_one_line(run_stage(folder, "fetch.py", "station_2024", escape), f"fetch: {expected}")
    assert outside.read_text(encoding="utf-8") == "not to be overwritten\n"
