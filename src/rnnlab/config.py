"""What both tasks' configs share, and params.yaml read and checked.

Each task's settings live in its own module (``rnnlab.text.config``, ``rnnlab.forecast.config``), so that a
stage depends on the settings it reads and no others. None of these modules imports torch, gensim or dvclive:
a stage that needs none of them does not pay for them. params.yaml is the one source of every value: the
configs' fields that it sets have no defaults.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from rnnlab import params

# Shared blocks that the model sections merge (YAML anchors), then the stages' sections.
SECTIONS = (
    "compute",
    "fetch",
    "text_model",
    "forecaster",
    "segment",
    "word2vec",
    "tensorize",
    "train_text",
    "forecast",
    "train_forecast",
    "long_horizon",
)
# The recurrent networks a model section may name; rnnlab.nn.network builds each.
NETWORKS = ("rnn", "gru", "lstm", "bilstm")


def require_at_least_one(config, *names: str) -> None:
    for name in names:
        if getattr(config, name) < 1:
            raise ValueError(f"{name} must be at least 1, got {getattr(config, name)!r}")


def require_network_shape(config) -> None:
    """Checks the fields every model config has: ``cell``, ``hidden``, ``layers`` and ``dropout``."""
    require_at_least_one(config, "hidden", "layers")
    if not 0.0 <= config.dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {config.dropout!r}")
    if config.cell not in NETWORKS:
        raise ValueError(f"cell must be one of {sorted(NETWORKS)}, got {config.cell!r}")


@dataclass(frozen=True)
class TrainConfig:
    epochs: int
    batch_size: int
    lr: float
    weight_decay: float
    patience: int
    clip_norm: float
    seed: int
    # Data-parallel ranks the stage starts under torchrun; each takes its share of every batch.
    processes: int

    def __post_init__(self):
        require_at_least_one(self, "epochs", "batch_size", "patience", "processes")
        if self.lr <= 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")
        if self.clip_norm <= 0:
            raise ValueError(f"clip_norm must be positive, got {self.clip_norm!r}")


def load_params(path: str | Path = params.PARAMS_FILE) -> dict:
    """params.yaml, its sections known; each stage checks the settings it reads as it reads them."""
    all_params = params.load(path)
    check_sections(all_params, path)
    return all_params


def check_sections(all_params: dict, path: str | Path = params.PARAMS_FILE) -> None:
    for section in all_params:
        if section not in SECTIONS:
            raise params.ParamsError(f"{path}: {section} is not a known section; expected one of {list(SECTIONS)}")


def model_names(all_params: dict, section: str, path: str | Path = params.PARAMS_FILE) -> list[str]:
    """The models of ``section``: each named after its network, or naming it as ``cell``."""
    models = params.section(all_params, section, path)
    if not isinstance(models, dict) or not models:
        raise params.ParamsError(f"{path}: {section} must map model names to settings, got {models!r}")
    for name in models:
        if model_cell(all_params, section, name) not in NETWORKS:
            raise params.ParamsError(
                f"{path}: {section}.{name} names no network; name the block after one of {sorted(NETWORKS)}, or "
                "give it a cell"
            )
    return list(models)


def model_cell(all_params: dict, section: str, name: str) -> str:
    """The network of model ``name`` of ``section``: its block's ``cell``, else its name."""
    block = all_params.get(section, {}).get(name)
    return block["cell"] if isinstance(block, dict) and "cell" in block else name


def threads(all_params: dict, path: str | Path = params.PARAMS_FILE) -> int:
    """compute.threads: the threads every stage computes with."""
    return integer_at_least(all_params, "compute.threads", 1, path)


def integer_at_least(all_params: dict, key: str, minimum: int, path: str | Path = params.PARAMS_FILE) -> int:
    """The integer at ``key``; anything else, or less than ``minimum``, is an error naming the key."""
    value = params.section(all_params, key, path)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        expected = {0: "a non-negative integer", 1: "a positive integer"}.get(
            minimum, f"an integer of at least {minimum}"
        )
        raise params.ParamsError(f"{path}: {key} must be {expected}, got {value!r}")
    return value


def settings_of(*configs) -> dict:
    """The fields of ``configs`` (dataclasses, or dicts such as params sections) as one flat mapping."""
    merged = {}
    for config in configs:
        merged.update(params.leaves(asdict(config) if hasattr(config, "__dataclass_fields__") else config))
    return merged


def require_unchanged(read: Callable[[], dict], used: dict, key: str, path: str | Path = params.PARAMS_FILE) -> None:
    """Fails with one line if ``read()``, the settings as the params file gives them now, differs from ``used``,
    those the stage ran with: DVC records the file's values in dvc.lock when the stage ends, and would record
    an edit made meanwhile as what the outputs were made with. Call it before the outputs are replaced."""
    try:
        now = read()
    except params.ParamsError as error:
        raise params.ParamsError(f"{error} (edited while the stage ran; its outputs were not replaced)") from None
    changed = [
        f"{name} {used.get(name)!r} -> {now.get(name)!r}"
        for name in sorted(used.keys() | now.keys())
        if used.get(name) != now.get(name)
    ]
    if changed:
        raise params.ParamsError(
            f"{path}: {key} changed while the stage ran ({', '.join(changed)}); its outputs, made with the earlier "
            "values, were not replaced: `dvc repro` runs it with the new ones"
        )
