"""dvc.yaml declares every project module a stage's script runs, so that no code change escapes `dvc status`."""

import ast
import re
from pathlib import Path

import pytest
import yaml

from pipeline_project import ROOT

STAGES = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def imported_modules(path: Path, found: set[Path]) -> set[Path]:
    """The project's modules ``path`` imports at module level, and theirs, transitively. An import inside a
    function runs only when that function does, and the stage that calls it names the module itself."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rnnlab":
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.split(".")[0] == "rnnlab"]
        else:
            continue
        for name in names:
            base = ROOT / "src" / Path(*name.split("."))
            for module in (base.with_suffix(".py"), base / "__init__.py"):
                if module.is_file() and module not in found:
                    found.add(module)
                    imported_modules(module, found)
    return found


@pytest.mark.parametrize("name", list(STAGES))
def test_stage_declares_every_module_it_imports(name):
    stage = STAGES[name].get("do", STAGES[name])
    script = ROOT / re.search(r"stages/\w+\.py", stage["cmd"]).group(0)
    declared = [ROOT / dep for dep in stage["deps"]]
    undeclared = sorted(
        str(module.relative_to(ROOT))
        for module in imported_modules(script, set())
        if module.name != "__init__.py" and not any(module == dep or dep in module.parents for dep in declared)
    )
    assert undeclared == [], f"dvc.yaml stage {name!r} runs {undeclared} without declaring them in deps"
