"""``python -m rnnlab verify``: every output dvc.lock records, and every object of the local DVC cache it names,
hashed again from its bytes and compared with the lock. DVC itself trusts its records (a file checked out from
the cache takes the object's name as its hash), so a damaged object or file passes `dvc status`, is checked out
again by `dvc checkout` and pushed by `dvc push` under its good name; this reads every byte instead."""

import hashlib
import json
import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from rnnlab.errors import RnnlabError

CHUNK = 1 << 20


class VerifyError(RnnlabError):
    pass


@dataclass(frozen=True)
class Damage:
    """One file whose bytes are not those its name or dvc.lock says: ``where`` is a workspace path or a cache
    object, ``output`` the lock's output it belongs to."""

    where: Path
    output: str
    in_cache: bool


def digest_of(path: str | Path, algorithm: str = "md5") -> str:
    """The hex digest of a file's bytes: md5 as DVC records outputs, sha256 as the datasets' checksums."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def locked_stages(root: Path) -> dict[str, dict]:
    """dvc.lock's stages: each one's cmd, deps and outs as DVC recorded them."""
    lock = root / "dvc.lock"
    try:
        stages = yaml.safe_load(lock.read_text(encoding="utf-8"))["stages"]
        if not isinstance(stages, dict):
            raise TypeError("stages is not a mapping")
        return stages
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise VerifyError(f"{lock}: cannot read the outputs it records ({error}); expected DVC's lock file") from error


def locked_outputs(root: Path) -> dict[str, str]:
    """Each output path of dvc.lock and its md5 (a folder's ends in .dir)."""
    return {
        out["path"]: out["md5"]
        for stage in locked_stages(root).values()
        for out in stage.get("outs", [])
        if "md5" in out
    }


def check_inputs(root: Path, arguments: list[str]) -> None:
    """What a stage is about to read, rehashed: each of its ``arguments`` that is, holds or lies in an output
    dvc.lock records for another stage (the one whose cmd is these arguments makes them). DVC hands a stage
    whatever the workspace holds; a file whose bytes are not the lock's is a VerifyError naming it and the
    commands that put the good bytes back."""
    if not (root / "dvc.lock").is_file():
        return
    given = {os.path.normpath(argument) for argument in arguments if (root / argument).exists()}
    verifier = Verifier(root, cache=None)
    for name, stage in locked_stages(root).items():
        if shlex.split(str(stage.get("cmd", "")))[1:] == arguments:
            continue
        for out in stage.get("outs", []):
            output, md5 = out.get("path"), out.get("md5")
            if md5 and any(output == p or output.startswith(f"{p}/") or p.startswith(f"{output}/") for p in given):
                verifier.output(output, md5)
                if verifier.damaged:
                    raise VerifyError(
                        f"{output}: its bytes are not those dvc.lock records for {name}'s output (damaged, or "
                        "changed by hand); `python -m rnnlab verify` names each damaged file and the commands that "
                        f"replace it from the remote, `dvc repro --force {name}` makes it again"
                    )


def object_path(cache: Path, md5: str) -> Path:
    return cache / md5[:2] / md5[2:]


def listing_md5(entries: list[dict]) -> str:
    """DVC's hash of a folder: the md5 of its files' sorted (md5, relpath) listing as JSON, with .dir after."""
    listed = sorted(
        ({"md5": entry["md5"], "relpath": entry["relpath"]} for entry in entries), key=lambda e: e["relpath"]
    )
    return hashlib.md5(json.dumps(listed, sort_keys=True).encode("utf-8")).hexdigest() + ".dir"


def folder_entries(folder: Path) -> list[dict]:
    return [
        {"md5": digest_of(path), "relpath": path.relative_to(folder).as_posix()}
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


class Verifier:
    """Rehashes the outputs of ``root``'s dvc.lock in the workspace, and the objects of ``cache`` (DVC's
    files/md5 folder) that they name, where present: a fresh clone has none, and outputs DVC does not cache
    (git-tracked metrics) never have one."""

    def __init__(self, root: Path, cache: Path | None):
        self.root, self.cache = root, cache
        self.damaged: list[Damage] = []
        self.checked = self.missing = 0

    def run(self) -> list[Damage]:
        for output, md5 in sorted(locked_outputs(self.root).items()):
            self.output(output, md5)
        return self.damaged

    def output(self, output: str, md5: str) -> None:
        if md5.endswith(".dir"):
            self.folder(output, md5)
        else:
            self.file(self.root / output, output, md5)

    def check(self, path: Path, output: str, md5: str, in_cache: bool) -> None:
        self.checked += 1
        if digest_of(path) != md5:
            self.damaged.append(Damage(path, output, in_cache))

    def file(self, workspace: Path, output: str, md5: str) -> None:
        if workspace.is_file():
            self.check(workspace, output, md5, in_cache=False)
        else:
            self.missing += 1
        cached = object_path(self.cache, md5) if self.cache else None
        if cached and cached.is_file():
            self.check(cached, output, md5, in_cache=True)

    def folder(self, output: str, md5: str) -> None:
        """File by file where the cache holds the folder's listing (its .dir object) and the listing is whole;
        else the folder's own hash, computed as DVC computes it."""
        listing, workspace = object_path(self.cache, md5) if self.cache else None, self.root / output
        entries = self.listed(listing, output, md5) if listing and listing.is_file() else None
        if entries is not None:
            for entry in entries:
                self.file(workspace / entry["relpath"], output, entry["md5"])
        elif not workspace.is_dir():
            self.missing += 1
        else:
            self.checked += 1
            if listing_md5(folder_entries(workspace)) != md5:
                self.damaged.append(Damage(workspace, output, in_cache=False))

    def listed(self, listing: Path, output: str, md5: str) -> list[dict] | None:
        """The entries of a .dir object, or None (and the object counted damaged) where its bytes are not the
        listing its name says."""
        self.checked += 1
        try:
            entries = json.loads(listing.read_bytes())
            if listing_md5(entries) == md5:
                return entries
        except (ValueError, TypeError, KeyError):
            pass
        self.damaged.append(Damage(listing, output, in_cache=True))
        return None


def shown(path: Path, root: Path) -> str:
    """``path`` from the project's root, or as it is where it lies outside (a cache moved by `dvc cache dir`)."""
    return os.path.relpath(path, root) if path.is_relative_to(root) else str(path)


def tracked_by_git(root: Path) -> set[str]:
    """The project's files that git tracks: outputs DVC does not cache (metrics), which git restores."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True)
    return set(listed.stdout.split("\0")) if listed.returncode == 0 else set()


def repairs(damaged: list[Damage], root: Path) -> list[str]:
    """Commands that put the good bytes back, in order: damaged cache objects removed (DVC would take them
    for good ones), outputs git tracks checked out from git, every other affected output pulled again from the
    remote over what is there."""
    removals = [shlex.join(["rm", "-f", shown(damage.where, root)]) for damage in damaged if damage.in_cache]
    in_git = tracked_by_git(root)

    def git_restores(damage: Damage) -> bool:
        path = shown(damage.where, root)
        return not damage.in_cache and (path in in_git or any(name.startswith(f"{path}/") for name in in_git))

    from_git = sorted({shown(damage.where, root) for damage in damaged if git_restores(damage)})
    from_remote = sorted({damage.output for damage in damaged if not git_restores(damage)})
    commands = [*removals]
    if from_git:
        commands.append(shlex.join(["git", "checkout", "--", *from_git]))
    if from_remote:
        commands.append(shlex.join(["dvc", "pull", "--force", *from_remote]))
    return commands


def cache_folder(root: Path) -> Path:
    """The local cache's md5 objects, wherever `dvc cache dir` put them."""
    from dvc.repo import Repo  # here: only this command needs DVC loaded

    with Repo(str(root)) as repo:
        return Path(repo.cache.local.path)


def verify(root: Path) -> None:
    verifier = Verifier(root, cache_folder(root))
    damaged = verifier.run()
    print(
        f"dvc.lock: {verifier.checked} workspace files and cache objects rehashed; {verifier.missing} of its "
        "files not in the workspace (not produced or not pulled)"
    )
    if not verifier.checked:
        print("nothing to check: no output of dvc.lock is in the workspace or the cache")
        return
    if not damaged:
        print("every one holds the bytes dvc.lock records")
        return
    for damage in damaged:
        kind = "cache object of" if damage.in_cache else "workspace copy of"
        print(f"damaged: {shown(damage.where, root)} ({kind} {damage.output})")
    commands = "; ".join(repairs(damaged, root))
    raise VerifyError(f"{len(damaged)} damaged; to replace them from the remote: {commands}")
