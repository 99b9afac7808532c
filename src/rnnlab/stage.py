"""A stage script's entry point: the CPU pins and threads params.yaml sets, one line for an expected failure,
SIGTERM taken as Ctrl-C, and the outputs replaced all together when the stage succeeds."""

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from threadpoolctl import threadpool_limits

from rnnlab import gemm, params
from rnnlab.config import load_params, require_unchanged, settings_of
from rnnlab.config import threads as config_threads
from rnnlab.cpu import start_pinned
from rnnlab.errors import RnnlabError, report
from rnnlab.io import outputs_together
from rnnlab.verify import check_inputs, locked_stages, tracked_by_git


def interrupt(signum, frame) -> None:
    """SIGTERM (a killed `dvc repro`, a scheduler's stop) ends a stage the way Ctrl-C does."""
    raise KeyboardInterrupt


def compute_settings() -> dict:
    """params.yaml's compute section, as every stage runs under it; {} where there is no params file."""
    return settings_of(params.load().get("compute", {})) if Path(params.PARAMS_FILE).is_file() else {}


def run_stage(main: Callable[..., None], threads: bool = False, flush_denormals: bool = False) -> None:
    """``main`` called with the script's arguments (the paths dvc.yaml passes). A stage whose numbers depend on
    the thread count (it declares ``compute.threads``) asks for ``threads``; one that trains or runs a network
    asks to ``flush_denormals``. The others run as Python starts them: their numbers depend on neither."""

    def run() -> None:
        # First: every stage computes under the project's pins, whatever it imported before calling this.
        start_pinned()
        signal.signal(signal.SIGTERM, interrupt)
        if threads or flush_denormals:
            import torch  # here: the stages that need neither do not pay for importing it
        if threads:
            count = config_threads(load_params())
            # Set, not left to each library's guess from the cores it sees, so that the reductions split the same
            # way on every machine (and under taskset).
            torch.set_num_threads(count)
            threadpool_limits(count)
            # The float32 products in one order on every CPU, without MKL's slow COMPATIBLE branch.
            gemm.install()
        if flush_denormals:
            # Gradients that vanish over hundreds of steps reach denormal floats, which x86 CPUs handle about a
            # hundred times slower; flushing them to zero changes no result that matters. Set before the stage
            # does any work (docs/research-log.md), for its process alone. Not for every stage: the flag is the
            # CPU's, and would change, for one, gensim's Word2Vec arithmetic.
            torch.set_flush_denormal(True)
        check_inputs(Path.cwd(), sys.argv)
        compute = compute_settings()
        with outputs_together():
            main(*sys.argv[1:])
            require_unchanged(compute_settings, compute, "compute")

    stop_when_launcher_dies()
    report(Path(sys.argv[0]).stem, run, afterword=restoring_removed_outputs())


def restoring_removed_outputs() -> str:
    """Under `dvc repro` (which names the stage in DVC_STAGE): DVC removed the stage's outputs before running
    it, so a failure keeps none of them; what the error line adds, the commands that put back those dvc.lock
    records (from DVC's cache, or git for the ones git tracks). Else nothing: the outputs were kept."""
    stage = os.environ.get("DVC_STAGE")
    try:
        outputs = [out["path"] for out in locked_stages(Path.cwd()).get(stage, {}).get("outs", [])] if stage else []
    except RnnlabError:
        outputs = []
    if not outputs:
        return ""
    in_git = tracked_by_git(Path.cwd())
    from_git = [path for path in outputs if path in in_git]
    commands = [f"`dvc checkout {stage}`"] + ([f"`git checkout -- {' '.join(from_git)}`"] if from_git else [])
    return f"; dvc repro removed {stage}'s earlier outputs before running it: {' and '.join(commands)} put them back"


# What runs a stage's command: DVC starts it in the user's shell, which may or may not hand over to the process.
SHELLS = {"sh", "dash", "bash", "zsh", "ksh", "fish"}


def process_started(pid: int) -> tuple[int, str, str] | None:
    """A process's parent, name and start time (its identity: pids are reused), from /proc; None once it has
    ended (a zombie, ended but not yet reaped, included)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] in "ZX" else (int(fields[1]), name, fields[19])


def stop_when_launcher_dies() -> None:
    """SIGTERM to this process once the one that launched it (`dvc repro`, past its shell) has ended, as when
    it was itself killed: the stage then stops as SIGTERM stops it, its progress kept, instead of running on
    as an orphan whose outputs no dvc.lock would record."""
    pid = os.getppid()
    for _ in range(2):
        started = process_started(pid)
        if started is None or pid == 1:
            return
        if started[1] not in SHELLS:
            break
        pid = started[0]

    def watch() -> None:
        while process_started(pid) == started:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True).start()
