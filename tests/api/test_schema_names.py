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

import lde


def _schemas() -> list[type]:
    found: list[type] = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("lde."):
            found.append(cls)
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    for module in pkgutil.walk_packages(lde.__path__, "lde."):
        if module.name.endswith(".api") or ".api." in module.name:
            importlib.import_module(module.name)
    modules: dict[str, set[str]] = defaultdict(set)
    for cls in _schemas():
        modules[cls.__name__].add(cls.__module__)
    shared = {name: sorted(where) for name, where in modules.items() if len(where) > 1}
    assert shared == {}


def test_the_check_sees_a_clash() -> None:
    first = type("ClashOut", (Schema,), {"__module__": "lde.one.api", "__annotations__": {}})
    second = type("ClashOut", (Schema,), {"__module__": "lde.two.api", "__annotations__": {}})
    names = [cls.__name__ for cls in _schemas() if cls in (first, second)]
    assert names == ["ClashOut", "ClashOut"]
