"""A throwaway copy of this project, with small params, in which tests run DVC for real."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from rnnlab.cpu import pins_in

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
BIN = Path(sys.executable).parent
# The forecasting setup whose data the committed station sample holds: the one the project copies run.
SETUP = "mpi_roof_2024"
# What `make repro` sets (scripts/repro.py), so that a stage need not start over under the pins: a stage
# started without them is tests/test_cpu_vendors.py's.
PROJECT_PINS = pins_in(yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8")))


def small_params() -> dict:
    """The committed params.yaml with sizes cut down so that every stage runs in seconds."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["word2vec"].update(vector_size=16, epochs=2)
    params["segment"]["workers"] = 1
    params["tensorize"]["max_len"] = 32
    for section in params["train_text"].values():
        section.update(hidden=8, epochs=2, batch_size=32)
    params["forecast"][SETUP].update(
        periods={
            "train_start": "2024-06-09",
            "val_start": "2024-06-16",
            "test_start": "2024-06-20",
            "test_end": "2024-06-24",
        },
        # Three days in, what the baselines read back (forecast.config.DAYS_BACK).
        windows={"input_steps": 432, "target_steps": 36, "stride": 12},
    )
    for section in params["train_forecast"].values():
        section.update(hidden=8, epochs=2, batch_size=32)
    # The benchmark's 2,700-row slice: a lookback of 96 steps, two horizons, a few batches an epoch.
    params["long_horizon"].update(input_steps=96, horizons=[24, 48])
    for section in params["long_horizon"]["models"].values():
        section.update(hidden=8, epochs=2, batch_size=16, windows_per_epoch=64)
        if section["kind"] == "segment":
            section["segment"] = 24
    return params


class Project:
    def __init__(self, path: Path, environment: dict[str, str] | None = None):
        self.path = path
        self.environment = environment or {}

    def run(
        self, *command: str, check: bool = True, cwd: str = ".", stdin: str | None = None
    ) -> subprocess.CompletedProcess:
        """``command`` in the copy (or its folder ``cwd``), with ``stdin`` as its input."""
        path = f"{BIN}{os.pathsep}{os.environ['PATH']}"
        environment = {**os.environ, **PROJECT_PINS, **self.environment, "PATH": path}
        result = subprocess.run(
            command, cwd=self.path / cwd, env=environment, capture_output=True, text=True, input=stdin
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def dvc(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "dvc"), *arguments, check=check)

    def git(self, *arguments: str) -> subprocess.CompletedProcess:
        return self.run("git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *arguments)

    def locked(self, stage: str) -> dict:
        """What dvc.lock records of ``stage``: its command, and the md5 of every dependency and output."""
        return yaml.safe_load((self.path / "dvc.lock").read_text(encoding="utf-8"))["stages"][stage]

    def write_params(self, params: dict) -> None:
        (self.path / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")

    def place_raw(self, stage: str, fixture: str, target: str) -> None:
        """Puts a committed sample where ``stage`` would fetch the full file, and records it as that stage's output."""
        destination = self.path / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / fixture, destination)
        self.dvc("commit", "--force", stage)


def make_project(path: Path, environment: dict[str, str] | None = None) -> Project:
    """The copy, its commands run with ``environment`` added to this process's."""
    for name in ("dvc.yaml", ".dvcignore", ".gitignore"):
        shutil.copyfile(ROOT / name, path / name)
    for folder in ("stages", "src"):
        shutil.copytree(ROOT / folder, path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    project = Project(path, environment)
    project.git("init", "-q")
    project.dvc("init", "-q")
    project.dvc("config", "core.analytics", "false")
    project.write_params(small_params())
    # dvclive needs a commit to exist in the repository it logs from.
    project.git("add", "-A")
    project.git("commit", "-qm", "project copy")
    return project


# The summary needs every text and forecast metric, so these targets run both chains whole.
BOTH_CHAINS = [f"summary@{SETUP}", f"figure_forecast@{SETUP}", "figure_text"]


def copy_project(project: Project, destination: Path) -> Project:
    """A copy of ``project`` at ``destination`` to change freely, without DVC's locks of the moment (.dvc/tmp),
    which a command running in the original at the time would have left in the copy."""
    shutil.copytree(project.path, destination, symlinks=True, ignore=_dvc_tmp)
    return Project(destination)


def _dvc_tmp(folder: str, names: list[str]) -> set[str]:
    return {"tmp"} if Path(folder).name == ".dvc" else set()


def run_both_chains(path: Path, hash_seed: str) -> Project:
    """A copy in which ``dvc repro`` ran the text and forecast chains on the samples, under PYTHONHASHSEED
    ``hash_seed``."""
    path.mkdir(parents=True, exist_ok=True)
    project = make_project(path, {"PYTHONHASHSEED": hash_seed})
    project.place_raw("fetch@reviews", "reviews_sample.csv", "data/raw/online_shopping_10_cats.csv")
    project.place_raw("fetch@station_2024", "mpi_roof_2024_slice.csv", "data/raw/station/mpi_roof_2024_sample.csv")
    project.dvc("repro", *BOTH_CHAINS)
    return project
