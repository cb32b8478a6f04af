"""Status changes: one allowed-transition map per model, and a history row for every move.

An app declares its map, `{(from_status, to_status): value}`, where the value is whatever the
app needs to know about the move (the policy action it needs, the words its history uses), and a
history model that subclasses `StatusTransition` with its foreign key to the object. `transition`
then does what every status change does, in this order: refuse a move the map does not allow, in
the app's own words; run the app's guard (its policy check and any other precondition) before
anything is written; write the history row; save the new status. The caller keeps its audit
event and side effects, and holds the transaction and the object's row lock, so that two people
moving the same object cannot both read the old status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from lde.core import limits
from lde.core.limits import limited_text

V = TypeVar("V")
H = TypeVar("H", bound="StatusTransition")


class StatusTransition(models.Model):
    """One status change: from, to, who, why, when. A subclass adds its foreign key to the object
    (and redeclares `from_status` and `to_status` with its own choices and length)."""

    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    # Null for the changes the system makes on its own (a scheduled job, a consequence of another
    # move); PROTECT because a person's moves must outlive any attempt to delete the person.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = limited_text(limits.SHORT_TEXT, blank=True)
    occurred_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


def transition_allowed(
    *,
    transitions: Mapping[tuple[str, str], V],
    from_status: str,
    to_status: str,
    error: str | Callable[[], str],
    error_field: str = "status",
) -> V:
    """The map's value for the move, or a ValidationError on `error_field` saying `error` (a
    callable is called only when the move is refused, so it may read labels a bad status lacks)."""
    key = (from_status, to_status)
    if key not in transitions:
        raise ValidationError({error_field: error() if callable(error) else error})
    return transitions[key]


def transition(
    *,
    obj: models.Model,
    to_status: str,
    transitions: Mapping[tuple[str, str], V],
    history_model: type[H],
    subject_field: str,
    actor: Any,
    error: str | Callable[[], str],
    error_field: str = "status",
    reason: str = "",
    guard: Callable[[V], None] | None = None,
    history: Mapping[str, Any] | None = None,
    status_field: str = "status",
    update_fields: Iterable[str] = ("status", "updated_at"),
) -> tuple[V, H]:
    """Move `obj` to `to_status` along `transitions`, leaving a `history_model` row.

    `guard` is called with the map's value once the move is known to be allowed and before
    anything is written; it raises to stop the move. `history` adds the app's own columns to the
    row (the version hash, the progress update). Returns the map's value and the history row."""
    from_status = getattr(obj, status_field)
    value = transition_allowed(
        transitions=transitions,
        from_status=from_status,
        to_status=to_status,
        error=error,
        error_field=error_field,
    )
    if guard is not None:
        guard(value)
    row = history_model._default_manager.create(
        **{subject_field: obj},
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        reason=reason,
        **(history or {}),
    )
    setattr(obj, status_field, to_status)
    obj.save(update_fields=list(update_fields))
    return value, row
