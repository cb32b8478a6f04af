"""The rules that hold the layout together (docs/architecture.md), checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.name for p in (ROOT / "lde").iterdir() if (p / "apps.py").exists())
DOMAIN_MODULES = ("models", "services", "selectors", "policies", "forms", "views", "tasks")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _sources(app: str) -> list[Path]:
    return [p for p in (ROOT / "lde" / app).rglob("*.py") if "migrations" not in p.parts]


def test_the_apps_are_the_ones_the_layout_names() -> None:
    assert {"core", "accounts", "partnerships", "api"} <= set(APPS)


def test_core_imports_no_other_app() -> None:
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _sources("core")
        for name in _imports(path)
        if name.startswith("lde.") and not name.startswith("lde.core")
    }
    assert sorted(offenders) == []


@pytest.mark.parametrize("app", [a for a in APPS if a != "api"])
def test_nothing_imports_the_api_app(app: str) -> None:
    offenders = {
        str(path.relative_to(ROOT))
        for path in _sources(app)
        if any(name == "lde.api" or name.startswith("lde.api.") for name in _imports(path))
    }
    assert sorted(offenders) == []


@pytest.mark.parametrize("app", APPS)
def test_domain_code_never_imports_an_api_module(app: str) -> None:
    offenders = set()
    for path in _sources(app):
        if path.stem not in DOMAIN_MODULES:
            continue
        for name in _imports(path):
            if name.startswith("lde.") and name.endswith(".api"):
                offenders.add(f"{path.relative_to(ROOT)} imports {name}")
    assert sorted(offenders) == []


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
        for app in APPS
        for path in _sources(app)
        if path.stem in {"policies", "policy", "facts", "reach", "middleware"}
        and any(
            isinstance(node, ast.Attribute) and node.attr == "is_superuser"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert offenders == []
