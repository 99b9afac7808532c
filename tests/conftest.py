"""Fixtures shared by test modules, and the marks and order of the tests that need the pipeline run."""

import socket
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from filelock import FileLock

from pipeline_project import Project, run_both_chains

# The fixtures that give a run of both chains. Tests that run commands in it (both_chains, both_chains_again)
# share one xdist worker, so that no two DVC commands meet in one project; tests that copy it first
# (chains_to_copy) go to either worker.
IN_PLACE = ("both_chains", "both_chains_again")
TO_COPY = "chains_to_copy"
SECOND_RUN_WANTED = pytest.StashKey[bool]()


def shared_chain_run(folder: Path, hash_seed: str) -> Project:
    """The run of both chains in ``folder``: made by whichever xdist worker asks first, while the other waits
    for it and then takes it as it is."""
    done = folder.with_name(f"{folder.name}.done")
    with FileLock(folder.with_name(f"{folder.name}.lock")):
        if not done.exists():
            run_both_chains(folder, hash_seed)
            done.touch()
    return Project(folder, {"PYTHONHASHSEED": hash_seed})


@pytest.fixture(scope="session")
def chain_runs(tmp_path_factory, request, worker_id) -> Iterator[dict[str, Future]]:
    """Both chains run on the samples under PYTHONHASHSEED 1, and, when a test that will run asks for it, again
    under 2, side by side: each run is mostly one process at a time starting up, so two share two cores."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # this session's folder, above each worker's own
    with ThreadPoolExecutor(max_workers=2) as executor:
        runs = {"1": executor.submit(shared_chain_run, shared / "both_chains", "1")}
        if request.config.stash.get(SECOND_RUN_WANTED, False):
            runs["2"] = executor.submit(shared_chain_run, shared / "both_chains_again", "2")
        yield runs


@pytest.fixture(scope="session")
def both_chains(chain_runs) -> Project:
    """A copy of the project in which both chains ran on the samples (about two minutes, so run once a
    session). Tests that use it may run commands in it; all of them run on one xdist worker."""
    return chain_runs["1"].result()


@pytest.fixture(scope="session")
def both_chains_again(chain_runs) -> Project:
    """Another copy in which both chains ran, in fresh processes under another PYTHONHASHSEED."""
    return chain_runs["2"].result()


@pytest.fixture(scope="session")
def chains_to_copy(chain_runs) -> Project:
    """The same run as both_chains, for tests that run nothing in it: they copy it (copy_project) or read it."""
    return chain_runs["1"].result()


# How a test uses a run of both chains, in the order the tests are collected (pytest_collection_modifyitems).
RUNS_IN_PLACE, USES_NO_RUN, COPIES_THE_RUN = range(3)


def chain_use(item: pytest.Item) -> int:
    fixtures = set(getattr(item, "fixturenames", ()))
    return RUNS_IN_PLACE if fixtures & set(IN_PLACE) else COPIES_THE_RUN if TO_COPY in fixtures else USES_NO_RUN


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marks `slow` each test that needs a run of both chains, so that such a test is never in `make
    test-fast`, whoever writes it, and puts those that use the run in place in one xdist group. Marked as each
    test is collected, before any plugin reads marks (`-m`, xdist's groups)."""
    use = chain_use(item)
    if use != USES_NO_RUN:
        item.add_marker(pytest.mark.slow)
    if use == RUNS_IN_PLACE:
        item.add_marker(pytest.mark.xdist_group("both_chains"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The in-place group first, so that the chains start at once; the tests that copy them last, so that the
    other worker reaches them after the run is made rather than waiting for it."""
    items.sort(key=chain_use)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The second run starts only when a test that will run (not one deselected) compares with it."""
    session.config.stash[SECOND_RUN_WANTED] = any(
        "both_chains_again" in getattr(item, "fixturenames", ()) for item in session.items
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def free_port() -> Callable[[], int]:
    """A function that gives a TCP port on 127.0.0.1 that nothing listens on at the time of the call."""
    return _free_port
