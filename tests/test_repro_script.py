"""`make repro` (scripts/repro.py) runs what it can reach and says what it left out."""

import sys

from committed import FORECASTERS
from pipeline_project import ROOT, SETUP

# A setup's stages: prepare, windows, baselines, a training and an evaluation per forecaster, figure, summary.
SETUP_STAGES = 5 + 2 * len(FORECASTERS)


def test_repro_leaves_out_the_setup_whose_data_cannot_be_reached(both_chains, tmp_path):
    project = both_chains
    # An offline mirror without the Keras 2009-2016 file, as on machines without internet.
    project.environment["DATA_MIRROR"] = str(tmp_path)
    try:
        result = project.run(sys.executable, str(ROOT / "scripts" / "repro.py"))
    finally:
        del project.environment["DATA_MIRROR"]
    notes = [line for line in result.stdout.splitlines() if line.startswith("make repro: left out")]
    # The lab's setup and the one that reads the 2017 and 2020 files (the 2020 file also feeds the long-horizon
    # benchmark), each named with the file it misses.
    assert len(notes) == 3
    lab = next(note for note in notes if "jena2009_2016" in note)
    assert lab.startswith(
        f"make repro: left out everything of 'jena2009_2016' ({SETUP_STAGES} stages): "
        "fetch@jena_climate_2009_2016 cannot reach its data"
    )
    assert "jena/jena_climate_2009_2016.csv.zip" in lab and "DATA_MIRROR" in lab
    assert sum(f"everything of 'mpi_roof_2017_2024' ({SETUP_STAGES} stages)" in note for note in notes) == 2
    benchmark = next(note for note in notes if "fetch@weather_2020 cannot reach" in note)
    assert (
        f"left out everything of 'mpi_roof_2017_2024' ({SETUP_STAGES} stages) and the long-horizon benchmark ("
        in benchmark
    )
    assert not (project.path / "data" / "raw" / "jena_climate_2009_2016.csv").exists()
    assert "up to date" in project.dvc("status", f"summary@{SETUP}", "figure_text").stdout
