"""`make repro` (scripts/repro.py) runs what it can reach and says what it left out."""
import sys

from pipeline_project import ROOT


def test_repro_leaves_out_the_setup_whose_data_cannot_be_reached(both_chains, tmp_path):
    project = both_chains
    # An offline mirror without the Keras 2009-2016 file, as on machines without internet.
    project.environment["DATA_MIRROR"] = str(tmp_path)
    try:
        result = project.run(sys.executable, str(ROOT / "scripts" / "repro.py"))
    finally:
        del project.environment["DATA_MIRROR"]
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("make repro: left out everything of 'jena2009_2016' (13 stages): fetch_jena cannot reach its data")
    assert "jena/jena_climate_2009_2016.csv.zip" in last and "DATA_MIRROR" in last
    assert not (project.path / "data" / "raw" / "jena_climate_2009_2016.csv").exists()
    assert "up to date" in project.dvc("status", "summary@mpi_roof_2024", "figure_text").stdout
