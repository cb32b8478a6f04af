"""The engagement demo: for each fictional partnership, its forums (one met last month, one not
engaged for months, one never met), community-led initiatives with support in every state
(asked, agreed, given, declined), a communications strategy with key messages in every state
(draft, agreed, retired), a media briefing log and spokespeople by post, and schools and
colleges, one with a Safer Schools Partnership.

Everything is written through the audited services by the partnership's coordinator, so the
personal-data guard reads every text. Running it again finds the forums it made (by name) and
makes nothing twice. Organisations and roles only: no person is named and no one's views are
recorded. Every name and piece of text is invented.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from lde.accounts.models import Organisation, OrganisationType, Post, User
from lde.core.access.facts import today
from lde.engagement import services
from lde.engagement.models import Forum, ForumKind
from lde.partnerships.models import Membership, Partnership, Role

PARTNERSHIPS = (
    "Harrowfield Prevent Partnership",
    "Kestlebury Prevent Partnership",
    "Marden Vale Prevent Partnership",
)


def _organisation(name: str, type: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"type": type})
    return organisation


def _coordinator(partnership: Partnership) -> User | None:
    membership = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


@transaction.atomic
def _partnership_build(partnership: Partnership, coordinator: User) -> None:
    place = partnership.name.removesuffix(" Prevent Partnership")
    day = today()
    council = partnership.lead_council
    faith = _organisation(f"{place} Faith Forum", OrganisationType.FAITH_INSTITUTION)
    youth = _organisation(f"{place} Youth Trust", OrganisationType.VOLUNTARY_COMMUNITY)
    mosque = _organisation(f"{place} Central Mosque Trust", OrganisationType.FAITH_INSTITUTION)
    women = _organisation(f"{place} Women's Centre", OrganisationType.VOLUNTARY_COMMUNITY)
    bcu = partnership.police_bcus.order_by("name").first() or council

    forums = [
        (
            f"{place} Faith Communities Forum",
            ForumKind.FAITH_FORUM,
            "Faith institutions and the partnership meet each quarter to test the Prevent "
            "approach and share news of events here and abroad that may affect local communities.",
            "Mosques, churches, a gurdwara and a synagogue across the borough.",
            [(faith, "chair"), (mosque, "member"), (council, "secretariat"), (bcu, "member")],
            [35, 120, 210],
        ),
        (
            f"{place} Independent Advisory Group",
            ForumKind.INDEPENDENT_ADVISORY_GROUP,
            "Advises the police on the community impact of operations and incidents, and on "
            "how the partnership communicates after one.",
            "Community, faith and voluntary organisations from every ward.",
            [(women, "member"), (youth, "member"), (bcu, "convenor")],
            [240, 330],
        ),
        (
            f"{place} Young People's Forum",
            ForumKind.YOUNG_PEOPLE,
            "Young people's own forum, supported by the youth trust, where Prevent-funded "
            "youth work is planned with them.",
            "Young people aged 13 to 19 through youth clubs and the college.",
            [(youth, "host")],
            [],
        ),
    ]
    for name, kind, purpose, reached, members, meetings in forums:
        if Forum.objects.filter(partnership=partnership, name=name).exists():
            continue
        forum = services.forum_create(
            actor=coordinator,
            partnership=partnership,
            name=name,
            kind=kind,
            purpose=purpose,
            communities_reached=reached,
            members=members,
        )
        for ago in meetings:
            services.meeting_record(
                actor=coordinator,
                forum=forum,
                held_on=day - timedelta(days=ago),
                topics="The local narrative; language guidance; news from abroad",
                summary="Partners explained the draft narrative. The forum agreed to test the "
                "key messages with its member organisations before the next meeting.",
            )

    if partnership.initiatives.exists():
        return
    mentoring = services.initiative_create(
        actor=coordinator,
        partnership=partnership,
        organisation=mosque,
        title="Mentoring after school",
        what_it_does="Volunteers from the mosque trust run weekly mentoring and homework clubs "
        "open to all young people, with sessions on citizenship and belonging.",
    )
    workshops = services.initiative_create(
        actor=coordinator,
        partnership=partnership,
        organisation=women,
        title="Women's voices workshops",
        what_it_does="Workshops for women and girls on confidence, rights and speaking up in "
        "their communities, modelled on the Muslimah project (case study 5).",
    )
    asks = [
        (
            mentoring,
            "A room in the library on Tuesday evenings",
            150,
            [
                ("agreed", "Agreed for the spring term."),
                ("given", "Room booked every Tuesday since March."),
            ],
        ),
        (
            mentoring,
            "Safeguarding training for the volunteers",
            40,
            [("agreed", "Places agreed on the council's next course.")],
        ),
        (
            workshops,
            "A grant for a facilitator",
            90,
            [
                (
                    "declined",
                    "The grant round had closed; the partnership will tell the centre when "
                    "the next opens.",
                )
            ],
        ),
        (workshops, "Publicity through the council's channels", 10, []),
    ]
    for initiative, asked_for, ago, decisions in asks:
        support = services.support_request_create(
            actor=coordinator,
            initiative=initiative,
            asked_for=asked_for,
            asked_on=day - timedelta(days=ago),
        )
        for status, response in decisions:
            support = services.support_request_decide(
                actor=coordinator,
                support_request=support,
                status=status,
                response=response,
                decided_on=day - timedelta(days=max(ago - 20, 0)),
            )

    for name, internal, need in [
        ("Front-line council and police staff", True, "What Prevent is here, and where to go."),
        ("Community and faith organisations", False, "Why the partnership works as it does."),
        ("Local media", False, "Agreed messages and who speaks after an incident."),
    ]:
        services.audience_create(
            actor=coordinator,
            partnership=partnership,
            name=name,
            internal=internal,
            what_they_need=need,
        )
    channels: list[tuple[str, str, str, str, str]] = [
        (
            "Community radio breakfast show",
            "local_radio",
            "Somali and Urdu speakers",
            "Somali, Urdu",
            "About 4,000 weekly listeners",
        ),
        (
            "Friday notices",
            "place_of_worship",
            "Mosque congregations",
            "English, Urdu",
            "Six mosques",
        ),
        ("Joint council and police website", "website", "Everyone", "English", "The borough"),
        (
            "Youth trust social media",
            "social_media",
            "Young people",
            "English",
            "About 2,500 followers",
        ),
    ]
    for name, channel_kind, community, languages, reach in channels:
        services.channel_create(
            actor=coordinator,
            partnership=partnership,
            name=name,
            kind=channel_kind,
            community=community,
            languages=languages,
            reach=reach,
        )
    messages = [
        (
            "Counter-terrorism targets criminals",
            "Counter-terrorism in the UK is aimed at criminally motivated individuals and "
            "does not seek to criminalise any community (¶134).",
            "criminals; individuals; safety for everyone",
            "suspect communities; radicalised areas",
            "Words that blame whole communities lose the trust the partnership depends on (¶122).",
            "agree",
        ),
        (
            "A peaceful, prosperous place",
            "We are creating a peaceful, prosperous area without fear of intimidation or "
            "terror (¶134).",
            "belonging; resilience; safer communities",
            "war on terror",
            "Agreed with the faith forum as the common vision.",
            "retire",
        ),
        (
            "Speaking up is safe",
            "Anyone worried about someone can talk to us in confidence.",
            "support; help",
            "informant",
            "Still being tested with the independent advisory group.",
            "",
        ),
    ]
    for title, message, use, avoid, why, move in messages:
        key = services.key_message_create(
            actor=coordinator,
            partnership=partnership,
            title=title,
            message=message,
            words_to_use=use,
            words_to_avoid=avoid,
            why=why,
        )
        if move in ("agree", "retire"):
            key = services.key_message_agree(actor=coordinator, key_message=key)
        if move == "retire":
            services.key_message_retire(actor=coordinator, key_message=key)

    posts = list(Post.objects.filter(organisation__in=[council, bcu]).order_by("pk")[:2])
    if posts:
        for post, speaks_for, topics in zip(
            posts,
            ["The council and police jointly", "The police"],
            ["Prevent and community cohesion", "Operations and incidents"],
            strict=False,
        ):
            services.spokesperson_create(
                actor=coordinator,
                partnership=partnership,
                post=post,
                speaks_for=speaks_for,
                topics=topics,
            )
        for ago, outlet, topic in [
            (12, "The local paper", "Prevent funding for youth work"),
            (75, "Community radio", "The partnership after an incident abroad"),
        ]:
            services.media_briefing_record(
                actor=coordinator,
                partnership=partnership,
                held_on=day - timedelta(days=ago),
                outlet=outlet,
                topic=topic,
                spoke=posts[0],
                notes="Key messages agreed beforehand were used.",
            )

    college = _organisation(f"{place} College", OrganisationType.FURTHER_HIGHER_EDUCATION)
    academy = _organisation(f"{place} Academy", OrganisationType.SCHOOL)
    primary = _organisation(f"{place} Park Primary School", OrganisationType.SCHOOL)
    for organisation, ssp, activities in [
        (
            academy,
            True,
            [
                ("Assembly on belonging with the school twinning project", 20),
                ("Staff briefing on Prevent", 60),
            ],
        ),
        (college, False, [("Debate club on identity and citizenship", 45)]),
        (primary, False, []),
    ]:
        school = services.school_create(
            actor=coordinator,
            partnership=partnership,
            organisation=organisation,
            safer_schools_partnership=ssp,
            ssp_started_on=day - timedelta(days=500) if ssp else None,
        )
        for activity, ago in activities:
            services.school_activity_record(
                actor=coordinator,
                school=school,
                activity=activity,
                held_on=day - timedelta(days=ago),
            )


def demo_build() -> None:
    for name in PARTNERSHIPS:
        partnership = Partnership.objects.filter(name=name).first()
        coordinator = _coordinator(partnership) if partnership is not None else None
        if partnership is None or coordinator is None:
            continue
        _partnership_build(partnership, coordinator)
