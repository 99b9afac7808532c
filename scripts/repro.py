"""`make repro`: every stage whose data can be reached here, then one line for each dataset that could not.

Each stage that depends on no other stage (the fetch stages) runs first. One that cannot reach its data (no
offline copy in $DATA_MIRROR and no network: rnnlab.fetch.DataUnreachable) leaves out the stages downstream
of it; `dvc repro` runs all the others. Any other failure (a checksum that does not match, a failing stage)
fails the run with DVC's own message and exit status.
"""

import subprocess
import sys

import networkx as nx
from dvc.repo import Repo

from rnnlab.config import load_params
from rnnlab.cpu import pin
from rnnlab.fetch import DataUnreachable
from rnnlab.long_horizon.config import SECTION as LONG_HORIZON

# How stages/fetch.py reports DataUnreachable (rnnlab.errors.report).
UNREACHABLE = f"fetch: {DataUnreachable.LEAD}"


def run_fetch(stage: str) -> str | None:
    """Reproduces ``stage``; the reason when its data cannot be reached, None when it ran or was up to date."""
    result = subprocess.run(["dvc", "repro", stage], capture_output=True, text=True)
    if result.returncode == 0:
        sys.stdout.write(result.stdout)
        return None
    reasons = [line[len(UNREACHABLE) :] for line in result.stderr.splitlines() if line.startswith(UNREACHABLE)]
    if not reasons:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        sys.exit(result.returncode)
    return reasons[-1]


def described(stages: list[str], setups: list[str]) -> str:
    """``stages`` by what they belong to: a forecasting setup (their foreach/matrix item), the long-horizon
    benchmark, or themselves."""
    groups: dict[str, list[str]] = {}
    for name in stages:
        setup = name.partition("@")[2].split("-")[0]
        if setup in setups:
            group = f"everything of {setup!r}"
        elif name.startswith(LONG_HORIZON):
            group = "the long-horizon benchmark"
        else:
            group = name
        groups.setdefault(group, []).append(name)
    return " and ".join(
        f"{group} ({len(names)} stages)" if len(names) > 1 else group for group, names in groups.items()
    )


def main() -> None:
    # Inherited by every stage, which then need not start over under them (rnnlab.cpu.start_pinned): the
    # libraries it imports load once, not twice.
    pin()
    # An edge runs from a stage to each stage it depends on.
    graph = Repo().index.graph
    setups = list(load_params()["forecast"])
    left_out, notes = set(), []
    for root in sorted((stage for stage in graph if graph.out_degree(stage) == 0), key=lambda s: s.addressing):
        reason = run_fetch(root.addressing)
        if reason is not None:
            downstream = nx.ancestors(graph, root) | {root}
            left_out |= downstream
            notes.append(
                f"make repro: left out {described(sorted(s.addressing for s in downstream - {root}), setups)}: "
                f"{root.addressing} cannot reach its data: {reason}"
            )
    targets = sorted(stage.addressing for stage in graph if stage not in left_out)
    status = subprocess.run(["dvc", "repro", *targets]).returncode
    if status:
        sys.exit(status)
    print("\n".join(notes))


if __name__ == "__main__":
    main()
