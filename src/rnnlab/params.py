"""Reading params.yaml into typed configs, refusing bad values before any work starts."""

import dataclasses
import math
import os
import types
import typing
from pathlib import Path

import yaml

from rnnlab.errors import RnnlabError

PARAMS_FILE = Path("params.yaml")


class ParamsError(RnnlabError, ValueError):
    pass


MERGE_TAG = "tag:yaml.org,2002:merge"


def load(path: str | Path = PARAMS_FILE) -> dict:
    """params.yaml as DVC reads it: a key written twice in one mapping is an error, as DVC makes it; so is a
    number that is not finite (.nan, .inf), named where it is written."""
    try:
        written, params = parsed(Path(path).read_text(encoding="utf-8"), path)
    except (OSError, yaml.YAMLError) as error:
        raise ParamsError(f"{path}: cannot read parameters: {error}") from error
    if not isinstance(params, dict):
        raise ParamsError(f"{path}: expected a mapping of stage names to parameters")
    for key, value in leaves(params):
        if isinstance(value, float) and not math.isfinite(value):
            raise ParamsError(f"{path}: {named(written, key)} must be a finite number, got {value}")
    return params


def parsed(text: str, path: str | Path) -> tuple[dict[str, str], object]:
    """From one parse: where each key's value is written (``origins``, read from the node graph before
    building the values folds the merges into it) and the values."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        written = origins(root, path)
        return written, None if root is None else loader.construct_document(root)
    finally:
        loader.dispose()


def leaves(value, prefix: str = ""):
    """(dotted key, value) of every value below the mappings in ``value``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, f"{prefix}{key}.")
    elif prefix:
        yield prefix[:-1], value


def pairs(node: yaml.MappingNode):
    """A mapping node's (key, value) nodes as the loader merges them: a shared block's (``<<: *anchor``) first,
    so that the mapping's own keys override them."""
    for key, value in node.value:
        if key.tag == MERGE_TAG:
            for block in value.value if isinstance(value, yaml.SequenceNode) else [value]:
                yield from pairs(block)
    for key, value in node.value:
        if key.tag != MERGE_TAG:
            yield key, value


def origins(root: yaml.Node | None, path: str | Path) -> dict[str, str]:
    """Every dotted key of the file mapped to the key where its value is written: a key that a shared block
    sets maps to that block's key. Refuses a key written twice in one mapping."""
    found, first_seen = {}, {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if not isinstance(node, yaml.MappingNode):
            return
        lines = {}
        for key, _ in node.value:
            if key.tag != MERGE_TAG and key.value in lines:
                raise ParamsError(
                    f"{path}: line {key.start_mark.line + 1}: {prefix}{key.value} is written twice "
                    f"(first on line {lines[key.value]}); keep one"
                )
            lines[key.value] = key.start_mark.line + 1
        for key, value in pairs(node):
            dotted = f"{prefix}{key.value}"
            found[dotted] = first_seen.setdefault(id(key), dotted)
            walk(value, f"{dotted}.")

    if root is not None:
        walk(root, "")
    return found


def named(written: dict[str, str], key: str) -> str:
    """``key`` as the user wrote it: a key that a shared block sets is named in that block."""
    origin = written.get(key, key)
    return key if origin == key else f"{origin} (merged into {key.rsplit('.', 1)[0]})"


def written_as(path: str | Path, key: str, value) -> str:
    """``named`` for the file at ``path``, read again (errors are rare, and the loaded dict keeps no lines),
    where the file holds ``value`` at ``key``; else ``key``, as the settings did not come from that file."""
    try:
        written, params = parsed(Path(path).read_text(encoding="utf-8"), path)
        in_file = dict(leaves(params))
    except (OSError, yaml.YAMLError, ParamsError):
        return key
    return named(written, key) if key in in_file and in_file[key] == value else key


def inside_project(value: str, key: str, path: str | Path = PARAMS_FILE) -> str:
    """``value``, the path at ``key``, if it lies inside the project (the params file's folder), by its words:
    what DVC tracks and a stage writes must stay there, and nothing may be written elsewhere first."""
    root = Path(os.path.abspath(Path(path).parent))
    if Path(value).is_absolute() or not Path(os.path.normpath(root / value)).is_relative_to(root):
        raise ParamsError(f"{path}: {key} is {value!r}, outside the project; expected a path inside {root}")
    return value


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

        def where(name=name, value=value) -> str:
            """Only when there is an error: naming it reads the file again."""
            return f"{path}: {written_as(path, f'{key}.{name}', value)}"

        if name not in fields:
            raise ParamsError(f"{where()} is not a known key; expected one of {sorted(fields)}")
        annotation = fields[name].type
        if not _accepts(annotation, value):
            expected = getattr(annotation, "__name__", str(annotation))
            raise ParamsError(f"{where()} must be {expected}, got {value!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isfinite(value):
            raise ParamsError(f"{where()} must be a finite number, got {value!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ParamsError(f"{where()} must not be negative, got {value!r}")
    required = [
        name
        for name, field in fields.items()
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    ]
    missing = [name for name in required if name not in values]
    if missing:
        raise ParamsError(f"{path}: {key} is missing {', '.join(missing)}")
    try:
        return cls(**values, **fixed)
    except (TypeError, ValueError) as error:
        # The configs' own checks name the field first ("lr must be positive, ..."): named where it is written.
        field = str(error).split(" ", 1)[0]
        where = written_as(path, f"{key}.{field}", values[field]) if field in values else key
        raise ParamsError(f"{path}: {key if where == f'{key}.{field}' else where}: {error}") from error


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
                f"{path}: {written_as(path, f'{key}.{name}', values[name])} is not a known key; expected one of "
                f"{sorted(model_names | train_names)}"
            )
    return (
        {k: v for k, v in values.items() if k in model_names},
        {k: v for k, v in values.items() if k in train_names},
    )
