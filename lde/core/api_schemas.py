"""Shapes shared by every capability's API: errors and pages."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ninja import Schema

T = TypeVar("T")


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[dict[str, Any]]


# Every endpoint declares these answers, so the OpenAPI document lists every error response.
READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
LIST_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


class Page(Schema, Generic[T]):
    count: int
    items: list[T]
