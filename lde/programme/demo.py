"""The programme demo: Harrowfield's money and programme, with every state the pages show.

- funding streams from the Home Office (a ring-fenced Prevent fund), the police (not
  ring-fenced) and the youth justice board, allocated over three financial years from this one:
  the first year confirmed, the later two planned (the medium-term plan, ¶57);
- the Northern Marches Prevent Alliance's pooled pot (¶55, ¶104), with Harrowfield's and
  Kestlebury's contributions, and an alliance project drawing on it;
- projects in each of the five strands and both cross-cutting work streams, at Tiers 1, 2 and 4,
  funded with exit plans, and none at Tier 3: the portfolio names the empty targeted cells (¶36);
- an unfunded project without an exit plan, delivered by a voluntary group, with an activity.

Kestlebury and Marden Vale have no programme of their own: their pages show the empty states.
Every name is invented. Everything is written through the audited services by the partnerships'
coordinators; running it again finds Harrowfield's streams and makes nothing twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from lde.accounts.models import Organisation, User
from lde.core.access.facts import today
from lde.partnerships.models import Alliance, Membership, Partnership, Role
from lde.programme import services
from lde.programme.models import ExtremismForm, FundingStream, Strand, StreamKind, Tier
from lde.programme.selectors import plan_start


def _coordinator(partnership: Partnership) -> User | None:
    membership = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _organisation(name: str, kind: str) -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"type": kind})[0]


PROJECTS = (
    # title, delivered by, audiences, strand, tier, forms, funded from (stream index or "pot")
    (
        "Voices of Harrowfield",
        "voluntary",
        "Young people aged 14 to 19 and the youth workers who support them",
        Strand.CHALLENGING,
        Tier.UNIVERSAL,
        [ExtremismForm.ALL_FORMS],
        0,
        Decimal("18000"),
    ),
    (
        "Safer venues scheme",
        "council",
        "Managers of community venues that host public meetings",
        Strand.DISRUPTING,
        Tier.ENFORCEMENT,
        [ExtremismForm.EXTREME_RIGHT_WING, ExtremismForm.AL_QAIDA_INFLUENCED],
        1,
        Decimal("9000"),
    ),
    (
        "Family support workers' training",
        "council",
        "Family support and early help staff",
        Strand.SUPPORTING,
        Tier.LOWER_VULNERABILITY,
        [ExtremismForm.ALL_FORMS],
        2,
        Decimal("7500"),
    ),
    (
        "Neighbourhood resilience grants",
        "voluntary",
        "Residents' associations and faith and community groups",
        Strand.RESILIENCE,
        Tier.UNIVERSAL,
        [ExtremismForm.ALL_FORMS],
        "pot",
        Decimal("12000"),
    ),
    (
        "Listening circles",
        "voluntary",
        "Communities who report feeling unheard by public services",
        Strand.GRIEVANCES,
        Tier.LOWER_VULNERABILITY,
        [ExtremismForm.ALL_FORMS],
        0,
        Decimal("6000"),
    ),
    (
        "Community tension mapping",
        "council",
        "Partnership analysts and neighbourhood policing teams",
        Strand.UNDERSTANDING,
        Tier.UNIVERSAL,
        [ExtremismForm.ALL_FORMS],
        1,
        Decimal("4000"),
    ),
    (
        "Key messages for community radio",
        "voluntary",
        "Listeners of two community radio stations",
        Strand.COMMUNICATIONS,
        Tier.UNIVERSAL,
        [ExtremismForm.ALL_FORMS],
        0,
        Decimal("3000"),
    ),
)


@transaction.atomic
def demo_build() -> None:
    harrowfield = Partnership.objects.filter(name="Harrowfield Prevent Partnership").first()
    if harrowfield is None or FundingStream.objects.filter(partnership=harrowfield).exists():
        return
    coordinator = _coordinator(harrowfield)
    if coordinator is None:
        return
    first = plan_start(today())
    home_office = _organisation("Home Office (demo)", "government_office")
    police = _organisation("Harrowfield Police (demo)", "police_force")
    youth_justice = _organisation("Youth Justice Board (demo)", "government_office")
    group = _organisation("Harrowfield Youth and Community Trust", "voluntary")
    council = harrowfield.lead_council
    streams = []
    for name, source, kind, amount, ring_fenced in (
        ("Prevent fund", home_office, StreamKind.PREVENT_FUND, Decimal("90000"), True),
        ("Police Prevent budget", police, StreamKind.POLICE, Decimal("45000"), False),
        (
            "Youth justice prevention grant",
            youth_justice,
            StreamKind.YOUTH_JUSTICE,
            Decimal("30000"),
            False,
        ),
    ):
        stream = services.stream_add(
            actor=coordinator,
            partnership=harrowfield,
            name=name,
            source=source,
            kind=kind,
            amount=amount,
            starts_on=date(first, 4, 1),
            ends_on=date(first + 3, 3, 31),
            ring_fenced=ring_fenced,
        )
        for offset in range(3):
            services.allocation_set(
                actor=coordinator,
                stream=stream,
                year=first + offset,
                amount=amount / 3,
                confirmed=offset == 0,
            )
        streams.append(stream)
    allocations = {s.pk: {a.year: a for a in s.allocations.all()} for s in streams}

    pot = None
    alliance = Alliance.objects.filter(name="Northern Marches Prevent Alliance").first()
    if alliance is not None:
        pot = services.pot_add(
            actor=coordinator,
            alliance=alliance,
            name="Northern Marches resilience pot",
            purpose="Small grants to community groups across both partnerships.",
        )
        for member, amount in ((harrowfield, Decimal("20000")), (None, Decimal("15000"))):
            partnership = member or alliance.partnerships.exclude(pk=harrowfield.pk).first()
            if partnership is None:
                continue
            member_coordinator = _coordinator(partnership)
            if member_coordinator is None:
                continue
            services.contribution_set(
                actor=member_coordinator,
                pot=pot,
                partnership=partnership,
                year=first,
                amount=amount,
            )

    for title, delivery, audiences, strand, tier, forms, drawn_from, amount in PROJECTS:
        project = services.project_add(
            actor=coordinator,
            partnership=harrowfield,
            title=title,
            delivered_by=group if delivery == "voluntary" else council,
            audiences=audiences,
            strand=strand,
            tier=tier,
            forms_of_extremism=[str(f) for f in forms],
            exit_plan="Carried into the delivery partner's mainstream budget after the third "
            "year, with the partnership's board reviewing it each spring (¶45, ¶52).",
            starts_on=date(first, 4, 1),
        )
        if drawn_from == "pot":
            if pot is not None:
                services.funding_add(
                    actor=coordinator, project=project, pot=pot, year=first, amount=amount
                )
        else:
            stream = streams[int(drawn_from)]
            services.funding_add(
                actor=coordinator,
                project=project,
                allocation=allocations[stream.pk][first],
                amount=amount,
            )
    unfunded = services.project_add(
        actor=coordinator,
        partnership=harrowfield,
        title="Parents' conversations about online harms",
        delivered_by=group,
        audiences="Parents and carers at three primary schools",
        strand=Strand.RESILIENCE,
        tier=Tier.LOWER_VULNERABILITY,
        forms_of_extremism=[ExtremismForm.ALL_FORMS],
        summary="Proposed by the trust; not yet funded, and its exit plan still to be written.",
    )
    services.activity_add(actor=coordinator, project=unfunded, title="Pilot evening at one school")
