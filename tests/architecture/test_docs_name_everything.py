"""Every page and every API operation is named in the docs.

A page (a pattern of the URLconf) is named when some `docs/**/*.md` page holds its URL name in
full (`partnerships:partnership-detail`) or its path, with each parameter written as any
`<placeholder>` (`/partnerships/<id>/audit/`). An API operation is named when some page holds
"METHOD /api/v1/path" as in the OpenAPI document, with each parameter written as any
`{placeholder}` (`GET /api/v1/actions/{action_id}`), optionally followed by a query string.

A path counts only as a whole: `/audit/` inside `/partnerships/<id>/audit/` does not name the
site's audit page. The Django admin's own pages, static files and django-ninja's internal
views (the API's index, OpenAPI document and documentation) are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
API_PREFIX = "/api/v1"
METHODS = ("get", "post", "put", "patch", "delete")
# A placeholder as the docs write it, and the path characters a whole path cannot run into.
PAGE_PARAMETER = r"<[^<>\s`]+>"
API_PARAMETER = r"\{[^{}\s`]+\}"
PATH_CHARACTER = r"[\w/<>{}.-]"


def _docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md")))


def _route(pattern: URLPattern | URLResolver) -> str:
    return str(pattern.pattern)


def _pages(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(URL name, path) of every pattern, the path as Django routes it from the root."""
    found: list[tuple[str, str]] = []
    for pattern in resolver.url_patterns:
        route = prefix + _route(pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace in {"admin", "api-1.0.0"} or route.startswith(("admin/", "api/")):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _pages(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            found.append((name, "/" + route))
    return found


def _path_regex(path: str, parameter: str, *, allow_query: bool) -> str:
    """A regex for the whole path, any placeholder standing for each parameter."""
    pieces = re.split(r"(<[^>]+>|\{[^}]+\})", path)
    body = "".join(parameter if i % 2 else re.escape(piece) for i, piece in enumerate(pieces))
    tail = r"(?:\?[^\s`|]*)?" if allow_query else ""
    return rf"(?<!{PATH_CHARACTER}){body}{tail}(?!{PATH_CHARACTER})"


def _page_is_named(name: str, path: str, text: str) -> bool:
    if name and re.search(rf"(?<![\w:-]){re.escape(name)}(?![\w:-])", text):
        return True
    if path.startswith("/static/") or path == "/":
        # The home page's path is every path's prefix; it is named by its URL name.
        return False
    return re.search(_path_regex(path, PAGE_PARAMETER, allow_query=False), text) is not None


def _operations(client: Client) -> list[tuple[str, str]]:
    document = client.get(f"{API_PREFIX}/openapi.json").json()
    return sorted(
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    )


def test_every_page_is_named_in_the_docs() -> None:
    text = _docs_text()
    pages = _pages(get_resolver())
    assert len(pages) > 50  # the walk found the URLconf, not an empty list
    missing = sorted(
        f"{name or '(unnamed)'} {path}"
        for name, path in pages
        if not path.startswith("/static/") and not _page_is_named(name, path, text)
    )
    assert missing == [], (
        "Name these pages in docs/ (the URL name, e.g. `core:site-audit`, or the path with "
        "<placeholders>), in the Pages table of the app's page:\n" + "\n".join(missing)
    )


def test_every_api_operation_is_named_in_the_docs(client: Client) -> None:
    text = _docs_text()
    operations = _operations(client)
    assert len(operations) > 20  # the OpenAPI document was read
    missing = [
        f"{method} {path}"
        for method, path in operations
        if not re.search(
            rf"(?<![A-Za-z]){method} " + _path_regex(path, API_PARAMETER, allow_query=True),
            text,
        )
    ]
    assert missing == [], (
        "Name these API operations in docs/ as `METHOD /api/v1/path` (docs/apps/api.md and the "
        "app's page):\n" + "\n".join(missing)
    )


def test_the_matching_rule_is_strict() -> None:
    text = "See `/partnerships/<id>/audit/` and `GET /api/v1/actions/{id}?limit=`."
    assert _page_is_named("", "/partnerships/<int:partnership_id>/audit/", text)
    assert not _page_is_named("", "/audit/", text)
    assert not _page_is_named("", "/partnerships/<int:partnership_id>/", text)
    assert not _page_is_named("core:home", "/", text)
    assert _page_is_named("core:home", "/", "the page `core:home`")
    assert not _page_is_named("core:home", "/", "the page `core:home-panels`")
    api = _path_regex("/api/v1/actions/{action_id}", API_PARAMETER, allow_query=True)
    assert re.search("GET " + api, text)
    assert not re.search(
        "GET " + _path_regex("/api/v1/actions", API_PARAMETER, allow_query=True), text
    )
