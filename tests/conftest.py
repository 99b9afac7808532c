"""Fixtures shared by test modules."""
import pytest

from pipeline_project import Project, run_both_chains


@pytest.fixture(scope="session")
def both_chains(tmp_path_factory) -> Project:
    """A copy of the project in which both chains ran on the samples (about two minutes, so run once)."""
    return run_both_chains(tmp_path_factory.mktemp("both_chains"), hash_seed="1")
