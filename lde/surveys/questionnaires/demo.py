"""The demo's questionnaires: Harrowfield asks the young people of its "Voices of Harrowfield"
project what they made of it, before and after (¶165, ¶175), under an evaluation protocol that
names its purpose, a DPIA reference and a retention period.

Everything is built through the services, as the coordinator would through the pages, and every
write is audited: the protocol (drafted, signed and brought into force through the sharing
services), the questionnaires and their questions, the collections opened and closed, the links
issued, and each participant's answers given through a link with their pseudonymous code. The
answers are invented, drawn with a fixed seed, so that the change page shows the same interval
and effect sizes every time: about thirty people answered both times, a few only before.

Every state appears once: a collection closed (before), one open with answers (after), one open
with links nobody has used yet (the parents' pilot evening, whose link `demo_link` issues), and
one still a draft; a questionnaire whose questions are fixed because a collection has opened, and
one still being written with no protocol named, which cannot open until it has one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from lde.accounts.models import Organisation, User
from lde.core.access.facts import today
from lde.partnerships.models import Membership, Partnership, Role
from lde.sharing import services as sharing_services
from lde.sharing.models import Protocol, ProtocolStatus
from lde.surveys.models import Collection, CollectionStatus, Questionnaire, Wave
from lde.surveys.questionnaires import services
from lde.surveys.questionnaires.answering import CODE_ALPHABET

__all__ = ["PAIRED", "PARTNERSHIP", "demo_build", "demo_link"]

PARTNERSHIP = "Harrowfield Prevent Partnership"
SEED = 165  # the report's paragraph on asking participants what they made of a project
PROTOCOL = "Harrowfield project evaluation protocol"
TRUST = "Harrowfield Youth and Community Trust"  # the programme demo's delivery partner

VOICES = "Voices of Harrowfield: before and after"
PARENTS = "Parents' conversations: pilot evening"
VENUES = "Safer venues scheme: venue managers' questionnaire"
BEFORE, AFTER = "Before the project", "After the project"
PILOT_BEFORE, PILOT_AFTER = "Pilot evening: before", "Pilot evening: after"

PAIRED = 30  # answered before and after
BEFORE_ONLY = 4  # answered before, not after (left the project, or were away)
UNUSED_AFTER = 2  # after-links issued and not used

SCALE = "1 means not at all, 5 means very much"
# (name, label): the 1 to 5 scales asked both times, and how much each moves on average.
SCALES = (
    (
        "confident_online",
        "How confident do you feel challenging extremist views online?",
        0.7,
    ),
    (
        "know_help",
        "How sure are you of where to get help if a friend is being drawn into extremism?",
        0.9,
    ),
    ("belonging", "How much do you feel you belong in Harrowfield?", 0.2),
)
HEARD = (
    ("school", "At school"),
    ("youth_club", "At a youth club"),
    ("friend", "From a friend"),
    ("online", "Online"),
)
# Free-text answers, invented; the last holds an email address, so the demo shows the
# personal-data guard withholding it.
COMMENTS = (
    "The sessions on spotting fake news were the best bit.",
    "More time to talk in small groups, please.",
    "I did not know the youth workers could help with this.",
    "Write to me at sam.example@demo.invalid about the next one.",
)


@dataclass(frozen=True)
class Participant:
    code: str
    before: tuple[int, ...]
    after: tuple[int, ...]


def _code(rng: random.Random) -> str:
    letters = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def _scale(value: float) -> int:
    return max(1, min(5, round(value)))


def participants(seed: int = SEED) -> list[Participant]:
    """The invented participants: `PAIRED` answering both times, then `BEFORE_ONLY` answering
    only before. The same every time for the same seed."""
    rng = random.Random(seed)  # noqa: S311 -- invented answers, the same every run: not a secret
    codes: list[str] = []
    while len(codes) < PAIRED + BEFORE_ONLY:
        code = _code(rng)
        if code not in codes:
            codes.append(code)
    found = []
    for i, code in enumerate(codes):
        start = [rng.gauss(2.6, 0.9) for _ in SCALES]
        before = tuple(_scale(v) for v in start)
        after = tuple(
            _scale(v + rng.gauss(shift, 0.8))
            for v, (_, _, shift) in zip(start, SCALES, strict=True)
        )
        found.append(Participant(code, before, after if i < PAIRED else ()))
    return found


def _coordinator(partnership: Partnership) -> User | None:
    membership = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _protocol(coordinator: User, partnership: Partnership) -> Protocol | None:
    """The evaluation protocol in force: the one made before, or drafted, signed by both
    parties and brought into force now. None when the coordinator speaks for no organisation."""
    found = Protocol.objects.filter(title=PROTOCOL).first()
    if found is not None:
        return found
    council = partnership.lead_council
    if council is None or coordinator.organisation_id != council.pk:
        return None
    trust, _ = Organisation.objects.get_or_create(name=TRUST, defaults={"type": "voluntary"})
    protocol = sharing_services.protocol_create(
        actor=coordinator,
        parties=[council, trust],
        controllers=[council],
        title=PROTOCOL,
        reference="HPP-ISP-02",
        purpose="To evaluate the partnership's projects by asking the people who take part what "
        "they made of them, before and after (¶165, ¶175), so that the next year's plan rests on "
        "what worked.",
        legal_basis="Public task (UK GDPR Article 6(1)(e)); participation is voluntary.",
        dpia_reference="DPIA-HPP-EVAL-2025",
        information_shared="Answers to the partnership's questionnaires, known only by a "
        "pseudonymous code each participant keeps. Never names, contact details or anything "
        "else that identifies a participant.",
        who_may_see="The partnership's coordinators, board members, contributors and viewers; "
        "inspectors see the figures resting on ten people or more.",
        handling="Kept on the platform only. Exports go to the evaluator and are deleted when "
        "the evaluation is written.",
        retention_days=730,
        review_on=today() + timedelta(days=300),
        external_url="",
    )
    signed = today() - timedelta(days=60)
    for organisation, name, post in (
        (council, "Margaret Lowe", "Chief Executive"),
        (trust, "Priya Nandra", "Director"),
    ):
        sharing_services.protocol_signatory_add(
            actor=coordinator,
            protocol=protocol,
            organisation=organisation,
            name=name,
            post_title=post,
            signed_on=signed,
        )
    sharing_services.protocol_transition(
        actor=coordinator, protocol=protocol, to_status=ProtocolStatus.IN_FORCE
    )
    return Protocol.objects.get(pk=protocol.pk)


def _scale_question(coordinator: User, questionnaire: Questionnaire, name: str, label: str) -> None:
    services.question_add(
        actor=coordinator,
        questionnaire=questionnaire,
        kind="integer",
        name=name,
        label=label,
        hint=SCALE,
        required=True,
        constraint=". >= 1 and . <= 5",
        constraint_message="Enter a number from 1 to 5",
    )


def _voices(coordinator: User, partnership: Partnership, protocol: Protocol) -> None:
    """The project's questionnaire: before closed, after open, about thirty pairs."""
    questionnaire = services.questionnaire_create(
        actor=coordinator,
        partnership=partnership,
        title=VOICES,
        description="Asked of the young people on the Voices of Harrowfield project at its "
        "first session and again at its last.",
        protocol=protocol,
    )
    services.question_add(
        actor=coordinator,
        questionnaire=questionnaire,
        kind="note",
        name="intro",
        label="Thank you for taking part. Nobody will know which answers are yours: keep your "
        "code to answer again at the end of the project.",
    )
    for name, label, _ in SCALES:
        _scale_question(coordinator, questionnaire, name, label)
    services.question_add(
        actor=coordinator,
        questionnaire=questionnaire,
        choices_text="\n".join(f"{value} {label}" for value, label in HEARD),
        kind="select_one",
        name="heard_from",
        label="Where did you first hear about the project?",
    )
    services.question_add(
        actor=coordinator,
        questionnaire=questionnaire,
        kind="text",
        name="comment",
        label="Anything else you want to tell us about the project?",
    )
    people = participants()
    before = services.collection_create(
        actor=coordinator, questionnaire=questionnaire, wave=Wave.BEFORE, title=BEFORE
    )
    services.collection_open(actor=coordinator, collection=before)
    tokens = services.links_issue(actor=coordinator, collection=before, count=len(people))
    for i, (person, token) in enumerate(zip(people, tokens, strict=True)):
        _answer(token, person.code, person.before, i)
    services.collection_close(actor=coordinator, collection=before)

    after = services.collection_create(
        actor=coordinator, questionnaire=questionnaire, wave=Wave.AFTER, title=AFTER
    )
    services.collection_open(actor=coordinator, collection=after)
    paired = [p for p in people if p.after]
    tokens = services.links_issue(
        actor=coordinator, collection=after, count=len(paired) + UNUSED_AFTER
    )
    for i, (person, token) in enumerate(zip(paired, tokens, strict=False)):
        _answer(token, person.code, person.after, i + 1)


def _answer(token: str, code: str, scales: tuple[int, ...], i: int) -> None:
    data = {name: str(value) for (name, _, _), value in zip(SCALES, scales, strict=True)}
    data["heard_from"] = HEARD[i % len(HEARD)][0]
    # One in five writes a comment; the rest leave it blank, as most people do.
    data["comment"] = COMMENTS[(i // 5) % len(COMMENTS)] if i % 5 == 0 else ""
    services.response_submit(token=token, code=code, data=data)


def _parents(coordinator: User, partnership: Partnership, protocol: Protocol) -> None:
    """The pilot evening's questionnaire: its before collection open with links nobody has used,
    its after collection still a draft."""
    questionnaire = services.questionnaire_create(
        actor=coordinator,
        partnership=partnership,
        title=PARENTS,
        description="Asked of parents and carers at the start and end of the pilot evening.",
        protocol=protocol,
    )
    _scale_question(
        coordinator,
        questionnaire,
        "talk_online",
        "How confident do you feel talking with your child about what they see online?",
    )
    _scale_question(
        coordinator,
        questionnaire,
        "know_signs",
        "How well do you know the signs that a child is being drawn into extremism?",
    )
    services.question_add(
        actor=coordinator,
        questionnaire=questionnaire,
        kind="text",
        name="comment",
        label="What would help you most?",
    )
    before = services.collection_create(
        actor=coordinator,
        questionnaire=questionnaire,
        wave=Wave.BEFORE,
        title=PILOT_BEFORE,
        link_days=60,
    )
    services.collection_open(actor=coordinator, collection=before)
    services.links_issue(actor=coordinator, collection=before, count=20)
    services.collection_create(
        actor=coordinator, questionnaire=questionnaire, wave=Wave.AFTER, title=PILOT_AFTER
    )


def _venues(coordinator: User, partnership: Partnership) -> None:
    """A questionnaire still being written: questions, no protocol, no collection."""
    questionnaire = services.questionnaire_create(
        actor=coordinator,
        partnership=partnership,
        title=VENUES,
        description="For the managers of community venues in the scheme; the protocol is "
        "still to be agreed with the venues.",
    )
    _scale_question(
        coordinator,
        questionnaire,
        "know_checks",
        "How well do you know the checks to make before hiring out a room?",
    )


def demo_build() -> None:
    """Build each questionnaire once. Safe to run again: one of the same title is left as it
    is."""
    partnership = Partnership.objects.filter(name=PARTNERSHIP).first()
    if partnership is None:
        return
    coordinator = _coordinator(partnership)
    if coordinator is None:
        return
    protocol = _protocol(coordinator, partnership)
    have = set(
        Questionnaire.objects.filter(partnership=partnership).values_list("title", flat=True)
    )
    if protocol is not None and VOICES not in have:
        _voices(coordinator, partnership, protocol)
    if protocol is not None and PARENTS not in have:
        _parents(coordinator, partnership, protocol)
    if VENUES not in have:
        _venues(coordinator, partnership)


def demo_link() -> str:
    """A fresh participant link to the pilot evening's open collection, issued through the
    service as Harrowfield's coordinator (and so audited), as a full URL. Links are kept only
    as hashes, so the demo cannot print one it made before: each call issues a new one."""
    collection = (
        Collection.objects.filter(
            questionnaire__partnership__name=PARTNERSHIP,
            title=PILOT_BEFORE,
            status=CollectionStatus.OPEN,
        )
        .select_related("questionnaire__partnership")
        .first()
    )
    if collection is None:
        raise LookupError("The demo has no open pilot evening collection: run `lde demo` first")
    coordinator = _coordinator(collection.questionnaire.partnership)
    if coordinator is None:
        raise LookupError("The demo's Harrowfield partnership has no coordinator")
    (token,) = services.links_issue(actor=coordinator, collection=collection, count=1)
    return settings.LDE_SITE_URL.rstrip("/") + reverse("questionnaires:answer", args=[token])
