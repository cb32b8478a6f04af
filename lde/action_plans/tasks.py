"""The action plans' periodic job: reminding owners before their actions are due."""

from __future__ import annotations

from datetime import timedelta

from lde.action_plans.services import action_reminders_send
from lde.core.scheduler import schedule


@schedule("action-due-reminders", every=timedelta(days=1))
def action_due_reminders_daily() -> None:
    """Email each open action's owner a week before it is due, once per due date."""
    action_reminders_send()
