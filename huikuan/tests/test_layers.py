"""The import graph follows the layers of huikuan/DESIGN.md and has no cycle: a module may import
its own app and the apps below it, never an app beside or above it, and no domain code imports a
front door (API, admin, management commands, pages). Read from the source with ``ast``, so an
import inside a function or under TYPE_CHECKING counts too. Tests and migrations are not scanned."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
# lowest first; apps in one layer may not import each other
LAYERS: list[set[str]] = [
    {"core"},
    {"accounts"},
    {"audit"},
    {"periods"},
    {"terms"},
    {"customers"},
    {"contracts"},
    {"receivables"},
    {"reports", "bank"},
    {"dunning"},
    {"demo"},
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}
FRONT_DOOR_PARTS = {"api", "admin", "management", "views", "urls", "forms", "tables", "templatetags", "tasks"}
FRONT_DOOR_MODULES = {"huikuan", "huikuan.api", "huikuan.urls", "huikuan.settings", "huikuan.wsgi", "huikuan.manage"}
# packages that are front doors as a whole: the API plumbing and the workbench's shared page parts
FRONT_DOOR_PACKAGES = {"api", "web"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).parts
        if "tests" in relative or "migrations" in relative or path.name in ("conftest.py", "__main__.py"):
            continue
        found[module_name(path)] = path
    return found


def imports_of(path: Path, name: str) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {imported for imported in found if imported == "huikuan" or imported.startswith("huikuan.")}


def is_front_door(name: str) -> bool:
    parts = name.split(".")
    return (
        name in FRONT_DOOR_MODULES
        or (len(parts) > 1 and parts[0] == "huikuan" and parts[1] in FRONT_DOOR_PACKAGES)
        or bool(FRONT_DOOR_PARTS & set(parts[2:]))
    )


def app_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for importer, imported_names in sorted(graph.items()):
        if is_front_door(importer):
            continue
        importer_app = app_of(importer)
        for imported in sorted(imported_names):
            imported_app = app_of(imported)
            if is_front_door(imported):
                problems.append(f"{importer} imports the front door {imported}")
            elif importer_app is None or imported_app is None or imported_app == importer_app:
                continue
            elif RANK[imported_app] >= RANK[importer_app]:
                problems.append(f"{importer} ({importer_app}) imports {imported} ({imported_app}): not below it")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles between modules (an import of a name inside a module counts as the module)."""
    merged: dict[str, set[str]] = {module: set() for module in graph}
    for module, imported_names in graph.items():
        for imported in imported_names:
            for target in (imported, imported.rpartition(".")[0]):
                if target in graph and target != module and not module.startswith(f"{target}."):
                    merged[module].add(target)
    found: list[list[str]] = []
    state = dict.fromkeys(merged, 0)

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        for target in sorted(merged[module]):
            if state[target] == 1:
                found.append([*stack[stack.index(target) :], target])
            elif state[target] == 0:
                visit(target, [*stack, target])
        state[module] = 2

    for module in sorted(merged):
        if state[module] == 0:
            visit(module, [module])
    return found


def import_graph() -> dict[str, set[str]]:
    return {name: imports_of(path, name) for name, path in source_modules().items()}


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")}
    assert apps - set(RANK) - FRONT_DOOR_PACKAGES == set()


def test_every_app_imports_only_the_layers_below_it():
    assert layer_violations(import_graph()) == []


def test_core_is_tested_without_the_domain_apps():
    # whole-project tests (admin pages, layers, catalog) live in huikuan/tests, not in core's
    offenders = []
    for path in (PACKAGE / "core" / "tests").rglob("*.py"):
        name = module_name(path)
        offenders += [
            f"{name} imports {imported}"
            for imported in imports_of(path, name)
            if app_of(imported) not in (None, "core")
        ]
    assert offenders == []


def test_the_import_graph_has_no_cycle():
    assert cycles(import_graph()) == []


def test_the_check_sees_a_domain_app_importing_upwards_or_a_front_door():
    # given: contracts domain code reaching up into receivables and into an API module
    graph = {
        "huikuan.contracts.filters": {"huikuan.receivables.figures"},
        "huikuan.customers.services": {"huikuan.contracts.api.serializers"},
        "huikuan.accounts.models": {"huikuan.audit.models"},
        "huikuan.contracts.api.views": {"huikuan.receivables.selectors"},  # a front door: allowed
    }
    # then
    assert layer_violations(graph) == [
        "huikuan.accounts.models (accounts) imports huikuan.audit.models (audit): not below it",
        "huikuan.contracts.filters (contracts) imports huikuan.receivables.figures (receivables): not below it",
        "huikuan.customers.services imports the front door huikuan.contracts.api.serializers",
    ]
    assert cycles({"huikuan.a": {"huikuan.b.x"}, "huikuan.b": {"huikuan.a"}}) == [
        ["huikuan.a", "huikuan.b", "huikuan.a"]
    ]
