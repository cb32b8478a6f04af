"""Consequence-management records for tests: a plan, a directory (staff at the three levels and
community contacts with deputies) and cascades started through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lde.accounts.models import Organisation, Post, User
from lde.consequence_management import services
from lde.consequence_management.models import Cascade, KeyContact, ReadinessPlan
from lde.partnerships.models import Partnership

TEMPLATE = "{partnership}: please acknowledge this call-out for {role}, {organisation}: {ack_link}"


def plan_make(*, coordinator: User, partnership: Partnership, **changes: Any) -> ReadinessPlan:
    fields = {
        "title": "Operation readiness plan",
        "before": "Brief key individuals where disclosure allows (¶84).",
        "during": "The group meets within an hour; the agreed spokesperson speaks.",
        "after": "Reassurance visits and a debrief with the advisory group.",
        "communications_strategy": "One agreed voice; messages in community languages.",
        "release_contingency": "If people are released without charge, brief the forums.",
        "everyday_policing": "Neighbourhood teams keep their patrols and surgeries.",
        "review_on": timezone.localdate() + timedelta(days=180),
        **changes,
    }
    return services.plan_create(
        actor=coordinator, partnership=partnership, fields=services.PlanFields(**fields)
    )


def contact_make(
    *,
    coordinator: User,
    partnership: Partnership,
    organisation: Organisation,
    role: str,
    post: Post | None = None,
    deputy: KeyContact | None = None,
    email: str = "",
    mobile: str = "",
    phone: str = "",
    verified_days_ago: int = 10,
) -> KeyContact:
    today = timezone.localdate()
    return services.contact_create(
        actor=coordinator,
        partnership=partnership,
        fields=services.ContactFields(
            kind="staff" if post else "community",
            organisation=organisation,
            role=role,
            post=post,
            email=email,
            mobile=mobile,
            phone=phone,
            deputy=deputy,
            consented_on=today - timedelta(days=200),
            verified_on=today - timedelta(days=verified_days_ago),
        ),
    )


def directory_make(*, coordinator: User, partnership: Partnership) -> dict[str, KeyContact]:
    """Staff by post at the three levels, a community contact with a deputy, one with a phone
    only (ring-round)."""
    council = partnership.lead_council
    posts = {
        level: Post.objects.get_or_create(
            organisation=council,
            title=f"{level.title()} lead (test)",
            defaults={"kind": "other", "level": level},
        )[0]
        for level in ("strategic", "tactical", "delivery")
    }
    trust = Organisation.objects.get_or_create(
        name="Test Mosque Trust", defaults={"type": "faith"}
    )[0]
    found = {
        level: contact_make(
            coordinator=coordinator,
            partnership=partnership,
            organisation=council,
            role=f"{level.title()} lead",
            post=post,
            email=f"{level}@council.example.test",
            mobile=f"0770090012{i}",
        )
        for i, (level, post) in enumerate(posts.items())
    }
    found["deputy"] = contact_make(
        coordinator=coordinator,
        partnership=partnership,
        organisation=trust,
        role="Vice-chair",
        email="vice-chair@trust.example.test",
        mobile="07700900130",
    )
    found["chair"] = contact_make(
        coordinator=coordinator,
        partnership=partnership,
        organisation=trust,
        role="Chair",
        email="chair@trust.example.test",
        mobile="07700900131",
        deputy=found["deputy"],
    )
    found["caretaker"] = contact_make(
        coordinator=coordinator,
        partnership=partnership,
        organisation=trust,
        role="Caretaker",
        phone="020 7946 0000",
    )
    return found


def cascade_make(
    *,
    coordinator: User,
    partnership: Partnership,
    contacts: list[KeyContact] | None = None,
    key: str = "test-start-key-1",
    **changes: Any,
) -> Cascade:
    fields = {
        "title": "Exercise Harbour",
        "kind": "exercise",
        "mode": "broadcast",
        "template": TEMPLATE,
        "start_key": key,
        "contacts": contacts,
        **changes,
    }
    return services.cascade_start(
        actor=coordinator, partnership=partnership, fields=services.CascadeFields(**fields)
    )
