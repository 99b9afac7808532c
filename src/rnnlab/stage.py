"""A stage script's entry point: the threads params.yaml sets, one line for an expected failure, SIGTERM
taken as Ctrl-C, and the outputs replaced all together when the stage succeeds."""

import signal
import sys
from collections.abc import Callable
from pathlib import Path

from threadpoolctl import threadpool_limits

from rnnlab.config import load_params
from rnnlab.config import threads as config_threads
from rnnlab.errors import report
from rnnlab.io import outputs_together


def interrupt(signum, frame) -> None:
    """SIGTERM (a killed `dvc repro`, a scheduler's stop) ends a stage the way Ctrl-C does."""
    raise KeyboardInterrupt


def run_stage(main: Callable[..., None], threads: bool = False, flush_denormals: bool = False) -> None:
    """``main`` called with the script's arguments (the paths dvc.yaml passes). A stage whose numbers depend on
    the thread count (it declares ``compute.threads``) asks for ``threads``; one that trains or runs a network
    asks to ``flush_denormals``. The others run as Python starts them: their numbers depend on neither."""
    signal.signal(signal.SIGTERM, interrupt)

    def run() -> None:
        if threads or flush_denormals:
            import torch  # here: the stages that need neither do not pay for importing it
        if threads:
            count = config_threads(load_params())
            # Set, not left to each library's guess from the cores it sees, so that the reductions split the same
            # way on every machine (and under taskset).
            torch.set_num_threads(count)
            threadpool_limits(count)
        if flush_denormals:
            # Gradients that vanish over hundreds of steps reach denormal floats, which x86 CPUs handle about a
            # hundred times slower; flushing them to zero changes no result that matters. Set before the stage
            # does any work (docs/research-log.md), for its process alone. Not for every stage: the flag is the
            # CPU's, and would change, for one, gensim's Word2Vec arithmetic.
            torch.set_flush_denormal(True)
        with outputs_together():
            main(*sys.argv[1:])

    report(Path(sys.argv[0]).stem, run)
