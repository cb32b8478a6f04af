"""Programme records for tests: a stream with three years allocated (the first confirmed), a
funded project in one strand and tier, an unfunded one delivered by a community group, an
activity, tier labels left at their defaults, and an alliance of this partnership and another
with a pooled pot, each member's contribution and a project drawing on it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lde.accounts.models import Organisation, User
from lde.partnerships.models import Alliance, Partnership
from lde.programme import services
from lde.programme.models import ExtremismForm, Strand, StreamKind, Tier

YEAR = 2026


def programme_world(
    *,
    coordinator: User,
    partnership: Partnership,
    member: Organisation,
    other: Partnership | None = None,
    other_coordinator: User | None = None,
) -> dict[str, Any]:
    """Records of `partnership`, written by its `coordinator`; `member` delivers the funded
    project. With `other` (and its coordinator), an alliance of the two with a pot."""
    home_office = Organisation.objects.get_or_create(
        name="Programme Home Office", defaults={"type": "government_office"}
    )[0]
    group = Organisation.objects.get_or_create(
        name="Programme Youth Trust", defaults={"type": "voluntary"}
    )[0]
    stream = services.stream_add(
        actor=coordinator,
        partnership=partnership,
        name="Prevent fund 2026–29",
        source=home_office,
        kind=StreamKind.PREVENT_FUND,
        amount=Decimal("90000"),
        starts_on=date(YEAR, 4, 1),
        ends_on=date(YEAR + 3, 3, 31),
        ring_fenced=True,
    )
    allocations = [
        services.allocation_set(
            actor=coordinator,
            stream=stream,
            year=YEAR + i,
            amount=Decimal("30000"),
            confirmed=i == 0,
        )
        for i in range(3)
    ]
    funded = services.project_add(
        actor=coordinator,
        partnership=partnership,
        title="Schools challenge programme",
        delivered_by=member,
        audiences="Pupils in years 9 and 10 at four secondary schools",
        strand=Strand.CHALLENGING,
        tier=Tier.UNIVERSAL,
        forms_of_extremism=[ExtremismForm.ALL_FORMS],
        exit_plan="Taken into the schools' own PSHE curriculum from the third year.",
    )
    services.funding_add(
        actor=coordinator, project=funded, allocation=allocations[0], amount=Decimal("12000")
    )
    services.activity_add(actor=coordinator, project=funded, title="Drama workshops")
    unfunded = services.project_add(
        actor=coordinator,
        partnership=partnership,
        title="Mentoring for young people",
        delivered_by=group,
        audiences="Young people referred by youth services",
        strand=Strand.SUPPORTING,
        tier=Tier.LOWER_VULNERABILITY,
        forms_of_extremism=[ExtremismForm.EXTREME_RIGHT_WING, ExtremismForm.AL_QAIDA_INFLUENCED],
    )
    names: dict[str, Any] = {
        "stream": stream,
        "allocations": allocations,
        "funded": funded,
        "unfunded": unfunded,
        "group": group,
        "home_office": home_office,
        "stream_id": stream.pk,
        "project_id": funded.pk,
        "unfunded_project_id": unfunded.pk,
        "programme_allocation_id": allocations[1].pk,
        "programme_member_organisation_id": member.pk,
        "programme_source_id": home_office.pk,
    }
    if other is not None and other_coordinator is not None:
        alliance = Alliance.objects.create(name=f"Programme alliance {partnership.pk}")
        alliance.partnerships.add(partnership, other)
        pot = services.pot_add(actor=coordinator, alliance=alliance, name="Pooled youth fund")
        services.contribution_set(
            actor=coordinator, pot=pot, partnership=partnership, year=YEAR, amount=20000
        )
        services.contribution_set(
            actor=other_coordinator, pot=pot, partnership=other, year=YEAR, amount=10000
        )
        pooled = services.project_add(
            actor=coordinator,
            partnership=partnership,
            title="Alliance resilience network",
            delivered_by=group,
            audiences="Community and faith groups across the alliance",
            strand=Strand.RESILIENCE,
            tier=Tier.UNIVERSAL,
            forms_of_extremism=[ExtremismForm.ALL_FORMS],
            exit_plan="Carried on by the groups' own network once established.",
        )
        services.funding_add(actor=coordinator, project=pooled, pot=pot, year=YEAR, amount="5000")
        names.update(
            alliance=alliance, pot=pot, pot_id=pot.pk, alliance_id=alliance.pk, pooled=pooled
        )
    return names
