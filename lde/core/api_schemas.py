"""Shapes shared by every capability's API: errors and pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Generic, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Path, Schema
from pydantic import Field

T = TypeVar("T")


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
        raise DjangoValidationError(
            {renamed.get(name, name): messages for name, messages in error.error_dict.items()}
        ) from error
