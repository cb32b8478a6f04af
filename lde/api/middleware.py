"""Refuses NUL characters and broken Unicode in what is sent to the API, before any endpoint
sees it.

No text field stores a NUL (PostgreSQL refuses it outright, and the web forms refuse it through
Django's own validator), so a NUL in a query, a JSON body or a form field is answered 422 in the
API's own error format rather than reaching the database as a server error. It is one check in
one place because it concerns every endpoint alike. Multipart bodies are not checked: the API
takes only files in them, and a file's bytes may hold anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "Text may not contain NUL (0x00)."
UNICODE_MESSAGE = "Text must be valid Unicode: it holds half of a surrogate pair."


def null_characters(value: Any, where: list[str | int]) -> list[dict[str, Any]]:
    """Each place in a parsed value that holds a NUL character, as the API reports a field."""
    if isinstance(value, str):
        if "\x00" in value:
            return [{"type": "null_character", "loc": where, "msg": MESSAGE}]
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a JSON "\ud800" escape
            return [{"type": "invalid_unicode", "loc": where, "msg": UNICODE_MESSAGE}]
        return []
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in null_characters(v, [*where, str(k)])]
    if isinstance(value, list):
        return [e for i, v in enumerate(value) for e in null_characters(v, [*where, i])]
    return []


def _sent(request: HttpRequest) -> list[dict[str, Any]]:
    errors = null_characters({key: request.GET.getlist(key) for key in request.GET}, ["query"])
    errors = [{**e, "loc": e["loc"][:2]} for e in errors]  # the field, not the list index
    content_type = request.content_type or ""
    if content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            return errors  # not JSON: the endpoint answers that itself
        errors += null_characters(body, ["body"])
    elif content_type == "application/x-www-form-urlencoded":
        errors += [
            {**e, "loc": e["loc"][:2]}
            for e in null_characters(
                {key: request.POST.getlist(key) for key in request.POST}, ["form"]
            )
        ]
    return errors


class NullCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and (errors := _sent(request)):
            return JsonResponse(
                {"detail": "Some fields are not valid.", "errors": errors}, status=422
            )
        return self.get_response(request)
