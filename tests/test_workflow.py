"""The everyday loop: repro, change one param, only its stages rerun, diff metrics, push, clone, pull."""
import re

import pytest

from pipeline_project import make_project

SETUP = "mpi_roof_2024"
TARGETS = [f"figure_forecast@{SETUP}", f"baselines_forecast@{SETUP}"]


def stages_run(output: str) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", output))


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("workflow"))
    project.place_raw("fetch@station_2024", "mpi_roof_2024_slice.csv", "data/raw/station/mpi_roof_2024_sample.csv")
    project.dvc("repro", *TARGETS)
    project.git("add", "-A")
    project.git("commit", "-qm", "first results")
    return project


def test_changing_one_model_reruns_only_its_stages_and_diff_names_the_metric(committed, tmp_path):
    project = committed
    project.dvc("params", "diff")  # clean before the change
    params = (project.path / "params.yaml").read_text(encoding="utf-8")
    gru = params.index("gru:", params.index("train_forecast:"))
    changed = params[:gru] + params[gru:].replace("hidden: 8", "hidden: 5", 1)
    (project.path / "params.yaml").write_text(changed, encoding="utf-8")

    rerun = stages_run(project.dvc("repro", *TARGETS).stdout)
    assert rerun == {f"train_forecast@{SETUP}-gru", f"evaluate_forecast@{SETUP}-gru", f"figure_forecast@{SETUP}"}

    params_diff = project.dvc("params", "diff").stdout
    assert "train_forecast.gru.hidden" in params_diff and "5" in params_diff
    metrics_diff = project.dvc("metrics", "diff").stdout
    assert f"metrics/forecast/{SETUP}/gru.json" in metrics_diff and "mae" in metrics_diff
    assert f"metrics/forecast/{SETUP}/rnn.json" not in metrics_diff
    plots = project.dvc("plots", "diff", "-o", str(tmp_path / "plots")).stdout
    assert (tmp_path / "plots" / "index.html").exists(), plots

    project.git("add", "-A")
    project.git("commit", "-qm", "smaller gru")


def test_push_clone_pull_restores_everything(committed, tmp_path):
    project = committed
    remote = tmp_path / "remote"
    project.dvc("remote", "add", "--local", "-d", "shared", str(remote))
    project.dvc("push", "--run-cache")

    clone_path = tmp_path / "clone"
    project.git("clone", "-q", str(project.path), str(clone_path))
    clone = type(project)(clone_path)
    clone.dvc("remote", "add", "--local", "-d", "shared", str(remote))
    # Targets: the 2009-2016 setup's artifacts were never produced in this offline test project.
    clone.dvc("pull", "--with-deps", *TARGETS)
    status = clone.dvc("status", *TARGETS).stdout
    assert "up to date" in status, status
    for name in ("gru", "lstm"):
        original = project.path / f"models/forecast/{SETUP}/{name}.pt"
        assert (clone_path / original.relative_to(project.path)).read_bytes() == original.read_bytes()
    assert (clone_path / f"metrics/forecast/{SETUP}/gru.json").read_text() == (
        project.path / f"metrics/forecast/{SETUP}/gru.json"
    ).read_text()


def test_run_cache_lets_a_fresh_clone_skip_training(committed, tmp_path):
    project = committed
    remote = tmp_path / "remote"
    project.dvc("remote", "add", "--local", "-f", "-d", "shared", str(remote))
    project.dvc("push", "--run-cache")
    clone_path = tmp_path / "fresh"
    project.git("clone", "-q", str(project.path), str(clone_path))
    clone = type(project)(clone_path)
    clone.dvc("remote", "add", "--local", "-d", "shared", str(remote))
    clone.dvc("fetch", "--run-cache", "--with-deps", *TARGETS)
    clone.dvc("checkout", "fetch@station_2024")
    output = clone.dvc("repro", *TARGETS).stdout
    assert f"Stage 'train_forecast@{SETUP}-lstm' is cached - skipping run" in output, output
    assert not stages_run(output) & {f"train_forecast@{SETUP}-{m}" for m in ("rnn", "gru", "lstm", "bilstm")}
