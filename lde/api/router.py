"""The API at /api/v1/: plumbing only. Each capability's endpoints live in its own `api.py`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from lde.accounts.models import ApiToken
from lde.accounts.selectors import api_token_authenticate
from lde.core.access.policy import PermissionDenied403
from lde.core.api_schemas import ErrorOut, field_errors
from lde.core.limits import too_long
from lde.core.network import client_ip
from lde.core.ratelimit import API_FAILURES_PER_ADDRESS, API_PER_TOKEN, Verdict, rate_hit
from lde.core.refusals import Conflict


class TooManyRequests(Exception):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__("too many requests")
        self.verdict = verdict


class TokenAuth(HttpBearer):
    """Personal API tokens, sent as `Authorization: Bearer lde_…`.

    Each token may make `API_PER_TOKEN` requests a minute (a script gone wrong cannot starve the
    pages), and one internet address may present `API_FAILURES_PER_ADDRESS` tokens that do not
    work in ten minutes. Failures are counted only when they happen, so a request with a good
    token costs one query for its limit, not two."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token)
        if user is None:
            verdict = rate_hit(API_FAILURES_PER_ADDRESS, client_ip(request) or "unknown")
            if not verdict.allowed:
                raise TooManyRequests(verdict)
            return None
        verdict = rate_hit(API_PER_TOKEN, ApiToken.digest_of(token))
        if not verdict.allowed:
            raise TooManyRequests(verdict)
        request.user = user
        return user


class PlatformAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """`<app's api module>_<function>`, as django-ninja names it, but named by the app's API
        rather than the file that holds the endpoint: an `api.py` split into a package by topic
        (`lde.sharing.api.review`) keeps every published operation id (`lde_sharing_api_…`)."""
        parts = operation.view_func.__module__.split(".")
        if "api" in parts[2:]:
            parts = parts[: parts.index("api", 2) + 1]
        return "_".join([*parts, operation.view_func.__name__])

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The document, with the 429 that any operation needing a token may answer
        (`TokenAuth`'s rate limits) declared on each, so that every error is in the document."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if operation.get("security"):
                    operation.setdefault("responses", {}).setdefault(
                        "429",
                        {
                            "description": "Too many requests: wait the seconds in Retry-After",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ErrorOut"}
                                }
                            },
                        },
                    )
        return schema


api = PlatformAPI(
    title="Prevent LDE API",
    version="1",
    description=(
        "Read and write the platform's data under the same policies as the web pages. "
        "Authenticate with a personal API token from your profile page: "
        "`Authorization: Bearer <token>`. Missing objects and objects you may not see both "
        "answer 404; objects you may see but not change answer 403."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(TooManyRequests)
def too_many_requests(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    response = _error(
        request,
        429,
        f"Too many requests: try again in {exc.verdict.retry_after} seconds.",
    )
    response["Retry-After"] = str(exc.verdict.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied403)
def forbidden(request: HttpRequest, exc: PermissionDenied403) -> HttpResponse:
    return _error(request, 403, exc.who_can or exc.message)


@api.exception_handler(DjangoValidationError)
def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """Every service's refusal, answered once: 400 with its messages by the field they are
    about. An endpoint lets the refusal rise rather than catching it."""
    return api.create_response(request, field_errors(exc).model_dump(), status=400)


@api.exception_handler(Conflict)
def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    """A refusal of what already exists: 409, with its messages by field as any refusal."""
    return api.create_response(request, field_errors(exc).model_dump(), status=409)


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Send a valid personal API token as a Bearer token.")


def _in_our_words(error: dict[str, Any]) -> dict[str, Any]:
    """A schema's refusal in the words the pages use ("Commentary must be 5,000 characters or
    fewer"), naming the field by its place in the body; the rest as pydantic puts them."""
    loc = [part for part in error.get("loc", ()) if isinstance(part, str)]
    name = loc[-1].replace("_", " ").capitalize() if loc else "Answer"
    kind = error.get("type")
    limit = (error.get("ctx") or {}).get("max_length")
    if kind == "string_too_long" and limit is not None:
        return {**error, "msg": too_long(name, int(limit))}
    if kind == "missing":
        return {**error, "msg": f"Enter the {name.lower()}"}
    return error


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [_in_our_words(error) for error in exc.errors]
    return _error(request, 422, "Some fields are not valid.", errors=errors)


class IndexOut(Schema):
    openapi: str = Field(description="The OpenAPI document.")
    docs: str = Field(description="The same, as a page to read and try.")
    resources: dict[str, str] = Field(description="Where each kind of thing starts.")


@api.get(
    "/",
    auth=None,
    response={200: IndexOut, 422: ErrorOut},
    summary="Where the API starts: its documents and its resources",
)
def index(request: HttpRequest) -> IndexOut:
    """An answer, not a 404, for whoever starts at the API's own address."""
    base = request.path.rstrip("/")
    return IndexOut(
        openapi=f"{base}/openapi.json",
        docs=f"{base}/docs",
        resources={
            "me": f"{base}/me",
            "organisations": f"{base}/organisations",
            "partnerships": f"{base}/partnerships",
            "frameworks": f"{base}/frameworks",
            "assessments": f"{base}/assessments",
            "actions": f"{base}/actions",
            "briefing products": f"{base}/sharing/products",
            "protocols": f"{base}/sharing/protocols",
        },
    )


def _register() -> None:
    from lde.accounts.api import router as accounts_router
    from lde.action_plans.api import router as action_plans_router
    from lde.assessments.api import router as assessments_router
    from lde.capacity.api import router as capacity_router
    from lde.commissioning.api import router as commissioning_router
    from lde.consequence_management.api import router as consequence_management_router
    from lde.engagement.api import router as engagement_router
    from lde.frameworks.api import router as frameworks_router
    from lde.indicators.api import router as indicators_router
    from lde.inspections.api import router as inspections_router
    from lde.inspections.learning_api import router as inspections_learning_router
    from lde.monitoring.api import router as monitoring_router
    from lde.narratives.api import router as narratives_router
    from lde.partnerships.api import router as partnerships_router
    from lde.programme.api import router as programme_router
    from lde.rollups.api import router as rollups_router
    from lde.rollups.distributions_api import router as distributions_router
    from lde.rollups.money_api import router as money_distributions_router
    from lde.rollups.opendata_api import router as open_data_router
    from lde.sharing.api import router as sharing_router
    from lde.surveys.datasets.api import router as survey_data_router
    from lde.surveys.questionnaires.api import router as questionnaires_router
    from lde.what_works.api import router as what_works_router

    api.add_router("/", accounts_router)
    api.add_router("/partnerships", partnerships_router)
    api.add_router("/partnerships", rollups_router)  # the paths they had under partnerships
    api.add_router("/rollups", distributions_router)
    api.add_router("/rollups", money_distributions_router)
    api.add_router("/open-data", open_data_router)
    api.add_router("/frameworks", frameworks_router)
    api.add_router("/assessments", assessments_router)
    api.add_router("/actions", action_plans_router)
    api.add_router("/sharing", sharing_router)
    api.add_router("/engagement", engagement_router)
    api.add_router("/narratives", narratives_router)

    api.add_router("/capacity", capacity_router)
    api.add_router("/programme", programme_router)
    api.add_router("/commissioning", commissioning_router)
    api.add_router("/consequence-management", consequence_management_router)
    api.add_router("/monitoring", monitoring_router)
    api.add_router("/indicators", indicators_router)
    api.add_router("/what-works", what_works_router)
    api.add_router("/inspections", inspections_router)
    api.add_router("/inspections", inspections_learning_router)
    api.add_router("/surveys", survey_data_router)
    api.add_router("/surveys", questionnaires_router)


_register()
