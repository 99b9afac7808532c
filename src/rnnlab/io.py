"""Writing artifacts so that a failure never leaves a half-written file behind, and a stage's outputs are
replaced all together or not at all."""

import contextlib
import contextvars
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from rnnlab.errors import RnnlabError


class OutputError(RnnlabError):
    pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# What open() would give a new file: mkstemp makes its files 0600, unreadable by the team sharing a workspace.
FILE_MODE = 0o666 & ~_umask()


class _StageOutputs:
    """Finished files and folders waiting to replace a stage's outputs when the stage ends."""

    def __init__(self):
        self.moves: list[tuple[Path, Path]] = []
        self.then: list[Callable[[], None]] = []


_pending: contextvars.ContextVar[_StageOutputs | None] = contextvars.ContextVar("pending_outputs", default=None)


def cannot_write(path: str | Path, error: OSError) -> OutputError:
    """One line for a failed write: the path and the system's reason (no space, file too large, permission)."""
    return OutputError(f"{path}: cannot be written ({error.strerror or error}); the earlier outputs are kept")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def replace_together(moves: list[tuple[Path, Path]]) -> None:
    """Moves each finished source onto its destination, all or none: the old destinations are set aside first,
    and if any move fails, the moves done are undone and the old ones put back before the error is raised."""
    placed, set_aside = [], []
    failed = None
    try:
        for source, failed in moves:
            failed.parent.mkdir(parents=True, exist_ok=True)
            if failed.exists() or failed.is_symlink():
                aside = failed.with_name(f".{failed.name}.replaced")
                _remove(aside)
                os.replace(failed, aside)
                set_aside.append((aside, failed))
            os.replace(source, failed)
            placed.append((source, failed))
    except BaseException as error:
        # An interruption (Ctrl-C, SIGTERM) midway is undone too.
        for source, destination in reversed(placed):
            os.replace(destination, source)
        for aside, destination in reversed(set_aside):
            os.replace(aside, destination)
        if isinstance(error, OSError):
            raise cannot_write(failed, error) from error
        raise
    for aside, _ in set_aside:
        _remove(aside)


def place(moves: list[tuple[Path, Path]], then: Callable[[], None] | None = None) -> None:
    """Moves finished files or folders onto their destinations: with the stage's other outputs when a stage
    runs (``outputs_together``), else now; ``then`` runs once they are in place."""
    pending = _pending.get()
    if pending is None:
        replace_together(moves)
        if then:
            then()
        return
    pending.moves.extend(moves)
    if then:
        pending.then.append(then)


@contextlib.contextmanager
def outputs_together() -> Iterator[None]:
    """Inside it, what ``atomic_path`` and ``place`` finish replaces its destination only when the block ends
    without an error, all at once; a failure leaves every earlier output as it was."""
    pending = _StageOutputs()
    token = _pending.set(pending)
    try:
        yield
        replace_together(pending.moves)
    except BaseException:
        # Our own temporaries go; finished work that ``place`` was given (a training's) stays for the rerun.
        for source, _ in pending.moves:
            if source.name.endswith(".part"):
                _remove(source)
        raise
    finally:
        _pending.reset(token)
    for then in pending.then:
        then()


@contextlib.contextmanager
def removed_on_failure(temporary: Path, path: Path) -> Iterator[None]:
    """``temporary`` deleted if the block fails; a failed write is one line naming ``path``."""
    try:
        yield
    except OSError as error:
        _remove(temporary)
        raise cannot_write(path, error) from error
    except BaseException:
        _remove(temporary)
        raise


@contextlib.contextmanager
def atomic_path(path: str | Path, at_once: bool = False) -> Iterator[Path]:
    """Yields a temporary path beside ``path``; if the block succeeds, it replaces ``path``: with the stage's
    other outputs (``outputs_together``), or ``at_once`` for work in progress that must outlive a failure."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise cannot_write(path, error) from error
    os.close(handle)
    temporary = Path(name)
    with removed_on_failure(temporary, path):
        os.chmod(temporary, FILE_MODE)
        yield temporary
        if at_once:
            replace_together([(temporary, path)])
        else:
            place([(temporary, path)])


@contextlib.contextmanager
def atomic_directory(path: str | Path) -> Iterator[Path]:
    """Yields a temporary folder beside ``path`` to fill; if the block succeeds, it replaces ``path`` whole,
    with the stage's other outputs."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part"))
    except OSError as error:
        raise cannot_write(path, error) from error
    with removed_on_failure(temporary, path):
        yield temporary
        # mkdtemp makes a private folder; the outputs are the team's, like every file the stages write.
        os.chmod(temporary, FILE_MODE | 0o111)
        place([(temporary, path)])


def write_bytes(path: str | Path, content: bytes, at_once: bool = False) -> None:
    """``content`` as the file at ``path``, written whole or not at all."""
    with atomic_path(path, at_once) as temporary:
        temporary.write_bytes(content)


def write_json(path: str | Path, value, at_once: bool = False) -> None:
    write_bytes(path, (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), at_once)


def write_tensors(path: str | Path, tensors: dict) -> None:
    """``tensors`` as a safetensors file; serialised in memory, so a failed write is the system's error."""
    from safetensors.torch import save  # here: it loads torch, which every stage imports this module without

    write_bytes(path, save(tensors))


def read_json(path: str | Path):
    """The JSON a stage wrote at ``path``; damaged bytes are an OutputError naming it and the way to repair it."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OutputError(
            f"{path}: not the JSON a stage wrote ({error}); `python -m rnnlab verify` names damaged outputs and "
            "the commands that replace them"
        ) from error


def read_tensors(directory: str | Path, name: str) -> dict:
    """The tensors stored in ``directory/name.safetensors``."""
    from safetensors.torch import load_file  # as in write_tensors

    return load_file(str(Path(directory) / f"{name}.safetensors"))
