"""The fieldwork API's part of the access matrix (tests/access_vocabulary.py), from
permissions.md's row "inspections, roll-ups" as lde/inspections/policies.py reads it: every
operation of lde/inspections/api.py, for every subject, with programmes in every status and sites
in every step.

The matrix's subjects are cast as the fieldwork pages' part casts them
(tests/inspections/access_matrix.py), so that the two parts agree on who is who:

- **the programme's lead** is the peer reviewer, given the programme lead grant here;
- **another programme lead** is the security contact, given the grant and leading none of these
  (it may plan a programme of its own, and sees nothing of these);
- **the site's inspector** is the inspector, given a live assignment for each site;
- **another inspector** is the expired inspector, whose assignment for each site has ended;
- **the partnership's coordinator** and **board member** read their own site, its document
  request and its visits, never the analysis or the notes (403: they see the site);
- **another coordinator** is the other partnership's; the site administrator, the national
  analyst and a request without a token (401) see nothing.

Unlike the pages' part, each site holds only what its step implies (a document request once
asked for, a visit once visited, the inspection assessment once the report is started, the
partnership's factual-accuracy comment once checked), so that each write allowed goes through
its service to the end: the answers are those a client gets, not only the policy's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lde.accounts.models import User
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.assessments.services import (
    assessment_publish,
    assessment_start,
    assessment_submit,
    factual_accuracy_comment,
)
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
from tests.access_vocabulary import CapabilityMatrix, InEvery, expect, only
from tests.inspections.learning_builders import key_themes

PROGRAMME_STATES = [str(s) for s in ProgrammeStatus.values]
SITE_STATES = [str(s) for s in SiteStatus.values]
PROGRAMMES = "inspection_api_programme"
SITES = "inspection_api_site"
LEAD = "peer_reviewer"
OTHER_LEAD = "security_contact"
INSPECTOR = "inspector"
PARTNERSHIP = ["coordinator", "board_member"]
SEERS = [LEAD, INSPECTOR, *PARTNERSHIP]
TEAM = [LEAD, INSPECTOR]
THEME = "q1-what-set-out-to-deliver"
# A visit that does not exist: a site not yet visited has none to add to.
NO_VISIT = 9_000_000_000
ASSIGNABLE = "matrix-api-inspector@example.test"


def read_programme(answer: int) -> InEvery:
    return InEvery(PROGRAMMES, lambda state: only(answer, SEERS, 404))


# Moving a programme on: into the field (it has a site) and to reporting are done; to
# publication is refused while its one site's report is unpublished (400, naming the status).
ADVANCED = {
    ProgrammeStatus.DRAFT: 200,
    ProgrammeStatus.FIELDWORK: 200,
    ProgrammeStatus.REPORTING: 400,
}


def lead_changes(answer: Any) -> InEvery:
    """403 for those who see the programme, 404 for the rest, `answer` for its lead until it is
    published."""

    def table(state: str) -> dict[str, Any]:
        found = only(403, SEERS, 404)
        if state != ProgrammeStatus.PUBLISHED:
            found[LEAD] = answer(state) if callable(answer) else answer
        return found

    return InEvery(PROGRAMMES, table)


def read_site(answer: int, readers: list[str] = SEERS) -> InEvery:
    """`answer` for `readers`, 403 for the rest of those who see the site, 404 for others."""

    def table(state: str) -> dict[str, Any]:
        found = only(403, SEERS, 404)
        found.update(dict.fromkeys(readers, answer))
        return found

    return InEvery(SITES, table)


def on_site(
    answer: int, *steps: str, who: str = INSPECTOR, absent_in: tuple[str, ...] = ()
) -> InEvery:
    """403 for those who see the site, 404 for the rest, `answer` for `who` in `steps`; in the
    steps of `absent_in` the object written to does not exist yet, so 404 for everyone."""

    def table(state: str) -> dict[str, Any]:
        if state in absent_in:
            return expect(404)
        found = only(403, SEERS, 404)
        if state in steps:
            found[who] = answer
        return found

    return InEvery(SITES, table)


NOT_PUBLISHED = tuple(s for s in SITE_STATES if s != SiteStatus.PUBLISHED)
DOCUMENTS = (SiteStatus.DOCUMENTS_REQUESTED, SiteStatus.VISITED)
ANALYSED = (SiteStatus.DOCUMENTS_REQUESTED, SiteStatus.VISITED, SiteStatus.DRAFT_REPORT)
AT_VISIT = (SiteStatus.VISITED, SiteStatus.DRAFT_REPORT)
NOT_VISITED = (SiteStatus.PLANNED, SiteStatus.DOCUMENTS_REQUESTED)

A = "/api/v1/inspections"
P = f"{A}/programmes/{{programme_id}}"
S = f"{A}/sites/{{site_id}}"
V = f"{A}/visits/{{visit_id}}"
API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", f"{A}/programmes"): expect(200),
    ("POST", f"{A}/programmes"): expect(403, **{f"{LEAD}__{OTHER_LEAD}": 201}),
}
API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", P): read_programme(200),
    ("PUT", P): lead_changes(200),
    ("POST", f"{P}/advance"): lead_changes(lambda state: ADVANCED[state]),
    ("GET", f"{P}/sites"): read_programme(200),
    ("POST", f"{P}/sites"): lead_changes(201),
    ("GET", S): read_site(200),
    ("POST", f"{S}/inspectors"): on_site(201, *NOT_PUBLISHED, who=LEAD),
    ("GET", f"{S}/document-request"): read_site(200),
    ("POST", f"{S}/document-request"): on_site(201, SiteStatus.PLANNED),
    ("POST", f"{S}/documents/{{document_id}}/received"): on_site(
        200, *DOCUMENTS, absent_in=(SiteStatus.PLANNED,)
    ),
    ("GET", f"{S}/analyses"): read_site(200, TEAM),
    ("PUT", f"{S}/analyses/{{theme}}"): on_site(200, *ANALYSED),
    ("GET", f"{S}/visits"): read_site(200),
    ("POST", f"{S}/visits"): on_site(201, *DOCUMENTS),
    ("POST", f"{V}/schedule"): on_site(201, *AT_VISIT, absent_in=NOT_VISITED),
    ("GET", f"{S}/notes"): read_site(200, TEAM),
    ("POST", f"{V}/notes"): on_site(201, *AT_VISIT, absent_in=NOT_VISITED),
    ("POST", f"{S}/report/start"): on_site(200, SiteStatus.VISITED),
    ("POST", f"{S}/report/send-for-check"): on_site(200, SiteStatus.DRAFT_REPORT),
    ("POST", f"{S}/report/publish"): on_site(200, SiteStatus.FACTUAL_ACCURACY),
}
_today = timezone.localdate()
_dates = {
    "starts_on": _today.isoformat(),
    "ends_on": (_today + timedelta(days=90)).isoformat(),
}
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{A}/programmes"): {"title": "Matrix plan", "purpose": "Why.", **_dates},
    ("PUT", P): {"title": "Matrix plan, renamed", "purpose": "Why.", **_dates},
    ("POST", f"{P}/sites"): {"partnership_id": "{other_partnership_id}"},
    ("POST", f"{S}/inspectors"): {"email": ASSIGNABLE},
    ("POST", f"{S}/document-request"): {
        "items": ["Board minutes"],
        "due_on": (_today + timedelta(days=14)).isoformat(),
    },
    ("POST", f"{S}/documents/{{document_id}}/received"): {"received": True},
    ("PUT", f"{S}/analyses/{{theme}}"): {"text": "The plan is clear."},
    ("POST", f"{S}/visits"): {"visited_on": _today.isoformat()},
    ("POST", f"{V}/schedule"): {
        "starts_at": "09:30",
        "kind": "focus_group",
        "roles_met": "Youth workers",
    },
    ("POST", f"{V}/notes"): {
        "kind": "focus_group",
        "roles_present": "Youth workers",
        "text": "Referral pathways are understood.",
        "themes": ["q1-local-plans"],
    },
    ("POST", f"{S}/report/send-for-check"): {"no_personal_data_declared": True},
}


def _programme(lead: User, status: str, title: str) -> Programme:
    return Programme.objects.create(
        title=title,
        purpose="The access matrix's fieldwork programme, through the API.",
        framework_version=key_themes(),
        lead=lead,
        status=status,
        starts_on=_today - timedelta(days=30),
        ends_on=_today + timedelta(days=120),
    )


def _site(programme: Programme, partnership: Partnership, status: str, users: Any) -> Site:
    """A site with its inspector's live assignment and the expired inspector's ended one."""
    site = Site.objects.create(programme=programme, partnership=partnership, status=status)
    for subject, start, end in [(INSPECTOR, -10, 10), ("expired_inspector", -30, -1)]:
        Assignment.objects.create(
            user=users[subject],
            kind=AssignmentKind.INSPECTOR,
            title=f"Inspector of {programme.title}",
            starts_on=_today + timedelta(start),
            ends_on=_today + timedelta(end),
            subject_reference=site_reference(site.pk),
        ).partnerships.set([partnership])
    return site


def _report(site: Site, step: str, coordinator: User) -> None:
    """The site's inspection assessment, as far as its step: drafted, submitted and checked by
    the coordinator, or published."""
    reviewed = (
        Assessment.objects.filter(
            partnership_id=site.partnership_id,
            kind=AssessmentKind.SELF,
            status=AssessmentStatus.SUBMITTED,
        )
        .order_by("-period_end", "-created_at")
        .first()
    )
    assert reviewed is not None, "the matrix's partnership has a submitted self-assessment"
    report = assessment_start(
        actor=None,
        partnership=reviewed.partnership,
        kind=AssessmentKind.INSPECTION,
        framework_version=reviewed.framework_version,
        title=f"Inspection, {step}",
        period_start=reviewed.period_start,
        period_end=reviewed.period_end,
        reviews=reviewed,
    )
    if step != SiteStatus.DRAFT_REPORT:
        report = assessment_submit(actor=None, assessment=report, no_personal_data_declared=True)
        factual_accuracy_comment(actor=coordinator, assessment=report, body="Checked.")
    if step == SiteStatus.PUBLISHED:
        assessment_publish(actor=None, assessment=report)
    Site.objects.filter(pk=site.pk).update(assessment=report)


def build(world: dict[str, Any]) -> dict[str, Any]:
    users = world["users"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    for subject in (LEAD, OTHER_LEAD):
        users[subject].is_programme_lead = True
        users[subject].save(update_fields=["is_programme_lead"])
    User.objects.create(email=ASSIGNABLE, full_name="Matrix Assignable Inspector")
    lead = users[LEAD]
    programmes: dict[str, dict[str, int]] = {}
    for status in PROGRAMME_STATES:
        programme = _programme(lead, status, f"Matrix API programme {status}")
        _site(programme, partnership, SiteStatus.PLANNED, users)
        programmes[status] = {"programme_id": programme.pk}
    sites: dict[str, dict[str, Any]] = {}
    order = SITE_STATES
    for step in order:
        programme = _programme(lead, ProgrammeStatus.FIELDWORK, f"Matrix API site {step}")
        site = _site(programme, partnership, step, users)
        reached = order.index(step)
        sites[step] = {"site_id": site.pk, "theme": THEME, "visit_id": NO_VISIT}
        if reached >= order.index(SiteStatus.DOCUMENTS_REQUESTED):
            request = DocumentRequest.objects.create(
                site=site, due_on=_today + timedelta(days=14), sent_by=users[INSPECTOR]
            )
            document = RequestedDocument.objects.create(request=request, description="Minutes")
            sites[step]["document_id"] = document.pk
        if reached >= order.index(SiteStatus.VISITED):
            sites[step]["visit_id"] = Visit.objects.create(site=site, visited_on=_today).pk
        if reached >= order.index(SiteStatus.DRAFT_REPORT):
            _report(site, step, users["coordinator"])
    # The planned site has no request: its path names another site's document, which is not
    # this site's (404 for everyone).
    sites[SiteStatus.PLANNED]["document_id"] = sites[SiteStatus.DOCUMENTS_REQUESTED]["document_id"]
    return {"states": {PROGRAMMES: programmes, SITES: sites}}


MATRIX = CapabilityMatrix(
    build=build,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={PROGRAMMES: PROGRAMME_STATES, SITES: SITE_STATES},
)
