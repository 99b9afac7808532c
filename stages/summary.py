"""summary@<setup>: every model on both tasks beside the baselines -> metrics/summary/<setup>.{md,json,png} and
the forecasts' MAE by horizon hour -> metrics/summary/<setup>_horizon.png."""
import sys

from rnnlab.io import atomic_path, write_json
from rnnlab.summary import collect, figure, horizon_figure, markdown

if __name__ == "__main__":
    setup = sys.argv[1]
    rows = collect("metrics/text", f"metrics/forecast/{setup}")
    write_json(f"metrics/summary/{setup}.json", rows)
    table = markdown(rows, setup)
    with atomic_path(f"metrics/summary/{setup}.md") as temporary:
        temporary.write_text(table, encoding="utf-8")
    figure(rows, f"metrics/summary/{setup}.png", setup)
    horizon_figure(f"metrics/forecast/{setup}", f"metrics/summary/{setup}_horizon.png", setup)
    print(table)
