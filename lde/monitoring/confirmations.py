"""What monitoring's confirmation pages say (`lde.core.confirm`) before an agreement is made
active or closed, and before a return is submitted or accepted: what happens, who will see it,
and what cannot be undone."""

from __future__ import annotations

from django.urls import reverse
from django.utils.dateformat import format as date_format

from lde.core.confirm import Confirmation
from lde.monitoring.models import Agreement, Return

READERS = (
    "the partnership's coordinators, board members, contributors and viewers, and its live "
    "inspectors"
)


def _period(row: Return) -> str:
    return f"{date_format(row.period_start, 'j F Y')} to {date_format(row.period_end, 'j F Y')}"


def activate(agreement: Agreement, *, frequency: str, returns: int) -> Confirmation:
    return Confirmation(
        title="Make this agreement active",
        caption=agreement.title,
        button="Make the agreement active",
        cancel_url=reverse("monitoring:agreement-detail", args=[agreement.pk]),
        facts=(
            ("Organisation", agreement.organisation.name),
            ("Amount", f"£{agreement.amount:,}"),
            ("Returns", f"{frequency}: {returns}"),
        ),
        happens=[
            "Its schedule of returns is written from the partnership's monitoring rules.",
            "Its milestones, targets, budget lines, payments and conditions can no longer be "
            "changed.",
            f"The applicants of {agreement.organisation.name} can read it and make its returns.",
        ],
        seen_by=f"{READERS.capitalize()}, and the delivering organisation's applicants.",
        cannot_undo="An active agreement does not go back to a draft.",
    )


def close(agreement: Agreement) -> Confirmation:
    return Confirmation(
        title="Close this agreement",
        caption=agreement.title,
        button="Close the agreement",
        cancel_url=reverse("monitoring:agreement-detail", args=[agreement.pk]),
        facts=(("Organisation", agreement.organisation.name), ("Amount", f"£{agreement.amount:,}")),
        happens=["No return is taken on it any more, from the organisation or on its behalf."],
        seen_by=f"{READERS.capitalize()}, and the delivering organisation's applicants.",
        cannot_undo="A closed agreement is not reopened.",
        destructive=True,
    )


def submit(row: Return) -> Confirmation:
    return Confirmation(
        title="Submit this return",
        caption=row.agreement.title,
        button="Submit the return",
        cancel_url=reverse("monitoring:return-detail", args=[row.pk]),
        facts=(("Period", _period(row)), ("Due", date_format(row.due_on, "j F Y"))),
        happens=["The partnership's coordinators review it: they accept it or send it back."],
        seen_by=f"{READERS.capitalize()}, and the delivering organisation's applicants.",
        cannot_undo="A submitted return cannot be changed unless it is sent back.",
    )


def accept(row: Return) -> Confirmation:
    return Confirmation(
        title="Accept this return",
        caption=row.agreement.title,
        button="Accept the return",
        cancel_url=reverse("monitoring:return-detail", args=[row.pk]),
        facts=(("Period", _period(row)), ("Organisation", row.agreement.organisation.name)),
        happens=["The return is accepted and its figures count in value for money."],
        seen_by=f"{READERS.capitalize()}, and the delivering organisation's applicants.",
        cannot_undo="An accepted return is not sent back.",
    )
