"""The local narrative demo: a narrative in every state across the three fictional
partnerships, written through the audited services by people whose roles allow it.

- Harrowfield: version 1 approved, published and then superseded; version 2 approved and
  published, signed off by the council, with a review date already past, so its coordinator
  sees it as due on their home page and can draft version 3 (the demo's journey: draft, compare,
  a comment from the consultative group, sign-off, publication, the public page signed out).
- Kestlebury: version 1 approved but its summary not yet published; version 2 shared for
  consultation, with a partner's comment.
- Marden Vale: version 1, a draft with required sections still to write.

Every name and word is invented. Running it again finds the versions it made (a partnership that
already has one is left alone) and makes no duplicates. Only the dates the rows carry (started,
approved, published) are set afterwards to when they would have happened.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from lde.accounts.models import Organisation, User
from lde.core.access.facts import facts_forget, today
from lde.narratives import services
from lde.narratives.models import NarrativeTransition, NarrativeVersion, PlanKind, Signatory
from lde.narratives.sections import SectionKey
from lde.partnerships.models import Membership, Partnership, Role
from lde.sharing import selectors as sharing_selectors
from lde.sharing.models import ProductStatus

SECTIONS: dict[str, str] = {
    SectionKey.LOCAL_CONTEXT: (
        "{place} is a borough of old mill towns and a growing town centre. The partnership "
        "started its Prevent work inside the cohesion strategy; after two years of joint work "
        "it now describes its Prevent approach in its own right, with the cohesion strategy."
    ),
    SectionKey.NEED: (
        "The partnership keeps a local Prevent strategy recognisable within the community "
        "cohesion strategy, so that Prevent is read as part of building a strong community and "
        "not as a separate label for one part of it."
    ),
    SectionKey.VULNERABILITY: (
        "The counter-terrorism local profile, refreshed each year with the police, describes "
        "the institutions most exposed: two further education colleges, the young offender "
        "institution and unsupervised online spaces used by young people. Changes in population "
        "and new arrivals are read from the council's annual community profile."
    ),
    SectionKey.COMMUNITY_KNOWLEDGE: (
        "Ward councillors, the faith forum and the community consultative group meet the "
        "partnership each quarter to say where they see tension and where support is needed."
    ),
    SectionKey.NOT_ENFORCEMENT: (
        "Neighbourhood policing teams, youth services, schools and the voluntary sector each "
        "have a part: most of it is support, mentoring and community work, not enforcement."
    ),
    SectionKey.MAINSTREAMING: (
        "The community safety plan, the children and young people's plan and the cohesion "
        "strategy each carry a Prevent priority; they are listed in the register below."
    ),
    SectionKey.JOINT_DELIVERY: (
        "The council and the police agree one delivery plan each year, jointly funded, with "
        "projects run by community groups and the youth trust in proportion to the local risk."
    ),
    SectionKey.WIDER_SHARING: (
        "The partnership meets partnerships with similar communities in the region twice a "
        "year to share what has worked."
    ),
    SectionKey.INFLUENCES: (
        "International events reach the borough quickly through family and community links "
        "abroad; the partnership reviews the influences each spring with the police, and after "
        "any major national or international event."
    ),
    SectionKey.FORMS_OF_EXTREMISM: (
        "The partnership addresses every form of violent extremism: extreme right-wing groups "
        "active in the region, and those claiming any faith."
    ),
    SectionKey.VISION: (
        "Success is a borough where young people are supported early, where communities feel "
        "able to challenge extremist views themselves, and where partners act together."
    ),
}

SUMMARY = (
    "{place}'s councils, police and community groups work together so that nobody in the area "
    "is drawn into violent extremism of any kind. Most of the work is support: youth clubs, "
    "mentoring, help for schools and colleges, and conversations with faith and community "
    "groups. We do this because events at home and abroad can affect people here, and because "
    "communities told us they want to lead this work with us."
)

PLANS = [
    (PlanKind.COMMUNITY_SAFETY, "Community safety plan", "A Prevent priority with its measures."),
    (
        PlanKind.CHILDREN_YOUNG_PEOPLE,
        "Children and young people's plan",
        "Safeguarding training for schools and youth workers includes Prevent.",
    ),
    (
        PlanKind.COMMUNITY_COHESION,
        "Community cohesion strategy",
        "Prevent is one of its four themes, reported to the same board.",
    ),
]


def _place(partnership: Partnership) -> str:
    return partnership.name.replace(" Prevent Partnership", "")


def _write(
    coordinator: User,
    version: NarrativeVersion,
    place: str,
    *,
    skip: tuple[str, ...] = (),
    note: str = "",
) -> None:
    for key, text in SECTIONS.items():
        if key in skip:
            continue
        body = text.format(place=place)
        if note and key == SectionKey.INFLUENCES:
            body = f"{body}\n{note}"
        services.section_update(actor=coordinator, version=version, key=key, text=body)


def _details(
    coordinator: User,
    version: NarrativeVersion,
    place: str,
    signatories: list[Organisation],
    review_in_days: int,
    influences_days_ago: int,
) -> None:
    day = today()
    services.version_update(
        actor=coordinator,
        version=version,
        review_on=day + timedelta(days=review_in_days),
        influences_reviewed_on=day - timedelta(days=influences_days_ago),
        standalone_reason="",
        public_summary=SUMMARY.format(place=place),
        signatories=signatories,
    )


def _plans(coordinator: User, version: NarrativeVersion, partnership: Partnership) -> None:
    if version.mainstream_plans.exists():
        return
    for kind, name, how in PLANS:
        services.plan_add(
            actor=coordinator,
            version=version,
            kind=kind,
            name=f"{_place(partnership)} {name.lower()}",
            organisation=partnership.lead_council,
            how_carried=how,
        )


def _dated(version: NarrativeVersion, days_ago: int, *, approved: int | None = None) -> None:
    """The row's dates set to when they would have happened."""
    tz = timezone.get_current_timezone()
    started = datetime.combine(today() - timedelta(days=days_ago), time(10), tzinfo=tz)
    fields: dict[str, object] = {"created_at": started}
    if approved is not None:
        at = datetime.combine(today() - timedelta(days=approved), time(15), tzinfo=tz)
        fields["approved_at"] = at
        if version.published_at is not None:
            fields["published_at"] = at + timedelta(days=2)
        Signatory.objects.filter(version=version).update(signed_at=at)
        NarrativeTransition.objects.filter(version=version, to_status="approved").update(
            occurred_at=at
        )
    NarrativeVersion.objects.filter(pk=version.pk).update(**fields)


def _coordinator(partnership: Partnership) -> User:
    return Membership.objects.get(partnership=partnership, role=Role.COORDINATOR).user


def _harrowfield(partnership: Partnership) -> None:
    coordinator = User.objects.get(email="coordinator@harrowfield.demo.invalid")
    chief = User.objects.get(email="chief.executive@harrowfield.demo.invalid")
    community = User.objects.get(email="community@harrowfield.demo.invalid")
    board = User.objects.get(email="board@harrowfield.demo.invalid")
    council = partnership.lead_council
    place = _place(partnership)
    # Version 1, a year and a half ago: approved, published, later superseded.
    first = services.version_start(actor=coordinator, partnership=partnership)
    _write(coordinator, first, place)
    _details(coordinator, first, place, [council], -200, 560)
    _plans(coordinator, first, partnership)
    services.version_share(actor=coordinator, version=first)
    services.comment_add(
        actor=community,
        version=first,
        text="The forum asks that the summary says plainly that this is about every form of "
        "extremism.",
        section=SectionKey.FORMS_OF_EXTREMISM,
    )
    services.version_sign(actor=chief, version=first)
    services.version_publish(actor=coordinator, version=first)
    # Version 2: the influences brought up to date; approved and published, now due for review.
    second = services.version_start(actor=coordinator, partnership=partnership)
    _write(
        coordinator,
        second,
        place,
        note="Since the last version, events overseas have been followed by tension online; "
        "the partnership added online safety work with schools.",
    )
    products = sharing_selectors.product_list(user=coordinator).filter(
        status=ProductStatus.RELEASED
    )[:1]
    if products:
        services.section_update(
            actor=coordinator,
            version=second,
            key=SectionKey.INFLUENCES,
            text=second.sections.get(key=SectionKey.INFLUENCES).text,
            products=list(products),
        )
    _details(coordinator, second, place, [council], -14, 200)
    services.version_share(actor=coordinator, version=second)
    services.comment_add(
        actor=board,
        version=second,
        text="Add the college's mentoring scheme to the joint delivery plan.",
        section=SectionKey.JOINT_DELIVERY,
    )
    services.version_sign(actor=chief, version=second)
    services.version_publish(actor=coordinator, version=second)
    _dated(first, 560, approved=540)
    _dated(second, 220, approved=200)


def _kestlebury(partnership: Partnership) -> None:
    coordinator = _coordinator(partnership)
    council = partnership.lead_council
    place = _place(partnership)
    first = services.version_start(actor=coordinator, partnership=partnership)
    _write(coordinator, first, place)
    _details(coordinator, first, place, [council], 300, 40)
    _plans(coordinator, first, partnership)
    services.version_share(actor=coordinator, version=first)
    services.version_sign(actor=coordinator, version=first)
    second = services.version_start(actor=coordinator, partnership=partnership)
    services.section_update(
        actor=coordinator,
        version=second,
        key=SectionKey.VISION,
        text=SECTIONS[SectionKey.VISION]
        + " By the next review, every secondary school will have named a Prevent lead.",
    )
    services.version_share(actor=coordinator, version=second)
    services.comment_add(
        actor=coordinator,
        version=second,
        text="Shared with the community consultative group at its last meeting.",
    )
    _dated(first, 90, approved=60)
    _dated(second, 5)


def _marden(partnership: Partnership) -> None:
    coordinator = _coordinator(partnership)
    version = services.version_start(actor=coordinator, partnership=partnership)
    _write(
        coordinator,
        version,
        _place(partnership),
        skip=(SectionKey.VULNERABILITY, SectionKey.INFLUENCES, SectionKey.VISION),
    )
    _dated(version, 3)


@transaction.atomic
def demo_build() -> None:
    builders = [
        ("Harrowfield Prevent Partnership", _harrowfield),
        ("Kestlebury Prevent Partnership", _kestlebury),
        ("Marden Vale Prevent Partnership", _marden),
    ]
    for name, build in builders:
        partnership = Partnership.objects.filter(name=name).first()
        if partnership is None or NarrativeVersion.objects.filter(partnership=partnership).exists():
            continue
        for membership in Membership.objects.filter(partnership=partnership):
            facts_forget(membership.user)
        build(partnership)
