"""The kernel's models: markings, site settings, the audit trail, the periodic jobs' last runs,
the outgoing emails and the rate limits' counts.

`core` imports no other app of the platform; the other apps build on what is here.
"""

from lde.core.access.markings import Marking, SiteSettings, VettingLevel
from lde.core.audit.models import AuditEvent, AuditHead
from lde.core.mail import OutgoingEmail
from lde.core.ratelimit import RateCount
from lde.core.scheduler import ScheduledJobRun

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Marking",
    "OutgoingEmail",
    "RateCount",
    "ScheduledJobRun",
    "SiteSettings",
    "VettingLevel",
]
