"""Fixtures shared by test modules, and the `slow` marker on every test that needs the pipeline run."""

import socket
from collections.abc import Callable

import pytest

from pipeline_project import Project, run_both_chains


@pytest.fixture(scope="session")
def both_chains(tmp_path_factory) -> Project:
    """A copy of the project in which both chains ran on the samples (about two minutes, so run once). Every
    test that uses it, directly or through another fixture, is marked `slow` (pytest_collection_modifyitems)."""
    return run_both_chains(tmp_path_factory.mktemp("both_chains"), hash_seed="1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks `slow` each test that needs both_chains: the run of both chains alone takes minutes, so such a
    test is never in `make test-fast`, whoever writes it."""
    for item in items:
        if "both_chains" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def free_port() -> Callable[[], int]:
    """A function that gives a TCP port on 127.0.0.1 that nothing listens on at the time of the call."""
    return _free_port
