"""Property test of the inspections app's policies over generated worlds: programme_policy,
site_policy, document_request_policy, pre_visit_analysis_policy, visit_policy and
interview_note_policy.

Each example builds people (some programme leads, a national analyst, a site administrator),
partnerships with coordinators, board members and viewers, programmes led by some of the people
in every status, sites in every status, and inspector assignments for sites (live, ended, not yet
started, and one for the partnership but no site). For every (user, object, action) it checks
three answers agree: the database filter (`visible_to`), the Python answer (`user_can`) and a
reference written here from permissions.md ("inspector"; "inspections, roll-ups"):

- a programme: its lead (holding the grant) reads it and, until published, edits it, adds sites
  and moves it on; the live inspectors of its sites and the coordinators and board members of its
  sites' partnerships read it;
- a site: its lead, its live inspectors, and its partnership's coordinators and board members
  read it; the lead assigns inspectors until it is published; its live inspectors do each piece of
  fieldwork in the statuses that allow it;
- a document request and a visit: read as the site; the pre-visit analysis and the interview
  notes: the lead and the site's live inspectors only; the inspectors change them in the
  statuses that allow it.

Nobody else: not national analysts, not site administrators, not viewers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.frameworks.models import Framework, FrameworkVersion
from lde.inspections.models import (
    DocumentRequest,
    InterviewNote,
    PreVisitAnalysis,
    Programme,
    ProgrammeStatus,
    Site,
    SiteStatus,
    Visit,
)
from lde.inspections.policies import (
    SITE_WORK,
    document_request_policy,
    interview_note_policy,
    pre_visit_analysis_policy,
    programme_policy,
    site_policy,
    site_reference,
    visit_policy,
)
from lde.partnerships.models import Assignment, AssignmentKind, Membership, Role
from tests.factories import PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [Role.COORDINATOR, Role.BOARD_MEMBER, Role.VIEWER, Role.CONTRIBUTOR]
READERS = {Role.COORDINATOR, Role.BOARD_MEMBER}
# An assignment's days from today: live, ended, not yet started.
WHEN = {"live": (-2, 5), "ended": (-10, -1), "later": (2, 9)}


@dataclass(frozen=True)
class World:
    users: int
    leads: frozenset[int]
    analyst: int
    administrator: int
    partnerships: int
    memberships: tuple[tuple[int, int, str], ...]
    programmes: tuple[tuple[int, str], ...]  # lead, status
    sites: tuple[tuple[int, int, str], ...]  # programme, partnership, status
    assignments: tuple[tuple[int, int, str], ...]  # user, site (-1: none), when


@st.composite
def worlds(draw: Any) -> World:
    users = draw(st.integers(3, 6))
    partnerships = draw(st.integers(1, 3))
    person = st.integers(0, users - 1)
    programmes = tuple(
        draw(
            st.lists(
                st.tuples(person, st.sampled_from(ProgrammeStatus.values)), min_size=1, max_size=3
            )
        )
    )
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, len(programmes) - 1), st.integers(0, partnerships - 1)),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    sites = tuple((p, q, draw(st.sampled_from(SiteStatus.values))) for p, q in pairs)
    return World(
        users=users,
        leads=frozenset(draw(st.sets(person))),
        analyst=draw(person),
        administrator=draw(person),
        partnerships=partnerships,
        memberships=tuple(
            draw(
                st.lists(
                    st.tuples(person, st.integers(0, partnerships - 1), st.sampled_from(ROLES)),
                    max_size=6,
                    unique_by=lambda m: (m[0], m[1]),
                )
            )
        ),
        programmes=programmes,
        sites=sites,
        assignments=tuple(
            draw(
                st.lists(
                    st.tuples(
                        person, st.integers(-1, len(sites) - 1), st.sampled_from(sorted(WHEN))
                    ),
                    max_size=5,
                )
            )
        ),
    )


def _inspects(w: World, u: int, s: int) -> bool:
    return any(a == (u, s, "live") for a in w.assignments)


def _reads_partnership(w: World, u: int, q: int) -> bool:
    return any(m[0] == u and m[1] == q and m[2] in READERS for m in w.memberships)


def _leads(w: World, u: int, p: int) -> bool:
    return u in w.leads and w.programmes[p][0] == u


def _site_reads(w: World, u: int, s: int) -> bool:
    p, q, _status = w.sites[s]
    return _inspects(w, u, s) or _leads(w, u, p) or _reads_partnership(w, u, q)


def programme_reference(w: World, u: int, action: str, p: int) -> bool:
    if action == "view":
        return _leads(w, u, p) or any(
            _inspects(w, u, s) or _reads_partnership(w, u, q)
            for s, (pp, q, _st) in enumerate(w.sites)
            if pp == p
        )
    return _leads(w, u, p) and w.programmes[p][1] != ProgrammeStatus.PUBLISHED


def site_reference_answer(w: World, u: int, action: str, s: int) -> bool:
    p, _q, status = w.sites[s]
    if action == "view":
        return _site_reads(w, u, s)
    if action == "read_working_papers":
        return _inspects(w, u, s) or _leads(w, u, p)
    if action == "assign_inspector":
        return _leads(w, u, p) and status != SiteStatus.PUBLISHED
    return _inspects(w, u, s) and status in SITE_WORK[action]


def part_reference(
    w: World, u: int, action: str, s: int, partnership_reads: bool, writable: tuple[str, ...]
) -> bool:
    p, q, status = w.sites[s]
    if action == "view":
        return (
            _inspects(w, u, s)
            or _leads(w, u, p)
            or (partnership_reads and _reads_partnership(w, u, q))
        )
    return _inspects(w, u, s) and status in writable


def _agree(policy: Any, action: str, user: Any, objects: list[Any], expected: list[bool]) -> None:
    visible = set(policy.visible_to(user, action).values_list("pk", flat=True))
    allowed = {o.pk for o in objects if policy.user_can(user, action, o)}
    assert visible == allowed, (policy, action, user)
    wanted = {o.pk for o, want in zip(objects, expected, strict=True) if want}
    assert allowed == wanted, (policy, action, user)


def _build(w: World) -> tuple[list[Any], list[Programme], list[Site], dict[str, list[Any]]]:
    today = timezone.localdate()
    framework = Framework.objects.create(identifier="lde-key-themes", title="Key themes")
    version = FrameworkVersion.objects.create(
        framework=framework,
        version="2008",
        title="Key themes",
        status="historical",
        summary="s",
        source_document="d",
        provenance="p",
        source_text="t",
        content_hash="h",
        file_name="f.yaml",
    )
    users = [
        UserFactory(
            is_programme_lead=i in w.leads,
            is_national_analyst=i == w.analyst,
            is_site_administrator=i == w.administrator,
        )
        for i in range(w.users)
    ]
    partnerships = [PartnershipFactory() for _ in range(w.partnerships)]
    for u, q, role in w.memberships:
        Membership.objects.create(user=users[u], partnership=partnerships[q], role=role)
    programmes = [
        Programme.objects.create(
            title=f"Programme {i}",
            purpose="p",
            framework_version=version,
            lead=users[lead],
            status=status,
            starts_on=today,
            ends_on=today,
        )
        for i, (lead, status) in enumerate(w.programmes)
    ]
    sites = [
        Site.objects.create(programme=programmes[p], partnership=partnerships[q], status=status)
        for p, q, status in w.sites
    ]
    for u, s, when in w.assignments:
        start, end = WHEN[when]
        assignment = Assignment.objects.create(
            user=users[u],
            kind=AssignmentKind.INSPECTOR,
            title="Inspection",
            subject_reference=site_reference(sites[s].pk) if s >= 0 else "",
            starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=end),
        )
        assignment.partnerships.set([sites[s].partnership if s >= 0 else partnerships[0]])
    parts: dict[str, list[Any]] = {"request": [], "analysis": [], "visit": [], "note": []}
    for site in sites:
        parts["request"].append(DocumentRequest.objects.create(site=site, due_on=today))
        parts["analysis"].append(PreVisitAnalysis.objects.create(site=site, theme="q1", text="t"))
        visit = Visit.objects.create(site=site, visited_on=date(2027, 1, 1))
        parts["visit"].append(visit)
        parts["note"].append(
            InterviewNote.objects.create(visit=visit, kind="interview", roles_present="r", text="t")
        )
    return users, programmes, sites, parts


PARTS = [
    ("request", document_request_policy, True, SITE_WORK["record_documents"]),
    ("analysis", pre_visit_analysis_policy, False, SITE_WORK["analyse"]),
    ("visit", visit_policy, True, (SiteStatus.VISITED, SiteStatus.DRAFT_REPORT)),
    ("note", interview_note_policy, False, ()),
]


@given(world=worlds())
def test_the_inspections_policies_agree_three_ways(world: World) -> None:
    with transaction.atomic():
        users, programmes, sites, parts = _build(world)
        everyone: list[tuple[int | None, Any]] = [*enumerate(users), (None, AnonymousUser())]
        for u, user in everyone:
            facts_forget(user)

            def ref(fn: Any, *args: Any, u: int | None = u) -> bool:
                return u is not None and bool(fn(world, u, *args))

            for action in programme_policy.actions:
                _agree(
                    programme_policy,
                    action,
                    user,
                    programmes,
                    [ref(programme_reference, action, p) for p in range(len(programmes))],
                )
            for action in site_policy.actions:
                _agree(
                    site_policy,
                    action,
                    user,
                    sites,
                    [ref(site_reference_answer, action, s) for s in range(len(sites))],
                )
            for name, policy, partnership_reads, writable in PARTS:
                for action in policy.actions:
                    _agree(
                        policy,
                        action,
                        user,
                        parts[name],
                        [
                            ref(part_reference, action, s, partnership_reads, writable)
                            for s in range(len(sites))
                        ],
                    )
        transaction.set_rollback(True)
