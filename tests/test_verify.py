"""`python -m rnnlab verify` finds what DVC takes on trust: a bit flipped in a cache object (which `dvc status`
calls up to date and `dvc checkout` copies out) or in a workspace output, names each, and the repair it prints
puts the good bytes back from the remote."""

import hashlib
import subprocess

import pytest

from pipeline_project import SETUP, copy_project

# A checkpoint, a tensor file inside a folder output and a parquet file: one of each kind a stage reads.
DAMAGED_IN_CACHE = ["models/text/gru.pt", "data/text/tensors/test.safetensors", f"data/forecast/{SETUP}/series.parquet"]
DAMAGED_IN_WORKSPACE = f"models/forecast/{SETUP}/lstm.pt"


@pytest.fixture
def project(chains_to_copy, tmp_path):
    """A copy of the chains' run whose outputs are pushed to a folder remote."""
    project = copy_project(chains_to_copy, tmp_path / "project")
    project.dvc("remote", "add", "--local", "-d", "shared", str(tmp_path / "remote"))
    project.dvc("push")
    return project


def verify(project) -> subprocess.CompletedProcess:
    return project.run("python", "-m", "rnnlab", "verify", check=False)


def flip_a_bit(path, position: int) -> None:
    data = bytearray(path.read_bytes())
    data[position % len(data)] ^= 0x10
    path.chmod(0o644)  # DVC leaves its cache objects read-only
    path.write_bytes(bytes(data))


def cache_object(project, path: str):
    md5 = hashlib.md5((project.path / path).read_bytes()).hexdigest()
    return project.path / ".dvc/cache/files/md5" / md5[:2] / md5[2:]


def test_damage_in_the_cache_and_the_workspace_is_named_and_the_printed_repair_works(project):
    clean = verify(project)
    assert clean.returncode == 0, clean.stderr
    assert "every one holds the bytes dvc.lock records" in clean.stdout

    objects = [cache_object(project, path) for path in DAMAGED_IN_CACHE]
    for position, damaged in enumerate(objects):
        flip_a_bit(damaged, 1000 * position + 77)
    flip_a_bit(project.path / DAMAGED_IN_WORKSPACE, 4242)

    result = verify(project)
    assert result.returncode == 1
    damaged_lines = [line for line in result.stdout.splitlines() if line.startswith("damaged: ")]
    assert len(damaged_lines) == 4, result.stdout
    for damaged, path in zip(objects, DAMAGED_IN_CACHE):
        assert any(str(damaged.relative_to(project.path)) in line for line in damaged_lines), path
    assert any(DAMAGED_IN_WORKSPACE in line and "workspace" in line for line in damaged_lines)
    message = result.stderr.strip()
    assert message.count("\n") == 0 and message.startswith("rnnlab verify: 4 damaged;"), message

    repair = message.split("from the remote: ", 1)[1]
    for command in repair.split("; "):
        project.run("bash", "-c", command)
    after = verify(project)
    assert after.returncode == 0, after.stdout + after.stderr
    assert after.stdout == clean.stdout
