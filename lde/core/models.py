"""The kernel's models: markings, site settings and the audit trail.

`core` imports no other app of the platform; the other apps build on what is here.
"""

from lde.core.access.markings import Marking, SiteSettings, VettingLevel
from lde.core.audit.models import AuditEvent, AuditHead
from lde.core.scheduler import ScheduledJobRun

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Marking",
    "ScheduledJobRun",
    "SiteSettings",
    "VettingLevel",
]
