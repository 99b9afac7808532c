"""Artifacts are written whole or not at all, readable as any file the user's umask allows."""
import pytest

from rnnlab.io import atomic_path, write_json


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
