"""The text chain's cost as the corpus grows: each stage's wall time and peak memory at 1x, 3x and 10x the
reviews, one stage at a time, as `dvc repro` runs them (the stage scripts, with their params).

    python bench/scale.py [--scales 1 3 10] [--through STAGE] [--work /tmp/rnnlab-scale]

The corpus at k times is the real CSV's rows drawn again k times over in a seeded shuffle: honest for time and
memory (every review is a real one, of the real length and vocabulary), not for scores, since a review's copies
land in every split. Training is one epoch of the GRU as params.yaml sets it (all its members), then its
evaluation; ``--through`` stops the chain after a stage. Peak memory is the largest sum of PSS (each page
shared between processes counted once, split among them) over the stage's process and its children (jieba's
forked workers), sampled every 0.1 s; reading the processes' memory maps costs time (segment at 10x: 199 s,
against 132 s when RSS was sampled). Run it alone: the stages use both cores. Prints one Markdown table.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import yaml

from rnnlab.cpu import cpu_model
from rnnlab.datasets import DATASETS
from rnnlab.fetch import MIRROR_VARIABLE, fetch

ROOT = Path(__file__).resolve().parents[1]
MODEL = "gru"
# (stage, its script's arguments), in the chain's order; paths are the project's, inside the work folder.
STAGES = [
    ("segment", ["data/raw/reviews.csv", "data/text/segmented.parquet"]),
    ("word2vec", ["data/text/segmented.parquet", "data/text/word2vec.bin"]),
    ("split", ["data/text/segmented.parquet", "data/text/split"]),
    ("tensorize", ["data/text/word2vec.bin", "data/text/split", "data/text/tensors"]),
    (
        "train_text",
        [MODEL, "data/text/tensors", f"models/{MODEL}.pt", f"logs/{MODEL}", f"logs/{MODEL}.json", "logs/timing.json"],
    ),
    (
        "evaluate_text",
        [MODEL, f"models/{MODEL}.pt", "data/text/tensors", "logs/scores.json", "logs/confusion.csv", "logs/f1.csv"],
    ),
    ("baseline_tfidf", ["data/text/split", "logs/tfidf.json", "logs/tfidf_c.csv", "logs/tfidf_f1.csv", "logs/t.json"]),
]


def real_reviews(mirror: Path) -> pd.DataFrame:
    """The reviews CSV as the fetch stage puts it in place, from the offline mirror, its checksum verified."""
    os.environ[MIRROR_VARIABLE] = str(mirror)
    with tempfile.TemporaryDirectory() as scratch:
        return pd.read_csv(fetch(DATASETS["reviews"], Path(scratch) / "reviews.csv"), dtype=str, keep_default_na=False)


def scaled(reviews: pd.DataFrame, scale: int, seed: int = 0) -> pd.DataFrame:
    """``scale`` copies of every row, in one seeded shuffle."""
    return pd.concat([reviews] * scale, ignore_index=True).sample(frac=1.0, random_state=seed)


def project(work: Path, reviews: pd.DataFrame) -> Path:
    """A work folder with the project's params (the GRU trained for one epoch) and the scaled corpus."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "data/raw").mkdir(parents=True)
    reviews.to_csv(work / "data/raw/reviews.csv", index=False)
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["train_text"][MODEL]["epochs"] = 1
    (work / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return work


def pss(process: psutil.Process) -> int:
    """A process's PSS, 0 for one that ended meanwhile."""
    try:
        return process.memory_full_info().pss
    except psutil.Error:
        return 0


def run(stage: str, arguments: list[str], work: Path) -> tuple[float, float]:
    """Seconds and peak memory (GB of PSS, summed over the stage's processes) of one stage."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "stages" / f"{stage}.py"), *arguments],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak, watched = 0, psutil.Process(process.pid)

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            try:
                tree = [watched, *watched.children(recursive=True)]
            except psutil.Error:
                break
            peak = max(peak, sum(pss(process) for process in tree))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, errors = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{stage} failed:\n{errors[-3000:]}")
    return time.perf_counter() - started, peak / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--work", type=Path, default=Path("/tmp/rnnlab-scale"))
    parser.add_argument("--mirror", type=Path, default=ROOT.parent / "shared/data")
    parser.add_argument("--through", choices=[stage for stage, _ in STAGES], default=STAGES[-1][0])
    args = parser.parse_args()
    names = [stage for stage, _ in STAGES]
    stages = STAGES[: names.index(args.through) + 1]
    reviews = real_reviews(args.mirror)
    results = {}
    for scale in args.scales:
        work = project(args.work, scaled(reviews, scale))
        csv_mb = (work / "data/raw/reviews.csv").stat().st_size / 1e6
        print(f"{scale}x: {len(reviews) * scale:,} reviews, {csv_mb:.0f} MB of CSV", file=sys.stderr, flush=True)
        for stage, arguments in stages:
            results[stage, scale] = run(stage, arguments, work)
            print(f"  {stage}: {results[stage, scale][0]:.1f} s, {results[stage, scale][1]:.2f} GB", file=sys.stderr)
    shutil.rmtree(args.work, ignore_errors=True)
    first = args.scales[0]
    print(f"{cpu_model()}, {psutil.cpu_count()} cores; seconds (GB peak PSS); growth = time / time at {first}x\n")
    print("| stage | " + " | ".join(f"{s}x" for s in args.scales) + f" | growth at {args.scales[-1]}x |")
    print("|---|" + "---:|" * (len(args.scales) + 1))
    for stage, _ in stages:
        cells = [f"{results[stage, s][0]:.1f} ({results[stage, s][1]:.2f})" for s in args.scales]
        growth = results[stage, args.scales[-1]][0] / results[stage, first][0]
        print(f"| {stage} | " + " | ".join(cells) + f" | {growth:.1f}x |")


if __name__ == "__main__":
    main()
