"""The gateway's periodic jobs: enforcing retention, and reminding before protocol reviews."""

from __future__ import annotations

from datetime import timedelta

from lde.core.scheduler import schedule
from lde.sharing.services import protocol_review_reminders_send, retention_enforce


@schedule("sharing-retention", every=timedelta(days=1))
def sharing_retention_daily() -> None:
    """Withdraw products past their protocol's retention period and delete their files."""
    retention_enforce()


@schedule("sharing-protocol-review-reminders", every=timedelta(days=1))
def protocol_review_reminders_daily() -> None:
    """Remind the coordinators who manage each live protocol before its review date."""
    protocol_review_reminders_send()
