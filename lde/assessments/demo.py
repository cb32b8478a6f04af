"""The assessments demo: three published cycles of self-assessment per fictional partnership,
a current draft, a peer review, an inspection, and every step of the workflow on the way.

Each partnership assessed itself against the Prevent partnership model for the last three
financial years (computed from today, so the demo stays current) and has a draft for this year,
carried forward from the last cycle and partly confirmed. The trend is believable: most criteria
rise, some stay flat and one or two fall, each with plain commentary about the (fictional) area.

- Harrowfield's latest published cycle was moderated against a peer review made by Kestlebury's
  peer reviewer, whose assignment is pointed at it; Harrowfield checked the review for factual
  accuracy before it was published.
- Kestlebury's second cycle was returned to draft with a reason before it was published, and
  its self-assessment against the desirable characteristics is moderated against this year's
  inspection, which is submitted and awaits publication after Kestlebury's factual accuracy check.
- Every other cycle was published after the board's sign-off, without review.

So every state is present: draft, submitted, moderated, published, and a return to draft in the
transition history. Everything is written through the audited services, by the demo users whose
roles allow it. Every name, place and piece of text is invented; nothing here is about an
identifiable member of the public. Running it again finds the assessments it made (by
partnership and title) and makes no duplicates.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from lde.accounts import services as account_services
from lde.accounts.models import Organisation, User
from lde.assessments import services
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    CriterionResponse,
)
from lde.core.access.facts import today
from lde.frameworks.models import Criterion, FrameworkVersion, ScaleLevel
from lde.partnerships import services as partnership_services
from lde.partnerships.demo import DEMO_PASSWORD, DOMAIN
from lde.partnerships.models import Assignment, AssignmentKind, Membership, Partnership, Role

FRAMEWORK = "prevent-partnership-model"
FRAMEWORK_VERSION = "1.0"
INSPECTION_FRAMEWORK = "desirable-characteristics"
INSPECTION_FRAMEWORK_VERSION = "1.0"
CYCLES = 3  # published cycles before this year's draft

Levels = tuple[int | None, int | None, int | None]


def financial_year(day: date) -> int:
    """The year the financial year holding `day` starts in (April to March)."""
    return day.year if day.month >= 4 else day.year - 1


def period_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def self_assessment_title(year: int) -> str:
    return f"Prevent partnership model self-assessment {period_label(year)}"


def peer_review_title(year: int) -> str:
    return f"Peer review of the {period_label(year)} self-assessment"


def characteristics_title(year: int) -> str:
    return f"Desirable characteristics self-assessment {period_label(year)}"


def inspection_title(year: int) -> str:
    return f"Inspection against the desirable characteristics {period_label(year)}"


# The demo's words (lde/assessments/data/demo.yaml), kept apart from who rates what and when.
TEXT: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "demo.yaml").read_text(encoding="utf-8")
)

THEME_STORY: dict[str, tuple[str, ...]] = {
    theme: tuple(story) for theme, story in TEXT["theme_story"].items()
}

RISE_REASONS: dict[str, tuple[str, ...]] = {
    criterion: tuple(reasons) for criterion, reasons in TEXT["rise_reasons"].items()
}

FIRST_LOOK: dict[int, tuple[str, ...]] = {
    level: tuple(said) for level, said in TEXT["first_look"].items()
}

FLAT_REASONS: tuple[str, ...] = tuple(TEXT["flat_reasons"])

CONSENSUS_REASONS: dict[int, tuple[str, ...]] = {
    level: tuple(reasons) for level, reasons in TEXT["consensus_reasons"].items()
}

# Which criteria several people rate independently before the consensus, cycle by cycle.
CONSENSUS_CRITERIA: tuple[tuple[str, ...], ...] = (
    ("leadership-strategic-ownership", "delivery-programme-board", "communities-key-relationships"),
    (
        "intelligence-sharing-protocol",
        "communities-communications-strategy",
        "skills-frontline-awareness",
    ),
    ("leadership-local-narrative", "accountability-transparency", "skills-resilience"),
    ("delivery-programme-board",),
)

# Evidence links added each cycle: criterion, title, address slug, month of the period (1-12).
EVIDENCE_LINKS: tuple[tuple[str, str, str, int], ...] = (
    ("delivery-programme-board", "Programme board minutes", "programme-board-minutes", 9),
    ("leadership-local-narrative", "The {place} Prevent narrative", "prevent-narrative", 7),
    ("intelligence-sharing-protocol", "Information sharing protocol", "sharing-protocol", 5),
    ("skills-frontline-awareness", "Training attendance by partner", "training-attendance", 11),
    (
        "communities-testing-approach",
        "Community reference group notes",
        "reference-group-notes",
        10,
    ),
)

# This year's draft: the themes confirmed so far (the rest are still carried forward).
DRAFT_CONFIRMED_THEMES = ("leadership", "intelligence", "delivery")


@dataclass(frozen=True)
class Change:
    """A criterion whose ratings do not follow the partnership's usual rise."""

    levels: Levels
    reason: str  # why, said in the cycle where it fell or stayed (or was not rated)


@dataclass(frozen=True)
class Profile:
    slug: str
    partnership: str
    place: str
    area: str
    partner: str  # a partner organisation named in the story
    patterns: tuple[tuple[int, int, int], ...]  # rising trends to choose from
    changes: dict[str, Change]
    contributing: str  # the partner organisation that contributes (name)
    contributing_email: str  # who signs it off
    contributed: tuple[str, ...]  # criteria assigned to it
    council_signer: str  # email
    board_signer: str  # email
    raters: tuple[str, ...]  # emails of the independent raters besides the coordinator
    draft_change: tuple[str, int, str] | None = None  # this year: criterion, change, why
    extra_person: tuple[str, str, str, str] | None = None  # email, name, organisation, job


def _email(key: str, slug: str) -> str:
    return f"{key}@{slug}.{DOMAIN}"


PROFILES: tuple[Profile, ...] = (
    Profile(
        slug="harrowfield",
        partnership="Harrowfield Prevent Partnership",
        place="Harrowfield",
        area="Northgate",
        partner="Harrowfield Youth Trust",
        patterns=((2, 3, 3), (2, 3, 4), (3, 3, 4), (2, 2, 3), (3, 4, 4), (2, 3, 3), (1, 2, 3)),
        changes={
            "leadership-staff-continuity": Change(
                (3, 3, 2),
                "the coordinator post was vacant for four months before the present "
                "coordinator started, and two partner leads changed in the same year",
            ),
            "delivery-neighbourhood": Change(
                (3, 3, 3),
                "neighbourhood teams still plan together every quarter; there is no new "
                "evidence of what the joint planning has changed",
            ),
        },
        contributing="Harrowfield Youth Trust",
        contributing_email=_email("contributor", "harrowfield"),
        contributed=("communities-reach", "communities-schools-youth", "communities-own-work"),
        council_signer=_email("board", "harrowfield"),
        board_signer=_email("chief.executive", "harrowfield"),
        raters=(
            _email("board", "harrowfield"),
            _email("chief.executive", "harrowfield"),
            _email("contributor", "harrowfield"),
        ),
        draft_change=(
            "intelligence-vetting-by-role",
            -1,
            "one board member's clearance has lapsed and another expires within three months; "
            "renewals are with the council's security contact",
        ),
    ),
    Profile(
        slug="kestlebury",
        partnership="Kestlebury Prevent Partnership",
        place="Kestlebury",
        area="the Canal Quarter",
        partner="Kestlebury College",
        patterns=((2, 2, 3), (1, 2, 3), (2, 3, 3), (1, 2, 2), (2, 3, 3), (2, 2, 3)),
        changes={
            "communities-testing-approach": Change(
                (2, 3, 2),
                "the community consultative group stopped meeting when its grant ended in the "
                "summer; the board is looking for a new host for it",
            ),
            "delivery-devolved-budgets": Change(
                (2, 2, 2),
                "the small grants fund is still run centrally; devolving it to neighbourhood "
                "teams was postponed",
            ),
            "intelligence-strategic-briefing": Change(
                (3, 3, 3),
                "chief officers are briefed twice a year, as before",
            ),
        },
        contributing="Kestlebury Community Health Trust",
        contributing_email=_email("contributor", "kestlebury"),
        contributed=(
            "intelligence-frontline-flows",
            "skills-joint-training",
            "accountability-safeguards",
        ),
        council_signer=_email("peer.reviewer", "kestlebury"),
        board_signer=_email("peer.reviewer", "kestlebury"),
        raters=(_email("peer.reviewer", "kestlebury"), _email("contributor", "kestlebury")),
        extra_person=(
            _email("contributor", "kestlebury"),
            "Hannah Whitcombe",
            "Kestlebury Community Health Trust",
            "Safeguarding lead",
        ),
    ),
    Profile(
        slug="mardenvale",
        partnership="Marden Vale Prevent Partnership",
        place="Marden Vale",
        area="Tolworth",
        partner="Marden Vale Youth Trust",
        patterns=((1, 2, 2), (1, 1, 2), (1, 2, 3), (1, 2, 2), (2, 2, 3), (1, 2, 3)),
        changes={
            "delivery-cross-boundary": Change(
                (2, 2, 1),
                "the Prevent officer post shared with the county council ended in the autumn "
                "and has not been replaced",
            ),
            "skills-specialist-capacity": Change(
                (1, 1, 1),
                "the partnership still has no specialist support of its own and borrows it "
                "from the county when it can",
            ),
            "intelligence-joint-analysis": Change(
                (None, 1, 2),
                "in the first year the partners had no shared analysis to judge, and the board "
                "agreed not to guess",
            ),
            "accountability-police-governance": Change(
                (None, 2, 2),
                "in the first year nobody had yet asked the police and crime commissioner's "
                "office about Prevent, so there was nothing to rate",
            ),
        },
        contributing="Marden Vale Youth Offending Team",
        contributing_email=_email("contributor", "mardenvale"),
        contributed=(
            "communities-schools-youth",
            "delivery-wider-partners",
            "skills-joint-training",
        ),
        council_signer=_email("coordinator", "mardenvale"),
        board_signer=_email("contributor", "mardenvale"),
        raters=(_email("contributor", "mardenvale"),),
        extra_person=(
            _email("contributor", "mardenvale"),
            "Luke Ferreira",
            "Marden Vale Youth Offending Team",
            "Team manager",
        ),
    ),
)

PEER_DIFFERENCES: tuple[tuple[str, int, str, str], ...] = tuple(
    (criterion, change, stands, why) for criterion, change, stands, why in TEXT["peer_differences"]
)

FACTUAL_ACCURACY: tuple[str, ...] = tuple(TEXT["factual_accuracy"])

RETURN_REASON: str = TEXT["return_reason"]
ABANDON_REASON: str = TEXT["abandon_reason"]

INSPECTION_DIFFERENCES: tuple[tuple[str, int, str, str], ...] = tuple(
    (criterion, change, stands, why)
    for criterion, change, stands, why in TEXT["inspection_differences"]
)

INSPECTION_FACTUAL_ACCURACY: str = TEXT["inspection_factual_accuracy"]


def summary_pdf(lines: Iterable[str]) -> bytes:
    """A small, valid, one-page PDF of plain ASCII lines, made in memory (no dates in it, so
    the same lines always give the same bytes and the same hash)."""

    def escape(text: str) -> str:
        plain = text.encode("ascii", "replace").decode("ascii")
        return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " ".join(f"({escape(line)}) Tj T*" for line in lines)
    stream = f"BT /F1 12 Tf 16 TL 72 770 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stable(*parts: str) -> int:
    """A number that depends only on `parts`, the same on every run."""
    return zlib.crc32(":".join(parts).encode())


@dataclass
class Cast:
    """A partnership's people, as the services need them."""

    partnership: Partnership
    coordinator: User
    council_signer: User
    board_signer: User
    contributor: User
    contributing: Organisation
    raters: list[User] = field(default_factory=list)


@dataclass
class World:
    """What the builder works with: the framework, its labels and the cycle years."""

    version: FrameworkVersion
    criteria: list[Criterion]
    theme_of: dict[str, str]  # criterion identifier -> theme identifier
    first_in_theme: set[str]
    labels: dict[int, str]
    first_year: int  # of the first published cycle
    this_year: int  # of the draft
    today: date


def _labels(version: FrameworkVersion) -> dict[int, str]:
    scale = version.scales.order_by("position").first()
    levels = ScaleLevel.objects.filter(scale=scale) if scale else ScaleLevel.objects.none()
    return dict(levels.values_list("value", "label"))


def _world(day: date) -> World:
    version = FrameworkVersion.objects.get(
        framework__identifier=FRAMEWORK, version=FRAMEWORK_VERSION
    )
    criteria = services.rated_criteria(version)
    theme_of = {c.identifier: c.path.split("/")[0] for c in criteria}
    first_in_theme: set[str] = set()
    seen: set[str] = set()
    for criterion in criteria:
        if theme_of[criterion.identifier] not in seen:
            seen.add(theme_of[criterion.identifier])
            first_in_theme.add(criterion.identifier)
    this_year = financial_year(day)
    return World(
        version=version,
        criteria=criteria,
        theme_of=theme_of,
        first_in_theme=first_in_theme,
        labels=_labels(version),
        first_year=this_year - CYCLES,
        this_year=this_year,
        today=day,
    )


def _extra_person(profile: Profile, partnership: Partnership, coordinator: User) -> None:
    """A contributor from a partner organisation, where the partnerships demo has none."""
    if profile.extra_person is None:
        return
    email, name, organisation_name, job = profile.extra_person
    organisation = Organisation.objects.get(name=organisation_name)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = account_services.user_create(
            actor=None,
            email=email,
            full_name=name,
            organisation=organisation,
            job_title=job,
            password=DEMO_PASSWORD,
        )
    # Where this person also signs off for the programme board, they sit on the board too.
    roles = [Role.CONTRIBUTOR] + ([Role.BOARD_MEMBER] if profile.board_signer == email else [])
    for role in roles:
        if not Membership.objects.filter(partnership=partnership, user=user, role=role).exists():
            partnership_services.membership_invite(
                actor=coordinator,
                partnership=partnership,
                email=email,
                full_name=name,
                role=role,
                organisation=organisation,
            )


def _cast(profile: Profile) -> Cast:
    partnership = Partnership.objects.get(name=profile.partnership)
    coordinator = User.objects.get(email=_email("coordinator", profile.slug))
    _extra_person(profile, partnership, coordinator)
    users = {
        u.email: u
        for u in User.objects.filter(
            email__in=[
                profile.council_signer,
                profile.board_signer,
                profile.contributing_email,
                *profile.raters,
            ]
        )
    }
    return Cast(
        partnership=partnership,
        coordinator=coordinator,
        council_signer=users[profile.council_signer],
        board_signer=users[profile.board_signer],
        contributor=users[profile.contributing_email],
        contributing=Organisation.objects.get(name=profile.contributing),
        raters=[users[e] for e in profile.raters],
    )


def planned_levels(profile: Profile, identifier: str) -> Levels:
    """The three published ratings of one criterion: the profile's exception, or a rise picked
    from its patterns (about one criterion in six stays flat)."""
    if identifier in profile.changes:
        return profile.changes[identifier].levels
    number = _stable(profile.slug, identifier)
    low, middle, high = profile.patterns[number % len(profile.patterns)]
    if number % 6 == 0:
        return (middle, middle, middle)
    return (low, middle, high)


def _target(level: int | None) -> int:
    return 3 if level is None else min(4, level + 1)


def _commentary(
    profile: Profile,
    world: World,
    identifier: str,
    cycle: int,
    level: int | None,
    previous: int | None,
    why: str = "",
) -> str:
    """Plain words on one rating: how it stands or what changed since last year and why, and
    for the first criterion of each theme, what happened in the theme that year."""
    theme = world.theme_of[identifier]
    labels = world.labels
    number = _stable(profile.slug, identifier, str(cycle))
    change = profile.changes.get(identifier)
    levels = planned_levels(profile, identifier)
    earlier = [x for x in levels[:cycle] if x is not None]
    rises_before = sum(b > a for a, b in pairwise(earlier))
    if level is None:
        said = f"Not rated: {why or (change.reason if change else 'no evidence either way')}."
    elif previous is None:
        said = f"{labels[level]}. {FIRST_LOOK[level][number % 2]}"
        if cycle:
            said = f"{labels[level]}, rated for the first time. {FIRST_LOOK[level][number % 2]}"
    elif level > previous:
        said = (
            f"Up from {labels[previous]} to {labels[level]}: "
            f"{RISE_REASONS[identifier][min(rises_before, 1)]}."
        )
    elif level < previous:
        why = why or (change.reason if change else "")
        said = (
            f"Down from {labels[previous]} to {labels[level]}: "
            f"{why or 'the evidence no longer supports last year’s rating'}."
        )
    else:
        steady = change is not None and len(set(change.levels)) == 1
        why = change.reason if change is not None and steady else ""
        if cycle == CYCLES:
            said = f"Confirmed for {period_label(world.this_year)}: still {labels[level]}."
        else:
            said = f"Still {labels[level]}: {why or FLAT_REASONS[number % len(FLAT_REASONS)]}."
    if identifier in world.first_in_theme:
        story = THEME_STORY[theme][cycle].format(
            place=profile.place, area=profile.area, partner=profile.partner
        )
        said = f"{said} {story}"
    return said


def _responses(assessment: Assessment) -> dict[str, CriterionResponse]:
    return {
        r.criterion.identifier: r
        for r in assessment.responses.select_related("criterion", "assessment")
    }


def _rate(
    actor: User,
    response: CriterionResponse,
    rating: int | None,
    commentary: str,
    consensus_reason: str = "",
) -> CriterionResponse:
    return services.response_update(
        actor=actor,
        response=response,
        seen_revision=response.revision,
        rating=rating,
        target=_target(rating),
        commentary=commentary,
        consensus_reason=consensus_reason,
    )


def _raters_then_consensus(
    cast: Cast, world: World, response: CriterionResponse, level: int, cycle: int, text: str
) -> None:
    """Several people rate independently; the coordinator records the consensus and why."""
    spread = [level, max(1, level - 1), min(4, level + 1)]
    for index, rater in enumerate(cast.raters):
        services.rater_rating_record(
            actor=rater,
            response=response,
            rating=spread[(index + 1) % len(spread)],
            note="My own reading of the evidence, before the board meeting.",
        )
    services.rater_rating_record(
        actor=cast.coordinator, response=response, rating=level, note="Coordinator's rating."
    )
    given = sorted({level, *(spread[(i + 1) % len(spread)] for i in range(len(cast.raters)))})
    reason = ""
    if len(given) > 1:
        reasons = CONSENSUS_REASONS[level]
        why = reasons[_stable(response.criterion.identifier, str(cycle)) % len(reasons)]
        reason = (
            f"Raters gave {given[0]} to {given[-1]}. The board agreed {world.labels[level]}: {why}."
        )
    _rate(cast.coordinator, response, level, text, reason)


def _find(partnership: Partnership, title: str) -> Assessment | None:
    return Assessment.objects.filter(partnership=partnership, title=title).first()


def _fill_cycle(
    profile: Profile,
    cast: Cast,
    world: World,
    assessment: Assessment,
    cycle: int,
    *,
    only_themes: tuple[str, ...] | None = None,
) -> None:
    """Assign contributions, gather ratings and evidence for one cycle of a partnership."""
    by_identifier = {c.identifier: c for c in world.criteria}
    for identifier in profile.contributed:
        services.contribution_assign(
            actor=cast.coordinator,
            assessment=assessment,
            criterion=by_identifier[identifier],
            organisation=cast.contributing,
        )
    services.contribution_assign(
        actor=cast.coordinator,
        assessment=assessment,
        criterion=by_identifier["leadership-strategic-ownership"],
        organisation=cast.partnership.lead_council,
    )
    responses = _responses(assessment)
    consensus = CONSENSUS_CRITERIA[cycle]
    year = world.first_year + cycle
    for criterion in world.criteria:
        identifier = criterion.identifier
        if only_themes is not None and world.theme_of[identifier] not in only_themes:
            continue
        response = responses[identifier]
        why = ""
        if cycle < CYCLES:
            levels = planned_levels(profile, identifier)
            level = levels[cycle]
            previous = levels[cycle - 1] if cycle else None
        else:
            previous = planned_levels(profile, identifier)[-1]
            level = previous
            if (
                previous is not None
                and profile.draft_change
                and (profile.draft_change[0] == identifier)
            ):
                level = max(1, previous + profile.draft_change[1])
                why = profile.draft_change[2]
            elif previous is not None and _stable(profile.slug, identifier, "draft") % 5 == 0:
                level = min(4, previous + 1)
        text = _commentary(profile, world, identifier, cycle, level, previous, why)
        if identifier in consensus and level is not None:
            _raters_then_consensus(cast, world, response, level, cycle, text)
        elif identifier in profile.contributed:
            _rate(cast.contributor, response, level, text)
        else:
            _rate(cast.coordinator, response, level, text)
    for identifier, title, slug, month in EVIDENCE_LINKS:
        if only_themes is not None and world.theme_of[identifier] not in only_themes:
            continue
        on = min(date(year + (month <= 3), month, 15), world.today)
        services.evidence_add_link(
            actor=cast.coordinator,
            response=responses[identifier],
            title=f"{title.format(place=profile.place)}, {on:%B %Y}",
            url=f"https://example.org/{profile.slug}/{slug}-{period_label(year)}",
            effective_on=on,
        )
    if cycle == 0:
        summary = summary_pdf(
            [
                f"{profile.partnership}",
                f"Prevent summary for residents, {period_label(year)}",
                "",
                "What the partnership did this year, what it cost and what it achieved.",
                "Fictional demonstration document: no real council, place or person.",
            ]
        )
        services.evidence_add_file(
            actor=cast.coordinator,
            response=responses["accountability-transparency"],
            title=f"Prevent summary for residents, {period_label(year)}",
            upload=SimpleUploadedFile(
                f"{profile.slug}-prevent-summary-{period_label(year)}.pdf",
                summary,
                content_type="application/pdf",
            ),
            effective_on=date(year + 1, 3, 31),
        )


def _sign_off_all(cast: Cast, assessment: Assessment, *, contributing: bool = True) -> None:
    services.organisation_sign_off(
        actor=cast.council_signer,
        assessment=assessment,
        organisation=cast.partnership.lead_council,
    )
    if contributing:
        services.organisation_sign_off(
            actor=cast.contributor, assessment=assessment, organisation=cast.contributing
        )


def _start(cast: Cast, world: World, year: int, title: str) -> Assessment:
    return services.assessment_start(
        actor=cast.coordinator,
        partnership=cast.partnership,
        kind=AssessmentKind.SELF,
        framework_version=world.version,
        title=title,
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
    )


def _submit(cast: Cast, assessment: Assessment) -> Assessment:
    return services.assessment_submit(
        actor=cast.coordinator, assessment=assessment, no_personal_data_declared=True
    )


def _publish_without_review(cast: Cast, assessment: Assessment) -> Assessment:
    assessment = services.board_sign_off(actor=cast.board_signer, assessment=assessment)
    return services.assessment_publish(actor=cast.coordinator, assessment=assessment)


def _published_cycle(
    profile: Profile, cast: Cast, world: World, cycle: int, peer: User | None
) -> Assessment:
    year = world.first_year + cycle
    title = self_assessment_title(year)
    found = _find(cast.partnership, title)
    if found is not None:
        return found
    assessment = _start(cast, world, year, title)
    _fill_cycle(profile, cast, world, assessment, cycle)
    returned_once = profile.slug == "kestlebury" and cycle == 1
    _sign_off_all(cast, assessment, contributing=not returned_once)
    assessment = _submit(cast, assessment)
    if returned_once:
        assessment = services.assessment_return_to_draft(
            actor=cast.coordinator, assessment=assessment, reason=RETURN_REASON
        )
        services.organisation_sign_off(
            actor=cast.contributor, assessment=assessment, organisation=cast.contributing
        )
        assessment = _submit(cast, assessment)
    if peer is not None and cycle == CYCLES - 1:
        return _moderated_by_peer_review(profile, cast, world, assessment, peer)
    return _publish_without_review(cast, assessment)


def _moderated_by_peer_review(
    profile: Profile, cast: Cast, world: World, assessment: Assessment, peer: User
) -> Assessment:
    """Kestlebury's peer reviewer reviews this cycle; Harrowfield checks the review for factual
    accuracy; differences are moderated; then both are published."""
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    assignment = Assignment.objects.get(user=peer, kind=AssignmentKind.PEER_REVIEWER)
    partnership_services.assignment_subject_set(
        actor=admin, assignment=assignment, subject_reference=assessment.subject_reference
    )
    peer = User.objects.get(pk=peer.pk)  # fresh facts, with the new subject
    year = assessment.period_start.year
    review = services.assessment_start(
        actor=peer,
        partnership=cast.partnership,
        kind=AssessmentKind.PEER_REVIEW,
        framework_version=world.version,
        title=peer_review_title(year),
        period_start=assessment.period_start,
        period_end=assessment.period_end,
        reviews=assessment,
    )
    own = _responses(assessment)
    differences = {identifier: change for identifier, change, _, _ in PEER_DIFFERENCES}
    for identifier, response in _responses(review).items():
        self_rating = own[identifier].rating
        rating = self_rating
        if identifier in differences and self_rating is not None:
            rating = min(4, max(1, self_rating + differences[identifier]))
        label = world.labels[rating] if rating else "not rated"
        text = (
            f"We agree: {label}. Seen in the board minutes and confirmed in interviews with "
            "partners."
            if rating == self_rating
            else f"We rate this {label}. The evidence we saw points to a different level; see "
            "the moderation record."
        )
        _rate(peer, response, rating, text)
    services.evidence_add_link(
        actor=peer,
        response=_responses(review)["delivery-programme-board"],
        title="Peer review interview schedule (roles only)",
        url=f"https://example.org/kestlebury/peer-review-{profile.slug}-{period_label(year)}",
        effective_on=assessment.period_end,
    )
    review = services.assessment_submit(
        actor=peer, assessment=review, no_personal_data_declared=True
    )
    by_identifier = {c.identifier: c for c in world.criteria}
    for identifier, _change, stands, why in PEER_DIFFERENCES:
        self_rating = own[identifier].rating
        if self_rating is None:
            continue
        review_rating = min(4, max(1, self_rating + differences[identifier]))
        if review_rating == self_rating:
            continue
        services.moderation_decide(
            actor=cast.coordinator,
            assessment=assessment,
            criterion=by_identifier[identifier],
            agreed_rating=review_rating if stands == "review" else self_rating,
            reason=f"Agreed with the peer reviewer at the moderation meeting: {why}.",
        )
    assessment = services.assessment_moderate(actor=cast.coordinator, assessment=assessment)
    for body in FACTUAL_ACCURACY:
        services.factual_accuracy_comment(
            actor=cast.coordinator,
            assessment=review,
            body=body.format(period=period_label(year)),
        )
    services.assessment_publish(actor=peer, assessment=review)
    return services.assessment_publish(actor=cast.coordinator, assessment=assessment)


def _draft_cycle(profile: Profile, cast: Cast, world: World) -> Assessment:
    title = self_assessment_title(world.this_year)
    found = _find(cast.partnership, title)
    if found is not None:
        return found
    assessment = _start(cast, world, world.this_year, title)
    _fill_cycle(profile, cast, world, assessment, CYCLES, only_themes=DRAFT_CONFIRMED_THEMES)
    services.organisation_sign_off(
        actor=cast.council_signer,
        assessment=assessment,
        organisation=cast.partnership.lead_council,
    )
    return assessment


def _abandoned_cycle(cast: Cast, world: World) -> Assessment:
    """Next year's cycle, started by mistake while this year's draft is open and abandoned with
    a reason: the demo's abandoned state, kept in the list and off everyone's home page."""
    title = self_assessment_title(world.this_year + 1)
    found = _find(cast.partnership, title)
    if found is not None:
        return found
    assessment = _start(cast, world, world.this_year + 1, title)
    return services.assessment_abandon(
        actor=cast.coordinator, assessment=assessment, reason=ABANDON_REASON
    )


def _inspection(world: World) -> None:
    """This year's inspection of Kestlebury against the desirable characteristics: Kestlebury's
    self-assessment is moderated against it, and the inspection, submitted, awaits publication
    after Kestlebury's factual accuracy check."""
    kestlebury = Partnership.objects.get(name="Kestlebury Prevent Partnership")
    title = characteristics_title(world.this_year)
    if _find(kestlebury, title) is not None:
        return
    version = FrameworkVersion.objects.get(
        framework__identifier=INSPECTION_FRAMEWORK, version=INSPECTION_FRAMEWORK_VERSION
    )
    labels = _labels(version)
    coordinator = User.objects.get(email=_email("coordinator", "kestlebury"))
    inspector = User.objects.get(email=f"inspector@{DOMAIN}")
    year = world.this_year
    own = services.assessment_start(
        actor=coordinator,
        partnership=kestlebury,
        kind=AssessmentKind.SELF,
        framework_version=version,
        title=title,
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
    )
    own_ratings: dict[str, int] = {}
    for identifier, response in _responses(own).items():
        rating = 2 + _stable("kestlebury", identifier) % 2
        own_ratings[identifier] = rating
        _rate(
            coordinator,
            response,
            rating,
            f"{labels[rating]}. Judged by the board in September against the inspection's "
            "published framework.",
        )
    own = services.assessment_submit(
        actor=coordinator, assessment=own, no_personal_data_declared=True
    )
    inspection = services.assessment_start(
        actor=inspector,
        partnership=kestlebury,
        kind=AssessmentKind.INSPECTION,
        framework_version=version,
        title=inspection_title(year),
        period_start=own.period_start,
        period_end=own.period_end,
        reviews=own,
    )
    differences = {identifier: change for identifier, change, _, _ in INSPECTION_DIFFERENCES}
    for identifier, response in _responses(inspection).items():
        rating = min(4, max(1, own_ratings[identifier] + differences.get(identifier, 0)))
        _rate(
            inspector,
            response,
            rating,
            f"{labels[rating]}. From the documents provided and meetings with partners.",
        )
    inspection = services.assessment_submit(
        actor=inspector, assessment=inspection, no_personal_data_declared=True
    )
    criteria = {c.identifier: c for c in services.rated_criteria(version)}
    for identifier, change, stands, why in INSPECTION_DIFFERENCES:
        review_rating = min(4, max(1, own_ratings[identifier] + change))
        services.moderation_decide(
            actor=inspector,
            assessment=own,
            criterion=criteria[identifier],
            agreed_rating=review_rating if stands == "review" else own_ratings[identifier],
            reason=f"Agreed with the coordinator: {why}.",
        )
    services.assessment_moderate(actor=inspector, assessment=own)
    services.factual_accuracy_comment(
        actor=coordinator, assessment=inspection, body=INSPECTION_FACTUAL_ACCURACY
    )


@transaction.atomic
def demo_build() -> None:
    """Build (or find) the assessments of the fictional demo. Needs the partnerships demo and
    the frameworks demo first (LDE_DEMO_BUILDERS runs them in that order)."""
    world = _world(today())
    peer = User.objects.get(email=_email("peer.reviewer", "kestlebury"))
    for profile in PROFILES:
        cast = _cast(profile)
        for cycle in range(CYCLES):
            _published_cycle(
                profile, cast, world, cycle, peer if profile.slug == "harrowfield" else None
            )
        _draft_cycle(profile, cast, world)
        if profile.slug == "mardenvale":
            _abandoned_cycle(cast, world)
    _inspection(world)
