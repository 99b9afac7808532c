"""Figures as the stages draw them: matplotlib without a display (a stage may run where there is none), and
each figure saved as a PNG written whole."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen before pyplot loads)

from rnnlab.io import atomic_path  # noqa: E402

__all__ = ["plt", "save_figure"]


def save_figure(figure, path: str | Path) -> None:
    """The figure laid out, as a PNG at ``path``, written whole, and closed."""
    figure.tight_layout()
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=90)
    plt.close(figure)
