"""Request-wide middleware: a request id for every request (carried into audit events and the
response headers), private caching for signed-in pages and the API, and the 403 page."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("lde_request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-Id"] = request_id
        return response


class PolicyDeniedMiddleware:
    """Turns a policy's refusal into the 403 page that says who can do it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from lde.core.access.policy import PermissionDenied403
        from lde.core.views import forbidden

        if isinstance(exception, PermissionDenied403):
            if request.path.startswith("/api/"):
                return None
            return forbidden(request, exception)
        return None


class PrivateNoStoreMiddleware:
    """Every page sent to a signed-in user, and every API answer, is `Cache-Control: private,
    no-store`: a shared or browser cache must never keep a copy of partnership content or marked
    material for the next person at the same computer. Static files (served before this by
    WhiteNoise) and public pages seen signed out keep their own caching.

    Placed outside every middleware that may answer by itself (the API's refusal of NUL, the
    sign-in and second-factor redirects, the 403 page), so that it has the last word on all of
    them; it reads who is signed in once the authentication middleware inside it has run.
    Answers to the signing-out request itself are not covered: nobody is signed in by then.
    """

    VALUE = "private, no-store"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") or self._signed_in(request):
            response["Cache-Control"] = self.VALUE
            # An `Expires` date would only invite a cache to keep it.
            if response.has_header("Expires"):
                del response["Expires"]
        return response

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
