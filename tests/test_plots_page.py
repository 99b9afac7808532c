"""`dvc plots show` on the sample pipeline, with the project's page template, draws every plot offline:
checked in headless Chromium, with a screenshot left in test-artifacts/."""

import re
import shutil
import subprocess

import pytest

from pipeline_project import ROOT

TEMPLATE = ROOT / ".dvc/plots/offline.html"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium")
# As the machine's own probe starts it: without the background-networking flags Chromium keeps trying
# to reach Google's hosts, which an offline machine refuses.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=30000",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run installs it)"
)


def chromium(page, profile, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *arguments, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def page(both_chains):
    assert TEMPLATE.exists(), f"{TEMPLATE} is missing: `make` builds it (npm ci in plots/, then plots/build_page.py)"
    # Named on the command line, not in the run's config, which the tests that copy the run inherit.
    both_chains.dvc("plots", "show", "--html-template", str(TEMPLATE))
    return both_chains.path / "dvc_plots" / "index.html"


def test_page_loads_no_script_from_the_network(page):
    html = page.read_text(encoding="utf-8")
    assert "vegaEmbed(" in html
    assert re.findall(r"<script[^>]*\bsrc=", html) == []


def test_every_vega_plot_draws_without_console_errors(page, tmp_path):
    declared = page.read_text(encoding="utf-8").count("vegaEmbed(")
    rendered = chromium(page, tmp_path / "profile", "--dump-dom")
    drawn = re.findall(r'<(?:canvas|svg)[^>]*class="marks"', rendered.stdout)
    # Chromium logs every console message as INFO; vega's own notices ("WARN Infinite extent" of a hover
    # layer with no points yet, its version notes) are not errors, an exception or a failed load is.
    errors = [
        line for line in rendered.stderr.splitlines() if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)
    ]
    # The samples give every plot of the text chain and the offline forecast setup: curves, confusion
    # matrices, per-class F1, MAE by horizon hour.
    assert declared >= 12
    assert len(drawn) == declared, rendered.stderr[-3000:]
    assert errors == []

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "plots.png"
    chromium(page, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1400,6000")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
