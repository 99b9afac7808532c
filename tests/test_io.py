"""Artifacts are written whole or not at all, readable as any file the user's umask allows."""

import resource

import pytest
import torch

from rnnlab.io import OutputError, atomic_path, outputs_together, read_json, write_json, write_tensors


def test_written_files_are_as_readable_as_open_makes_them(tmp_path):
    write_json(tmp_path / "artifact.json", {"a": 1})
    (tmp_path / "plain.txt").write_text("open() applies only the umask")
    mode = {path.name: path.stat().st_mode & 0o777 for path in tmp_path.iterdir()}
    assert mode["artifact.json"] == mode["plain.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "result.json"
    write_json(path, {"old": True})
    with pytest.raises(RuntimeError):
        with atomic_path(path) as temporary:
            temporary.write_text("half")
            raise RuntimeError("interrupted")
    assert path.read_text(encoding="utf-8") == '{\n  "old": true\n}\n'
    assert list(tmp_path.iterdir()) == [path]


def test_outputs_together_replace_all_or_none(tmp_path):
    first, second = tmp_path / "metrics.json", tmp_path / "sub" / "scores.csv"
    write_json(first, {"old": 1})
    with pytest.raises(RuntimeError):
        with outputs_together():
            write_json(first, {"new": 1})
            assert read_json(first) == {"old": 1}  # not before the stage ends
            raise RuntimeError("the stage fails after writing one output")
    assert read_json(first) == {"old": 1}
    with outputs_together():
        write_json(first, {"new": 1})
        write_json(second, {"new": 2})
    assert read_json(first) == {"new": 1} and read_json(second) == {"new": 2}
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["metrics.json", "scores.csv", "sub"]


def test_a_file_too_large_is_one_line_naming_the_path_and_the_earlier_file_stays(tmp_path):
    path = tmp_path / "tensors.safetensors"
    write_tensors(path, {"small": torch.zeros(4)})
    before = path.read_bytes()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        with pytest.raises(OutputError, match=r"tensors.safetensors: cannot be written \(File too large\)"):
            write_tensors(path, {"large": torch.zeros(100_000)})
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_damaged_json_is_one_error_naming_the_file(tmp_path):
    (tmp_path / "labels.json").write_bytes(b'["\xe4\xb9\xa6\xe7\xb1", "x"')
    with pytest.raises(OutputError, match=r"labels\.json: not the JSON a stage wrote"):
        read_json(tmp_path / "labels.json")
