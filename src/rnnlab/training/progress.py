"""What a training keeps while it runs, in ``<checkpoint>.partial``, so that an interrupted run continues to
the bytes an uninterrupted one writes; and what it hands over when it ends, all together."""

import hashlib
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tqdm import tqdm

from rnnlab import gemm
from rnnlab.cpu import machine, pins_in_force
from rnnlab.io import place, write_bytes, write_json
from rnnlab.training.checkpoint import CheckpointError, read_saved, serialised


@dataclass(frozen=True)
class TrainingOutputs:
    """Where a training stage's results go; ``fit`` replaces all four together when the training ends."""

    checkpoint: Path
    live: Path
    summary: Path
    timing: Path

    @classmethod
    def at(cls, checkpoint: str | Path, live: str | Path, summary: str | Path, timing: str | Path):
        return cls(Path(checkpoint), Path(live), Path(summary), Path(timing))


@dataclass
class FitResult:
    monitor: str
    best_epoch: int
    best_score: float
    seconds_per_epoch: list[float]

    def summary(self) -> dict:
        """The training's metrics: its best epoch and that epoch's validation score."""
        return {"best_epoch": self.best_epoch, f"best_val_{self.monitor}": self.best_score}

    def timing(self) -> dict:
        """What a stage records of its run's time (in ``timings/``, which DVC does not track), with the CPU."""
        return {
            **machine(),
            "fixed_order_products": gemm.installed(),
            "seconds_per_epoch": [round(s, 1) for s in self.seconds_per_epoch],
            "mean_seconds_per_epoch": round(sum(self.seconds_per_epoch) / len(self.seconds_per_epoch), 1),
        }


def numerics() -> dict:
    """What decides a training's numbers besides its params and data: our code, torch's version, the thread
    count (which splits the CPU's reductions), the CPU pins and whose float32 products run (rnnlab.gemm).
    Progress kept under other numerics is not continued, so that a resumed run ends where an uninterrupted one
    would."""
    package = Path(__file__).parents[1]
    code = hashlib.sha256()
    for source in sorted([*package.rglob("*.py"), *package.rglob("*.cpp")]):
        code.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    # str: torch's version class is not among what weights_only loading reads back.
    return {
        "code": code.hexdigest(),
        "torch": str(torch.__version__),
        "threads": torch.get_num_threads(),
        "pins": pins_in_force(),
        "fixed_order_products": gemm.installed(),
    }


class Progress:
    """A training's work folder, ``<checkpoint>.partial``: the state after the last finished epoch, the best
    checkpoint so far and the log so far. A rerun continues it only when it is whole and was kept under the
    same settings; anything else is set aside with a line saying why, and the training starts over."""

    def __init__(self, work: Path, settings: dict, state: dict, generator: torch.Generator, best: FitResult):
        self.work, self.settings, self.state, self.generator, self.best = work, settings, state, generator, best
        self.file, self.best_file, self.live = work / "progress.pt", work / "best.pt", work / "live"

    def save(self, epoch: int, finished: bool) -> None:
        """What continuing after ``epoch`` needs: the weights, optimizer, schedule, random states, best so far;
        ``finished`` once the training and its log are complete."""
        progress = {
            **self.settings,
            "epoch": epoch,
            "finished": finished,
            "best": asdict(self.best),
            "generator": self.generator.get_state(),
            "rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
            **{name: part.state_dict() for name, part in self.state.items()},
        }
        write_bytes(self.file, serialised(progress), at_once=True)

    def resume(self, tidies: bool) -> tuple[int, bool]:
        """Restores what ``save`` kept: the epochs done and whether the training finished; (0, False) when
        there is nothing to continue. The process that ``tidies`` (rank 0) empties the folder then, or cuts
        its log back to the epochs kept."""
        kept = self.kept(says=tidies)
        if kept is None:
            if tidies:
                shutil.rmtree(self.work, ignore_errors=True)
            return 0, False
        for name, part in self.state.items():
            part.load_state_dict(kept[name])
        self.generator.set_state(kept["generator"])
        torch.set_rng_state(kept["rng"])
        if kept["cuda_rng"]:
            torch.cuda.set_rng_state_all(kept["cuda_rng"])
        for field, value in kept["best"].items():
            setattr(self.best, field, value)
        if tidies:
            cut_log(self.live, kept["epoch"])
        return kept["epoch"], kept["finished"]

    def kept(self, says: bool) -> dict | None:
        """The progress file's content if it can be continued, else None; a damaged folder is a line (if
        ``says``) that the training starts over."""
        if not self.file.exists():
            return None
        try:
            kept = read_saved(self.file, ("epoch", "finished", "best", *self.state), "starting the training over")
        except CheckpointError as error:
            damage = str(error)
        else:
            if any(kept.get(key) != value for key, value in self.settings.items()):
                return None
            if kept["best"]["best_epoch"] > 0 and self.best_file.is_file():
                return kept
            damage = f"{self.best_file} is missing; starting the training over"
        if says:
            tqdm.write(damage)
        return None

    def publish(self, outputs: TrainingOutputs) -> None:
        """The finished training's checkpoint, log, best score and timing, replacing the stage's outputs all
        together (with its other outputs, inside a stage); the work folder goes once they are in place."""
        summary, timing = self.work / "summary.json", self.work / "timing.json"
        write_json(summary, self.best.summary(), at_once=True)
        write_json(timing, self.best.timing(), at_once=True)
        moves = [
            (self.best_file, outputs.checkpoint),
            (self.live, outputs.live),
            (summary, outputs.summary),
            (timing, outputs.timing),
        ]
        place(moves, then=lambda: shutil.rmtree(self.work))
        print(
            f"best validation {self.best.monitor} {self.best.best_score:.4f} at epoch {self.best.best_epoch}, "
            f"{self.best.timing()['mean_seconds_per_epoch']} s per epoch"
        )


def cut_log(live: Path, epochs: int) -> None:
    """dvclive's metric files cut back to their first ``epochs`` steps: rows of an epoch logged after the last
    kept one (an interruption between the log and the progress file) would otherwise appear twice."""
    for table in live.rglob("*.tsv"):
        lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
        rows = [line for line in lines[1:] if line.endswith("\n") and int(line.split("\t", 1)[0]) < epochs]
        write_bytes(table, "".join(lines[:1] + rows).encode("utf-8"), at_once=True)
