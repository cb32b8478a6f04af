"""The rules that hold the layout together (docs/architecture.md), checked on the source.

Every import in every module under `lde/` and `benchmarks/` (migrations aside) is resolved to
the module it names: `from lde.sharing import api` is `lde.sharing.api`, relative imports are
made absolute, and imports inside functions count like any other. Each resolved import between
two apps must be an edge of the graph written in docs/architecture.md ("Allowed imports between
apps"), and that graph must itself keep the rules: `core` at the bottom, `accounts` and
`partnerships` below every capability, nothing above `api` and `rollups`, and no cycle.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.name for p in (ROOT / "lde").iterdir() if (p / "apps.py").exists())
# Outside `lde/` but in the graph: the benchmarks package, which holds `lde bench`.
TOP_PACKAGES = ("benchmarks",)
DOMAIN_MODULES = ("models", "services", "selectors", "policies", "forms", "views", "tasks")
# The apps the kernel and the hub may import besides themselves.
KERNEL_AND_HUB = {"core", "accounts", "partnerships"}
# Apps imported by nothing in the graph, except `rollups`, whose router the API mounts.
# rollups is imported by the API that mounts it and by the benchmarks, which sit above every app.
IMPORTED_BY_NOTHING = {"api": set(), "rollups": {"api", "benchmarks"}, "benchmarks": set()}


# --- Reading the source -------------------------------------------------------------------


def _source_files() -> list[Path]:
    files = [*(ROOT / "lde").rglob("*.py")]
    for package in TOP_PACKAGES:
        files += (ROOT / package).rglob("*.py")
    return sorted(p for p in files if "migrations" not in p.relative_to(ROOT).parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p) for p in _source_files()}


def resolved_imports(module: str, source: str, *, is_package: bool = False) -> set[str]:
    """Every module the source imports, fully resolved: `from a import b` is `a.b` when `a.b` is
    a module (and `a` otherwise), relative imports are made absolute, and imports anywhere in
    the file count, those inside functions included."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names} & MODULES
            found |= submodules
            if len(submodules) < len(node.names):  # some names are not modules: from the package
                found.add(target)
    return found


def app_of(module: str) -> str | None:
    """The app (or top-level package in the graph) a module belongs to, if any."""
    parts = module.split(".")
    if parts[0] in TOP_PACKAGES:
        return parts[0]
    if parts[0] == "lde" and len(parts) > 1 and parts[1] in APPS:
        return parts[1]
    return None


@dataclass(frozen=True)
class Edge:
    source: str  # the importing file
    importer: str  # its app
    imported: str  # the app it reaches
    module: str  # the module it names

    def __str__(self) -> str:
        return f"{self.source}: {self.importer} -> {self.imported} ({self.module})"


def edges_of(path_label: str, module: str, source: str, *, is_package: bool = False) -> set[Edge]:
    """The imports from one module into other apps."""
    importer = app_of(module)
    edges = set()
    for name in resolved_imports(module, source, is_package=is_package):
        imported = app_of(name)
        if imported is not None and imported != importer:
            edges.add(Edge(path_label, importer or module, imported, name))
    return edges


def all_edges() -> set[Edge]:
    edges: set[Edge] = set()
    for path in _source_files():
        edges |= edges_of(
            str(path.relative_to(ROOT)),
            _module_name(path),
            path.read_text(encoding="utf-8"),
            is_package=path.name == "__init__.py",
        )
    return edges


# --- The written graph --------------------------------------------------------------------

GRAPH_BLOCK = re.compile(r"<!-- allowed-imports -->\s*```text\n(?P<body>.*?)```", re.DOTALL)


def allowed_graph(text: str) -> dict[str, set[str]]:
    """The block after `<!-- allowed-imports -->` in docs/architecture.md: one line per app,
    `app -> other, other` (or `app -> nothing`)."""
    match = GRAPH_BLOCK.search(text)
    assert match, "docs/architecture.md has no <!-- allowed-imports --> block"
    graph: dict[str, set[str]] = {}
    for line in match["body"].splitlines():
        if not line.strip():
            continue
        app, _, targets = line.partition("->")
        names = {t.strip() for t in targets.split(",")} - {"nothing", ""}
        assert app.strip() not in graph, f"{app.strip()} is listed twice"
        graph[app.strip()] = names
    return graph


GRAPH = allowed_graph((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))


def forbidden(edges: Iterable[Edge], graph: dict[str, set[str]]) -> list[str]:
    return sorted(str(e) for e in edges if e.imported not in graph.get(e.importer, set()))


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph, as the apps along it, or [] if it has none."""
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> list[str]:
        state[node] = "open"
        for nxt in sorted(graph.get(node, set())):
            if state.get(nxt) == "open":  # the open nodes are the trail: back on it is a cycle
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt, [*trail, nxt])):
                return found
        state[node] = "done"
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node, [node])):
            return found
    return []


# --- The rules ----------------------------------------------------------------------------


def test_the_apps_are_the_ones_the_layout_names() -> None:
    assert {"core", "accounts", "partnerships", "rollups", "api"} <= set(APPS)


def test_every_app_has_its_place_in_the_written_graph() -> None:
    assert set(GRAPH) == set(APPS) | set(TOP_PACKAGES)
    assert set().union(*GRAPH.values()) <= set(GRAPH)


def test_every_import_between_apps_is_an_edge_of_the_written_graph() -> None:
    assert forbidden(all_edges(), GRAPH) == []


def test_modules_outside_the_apps_import_no_app() -> None:
    outside = sorted(str(e) for e in all_edges() if e.importer not in GRAPH)
    assert outside == []


def test_the_graph_has_no_cycle() -> None:
    assert cycle_in(GRAPH) == []


def test_core_imports_no_other_app() -> None:
    assert GRAPH["core"] == set()


def test_accounts_and_partnerships_import_no_capability_app() -> None:
    assert GRAPH["accounts"] <= KERNEL_AND_HUB
    assert GRAPH["partnerships"] <= KERNEL_AND_HUB


@pytest.mark.parametrize("app", sorted(IMPORTED_BY_NOTHING))
def test_api_rollups_and_benchmarks_are_imported_by_nothing(app: str) -> None:
    importers = {a for a, targets in GRAPH.items() if app in targets}
    assert importers == IMPORTED_BY_NOTHING[app]


def _within(parts: Iterable[str], names: Iterable[str]) -> bool:
    """Whether a module is one of these files of an app or lies in a package of that name:
    `services.py` and `services/review.py` are both services, `api/protocols.py` is API."""
    return bool(set(parts) & set(names))


def domain_imports_of_api(edges: Iterable[Edge]) -> list[str]:
    return sorted(
        str(e)
        for e in edges
        if _within(Path(e.source).with_suffix("").parts[2:], DOMAIN_MODULES)
        and _within(e.module.split(".")[2:], ["api"])
    )


def test_domain_code_never_imports_an_api_module() -> None:
    assert domain_imports_of_api(all_edges()) == []


# --- The check can fail -------------------------------------------------------------------


def test_a_function_level_import_of_a_submodule_is_resolved_and_refused() -> None:
    source = "def board():\n    from lde.sharing import api\n    return api\n"

    edges = edges_of("lde/assessments/services.py", "lde.assessments.services", source)

    assert {e.module for e in edges} == {"lde.sharing.api"}
    assert forbidden(edges, GRAPH) == [
        "lde/assessments/services.py: assessments -> sharing (lde.sharing.api)"
    ]


def test_an_api_module_imported_by_a_module_of_a_services_package_is_refused() -> None:
    source = "from lde.sharing.api.schemas import ProductOut\n"

    path, module = "lde/assessments/services/review.py", "lde.assessments.services.review"

    edges = edges_of(path, module, source)

    assert domain_imports_of_api(edges) == [
        "lde/assessments/services/review.py: assessments -> sharing (lde.sharing.api.schemas)"
    ]


def test_a_relative_import_is_resolved_against_its_package() -> None:
    assert resolved_imports("lde.rollups.views", "from . import selectors\n") == {
        "lde.rollups.selectors"
    }
    assert resolved_imports("lde.rollups", "from ..sharing import api\n", is_package=True) == {
        "lde.sharing.api"
    }
    assert resolved_imports("lde.accounts.views", "from ..core.files import safe_file_name") == {
        "lde.core.files"
    }


def test_importing_a_name_resolves_to_its_module_and_a_plain_import_to_itself() -> None:
    source = "from lde.accounts.models import User\nimport lde.frameworks.oscal\n"

    assert resolved_imports("lde.core.views", source) == {
        "lde.accounts.models",
        "lde.frameworks.oscal",
    }


def test_a_forbidden_import_of_the_kernel_is_reported() -> None:
    edges = edges_of("lde/core/views.py", "lde.core.views", "import lde.partnerships.models\n")

    assert forbidden(edges, GRAPH) == [
        "lde/core/views.py: core -> partnerships (lde.partnerships.models)"
    ]


def test_a_cycle_is_found() -> None:
    graph = {"core": set(), "accounts": {"core", "partnerships"}, "partnerships": {"accounts"}}

    assert cycle_in(graph) == ["accounts", "partnerships", "accounts"]
    assert cycle_in({"core": set(), "accounts": {"core"}}) == []


def test_the_graph_is_read_from_its_block() -> None:
    text = "x\n<!-- allowed-imports -->\n```text\ncore -> nothing\naccounts -> core\n```\n"

    assert allowed_graph(text) == {"core": set(), "accounts": {"core"}}


# --- Rules that are not about imports ------------------------------------------------------


def test_the_admin_registers_site_level_models_only() -> None:
    from django.contrib import admin

    registered = {model._meta.label for model in admin.site._registry}
    partnership_content = {
        "partnerships.Membership",
        "partnerships.Assignment",
        "accounts.Clearance",
        "accounts.CaveatGrant",
        "accounts.ApiToken",
        "accounts.Post",
        "accounts.PostHolding",
        "core.AuditEvent",
    }
    assert registered & partnership_content == set()
    assert {"accounts.Organisation", "partnerships.Partnership", "core.Marking"} <= registered


def test_no_policy_reads_the_superuser_flag() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _source_files()
        if path.stem in {"policies", "policy", "facts", "reach", "middleware"}
        and any(
            isinstance(node, ast.Attribute) and node.attr == "is_superuser"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert offenders == []
