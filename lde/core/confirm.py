"""Asking before what cannot be undone: the GOV.UK confirmation pattern, written once.

Publishing, releasing, withdrawing, ending, removing, submitting, revoking and cancelling are
never one click. The button that starts one, wherever it appears, is a link to the action's own
address; a GET there is the confirmation page. It says what will happen, who will see it or be
told, and what cannot be undone, and it has a button that names the action ("Publish this
inspection report") beside a "Cancel" link back.

The action itself stays a POST to the same address, and is done only when the POST carries the
`confirmed` field, which only the confirmation page's form sends. Any other POST there (a button
on a page saved before the change, a form made elsewhere) is shown the confirmation page and
changes nothing. Where the action needs something chosen on an earlier page (the new status of
a protocol), the confirmation carries it on as hidden fields, to be checked again when it comes
back; where it needs something given on the confirmation page itself (a reason, a declaration),
that form is part of the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED_FIELD = "confirmed"
CONFIRMED_VALUE = "yes"
# Never carried on: Django's own token and the confirmation's own field.
NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRMED_FIELD})


def confirmed(request: HttpRequest) -> bool:
    """Whether this request is the confirmation page's own form coming back."""
    return request.method == "POST" and request.POST.get(CONFIRMED_FIELD) == CONFIRMED_VALUE


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says. `title` is its heading ("Publish Inspection 2026"),
    `button` the action in words ("Publish this inspection report"), `happens` a list of
    what follows, `seen_by` who will see it or be told, `cannot_undo` the warning."""

    title: str
    button: str
    cancel_url: str
    happens: Sequence[str]
    seen_by: str
    cannot_undo: str
    caption: str = ""
    # Rows of a summary list naming what is acted on: (key, value).
    facts: Sequence[tuple[str, str]] = ()
    # A red button, for taking something away (withdraw, remove, revoke, cancel).
    destructive: bool = False
    # Fields given on the confirmation page itself: a reason, a declaration.
    form: Form | None = None
    # What was chosen on an earlier page, sent again with the confirmation: (name, value).
    carried: Sequence[tuple[str, str]] = field(default_factory=tuple)
    # The link back, "Cancel" unless the action is itself a cancelling.
    back_text: str = "Cancel"


def carried_from(data: Any) -> tuple[tuple[str, str], ...]:
    """The fields of an earlier page's POST (a `QueryDict`), to be sent again with the
    confirmation."""
    return tuple(
        (name, str(value))
        for name, values in data.lists()
        if name not in NOT_CARRIED
        for value in values
    )


def confirmation_page(
    request: HttpRequest,
    confirmation: Confirmation,
    *,
    template: str = "confirm.html",
    context: dict[str, Any] | None = None,
    status: int | None = None,
) -> HttpResponse:
    """The confirmation page: `template` extends `confirm.html`, adding what the app's pages
    need (breadcrumbs, a marking, a check the person should read first). A form on the page
    with errors answers 400, as every page form does."""
    form = confirmation.form
    if status is None:
        status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request,
        template,
        {"confirmation": confirmation, "form": form, **(context or {})},
        status=status,
    )
