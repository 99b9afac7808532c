"""The same bytes on the other vendor's CPU: a few training steps, a Word2Vec and both least-squares fits
(tests/cpu_probe.py) run natively and under qemu-user as a CPU of the other vendor (Intel's Haswell on an AMD
machine, AMD's EPYC Rome on an Intel one) give the same sha256 under the pins of compute.pins (rnnlab.cpu).
qemu's TCG emulates AVX2 but not AVX-512, so this proves the pins across vendors at AVX2; that an AVX-512
CPU pinned to AVX2 matches rests on each library honouring its cap (docs/research-log.md)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline_project import PROJECT_PINS, ROOT
from rnnlab.cpu import PINS, cpuinfo

QEMU = shutil.which("qemu-x86_64")
PROBE = Path(__file__).with_name("cpu_probe.py")


def other_vendor() -> str:
    """qemu's name for a CPU of the vendor this machine's is not."""
    return "EPYC-Rome" if cpuinfo("vendor_id") == "GenuineIntel" else "Haswell-v4,vendor=GenuineIntel"


def project_with(tmp_path: Path, pins: dict[str, str]) -> Path:
    """A folder whose params.yaml is the project's with ``pins`` as compute.pins."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["compute"]["pins"] = pins
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return tmp_path


def probe(folder: Path, *emulator: str) -> subprocess.Popen:
    """The probe started at two threads; nothing but compute.pins sets the pinned variables."""
    environment = {name: value for name, value in os.environ.items() if name not in PINS}
    return subprocess.Popen(
        [*emulator, sys.executable, str(PROBE), "2"],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def digests(run: subprocess.Popen) -> dict[str, str]:
    output, errors = run.communicate()
    assert run.returncode == 0, errors[-3000:]
    return json.loads(output)


# The project's pins make the probe's bytes the same on Intel and AMD CPUs. Between two AVX2 CPUs MKL's is the
# one that matters (without it the trainings and the benchmark's fit differ: research log); torch's, oneDNN's,
# OpenBLAS's and numpy's choose AVX-512 code on a CPU that has it, which qemu cannot emulate.
@pytest.mark.slow
@pytest.mark.skipif(QEMU is None, reason="qemu-user is not installed (.ci/run installs it)")
def test_pinned_libraries_give_the_same_bytes_on_the_other_vendors_cpu(tmp_path):
    folder = project_with(tmp_path, PROJECT_PINS)
    # Side by side: the emulated run takes a minute, mostly translating code; the native one seconds.
    emulated = probe(folder, QEMU, "-cpu", other_vendor())
    native = probe(folder)
    assert digests(native) == digests(emulated)


@pytest.mark.slow
def test_pins_are_set_before_torch_loads(tmp_path):
    """The capability torch reports is the pinned one, not the CPU's: the pin reached torch before it loaded."""
    folder = project_with(tmp_path, {"ATEN_CPU_CAPABILITY": "default"})
    loaded = "from rnnlab.cpu import pin; pin(); import torch; print(torch.backends.cpu.get_cpu_capability())"
    result = subprocess.run([sys.executable, "-c", loaded], cwd=folder, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "DEFAULT"


@pytest.mark.slow
def test_a_process_that_loaded_torch_unpinned_starts_over_under_the_pins(tmp_path):
    """What every stage does first (rnnlab.stage.run_stage): the same process, its libraries loaded again."""
    folder = project_with(tmp_path, {"ATEN_CPU_CAPABILITY": "default"})
    restarted = (
        "import os, torch; from rnnlab.cpu import start_pinned; print(os.getpid(), flush=True); start_pinned(); "
        "print(os.getpid(), torch.backends.cpu.get_cpu_capability())"
    )
    environment = {name: value for name, value in os.environ.items() if name not in PINS}
    result = subprocess.run(
        [sys.executable, "-c", restarted], cwd=folder, env=environment, capture_output=True, text=True, check=True
    )
    # The process id printed before the restart, again by the restarted process, then with torch's capability.
    pid = result.stdout.split()[0]
    assert result.stdout.split() == [pid, pid, pid, "DEFAULT"]


def test_unknown_pin_is_refused_naming_it(tmp_path):
    from rnnlab.cpu import pin
    from rnnlab.params import ParamsError

    folder = project_with(tmp_path, {"MKL_NUM_THREADS": "4"})
    with pytest.raises(ParamsError, match=r"compute\.pins\.MKL_NUM_THREADS is not a known pin"):
        pin(folder / "params.yaml")
