"""The text models' spread over seeds, from DVC experiments that changed one model's seed.

    for model in rnn gru lstm bilstm; do for seed in 1 2; do
        dvc exp run --queue -S train_text.$model.seed=$seed evaluate_text@$model
    done; done
    dvc queue start --jobs 1        # then wait until `dvc queue status` shows them all done
    python scripts/seed_spread.py metrics/text_seeds.json [BASELINE ...]

For each model: the test macro-F1 of the ensemble and of its first network alone, at the committed seed
(the first BASELINE's metrics; HEAD when none is given: the commit the experiments ran from) and at each
experiment's, with their mean and sample standard deviation. Only experiments run from a BASELINE whose
params differ from that baseline's in one model's seed count. Experiments from several baselines count
together only where the baselines' dvc.lock records the same text chain (same code, data and params).
"""

import json
import statistics
import subprocess
import sys

import yaml

from rnnlab.text.config import MODELS


def git(*arguments: str) -> str:
    return subprocess.run(["git", *arguments], capture_output=True, text=True, check=True).stdout


def at(revision: str, path: str):
    return yaml.safe_load(git("show", f"{revision}:{path}"))


def experiments_of(baseline: str) -> list[str]:
    """Commits of the experiments run from ``baseline`` (DVC keeps them under refs/exps/<sha[:2]>/<sha[2:]>/)."""
    prefix = f"refs/exps/{baseline[:2]}/{baseline[2:]}/"
    return git("for-each-ref", "--format=%(objectname)", prefix).split()


def seed_changed(head_params: dict, params: dict) -> tuple[str, int] | None:
    """(model, seed) when ``params`` differ from ``head_params`` only in ``train_text.<model>.seed``."""
    changed = [name for name, section in params[MODELS].items() if section != head_params[MODELS].get(name)]
    if len(changed) != 1 or {k: v for k, v in params.items() if k != MODELS} != {
        k: v for k, v in head_params.items() if k != MODELS
    }:
        return None
    name = changed[0]
    rest = {k: v for k, v in params[MODELS][name].items() if k != "seed"}
    if rest != {k: v for k, v in head_params[MODELS][name].items() if k != "seed"}:
        return None
    return name, params[MODELS][name]["seed"]


def spread(by_seed: dict[int, float]) -> dict:
    values = list(by_seed.values())
    return {
        "by_seed": {str(seed): value for seed, value in sorted(by_seed.items())},
        "mean": statistics.mean(values),
        "std": statistics.stdev(values) if len(values) > 1 else None,
    }


# The text chain's stages, whose records in dvc.lock must agree between baselines.
TEXT_STAGES = ("segment", "word2vec", "split", "tensorize", "train_text@", "evaluate_text@")


def text_chain(revision: str) -> dict:
    return {name: stage for name, stage in at(revision, "dvc.lock")["stages"].items() if name.startswith(TEXT_STAGES)}


def main(out: str, *baselines: str) -> None:
    commits = [git("rev-parse", baseline).strip() for baseline in baselines or ["HEAD"]]
    head = commits[0]
    head_params = at(head, "params.yaml")
    for other in commits[1:]:
        differing = sorted(name for name, stage in text_chain(other).items() if text_chain(head).get(name) != stage)
        if differing:
            sys.exit(
                f"seed_spread: {other} ran another text chain than {head}: {', '.join(differing)} differ in dvc.lock"
            )
    runs = {
        name: {section["seed"]: at(head, f"metrics/text/{name}.json")} for name, section in head_params[MODELS].items()
    }
    for baseline in commits:
        baseline_params = at(baseline, "params.yaml")
        for commit in experiments_of(baseline):
            found = seed_changed(baseline_params, at(commit, "params.yaml"))
            if found:
                name, seed = found
                runs[name][seed] = at(commit, f"metrics/text/{name}.json")
    result = {}
    for name, by_seed in runs.items():
        result[name] = {
            "members": by_seed[head_params[MODELS][name]["seed"]]["members"],
            "committed_seed": head_params[MODELS][name]["seed"],
            "ensemble_macro_f1": spread({seed: m["macro_f1"] for seed, m in by_seed.items()}),
            "single_network_macro_f1": spread({seed: m["single_network"]["macro_f1"] for seed, m in by_seed.items()}),
        }
    with open(out, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(result, indent=2) + "\n")
    for name, row in result.items():
        ensemble, single = row["ensemble_macro_f1"], row["single_network_macro_f1"]
        print(
            f"{name}: seeds {list(ensemble['by_seed'])}, ensemble {ensemble['mean']:.4f} ± {ensemble['std']}, "
            f"single network {single['mean']:.4f} ± {single['std']}"
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
