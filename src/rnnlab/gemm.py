"""torch's float32 matrix products on the CPU in one fixed order of operations (gemm.cpp), so that Intel's and
AMD's CPUs compute the same bytes at full speed: MKL gives the same bytes on both only on its COMPATIBLE
branch, at about half the speed. Compiled with this machine's C++ compiler on first use and kept in torch's
extension folder (~/.cache/torch_extensions), as torch.utils.cpp_extension does."""

import functools
import os
import tempfile
from pathlib import Path

from rnnlab.cpu import cpuinfo
from rnnlab.errors import RnnlabError

SOURCE = Path(__file__).with_suffix(".cpp")
# The instructions the kernel is written in, and no contraction of the compiler's own: every multiply-add is
# one that the source names, so that any compiler gives the same arithmetic.
FLAGS = ["-O3", "-mavx2", "-mfma", "-ffp-contract=off"]
INSTRUCTIONS = ("avx2", "fma")
# What torch prints as the kernels replace its own, which is their purpose: the lines of that one warning.
REPLACED_KERNEL = ("Overriding a previously registered kernel", "Warning only once for all operators")
REPLACED_KERNEL_DETAIL = ("operator:", "registered at", "dispatch key:", "previous kernel:", "new kernel:")


class GemmError(RnnlabError):
    pass


@functools.cache
def install() -> None:
    """Registers the kernels as torch's CPU kernels of aten::mm and aten::addmm in this process."""
    from torch.utils import cpp_extension

    flags = (cpuinfo("flags") or "").split()
    missing = [name for name in INSTRUCTIONS if name not in flags]
    if missing:
        raise GemmError(f"/proc/cpuinfo: this CPU lacks {' and '.join(missing)}; rnnlab's products need AVX2 and FMA")
    with tempfile.TemporaryFile() as captured:
        stderr = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            cpp_extension.load("rnnlab_gemm", [str(SOURCE)], extra_cflags=FLAGS, is_python_module=False)
        except (OSError, RuntimeError, ImportError) as error:
            reason = " ".join(str(error).split())[-600:]
            raise GemmError(f"{SOURCE}: could not be compiled and loaded (needs g++ and ninja): {reason}") from error
        finally:
            os.dup2(stderr, 2)
            os.close(stderr)
        captured.seek(0)
        printed = captured.read().decode(errors="replace").splitlines()
    others = [line for line in printed if not _replaced_kernel(line)]
    if others:
        os.write(2, ("\n".join(others) + "\n").encode())


def installed() -> bool:
    """Whether this process's float32 products are the kernels', not torch's own."""
    return install.cache_info().currsize > 0


def _replaced_kernel(line: str) -> bool:
    stripped = line.strip()
    return any(words in stripped for words in REPLACED_KERNEL) or stripped.startswith(REPLACED_KERNEL_DETAIL)
