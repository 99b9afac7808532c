"""A newcomer's first DVC commands on a fresh clone: `dvc metrics show` prints a table a terminal can show, and
no warning; the plots follow params.yaml; `dvc plots show` without the
offline page gives DVC's own page, never an unexpected error. Each test reads a copy of what a commit would hold
(no output that is cached, no page built, no .dvc/config.local) and runs no stage: seconds."""

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

from pipeline_project import ROOT

DVC = Path(sys.executable).parent / "dvc"
# What `dvc metrics show` may take: a terminal of 160 columns.
WIDTH = 160


def committed_files() -> list[str]:
    """The files a commit of the working tree would hold: tracked and untracked ones that git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone, as far as DVC can tell: the committed files in a new git repository."""
    path = tmp_path_factory.mktemp("views") / "clone"
    for name in committed_files():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, path / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=path, check=True)
    subprocess.run([*git, "commit", "-qm", "clone"], cwd=path, check=True)
    return path


def dvc(path: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DVC), *arguments], cwd=path, capture_output=True, text=True, timeout=120)


def columns(line: str) -> int:
    """The columns ``line`` takes in a terminal: two for each wide character (the categories' names)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


@pytest.fixture(scope="module")
def metrics_shown(clone) -> subprocess.CompletedProcess:
    return dvc(clone, "metrics", "show")


def test_metrics_show_fits_a_terminal(metrics_shown):
    assert metrics_shown.returncode == 0, metrics_shown.stderr
    lines = (metrics_shown.stdout + metrics_shown.stderr).splitlines()
    widest = max(lines, key=columns)
    assert columns(widest) <= WIDTH, f"{columns(widest)} columns:\n{widest}"


def test_metrics_show_has_no_warning_line(metrics_shown):
    # The Keras setup's stages never ran offline: a metrics file of theirs declared one by one would be a
    # "failed to load" line here.
    assert metrics_shown.returncode == 0 and metrics_shown.stderr == ""
    assert "metrics/forecast/scores/mpi_roof_2024/gru.json" in metrics_shown.stdout


def test_every_score_is_a_metric(metrics_shown):
    """Text: each model's ensemble and first network, and TF-IDF's; forecasts and the benchmark by model."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    shown = {line.split()[0] for line in metrics_shown.stdout.splitlines()[1:]}
    text = [
        f"metrics/text/scores/{kind}/{model}.json"
        for kind in ("ensemble", "single_network")
        for model in params["train_text"]
    ]
    assert {*text, "metrics/text/scores/tfidf_svm.json"} <= shown
    for model in params["train_forecast"]:
        assert f"metrics/forecast/scores/mpi_roof_2024/{model}.json" in shown
    for model in params["long_horizon"]["models"]:
        assert f"metrics/long_horizon/scores/96/{model}.json" in shown


def test_a_changed_text_score_shows_in_metrics_diff(clone):
    changed = clone / "metrics/text/scores/ensemble/gru.json"
    committed = changed.read_text(encoding="utf-8")
    scores = json.loads(committed)
    try:
        changed.write_text(json.dumps({**scores, "macro_f1": scores["macro_f1"] - 0.01}), encoding="utf-8")
        diff = dvc(clone, "metrics", "diff", "--json")
    finally:
        changed.write_text(committed, encoding="utf-8")
    assert diff.returncode == 0, diff.stderr
    assert list(json.loads(diff.stdout)) == ["metrics/text/scores/ensemble/gru.json"]
    assert json.loads(diff.stdout)["metrics/text/scores/ensemble/gru.json"]["macro_f1"]["diff"] == pytest.approx(-0.01)


def declared_plots(clone) -> set[str]:
    """Each file or folder that a stage declares as a plot, and each file `dvc plots show` reads in the clone
    (a folder of cached files only after `dvc pull`); no plot may read a file that no stage writes."""
    from dvc.repo import Repo
    from dvc.repo.plots import infer_data_sources

    files = set()
    with Repo(str(clone)) as repo:
        for revision in repo.plots.collect():
            for config in revision["workspace"]["definitions"]["data"].values():
                for plot_id, props in config["data"].items():
                    files.update(infer_data_sources(plot_id, props))
        outputs = {os.path.relpath(out.fs_path, repo.root_dir) for out in repo.index.outs}
        declared = {os.path.relpath(out.fs_path, repo.root_dir) for out in repo.index.plots}
    orphans = {file for file in files if not any(file == out or file.startswith(f"{out}/") for out in outputs)}
    assert not orphans, f"plots of files no stage writes: {sorted(orphans)}"
    return files | declared


def test_plots_cover_every_model_and_setup_of_params(clone):
    params = yaml.safe_load((clone / "params.yaml").read_text(encoding="utf-8"))
    expected = set()
    for model in params["train_text"]:
        expected |= {
            f"metrics/text/confusion/{model}.csv",
            f"metrics/text/per_class/{model}.csv",
            f"metrics/text/training/{model}/plots/metrics",
        }
    for setup in params["forecast"]:
        expected |= {
            f"metrics/forecast/{setup}/windows.png",
            f"metrics/summary/{setup}.png",
            f"metrics/summary/{setup}_horizon.png",
            f"metrics/forecast/{setup}/horizon/baselines",
        }
        for model in params["train_forecast"]:
            expected |= {
                f"metrics/forecast/{setup}/horizon/{model}.csv",
                f"metrics/forecast/{setup}/training/{model}/plots/metrics",
            }
    for horizon in params["long_horizon"]["horizons"]:
        expected.add(f"metrics/long_horizon/{horizon}/by_step/baselines")
        for model in params["long_horizon"]["models"]:
            expected |= {
                f"metrics/long_horizon/{horizon}/by_step/{model}.csv",
                f"metrics/long_horizon/training/{model}_{horizon}/plots/metrics",
            }
    declared = declared_plots(clone)
    # A folder is covered by its own declaration, or by its files once listed.
    missing = {path for path in expected if not any(p == path or p.startswith(f"{path}/") for p in declared)}
    assert not missing, f"no plot of {sorted(missing)}"


def test_plots_show_without_the_offline_page_gives_dvc_own_page(clone, tmp_path):
    assert not (clone / ".dvc/plots/offline.html").exists()
    shown = dvc(clone, "plots", "show", "-o", str(tmp_path / "plots"))
    assert shown.returncode == 0, shown.stderr
    assert "unexpected error" not in shown.stderr
    assert "vegaEmbed(" in (tmp_path / "plots" / "index.html").read_text(encoding="utf-8")
