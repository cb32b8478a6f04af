"""Every API schema has a name of its own.

The OpenAPI document names each schema's component after its class. Two classes of one name in
two apps (a `VersionOut` of frameworks and another of narratives) become one component, and the
document then describes one of the two answers wrongly.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema
from pydantic import BaseModel

import lde


def _schemas() -> list[type]:
    """Every schema class of the platform's API modules, the packages' (lde/sharing/api/) too."""
    for module in pkgutil.walk_packages(lde.__path__, "lde."):
        if module.name.endswith(".api") or ".api." in module.name:
            importlib.import_module(module.name)
    found: list[type] = []
    # Pydantic models too: django-ninja names a response's component after its class whatever
    # it derives from, so a plain BaseModel of one app can be overwritten by another's Schema.
    stack = list(Schema.__subclasses__()) + list(BaseModel.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("lde.") and cls not in found:
            found.append(cls)
    return found


def clashes(classes: list[type]) -> dict[str, list[str]]:
    """Each name given to classes of more than one module, with those modules."""
    modules: dict[str, set[str]] = defaultdict(set)
    for cls in classes:
        modules[cls.__name__].add(cls.__module__)
    return {name: sorted(where) for name, where in modules.items() if len(where) > 1}


def test_no_two_api_schemas_share_a_name() -> None:
    assert clashes(_schemas()) == {}


def test_a_name_two_modules_give_is_a_clash() -> None:
    one = type("ClashOut", (), {"__module__": "lde.one.api"})
    two = type("ClashOut", (), {"__module__": "lde.two.api"})
    other = type("OtherOut", (), {"__module__": "lde.two.api"})
    assert clashes([one, two, other]) == {"ClashOut": ["lde.one.api", "lde.two.api"]}
