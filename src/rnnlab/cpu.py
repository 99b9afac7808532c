"""The choices that numerical libraries make by the CPU they find, pinned from params.yaml's ``compute.pins``,
so that every x86-64 CPU with AVX2, Intel's or AMD's, computes the same bytes. Most libraries read their
setting once, as they load: ``pin`` must run before numpy, scipy or torch is imported, which is why this module
imports none of them, and why a process that has loaded them is started again (``start_pinned``)."""

import os
import platform
import sys
from pathlib import Path

from rnnlab import params

# The environment variable each library reads, and what it chooses by the CPU when it is not set.
PINS = {
    # On a CPU that is not Intel's, MKL honours only COMPATIBLE; any other value lets it choose by the CPU.
    "MKL_CBWR": "MKL's code path: torch's LAPACK, and the float32 products rnnlab.gemm leaves to torch",
    "ATEN_CPU_CAPABILITY": "the widest SIMD of torch's own kernels",
    "ONEDNN_MAX_CPU_ISA": "the widest instruction set of oneDNN, torch's other CPU library",
    "OPENBLAS_CORETYPE": "which CPU's kernels OpenBLAS runs, under numpy and scipy (gensim's Word2Vec)",
    # Only numpy's optional targets may be named, and only those of this numpy's build (numpy warns otherwise).
    "NPY_DISABLE_CPU_FEATURES": "which of numpy's SIMD targets its own loops skip (its AVX-512 math differs)",
}


def pins_in(all_params: dict, path: str | Path = params.PARAMS_FILE) -> dict[str, str]:
    """compute.pins: variables of ``PINS`` and their values; {} where there is none."""
    compute = all_params.get("compute")
    pins = compute.get("pins", {}) if isinstance(compute, dict) else {}
    if not isinstance(pins, dict):
        raise params.ParamsError(f"{path}: compute.pins must map variables of {sorted(PINS)} to values")
    for name, value in pins.items():
        if name not in PINS:
            raise params.ParamsError(f"{path}: compute.pins.{name} is not a known pin; expected one of {sorted(PINS)}")
        if not isinstance(value, str) or not value:
            raise params.ParamsError(f"{path}: compute.pins.{name} must be a non-empty string, got {value!r}")
    return pins


def pin(path: str | Path = params.PARAMS_FILE) -> dict[str, str]:
    """Sets the params file's compute.pins in this process's environment, over what the user set (the project,
    not the machine, makes these choices), and returns them."""
    pins = pins_in(params.load(path), path)
    os.environ.update(pins)
    return pins


def start_pinned(path: str | Path = params.PARAMS_FILE) -> dict[str, str]:
    """The pins of the params file, if there is one, in force in this process: where its environment lacks
    them, the process starts over with them (same PID, same command line), as the libraries it has loaded
    read theirs when they loaded. Returns the pins."""
    if not Path(path).is_file():
        return {}
    pins = pins_in(params.load(path), path)
    if any(os.environ.get(name) != value for name, value in pins.items()):
        os.environ.update(pins)
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    return pins


def cpuinfo(field: str) -> str | None:
    """The first value of ``field`` in /proc/cpuinfo ("model name", "vendor_id"); None where there is none."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.split(":", 1)[0].strip() == field), None)


def cpu_model() -> str:
    """The CPU's model name as the kernel reports it: named beside every timing and record."""
    return cpuinfo("model name") or platform.processor() or "unknown"


def pins_in_force() -> dict[str, str]:
    """The pinned variables as this process's environment sets them."""
    return {name: os.environ[name] for name in PINS if name in os.environ}


def machine() -> dict:
    """What a timing record names beside its seconds: the CPU and the pins it ran under."""
    return {"cpu": cpu_model(), "pins": pins_in_force()}
