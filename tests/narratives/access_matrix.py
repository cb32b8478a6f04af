"""The local narrative's part of the access matrix (tests/access_vocabulary.py).

`permissions.md`, "narrative (draft)": coordinators read, write and approve; board members read
and approve; contributors, viewers and live inspectors read; community reviewers read a version
shared for consultation and comment on it. "Narrative public summary": everyone, signed in or
not, once published. Sign-off is by a coordinator or board member of a partner organisation the
coordinator named (the world's council); the rest is settled in ADR 0012.

Every page and operation on a version is checked with a version in each state: a draft, one
shared for consultation, one approved but not published, one approved and published, and one
superseded (published before it was).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lde.narratives.models import (
    MainstreamPlan,
    NarrativeVersion,
    PlanKind,
    Section,
    Signatory,
    VersionStatus,
)
from lde.narratives.sections import GUIDES
from tests.access_vocabulary import (
    CONFIRMED,
    MEMBERS,
    PUBLIC,
    READERS,
    SUBJECTS,
    CapabilityMatrix,
    Case,
    InEvery,
    only,
    partnership_page,
    seen_by,
)

STATES = ["draft", "shared", "approved", "published", "superseded"]
SIGNERS = ["coordinator", "board_member"]


def seers(state: str) -> list[str]:
    readers = [*READERS, "inspector"]
    return [*readers, "community_reviewer"] if state == "shared" else readers


def commenters(state: str) -> list[str]:
    if state == "draft":
        return list(READERS)
    if state == "shared":
        return [*READERS, "community_reviewer"]
    return []


def on_version(allowed: dict[str, list[str]], answer: Any) -> InEvery:
    """`answer` for the subjects allowed in each state, 403 for the rest who see the version,
    404 for everyone else."""
    return InEvery(
        "narrative",
        lambda state: seen_by(seers(state), dict.fromkeys(allowed.get(state, []), answer)),
    )


def coordinator_when(*states: str) -> dict[str, list[str]]:
    return {state: ["coordinator"] for state in states}


def published(state: str) -> bool:
    return state in ("published", "superseded")


def public(state: str) -> dict[str, Any]:
    return dict(PUBLIC) if published(state) else dict.fromkeys(SUBJECTS, 404)


def compared(state: str) -> dict[str, Any]:
    # The other version is the superseded one (the published one, for the superseded): read by
    # the partnership's readers, never by a community reviewer.
    return only(200, [*READERS, "inspector"], 404)


def publishing(state: str) -> dict[str, Any]:
    answer = {"approved": 200, "published": 409, "superseded": 409}.get(state, 400)
    return seen_by(seers(state), {"coordinator": answer})


V = "/api/v1/narratives/{version_id}"

CASES: dict[str, Case] = {
    "narratives:narrative-home": Case(
        "GET", ("partnership_id",), partnership_page([*MEMBERS, "inspector"])
    ),
    "narratives:version-start": Case("GET", ("partnership_id",), partnership_page(["coordinator"])),
    "narratives:version-detail": Case(
        "GET", ("version_id",), InEvery("narrative", lambda s: only(200, seers(s), 404))
    ),
    "narratives:version-update": Case(
        "GET", ("version_id",), on_version(coordinator_when("draft"), 200)
    ),
    "narratives:section-update": Case(
        "GET", ("version_id", "key"), on_version(coordinator_when("draft"), 200)
    ),
    "narratives:plan-add": Case("GET", ("version_id",), on_version(coordinator_when("draft"), 200)),
    "narratives:plan-remove": Case(
        "POST", ("version_id", "plan_id"), on_version(coordinator_when("draft"), 302)
    ),
    "narratives:version-share": Case(
        "GET", ("version_id",), on_version(coordinator_when("draft"), 200)
    ),
    "narratives:version-return": Case(
        "GET", ("version_id",), on_version(coordinator_when("shared"), 200)
    ),
    "narratives:version-sign": Case("GET", ("version_id",), on_version({"shared": SIGNERS}, 200)),
    "narratives:version-publish": Case(
        "GET", ("version_id",), on_version(coordinator_when("approved"), 200)
    ),
    "narratives:comment-add": Case(
        "GET",
        ("version_id",),
        InEvery("narrative", lambda s: seen_by(seers(s), dict.fromkeys(commenters(s), 200))),
    ),
    "narratives:version-compare": Case(
        "GET", ("version_id", "other_id"), InEvery("narrative", compared)
    ),
    "narratives:public-summary": Case("GET", ("version_id",), InEvery("narrative", public)),
    "narratives:public-latest": Case("GET", ("partnership_id",), dict(PUBLIC)),
}

CONFIRMATIONS: dict[str, Case] = {
    "narratives:version-share": Case(
        "POST", ("version_id",), on_version(coordinator_when("draft"), 302), CONFIRMED
    ),
    # The reason is asked on the confirmation page itself: posted without it, refused (400).
    "narratives:version-return": Case(
        "POST", ("version_id",), on_version(coordinator_when("shared"), 400), CONFIRMED
    ),
    "narratives:version-sign": Case(
        "POST", ("version_id",), on_version({"shared": SIGNERS}, 302), CONFIRMED
    ),
    "narratives:version-publish": Case(
        "POST", ("version_id",), on_version(coordinator_when("approved"), 302), CONFIRMED
    ),
}

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/v1/narratives/partnership/{partnership_id}"): partnership_page(
        [*MEMBERS, "inspector"]
    ),
    # A draft is already open in the world: the coordinator is told so (409).
    ("POST", "/api/v1/narratives/partnership/{partnership_id}"): {
        **partnership_page([]),
        "coordinator": 409,
    },
}

API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", V): InEvery("narrative", lambda s: only(200, seers(s), 404)),
    ("PUT", f"{V}/sections/{{key}}"): on_version(coordinator_when("draft"), 200),
    ("POST", f"{V}/share"): on_version(coordinator_when("draft"), 200),
    ("POST", f"{V}/comments"): InEvery(
        "narrative", lambda s: seen_by(seers(s), dict.fromkeys(commenters(s), 201))
    ),
    ("POST", f"{V}/sign"): on_version({"shared": SIGNERS}, 200),
    ("POST", f"{V}/publish"): InEvery("narrative", publishing),
    ("GET", f"{V}/compare/{{other_id}}"): InEvery("narrative", compared),
    ("GET", "/api/v1/narratives/public/{version_id}"): InEvery(
        "narrative",
        lambda s: {**dict.fromkeys(SUBJECTS, 200 if published(s) else 404)},
    ),
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PUT", f"{V}/sections/{{key}}"): {"text": "The vision of success, written again."},
    ("POST", f"{V}/comments"): {"text": "Say more about the college."},
}


def _version(
    partnership_id: int, number: int, status: str, council_id: int, signer: Any, **extra: Any
) -> Any:
    now = timezone.now()
    signed = status in (VersionStatus.APPROVED, VersionStatus.SUPERSEDED)
    version = NarrativeVersion.objects.create(
        partnership_id=partnership_id,
        number=number,
        status=status,
        review_on=timezone.localdate() + timedelta(days=200),
        public_summary="What the partnership does to prevent violent extremism, and why.",
        approved_at=now if signed else None,
        **extra,
    )
    Section.objects.bulk_create(
        Section(version=version, key=g.key, text=f"{g.label}: the matrix's words.") for g in GUIDES
    )
    plan = MainstreamPlan.objects.create(
        version=version,
        kind=PlanKind.COMMUNITY_SAFETY,
        name="Community safety plan",
        organisation_id=council_id,
        how_carried="A priority.",
    )
    Signatory.objects.create(
        version=version,
        organisation_id=council_id,
        signed_at=now if signed else None,
        signed_by=signer if signed else None,
    )
    return version, plan


def build(world: dict[str, Any]) -> dict[str, Any]:
    users = world["users"]
    partnership_id, council_id = world["partnership_id"], world["organisation_id"]
    now = timezone.now()
    made: dict[str, tuple[Any, Any]] = {}
    for number, state in enumerate(["superseded", "published", "approved", "shared", "draft"], 1):
        status = VersionStatus.APPROVED if state == "published" else state
        publication = (
            {"published_at": now, "published_by": users["coordinator"]} if published(state) else {}
        )
        made[state] = _version(
            partnership_id, number, status, council_id, users["coordinator"], **publication
        )
    oldest = made["superseded"][0]
    return {
        "states": {
            "narrative": {
                state: {
                    "version_id": version.pk,
                    "plan_id": plan.pk,
                    "key": "vision",
                    "other_id": (made["published"][0] if version == oldest else oldest).pk,
                }
                for state, (version, plan) in made.items()
            }
        }
    }


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"narrative": STATES},
)
