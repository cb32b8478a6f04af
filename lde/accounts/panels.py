"""What needs a security contact's attention, for the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.accounts.models import Organisation
from lde.accounts.selectors import vetting_gaps
from lde.core.access.facts import facts_for


def vetting_panel(request: HttpRequest) -> dict[str, Any] | None:
    facts = facts_for(request.user)
    if not facts.security_contact_for:
        return None
    organisations = list(
        Organisation.objects.filter(pk__in=facts.security_contact_for).order_by("name")
    )
    gaps = vetting_gaps(organisation_ids=facts.security_contact_for, day=facts.today)
    return {
        "template": "accounts/panels/vetting.html",
        "organisations": organisations,
        "gaps": gaps,
    }
