"""The model modules import each other without a cycle (read from their source, since the
package's ``__init__`` imports them all in one fixed order and would hide one)."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import blogapp.models

MODELS = Path(blogapp.models.__file__).parent
PACKAGE = "blogapp.models"


def module_names() -> list[str]:
    return sorted(path.stem for path in MODELS.glob("*.py") if path.stem != "__init__")


def imported_models(name: str) -> set[str]:
    """The sibling model modules ``name`` imports, typing-only imports included."""
    tree = ast.parse((MODELS / f"{name}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith(PACKAGE + "."):
                found.add(node.module.removeprefix(PACKAGE + ".").split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name.removeprefix(PACKAGE + ".").split(".")[0])
    return found & set(module_names())


def test_the_model_modules_import_each_other_without_a_cycle():
    graph = {name: imported_models(name) for name in module_names()}
    assert graph["users"] == {"types"}, "accounts depend on no other table"
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"model modules import in a cycle: {error.args[1]}") from None
    assert set(order) == set(graph)
