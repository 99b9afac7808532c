"""A stage script's entry point: the threads params.yaml sets, one line for an expected failure, SIGTERM
taken as Ctrl-C, and the outputs replaced all together when the stage succeeds."""

import signal
import sys
from collections.abc import Callable
from pathlib import Path

from threadpoolctl import threadpool_limits

from rnnlab.config import load_params, threads
from rnnlab.errors import report
from rnnlab.io import outputs_together


def interrupt(signum, frame) -> None:
    """SIGTERM (a killed `dvc repro`, a scheduler's stop) ends a stage the way Ctrl-C does."""
    raise KeyboardInterrupt


def run_stage(main: Callable[..., None]) -> None:
    """``main`` called with the script's arguments (the paths dvc.yaml passes)."""
    signal.signal(signal.SIGTERM, interrupt)

    def run() -> None:
        count = threads(load_params())
        # Set, not left to each library's guess from the cores it sees, so that the reductions split the same
        # way on every machine (and under taskset). Stages that compute with torch import it with their
        # modules, before this runs; the others do not pay for importing it.
        if "torch" in sys.modules:
            torch = sys.modules["torch"]
            torch.set_num_threads(count)
            # Gradients that vanish over hundreds of steps reach denormal floats, which x86 CPUs handle about a
            # hundred times slower; flushing them to zero changes no result that matters. Set before the stage
            # does any work (docs/research-log.md), and for a stage's process alone, not for predict's caller.
            torch.set_flush_denormal(True)
        with threadpool_limits(count), outputs_together():
            main(*sys.argv[1:])

    report(Path(sys.argv[0]).stem, run)
