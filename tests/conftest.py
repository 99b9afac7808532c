"""Fixtures shared by test modules, and the `slow` marker on every test that needs the pipeline run."""

import socket
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from pipeline_project import Project, run_both_chains

# The fixtures that run both chains: a test that uses one is slow, and all such tests share one xdist worker,
# so that the runs happen once in a session.
CHAIN_RUNS = ("both_chains", "both_chains_again")
SECOND_RUN_WANTED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def chain_runs(tmp_path_factory, request) -> Iterator[dict[str, Future]]:
    """Both chains run on the samples under PYTHONHASHSEED 1, and, when a test that will run asks for it, again
    under 2, side by side: each run is mostly one process at a time starting up, so two share two cores."""
    with ThreadPoolExecutor(max_workers=2) as executor:
        runs = {"1": executor.submit(run_both_chains, tmp_path_factory.mktemp("both_chains"), "1")}
        if request.config.stash.get(SECOND_RUN_WANTED, False):
            runs["2"] = executor.submit(run_both_chains, tmp_path_factory.mktemp("both_chains_again"), "2")
        yield runs


@pytest.fixture(scope="session")
def both_chains(chain_runs) -> Project:
    """A copy of the project in which both chains ran on the samples (about two minutes, so run once). Every
    test that uses it, directly or through another fixture, is marked `slow` (pytest_itemcollected)."""
    return chain_runs["1"].result()


@pytest.fixture(scope="session")
def both_chains_again(chain_runs) -> Project:
    """Another copy in which both chains ran, in fresh processes under another PYTHONHASHSEED."""
    return chain_runs["2"].result()


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marks `slow` each test that needs a run of both chains, so that such a test is never in `make
    test-fast`, whoever writes it, and puts all of them in one xdist group, the worker that runs the chains.
    Marked as each test is collected, before any plugin reads marks (`-m`, xdist's groups)."""
    if set(getattr(item, "fixturenames", ())) & set(CHAIN_RUNS):
        item.add_marker(pytest.mark.slow)
        item.add_marker(pytest.mark.xdist_group("both_chains"))


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
