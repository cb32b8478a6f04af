"""Two people editing the same record: the second to save is told, and shown both versions, and
nothing is overwritten.

A record people change through a form carries a `revision`, raised by one on every save. The edit
page sends the revision it showed; the service, holding the row's lock, compares it with the
revision saved now and refuses a save over a revision its author never saw, with both versions
field by field. The person then keeps theirs by saving again (the page now sends the current
revision) or leaves the saved one. The API does the same with an optional `revision` in the body:
409, with each differing field's saved and sent values.

Assessments' criterion responses work this way too, with a page of their own
(lde/assessments/services.EditConflict).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import F
from django.http import QueryDict

from lde.core.refusals import Conflict

SHOWN_LENGTH = 300


def as_text(value: Any) -> str:
    """A field's value as a person reads it in the comparison."""
    if value is None or value == "":
        return "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.strftime("%-d %B %Y, %H:%M")
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    if isinstance(value, (list, tuple, set, frozenset)):
        names = sorted(str(item) for item in value)
        return ", ".join(names) if names else "None"
    return str(value)


@dataclass(frozen=True)
class Difference:
    label: str
    saved: str
    yours: str


class EditConflict(Conflict):
    """The record was saved by someone else after the person editing it opened it."""

    def __init__(
        self,
        message: Any = None,
        *,
        noun: str = "record",
        revision: int = 0,
        differences: list[Difference] | None = None,
    ) -> None:
        self.noun = noun
        self.revision = revision
        self.differences = differences or []
        if message is not None:
            # Raised again with its fields renamed for the API (api_field_names): the message
            # already says everything.
            super().__init__(message)
            return
        shown = "; ".join(
            f"{d.label}: saved “{d.saved[:SHOWN_LENGTH]}”, yours “{d.yours[:SHOWN_LENGTH]}”"
            for d in self.differences
        )
        super().__init__(
            {
                "revision": (
                    f"Someone else saved this {noun} after you opened it (it is now at revision "
                    f"{revision}). Nothing was overwritten. "
                    + (f"What differs — {shown}. " if shown else "")
                    + f"Send revision {revision} to save yours over it."
                )
            }
        )


def require_unchanged(
    *,
    record: models.Model,
    seen_revision: int | None,
    noun: str,
    fields: Iterable[tuple[str, Any, Any]],
) -> None:
    """Refuse a save over a revision the editor did not see. `record` is the row as locked
    now; `fields` lists (label, saved value, your value) for the comparison. A caller that sent
    no revision (an API client that does not use them) is not checked."""
    current = int(getattr(record, "revision"))  # noqa: B009 (every edited model has one)
    if seen_revision is None or seen_revision == current:
        return
    differences = [
        Difference(label, as_text(saved), as_text(yours))
        for label, saved, yours in fields
        if as_text(saved) != as_text(yours)
    ]
    raise EditConflict(noun=noun, revision=current, differences=differences)


def next_revision(record: models.Model) -> None:
    """Raise the record's revision by one, in the database (so two saves cannot both write the
    same number), and read it back."""
    type(record)._base_manager.filter(pk=record.pk).update(revision=F("revision") + 1)
    record.refresh_from_db(fields=["revision"])


def posted_again(data: QueryDict, conflict: EditConflict) -> QueryDict:
    """What the person posted, now carrying the revision saved since: the form they see again
    still holds what they typed, and saving it again keeps theirs, knowingly."""
    again = data.copy()
    again["revision"] = str(conflict.revision)
    return again
