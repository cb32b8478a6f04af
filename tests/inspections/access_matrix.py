"""The fieldwork pages' part of the access matrix (tests/access_vocabulary.py), from
permissions.md's row "inspections, roll-ups" as lde/inspections/policies.py reads it.

The matrix's subjects, as this part casts them:

- **the programme's lead** is the peer reviewer, given the programme lead grant here (the
  learning part's programmes have a lead of their own, so its answers do not move);
- **another programme lead** is the security contact, given the grant and leading none of these;
- **the site's inspector** is the inspector, given a live assignment for each site here;
- **another inspector** is the expired inspector, whose assignment for each site has ended, and
  who holds no live one;
- **the partnership's coordinator** and **board member** read their own site;
- **another coordinator** is the other partnership's; the site administrator, the national
  analyst and anonymous see nothing.

Programmes are checked in every status, each with one site; sites in every step, each in a
programme in the field, each with a document request and a visit (made directly, so that every
page has its object in every step: the policies, not the order of the steps, decide the answer).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from lde.inspections.models import (
    DocumentRequest,
    Programme,
    ProgrammeStatus,
    RequestedDocument,
    Site,
    SiteStatus,
    Visit,
)
from lde.inspections.policies import site_reference
from lde.partnerships.models import Assignment, AssignmentKind, Partnership
from tests.access_vocabulary import CONFIRMED, CapabilityMatrix, Case, InEvery, expect, only
from tests.inspections.learning_builders import key_themes

PROGRAMME_STATES = [str(s) for s in ProgrammeStatus.values]
SITE_STATES = [str(s) for s in SiteStatus.values]
LEAD = "peer_reviewer"
OTHER_LEAD = "security_contact"
INSPECTOR = "inspector"
PARTNERSHIP = ["coordinator", "board_member"]
SEERS = [LEAD, INSPECTOR, *PARTNERSHIP]
TEAM = [LEAD, INSPECTOR]


def on_programme(answer: Any, allowed: Any = lambda state: [LEAD]) -> InEvery:
    """403 for those who see the programme, 404 for the rest, `answer` for the lead while the
    programme is not published."""

    def table(state: str) -> dict[str, Any]:
        found = only(403, SEERS, 404)
        if state != ProgrammeStatus.PUBLISHED:
            found.update(
                dict.fromkeys(allowed(state), answer(state) if callable(answer) else answer)
            )
        return found

    return InEvery("inspection_programme", table)


def on_site(answer: Any, allowed: Any, seers: list[str] = SEERS) -> InEvery:
    """403 for those who see the site (or the part of it), 404 for the rest, `answer` for
    `allowed(step)`."""

    def table(state: str) -> dict[str, Any]:
        found = only(403, seers, 404)
        found.update(dict.fromkeys(allowed(state), answer))
        return found

    return InEvery("inspection_site", table)


def inspector_in(*steps: str) -> Any:
    return lambda state: [INSPECTOR] if state in steps else []


def lead_until_published(state: str) -> list[str]:
    return [LEAD] if state != SiteStatus.PUBLISHED else []


# Moving a programme on: into the field (it has a site) and to reporting are done; to
# publication is refused while its one site's report is unpublished (400, said on the page).
ADVANCED = {
    ProgrammeStatus.DRAFT: 302,
    ProgrammeStatus.FIELDWORK: 302,
    ProgrammeStatus.REPORTING: 400,
}

P = ("programme_id",)
S = ("site_id",)
V = ("visit_id",)
N = "inspections"
CASES: dict[str, Case] = {
    f"{N}:programme-list": Case("GET", (), expect(200)),
    f"{N}:programme-create": Case("GET", (), expect(403, **{f"{LEAD}__{OTHER_LEAD}": 200})),
    f"{N}:programme-detail": Case(
        "GET", P, InEvery("inspection_programme", lambda s: only(200, SEERS, 404))
    ),
    f"{N}:programme-update": Case("GET", P, on_programme(200)),
    f"{N}:programme-advance": Case("GET", P, on_programme(200)),
    f"{N}:site-add": Case("GET", P, on_programme(200)),
    f"{N}:site-detail": Case("GET", S, InEvery("inspection_site", lambda s: only(200, SEERS, 404))),
    f"{N}:inspector-assign": Case("GET", S, on_site(200, lead_until_published)),
    f"{N}:document-request-send": Case("GET", S, on_site(200, inspector_in(SiteStatus.PLANNED))),
    f"{N}:documents-received": Case(
        "GET", S, on_site(200, inspector_in(SiteStatus.DOCUMENTS_REQUESTED, SiteStatus.VISITED))
    ),
    f"{N}:analysis-write": Case(
        "GET",
        S,
        on_site(
            200,
            inspector_in(
                SiteStatus.DOCUMENTS_REQUESTED, SiteStatus.VISITED, SiteStatus.DRAFT_REPORT
            ),
        ),
    ),
    f"{N}:visit-record": Case(
        "GET", S, on_site(200, inspector_in(SiteStatus.DOCUMENTS_REQUESTED, SiteStatus.VISITED))
    ),
    # The notes: the site's inspectors and the lead; the partnership sees the site, not them.
    f"{N}:site-notes": Case(
        "GET",
        S,
        InEvery(
            "inspection_site", lambda s: only(200, TEAM, 404, coordinator=403, board_member=403)
        ),
    ),
    f"{N}:schedule-item-add": Case(
        "GET", V, on_site(200, inspector_in(SiteStatus.VISITED, SiteStatus.DRAFT_REPORT))
    ),
    f"{N}:note-write": Case(
        "GET", V, on_site(200, inspector_in(SiteStatus.VISITED, SiteStatus.DRAFT_REPORT))
    ),
    f"{N}:report-start": Case("GET", S, on_site(200, inspector_in(SiteStatus.VISITED))),
    f"{N}:report-send": Case("GET", S, on_site(200, inspector_in(SiteStatus.DRAFT_REPORT))),
    f"{N}:report-publish": Case("GET", S, on_site(200, inspector_in(SiteStatus.FACTUAL_ACCURACY))),
}
# Posted confirmed: the matrix's sites have no inspection assessment, so sending and publishing
# are refused by the service after the policy (400); starting one reviews the partnership's
# submitted self-assessment.
CONFIRMATIONS: dict[str, Case] = {
    f"{N}:programme-advance": Case("POST", P, on_programme(lambda s: ADVANCED[s]), CONFIRMED),
    f"{N}:report-start": Case("POST", S, on_site(302, inspector_in(SiteStatus.VISITED)), CONFIRMED),
    f"{N}:report-send": Case(
        "POST", S, on_site(400, inspector_in(SiteStatus.DRAFT_REPORT)), CONFIRMED
    ),
    f"{N}:report-publish": Case(
        "POST", S, on_site(400, inspector_in(SiteStatus.FACTUAL_ACCURACY)), CONFIRMED
    ),
}


def _programme(lead: Any, status: str, title: str) -> Programme:
    today = timezone.localdate()
    return Programme.objects.create(
        title=title,
        purpose="The access matrix's fieldwork programme.",
        framework_version=key_themes(),
        lead=lead,
        status=status,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=120),
    )


def _site(programme: Programme, partnership: Partnership, status: str, users: Any) -> Site:
    """A site with its inspector's live assignment and the expired inspector's ended one."""
    site = Site.objects.create(programme=programme, partnership=partnership, status=status)
    today = timezone.localdate()
    for subject, start, end in [(INSPECTOR, -10, 10), ("expired_inspector", -30, -1)]:
        Assignment.objects.create(
            user=users[subject],
            kind=AssignmentKind.INSPECTOR,
            title=f"Inspector of {programme.title}",
            starts_on=today + timedelta(start),
            ends_on=today + timedelta(end),
            subject_reference=site_reference(site.pk),
        ).partnerships.set([partnership])
    return site


def build(world: dict[str, Any]) -> dict[str, Any]:
    users = world["users"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    for subject in (LEAD, OTHER_LEAD):
        users[subject].is_programme_lead = True
        users[subject].save(update_fields=["is_programme_lead"])
    lead = users[LEAD]
    programmes: dict[str, dict[str, int]] = {}
    for status in PROGRAMME_STATES:
        programme = _programme(lead, status, f"Matrix fieldwork {status}")
        _site(programme, partnership, SiteStatus.PLANNED, users)
        programmes[status] = {"programme_id": programme.pk}
    sites: dict[str, dict[str, int]] = {}
    for step in SITE_STATES:
        programme = _programme(lead, ProgrammeStatus.FIELDWORK, f"Matrix site {step}")
        site = _site(programme, partnership, step, users)
        request = DocumentRequest.objects.create(
            site=site, due_on=date.today() + timedelta(days=14), sent_by=users[INSPECTOR]
        )
        RequestedDocument.objects.create(request=request, description="Board minutes")
        visit = Visit.objects.create(site=site, visited_on=date.today())
        sites[step] = {"site_id": site.pk, "visit_id": visit.pk}
    return {"states": {"inspection_programme": programmes, "inspection_site": sites}}


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    states={"inspection_programme": PROGRAMME_STATES, "inspection_site": SITE_STATES},
)
