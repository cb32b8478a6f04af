"""The kernel's periodic jobs."""

from __future__ import annotations

from datetime import timedelta

from lde.core.audit.chain import audit_checkpoint_write
from lde.core.scheduler import schedule


@schedule("audit-checkpoint", every=timedelta(days=1))
def audit_checkpoint_daily() -> None:
    """Copy the audit chain's head outside the database once a day."""
    audit_checkpoint_write()
