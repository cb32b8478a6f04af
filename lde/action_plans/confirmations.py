"""What the action plans' confirmation page says (`lde.core.confirm`) before an action is
cancelled: what happens, who will see it, and what stays in its history.

An action plan is read by the partnership's coordinators, board members, contributors and
viewers, and by its live inspectors (`permissions.md`, "action plans").
"""

from __future__ import annotations

from django.forms import Form
from django.urls import reverse
from django.utils.dateformat import format as date_format

from lde.action_plans.models import Action
from lde.core.confirm import Confirmation


def cancel(action: Action, form: Form) -> Confirmation:
    partnership = action.partnership.name
    owner = action.owner.full_name if action.owner_id else "Its owner"
    return Confirmation(
        title="Cancel this action",
        caption=action.title,
        button="Cancel this action",
        back_text="Keep the action",
        cancel_url=reverse("action_plans:action-detail", args=[action.pk]),
        facts=(
            ("Action", action.title),
            ("Owner", owner),
            ("Due", date_format(action.due_on, "j F Y")),
            ("Status", action.get_status_display()),
        ),
        happens=[
            "Its status becomes Cancelled, with your reason, in its history and in the "
            "partnership's action plan.",
            "It no longer counts as open or overdue, and its owner gets no more reminders of its "
            "due date.",
        ],
        seen_by=(
            f"Everyone who reads {partnership}'s action plan: its coordinators, board members, "
            "contributors and viewers, and its live inspectors. The cancellation is recorded in "
            "the audit trail, with your name."
        ),
        cannot_undo=(
            "The cancellation stays in the action's history: a coordinator or board member can "
            "reopen the action, but the record that it was cancelled, and why, is kept."
        ),
        destructive=True,
        form=form,
    )
