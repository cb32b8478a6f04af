"""Shapes shared by every capability's API: errors and pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Generic, TypeVar, overload

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from ninja import Path, Schema
from pydantic import Field

T = TypeVar("T")
M = TypeVar("M", bound=Model)


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[dict[str, Any]]


class FieldErrorsOut(Schema):
    """A service's refusal (400): its messages by the field they are about ("__all__" for the
    whole request)."""

    detail: str
    errors: dict[str, list[str]]


# Every endpoint declares these answers, so the OpenAPI document lists every error response.
READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
LIST_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {
    400: FieldErrorsOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: FieldErrorsOut,
    422: ValidationErrorOut,
}

# An email address as the platform accepts one: plain ASCII, one @, a dotted domain.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"


class Page(Schema, Generic[T]):
    count: int
    items: list[T]


# Row ids as the database stores them: positive and within a signed 64-bit integer.
ObjectId = Annotated[int, Path(ge=1, le=9_223_372_036_854_775_807)]


class PageParams(Schema):
    limit: int = Field(100, ge=1, le=500, description="How many rows to return (1 to 500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="How many rows to skip.")

    def window(self) -> slice:
        return slice(self.offset, self.offset + self.limit)


def field_errors(error: DjangoValidationError) -> FieldErrorsOut:
    """A service's refusal as the API's 400 body: each message under the field it names, or
    under "__all__"."""
    if hasattr(error, "error_dict"):
        errors = {name: list(messages) for name, messages in error.message_dict.items()}
    else:
        errors = {"__all__": list(error.messages)}
    return FieldErrorsOut(detail="The request was refused.", errors=errors)


@contextmanager
def api_field_names(renamed: dict[str, str]) -> Iterator[None]:
    """Within it, a service's refusal names its fields as the API's bodies do (`owner_id`)
    rather than as the pages' forms do (`owner`); the API's one handler answers it."""
    try:
        yield
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        # Of the refusal's own kind, so that a `Conflict` is still answered 409.
        raise type(error)(
            {renamed.get(name, name): messages for name, messages in error.error_dict.items()}
        ) from error


@overload
def chosen(choices: QuerySet[M], value: None, field: str, *, what: str, key: str = ...) -> None: ...
@overload
def chosen(
    choices: QuerySet[M], value: int | str, field: str, *, what: str, key: str = ...
) -> M: ...
@overload
def chosen(
    choices: QuerySet[M], value: int | str | None, field: str, *, what: str, key: str = ...
) -> M | None: ...
def chosen(
    choices: QuerySet[M], value: int | str | None, field: str, *, what: str, key: str = "pk"
) -> M | None:
    """The row a body names by id (or by `key`), among the rows the page would offer this user
    to choose from (the same selector). A row that does not exist and one this user may not
    choose get the same refusal, so an id's answer never tells whether something exists."""
    if value is None:
        return None
    found = choices.filter(**{key: value}).first()
    if found is None:
        raise DjangoValidationError({field: [f"That is not {what} you may choose."]})
    return found


def chosen_many(
    choices: QuerySet[M], values: list[Any], field: str, *, what: str, key: str = "pk"
) -> list[M]:
    """The rows a body names, as `chosen` does for one; every value not found is named."""
    wanted = list(dict.fromkeys(values))
    found = {getattr(row, key): row for row in choices.filter(**{f"{key}__in": wanted})}
    missing = [value for value in wanted if value not in found]
    if missing:
        listed = ", ".join(str(value) for value in missing)
        raise DjangoValidationError({field: [f"{listed}: not {what} you may choose."]})
    return [found[value] for value in wanted]


def revision_sent() -> Any:
    """A change's `revision`: the one the client last read (lde/core/concurrency.py)."""
    return Field(
        default=None,
        ge=1,
        le=2_147_483_647,
        description=(
            "The revision you last read (its detail's `revision`). If someone saved it since, "
            "the change is refused with 409 naming what differs, and nothing is overwritten; "
            "send the current revision to save over it. Leave it out to save without the check."
        ),
    )
