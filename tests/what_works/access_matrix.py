"""The library of what works' part of the access matrix (tests/access_vocabulary.py), from
permissions.md's rows "indicators, surveys, evidence" and "frameworks" (lde/what_works/policies.py).

Everyone signed in reads the published library. A partnership's local evaluation, before it is
published, is read by its coordinators, board members, contributors, viewers and live
inspectors, and edited and rated while a draft by its coordinators and by contributors whose
organisation delivers the project (the matrix's contributor belongs to the council, which
delivers the project here); the coordinator rated it, so no one in the matrix may publish it.
The library's own drafts are seen and kept by site administrators only; another site
administrator rated them, so the matrix's one publishes them. Entries are checked in each state:
local and library, draft, in review and published.
"""

from __future__ import annotations

from typing import Any

from lde.accounts.models import Organisation, User
from lde.partnerships.models import Partnership
from lde.programme.models import Project, Strand, Tier
from lde.what_works import services
from lde.what_works.models import Entry, EntryStatus
from tests.access_vocabulary import (
    CONFIRMED,
    READERS,
    CapabilityMatrix,
    Case,
    InEvery,
    expect,
    only,
    partnership_page,
)
from tests.factories import UserFactory

STATES = [
    f"{where}_{status}"
    for where in ("local", "library")
    for status in ("draft", "in_review", "published")
]
LOCAL_SEERS = [*READERS, "inspector"]
SIGNED_IN = [s for s in expect(0) if s != "anonymous"]


def seers(state: str) -> list[str]:
    if state.endswith("published"):
        return SIGNED_IN
    return LOCAL_SEERS if state.startswith("local") else ["site_administrator"]


def keepers(state: str) -> list[str]:
    if not state.endswith("_draft"):
        return []
    return ["coordinator", "contributor"] if state.startswith("local") else ["site_administrator"]


def publishers(state: str) -> list[str]:
    return ["site_administrator"] if state == "library_in_review" else []


def answers(allowed: Any, answer: int) -> InEvery:
    def table(state: str) -> dict[str, Any]:
        found = only(403, seers(state), 404)
        found.update(dict.fromkeys(allowed(state), answer))
        return found

    return InEvery("entry", table)


E = ("entry_id",)
P = "partnership_id"
CASES: dict[str, Case] = {
    "what_works:library": Case("GET", (), expect(200)),
    "what_works:entry-add": Case("GET", (), expect(403, site_administrator=200)),
    "what_works:entry-detail": Case("GET", E, answers(seers, 200)),
    "what_works:entry-edit": Case("GET", E, answers(keepers, 200)),
    "what_works:entry-rate": Case("GET", E, answers(keepers, 200)),
    "what_works:entry-submit": Case("POST", E, answers(keepers, 302)),
    "what_works:entry-publish": Case("GET", E, answers(publishers, 200)),
    "what_works:entry-return": Case("POST", E, answers(publishers, 302)),
    "what_works:local-evaluations": Case("GET", (P,), partnership_page(LOCAL_SEERS)),
    "what_works:local-evaluation-add": Case("GET", (P,), partnership_page(["coordinator"])),
}
CONFIRMATIONS: dict[str, Case] = {
    "what_works:entry-publish": Case("POST", E, answers(publishers, 302), CONFIRMED),
}

A = "/api/v1/what-works/entries"
API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", A): expect(200),
    ("POST", A): expect(403, site_administrator=201),
}
API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", f"{A}/{{entry_id}}"): answers(seers, 200),
    ("PUT", f"{A}/{{entry_id}}/rating"): answers(keepers, 200),
    ("POST", f"{A}/{{entry_id}}/submit"): answers(keepers, 200),
    ("POST", f"{A}/{{entry_id}}/publish"): answers(publishers, 200),
}
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", A): {
        "kind": "intervention",
        "title": "Matrix entry",
        "summary": "Matrix summary",
        "strands": ["resilience"],
        "setting": "community",
        "source": "Matrix source",
    },
    ("PUT", f"{A}/{{entry_id}}/rating"): {"design": "before_after"},
}

DESCRIPTION: dict[str, Any] = {
    "kind": "evaluation",
    "summary": "An evaluation in the access matrix.",
    "strands": ["challenging"],
    "setting": "education",
    "source": "Matrix source",
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    coordinator = users["coordinator"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    project = Project.objects.create(
        partnership=partnership,
        title="What works matrix project",
        delivered_by=Organisation.objects.get(pk=world["organisation_id"]),
        audiences="Pupils at two schools",
        strand=Strand.CHALLENGING,
        tier=Tier.UNIVERSAL,
    )
    rater = UserFactory(is_site_administrator=True)
    states: dict[str, dict[str, int]] = {}
    for state in STATES:
        local = state.startswith("local")
        actor = coordinator if local else rater
        entry = services.entry_add(
            actor=actor,
            partnership=partnership if local else None,
            project=project if local else None,
            title=f"Matrix {state}",
            **DESCRIPTION,
        )
        services.entry_rate(actor=actor, entry=entry, design="before_after")
        status = state.split("_", 1)[1]
        if status != "draft":
            services.entry_submit(actor=actor, entry=Entry.objects.get(pk=entry.pk))
        if status == "published":
            Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.PUBLISHED)
        states[state] = {"entry_id": entry.pk}
    return {"states": {"entry": states}}


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"entry": STATES},
)
