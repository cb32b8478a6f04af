"""The kernel's periodic jobs."""

from __future__ import annotations

from datetime import timedelta

from lde.core.audit.chain import audit_checkpoint_write
from lde.core.scheduler import schedule


@schedule("audit-checkpoint", every=timedelta(hours=1))
def audit_checkpoint_hourly() -> None:
    """Copy the audit chain's head outside the database every hour. Appends also checkpoint
    after every hundredth event; this bounds the unprotected tail in time on a quiet site."""
    audit_checkpoint_write()
