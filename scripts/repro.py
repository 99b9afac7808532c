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

from rnnlab.fetch import DataUnreachable

# How stages/fetch.py reports DataUnreachable (rnnlab.errors.report).
UNREACHABLE = f"fetch: {DataUnreachable.LEAD}"


def run_fetch(stage: str) -> str | None:
    """Reproduces ``stage``; the reason when its data cannot be reached, None when it ran or was up to date."""
    result = subprocess.run(["dvc", "repro", stage], capture_output=True, text=True)
    if result.returncode == 0:
        sys.stdout.write(result.stdout)
        return None
    reasons = [line[len(UNREACHABLE):] for line in result.stderr.splitlines() if line.startswith(UNREACHABLE)]
    if not reasons:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        sys.exit(result.returncode)
    return reasons[-1]


def described(stages: list[str]) -> str:
    """``stages`` as the setup or model they all belong to (foreach/matrix items), else as a list."""
    items = {name.partition("@")[2].split("-")[0] for name in stages}
    return f"everything of {items.pop()!r} ({len(stages)} stages)" if len(items) == 1 and "" not in items else ", ".join(stages)


def main() -> None:
    # An edge runs from a stage to each stage it depends on.
    graph = Repo().index.graph
    left_out, notes = set(), []
    for root in sorted((stage for stage in graph if graph.out_degree(stage) == 0), key=lambda s: s.addressing):
        reason = run_fetch(root.addressing)
        if reason is not None:
            downstream = nx.ancestors(graph, root) | {root}
            left_out |= downstream
            notes.append(f"make repro: left out {described(sorted(s.addressing for s in downstream - {root}))}: "
                         f"{root.addressing} cannot reach its data: {reason}")
    targets = sorted(stage.addressing for stage in graph if stage not in left_out)
    status = subprocess.run(["dvc", "repro", *targets]).returncode
    if status:
        sys.exit(status)
    print("\n".join(notes))


if __name__ == "__main__":
    main()
