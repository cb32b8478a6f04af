"""The cross-site learning's part of the access matrix (tests/access_vocabulary.py), from
permissions.md's row "inspections, roll-ups" as lde/inspections/learning_policies.py reads it.

The matrix's inspector, assigned to its partnership, is on the team of a programme that visits
that partnership; its peer reviewer sits on the programme's advisory group; the programme's lead
is none of the subjects (so no subject names advisers or sends a case study). The coordinator
gives the site's feedback once the programme has begun; the board member and the inspector read
it. While a programme runs its learning is read by its team and advisory group; once published,
by everyone signed in. Programmes are checked in every status, case studies in every state.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lde.inspections import learning_services as services
from lde.inspections.models import Programme, ProgrammeStatus, Site
from lde.inspections.models_learning import AdvisoryMember, CaseStudy
from lde.partnerships.models import Partnership
from tests.access_vocabulary import CONFIRMED, CapabilityMatrix, Case, InEvery, expect, only
from tests.factories import UserFactory
from tests.inspections.learning_builders import THEME, key_themes

PROGRAMME_STATES = [str(s) for s in ProgrammeStatus.values]
CASE_STUDY_STATES = ["draft", "sent", "in_library"]
SIGNED_IN = [s for s in expect(0) if s != "anonymous"]
TEAM = ["inspector"]
ADVISER = ["peer_reviewer"]


def seers(state: str) -> list[str]:
    return SIGNED_IN if state == ProgrammeStatus.PUBLISHED else [*TEAM, *ADVISER]


def is_open(state: str) -> bool:
    return state != ProgrammeStatus.PUBLISHED


def on_programme(allowed: Any, answer: Any) -> InEvery:
    """403 for those who read the programme's learning, 404 for the rest, and `answer` for
    `allowed(state)`."""

    def table(state: str) -> dict[str, Any]:
        found = only(403, seers(state), 404)
        found.update(dict.fromkeys(allowed(state), answer))
        return found

    return InEvery("programme", table)


def reading(answer: Any) -> InEvery:
    return InEvery("programme", lambda state: only(answer, seers(state), 404))


def writers(state: str) -> list[str]:
    return TEAM if is_open(state) else []


def commenters(state: str) -> list[str]:
    return ADVISER if is_open(state) else []


def nobody(state: str) -> list[str]:
    return []


FEEDBACK_SEERS = ["coordinator", "board_member", "inspector"]


def feedback(answer: Any) -> InEvery:
    def table(state: str) -> dict[str, Any]:
        found = only(403, FEEDBACK_SEERS, 404)
        if state != ProgrammeStatus.DRAFT:
            found["coordinator"] = answer
        return found

    return InEvery("programme", table)


def case_study_seers(state: str) -> list[str]:
    return [*TEAM, *ADVISER] + (["site_administrator"] if state != "draft" else [])


def on_case_study(allowed: Any, answer: Any) -> InEvery:
    def table(state: str) -> dict[str, Any]:
        found = only(403, case_study_seers(state), 404)
        found.update(dict.fromkeys(allowed(state), answer))
        return found

    return InEvery("case_study", table)


def takers(state: str) -> list[str]:
    return ["site_administrator"] if state == "sent" else []


P = ("programme_id",)
C = ("case_study_id",)
N = "inspections_learning"
CASES: dict[str, Case] = {
    f"{N}:learning": Case("GET", P, reading(200)),
    f"{N}:report-pdf": Case("GET", P, reading(200)),
    f"{N}:finding-add": Case("GET", P, on_programme(writers, 200)),
    f"{N}:key-learning-add": Case("GET", P, on_programme(writers, 200)),
    f"{N}:case-study-add": Case("GET", P, on_programme(writers, 200)),
    f"{N}:advisory-member-add": Case("GET", P, on_programme(nobody, 200)),
    f"{N}:advisory-comment-add": Case("GET", P, on_programme(commenters, 200)),
    f"{N}:site-feedback": Case("GET", ("site_id",), feedback(200)),
    f"{N}:case-studies-sent": Case("GET", (), only(200, ["site_administrator"], 404)),
    f"{N}:case-study-detail": Case(
        "GET", C, InEvery("case_study", lambda s: only(200, case_study_seers(s), 404))
    ),
    f"{N}:case-study-send": Case("GET", C, on_case_study(nobody, 200)),
    f"{N}:case-study-take": Case("GET", C, on_case_study(takers, 200)),
}
CONFIRMATIONS: dict[str, Case] = {
    f"{N}:case-study-send": Case("POST", C, on_case_study(nobody, 302), CONFIRMED),
    f"{N}:case-study-take": Case("POST", C, on_case_study(takers, 302), CONFIRMED),
}

A = "/api/v1/inspections"
PA = f"{A}/programmes/{{programme_id}}"
API_CASES: dict[tuple[str, str], dict[str, Any]] = {}
API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", f"{PA}/learning"): reading(200),
    ("POST", f"{PA}/findings"): on_programme(writers, 201),
    ("POST", f"{PA}/key-learning"): on_programme(writers, 201),
    ("POST", f"{PA}/case-studies"): on_programme(writers, 201),
    ("POST", f"{PA}/advisory-members"): on_programme(nobody, 201),
    ("POST", f"{PA}/advisory-comments"): on_programme(commenters, 201),
    ("PUT", f"{A}/sites/{{site_id}}/feedback"): feedback(200),
    ("POST", f"{A}/case-studies/{{case_study_id}}/send"): on_case_study(nobody, 200),
}
CASE_STUDY = {
    "title": "Matrix case study",
    "theme": THEME,
    "summary": "A forum with community organisations.",
    "what_was_done": "Monthly meetings.",
    "outcome": "Concerns were heard earlier.",
    "strand": "resilience",
    "setting": "community",
}
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{PA}/findings"): {
        "theme": THEME,
        "kind": "works",
        "text": "A matrix finding.",
        "site_ids": ["{site_id}"],
    },
    ("POST", f"{PA}/key-learning"): {"text": "Matrix key learning."},
    ("POST", f"{PA}/case-studies"): {**CASE_STUDY, "site_id": "{site_id}"},
    ("POST", f"{PA}/advisory-members"): {"email": "matrix-adviser@example.test"},
    ("POST", f"{PA}/advisory-comments"): {"text": "A matrix comment."},
    ("PUT", f"{A}/sites/{{site_id}}/feedback"): {"useful": 4},
}


def _programme(status: str, partnership: Partnership, lead: Any, adviser: Any) -> Programme:
    programme = Programme.objects.create(
        title=f"Matrix programme {status}",
        purpose="The access matrix's programme.",
        framework_version=key_themes(),
        lead=lead,
        status=status,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    Site.objects.create(programme=programme, partnership=partnership)
    AdvisoryMember.objects.create(programme=programme, user=adviser, named_by=lead)
    return programme


def build(world: dict[str, Any]) -> dict[str, Any]:
    users = world["users"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    lead = UserFactory(is_programme_lead=True)
    UserFactory(email="matrix-adviser@example.test")
    keeper = UserFactory(is_site_administrator=True)
    programmes: dict[str, dict[str, int]] = {}
    for status in PROGRAMME_STATES:
        programme = _programme(status, partnership, lead, users["peer_reviewer"])
        site = programme.sites.get()
        programmes[status] = {"programme_id": programme.pk, "site_id": site.pk}
    running = _programme("fieldwork", partnership, lead, users["peer_reviewer"])
    case_studies: dict[str, dict[str, int]] = {}
    for state in CASE_STUDY_STATES:
        case_study = services.case_study_add(
            actor=lead,
            programme=running,
            site=running.sites.get(),
            **(CASE_STUDY | {"title": f"Matrix case study {state}"}),
        )
        if state != "draft":
            services.case_study_send(actor=lead, case_study=case_study)
        if state == "in_library":
            services.case_study_take(
                actor=keeper, case_study=CaseStudy.objects.get(pk=case_study.pk)
            )
        case_studies[state] = {"case_study_id": case_study.pk}
    return {"states": {"programme": programmes, "case_study": case_studies}}


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"programme": PROGRAMME_STATES, "case_study": CASE_STUDY_STATES},
)
