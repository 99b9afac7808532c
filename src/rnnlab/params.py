"""Reading params.yaml into typed configs, refusing bad values before any work starts."""
import dataclasses
import types
import typing
from pathlib import Path

import yaml

from rnnlab.errors import RnnlabError

PARAMS_FILE = Path("params.yaml")


class ParamsError(RnnlabError, ValueError):
    pass


def load(path: str | Path = PARAMS_FILE) -> dict:
    try:
        params = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ParamsError(f"{path}: cannot read parameters: {error}") from error
    if not isinstance(params, dict):
        raise ParamsError(f"{path}: expected a mapping of stage names to parameters")
    return params


def section(params: dict, key: str, path: str | Path = PARAMS_FILE):
    """``params`` at a dotted ``key``; a missing key is an error naming it."""
    value = params
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise ParamsError(f"{path}: missing key {key!r}")
        value = value[part]
    return value


def _accepts(annotation, value) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_accepts(option, value) for option in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    origin = typing.get_origin(annotation) or annotation
    return isinstance(value, origin)


def build(cls, values, key: str, path: str | Path = PARAMS_FILE, **fixed):
    """Dataclass ``cls`` from the mapping at ``key``; every error names ``key`` and the offending field.

    Numbers must not be negative. ``fixed`` fills fields that do not come from the file.
    """
    if not isinstance(values, dict):
        raise ParamsError(f"{path}: {key} must be a mapping, got {values!r}")
    fields = {field.name: field for field in dataclasses.fields(cls) if field.name not in fixed}
    for name, value in values.items():
        if name not in fields:
            raise ParamsError(f"{path}: {key}.{name} is not a known key; expected one of {sorted(fields)}")
        annotation = fields[name].type
        if not _accepts(annotation, value):
            expected = getattr(annotation, "__name__", str(annotation))
            raise ParamsError(f"{path}: {key}.{name} must be {expected}, got {value!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ParamsError(f"{path}: {key}.{name} must not be negative, got {value!r}")
    required = [
        name for name, field in fields.items()
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    ]
    missing = [name for name in required if name not in values]
    if missing:
        raise ParamsError(f"{path}: {key} is missing {', '.join(missing)}")
    try:
        return cls(**values, **fixed)
    except (TypeError, ValueError) as error:
        raise ParamsError(f"{path}: {key}: {error}") from error


def partition(values, model_cls, train_cls, key: str, path: str | Path = PARAMS_FILE, fixed=()) -> tuple[dict, dict]:
    """A model section's keys split between the model's config and the training config; a key that is
    neither's is an error that lists both's."""
    if not isinstance(values, dict):
        raise ParamsError(f"{path}: {key} must be a mapping, got {values!r}")
    model_names = {field.name for field in dataclasses.fields(model_cls)} - set(fixed)
    train_names = {field.name for field in dataclasses.fields(train_cls)}
    for name in values:
        if name not in model_names | train_names:
            raise ParamsError(
                f"{path}: {key}.{name} is not a known key; expected one of {sorted(model_names | train_names)}"
            )
    return ({k: v for k, v in values.items() if k in model_names},
            {k: v for k, v in values.items() if k in train_names})
