"""The kernel's periodic job and its background task."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lde.core.audit.chain import audit_checkpoint_write
from lde.core.mail import email_attempt
from lde.core.ratelimit import rate_counts_clear
from lde.core.scheduler import schedule


@schedule("audit-checkpoint", every=timedelta(hours=1))
def audit_checkpoint_hourly() -> None:
    """Copy the audit chain's head outside the database every hour. Appends also checkpoint
    after every hundredth event; this bounds the unprotected tail in time on a quiet site."""
    audit_checkpoint_write()


@schedule("rate-counts-clear", every=timedelta(hours=1))
def rate_counts_clear_hourly() -> None:
    """Remove the rate limits' counts of windows that have ended."""
    rate_counts_clear()


@task()
def email_deliver(email_id: int) -> str:
    """Send one queued email (see `lde.core.mail`). Queued by `email_queue` in the transaction
    of the write it tells of; a failed attempt queues the next one itself."""
    return email_attempt(email_id=email_id)
