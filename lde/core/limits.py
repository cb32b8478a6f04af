"""How long each kind of free text may be, written once: the models, the page forms, the API's
schemas and the workbook import all take their limits from here (or from the model field, which
takes it from here), so a limit cannot differ between the ways in.

A page stays readable at these lengths (long words wrap, see assets/application.scss); a
100,000-character answer once made a page over a million pixels wide."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import capfirst

TITLE = 200  # a title or a name on one line
NAME = 200
REFERENCE = 120  # a reference, a code or a short label
SHORT_TEXT = 2_000  # a note, a reason, a comment
TEXT = 5_000  # commentary: an answer to one question
LONG_TEXT = 20_000  # a document's body: a protocol's section, a product, an action
# Framework files, loaded from the command line by whoever maintains the library (never typed
# into a page), are kept whole so that reloading the same file is recognised.
SOURCE_FILE = 2_000_000
# What the platform writes itself, never typed: an audit event's payload, an email's body.
SYSTEM_TEXT = 2_000_000


def limited_text(limit: int, *args: Any, **kwargs: Any) -> models.TextField:
    """A TextField that holds at most `limit` characters: its form field gets the limit, and
    full_clean refuses more (a TextField's max_length alone is never checked)."""
    kwargs["validators"] = [*kwargs.get("validators", []), MaxLengthValidator(limit)]
    kwargs["max_length"] = limit
    return models.TextField(*args, **kwargs)


def too_long(label: str, limit: int) -> str:
    """The GOV.UK message for text over its limit: "Commentary must be 5,000 characters or
    fewer"."""
    return f"{label} must be {limit:,} characters or fewer"


def limit_of(model: type[models.Model], name: str) -> int:
    """The limit of a model's text field, for a form or schema asking for the same text."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    assert limit, f"{model.__name__}.{name} has no limit"
    return int(limit)


def refuse_text_over_its_limit(
    sender: type[models.Model], instance: models.Model, **_: Any
) -> None:
    """Before any of the platform's rows is saved, whatever wrote it (a page, the API, the
    workbook import, a command, the admin): text over its field's limit is refused, naming the
    field, rather than stored to break a page later. Forms and schemas refuse it first, in the
    same words; this is the model's own check for the writes that pass neither."""
    if not sender.__module__.startswith("lde."):
        return
    problems: dict[str, str] = {}
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or not field.max_length:
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and len(value) > field.max_length:
            problems[field.name] = too_long(capfirst(str(field.verbose_name)), field.max_length)
    if problems:
        raise ValidationError(problems)
