"""The access matrix, built from the URLconf itself.

Every URL pattern in the project must be classified here with the answer `permissions.md` gives
each kind of user: anonymous, a user of another partnership, an inspector whose assignment has
ended, each role of the partnership, and the site-wide grants. A URL nobody has classified makes
`test_every_url_is_classified` fail. API endpoints are classified the same way, from the OpenAPI
document.
"""

from __future__ import annotations

import importlib
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lde.accounts.models import (
    ApiToken,
    Caveat,
    CaveatGrant,
    Clearance,
    Organisation,
    Post,
    PostHolding,
    PostKind,
    User,
)
from lde.action_plans.models import Action, ActionStatus
from lde.action_plans.services import action_raise
from lde.assessments import reports
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.assessments.services import assessment_start, evidence_add_link
from lde.frameworks.models import FrameworkVersion
from lde.frameworks.services import framework_load
from lde.partnerships.models import (
    Assignment,
    AssignmentKind,
    Membership,
    PartnerOrganisation,
    Partnership,
    Role,
)
from lde.sharing.models import ProductStatus
from tests.access_vocabulary import (
    CONFIRMED,
    LOGIN,
    MEMBERS,
    ORGANISATION_VISIBLE,
    PUBLIC,
    READERS,
    SIGNED_IN,
    SUBJECTS,
    CapabilityMatrix,
    Case,
    InEvery,
    _seen_by,
    _to,
    expect,
    only,
    organisation_page,
    partnership_page,
)
from tests.conftest import sign_in
from tests.sharing.builders import matrix_world

pytestmark = pytest.mark.django_db

# Each capability app's part of the matrix (tests/access_vocabulary.py, CapabilityMatrix).
CAPABILITY_MATRICES: list[str] = [
    "tests.engagement.access_matrix",
    "tests.capacity.access_matrix",
    "tests.programme.access_matrix",
    "tests.commissioning.access_matrix",
    "tests.consequence_management.access_matrix",
    "tests.narratives.access_matrix",
    "tests.monitoring.access_matrix",
    "tests.indicators.access_matrix",
    "tests.surveys.questionnaires.access_matrix",
    "tests.what_works.access_matrix",
    "tests.surveys.datasets.access_matrix",
    "tests.rollups.access_matrix",
    "tests.rollups.access_matrix_opendata",
    "tests.rollups.access_matrix_distributions",
    "tests.rollups.access_matrix_money",
    "tests.accounts.access_matrix_site_administration",
    "tests.inspections.access_matrix_learning",
    "tests.inspections.access_matrix",
    "tests.inspections.access_matrix_api",
]
CAPABILITIES: list[CapabilityMatrix] = [
    importlib.import_module(name).MATRIX for name in CAPABILITY_MATRICES
]

# The gateway (tests/sharing/builders.py, matrix_world): the released product is read by these
# three alone, under the gateway rule; the coordinator is its author, the board member its
# approver. Protocols are read by the people of their party organisations (the council) and the
# coordinators of partnerships released to under them; only the coordinator, who signs for the
# council, changes one (permissions.md, "Authority over the facts the rules read").
PRODUCT_READERS = ["coordinator", "board_member", "viewer"]
PROTOCOL_READERS = [*MEMBERS, "security_contact"]
HAVE_ORGANISATION = [*MEMBERS, "security_contact"]
SOURCE_READERS = [*READERS, "inspector"]
COVERAGE_READERS = ["coordinator", "board_member", "inspector"]


def protocol_page(**allowed: Any) -> dict[str, Any]:
    table = only(403, PROTOCOL_READERS, 404)
    table.update(allowed)
    return table


CASES: dict[str, Case] = {
    "sharing:protocol-list": Case("GET", (), SIGNED_IN),
    # The other partnership's coordinator works for no organisation, so signs for none.
    "sharing:protocol-create": Case("GET", (), expect(403, coordinator=200)),
    "sharing:protocol-detail": Case("GET", ("protocol_id",), only(200, PROTOCOL_READERS, 404)),
    "sharing:protocol-update": Case("GET", ("protocol_id",), protocol_page(coordinator=200)),
    "sharing:protocol-signatory-add": Case("GET", ("protocol_id",), protocol_page(coordinator=200)),
    "sharing:protocol-status": Case("GET", ("protocol_id",), protocol_page(coordinator=200)),
    "sharing:product-list": Case("GET", (), SIGNED_IN),
    "sharing:product-create": Case("GET", (), only(200, HAVE_ORGANISATION, 403)),
    "sharing:access-request-list": Case("GET", (), SIGNED_IN),
    # The viewer asked; the board member holds the post that holds the material.
    "sharing:access-request-answer": Case(
        "GET", ("request_id",), only(403, ["viewer"], 404, board_member=200)
    ),
    # The catalogue of information sources: its readers read, coordinators write.
    "sharing:source-list": Case("GET", ("partnership_id",), partnership_page(SOURCE_READERS)),
    "sharing:source-create": Case("GET", ("partnership_id",), partnership_page(["coordinator"])),
    "sharing:source-detail": Case("GET", ("source_id",), only(200, SOURCE_READERS, 404)),
    "sharing:source-update": Case(
        "GET", ("source_id",), {**only(403, SOURCE_READERS, 404), "coordinator": 200}
    ),
    "core:home": Case("GET", (), SIGNED_IN),
    "core:accessibility": Case("GET", (), PUBLIC),
    "core:cookies": Case("GET", (), PUBLIC),
    "core:site-audit": Case("GET", (), expect(403, site_administrator=200)),
    "accounts:sign-in": Case("GET", (), {**expect(302), "anonymous": 200}),
    "accounts:sign-out": Case("POST", (), expect(LOGIN)),
    # Sign-in through an identity provider: not set up in the tests' settings, so not found;
    # tests/accounts/test_oidc.py drives both pages with a fake provider.
    "accounts:oidc-start": Case("POST", (), {**expect(404), "anonymous": 404}),
    "accounts:oidc-callback": Case("GET", (), {**expect(404), "anonymous": 404}),
    "accounts:password-reset": Case("GET", (), PUBLIC),
    "accounts:password-reset-sent": Case("GET", (), PUBLIC),
    "accounts:password-set": Case("GET", ("uidb64", "token"), PUBLIC),
    "accounts:password-set-done": Case("GET", (), PUBLIC),
    "accounts:two-factor": Case("GET", (), SIGNED_IN),
    "accounts:two-factor-set-up": Case("GET", (), expect(302)),
    "accounts:profile": Case("GET", (), SIGNED_IN),
    "accounts:api-token-create": Case("POST", (), expect(400)),
    "accounts:api-token-revoke": Case(
        "POST", ("token_id",), expect(404, coordinator=302), CONFIRMED
    ),
    "accounts:organisation-list": Case("GET", (), SIGNED_IN),
    "accounts:organisation-create": Case(
        "GET", (), expect(403, coordinator__other_partnership__site_administrator=200)
    ),
    "accounts:organisation-detail": Case(
        "GET", ("organisation_id",), only(200, ORGANISATION_VISIBLE, 404)
    ),
    "accounts:organisation-update": Case(
        "GET", ("organisation_id",), organisation_page(["coordinator", "site_administrator"])
    ),
    "accounts:organisation-post-holder-change": Case(
        "GET",
        ("organisation_id", "post_id"),
        only(
            403,
            [*MEMBERS, "inspector"],
            404,
            site_administrator=200,
            security_contact=200,
        ),
    ),
    "accounts:security-contact-post-create": Case(
        "POST", ("organisation_id",), {**organisation_page([]), "site_administrator": 302}
    ),
    "accounts:organisation-clearances": Case(
        "GET", ("organisation_id",), organisation_page(["security_contact"])
    ),
    "accounts:clearance-record": Case(
        "GET", ("organisation_id",), organisation_page(["security_contact"])
    ),
    "accounts:caveat-grant-record": Case(
        "GET", ("organisation_id",), organisation_page(["security_contact"])
    ),
    # The viewer's clearance and caveat, sponsored by the council: its security contact revokes.
    "accounts:clearance-revoke": Case(
        "GET", ("organisation_id", "clearance_id"), organisation_page(["security_contact"])
    ),
    "accounts:caveat-grant-revoke": Case(
        "GET", ("organisation_id", "grant_id"), organisation_page(["security_contact"])
    ),
    "partnerships:partnership-list": Case("GET", (), SIGNED_IN),
    "partnerships:partnership-create": Case("GET", (), expect(403, site_administrator=200)),
    "partnerships:assignment-create": Case("GET", (), expect(403, site_administrator=200)),
    "partnerships:partnership-detail": Case(
        "GET", ("partnership_id",), partnership_page([*MEMBERS, "inspector"])
    ),
    "partnerships:membership-list": Case(
        "GET", ("partnership_id",), partnership_page([*READERS, "inspector"])
    ),
    "partnerships:membership-invite": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator"])
    ),
    "partnerships:membership-update": Case(
        "GET", ("partnership_id", "membership_id"), partnership_page(["coordinator"])
    ),
    "partnerships:membership-remove": Case(
        "POST",
        ("partnership_id", "membership_id"),
        {**partnership_page([]), "coordinator": 302},
        CONFIRMED,
    ),
    "partnerships:partner-organisation-add": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator"])
    ),
    # The world's partner is the lead council, which its members represent: the coordinator is
    # shown the refusal, counted and named (ADR 0028), and a confirmed POST is refused with it.
    "partnerships:partner-organisation-remove": Case(
        "GET", ("partnership_id", "organisation_id"), partnership_page(["coordinator"])
    ),
    "partnerships:post-list": Case(
        "GET", ("partnership_id",), partnership_page([*READERS, "inspector"])
    ),
    "partnerships:post-create": Case("GET", ("partnership_id",), partnership_page(["coordinator"])),
    # The world's post is the council's security contact post: its holder is named by site
    # administrators or handed on by the holder, never by the partnership's coordinators.
    "partnerships:post-holder-change": Case(
        "GET", ("partnership_id", "post_id"), partnership_page([])
    ),
    "partnerships:partnership-clearances": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator"])
    ),
    "partnerships:partnership-audit": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator", "inspector"])
    ),
    # Briefing coverage (¶59): 404 for all but coordinators, board members and live inspectors.
    "partnerships:briefing-coverage": Case(
        "GET", ("partnership_id",), only(200, COVERAGE_READERS, 404)
    ),
    # Its national aggregate (by region, suppressed): national analysts only, 404 for the rest.
    "rollups:national-coverage": Case("GET", (), only(200, ["national_analyst"], 404)),
    "partnerships:strategic-posts": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator"])
    ),
    "partnerships:strategic-post-remove": Case(
        "POST", ("partnership_id", "post_id"), {**partnership_page([]), "coordinator": 302}
    ),
    "frameworks:framework-library": Case("GET", (), SIGNED_IN),
    "frameworks:version-detail": Case("GET", ("identifier", "version"), SIGNED_IN),
    "frameworks:version-export": Case("GET", ("identifier", "version"), SIGNED_IN),
    "frameworks:version-oscal": Case("GET", ("identifier", "version"), SIGNED_IN),
    "frameworks:version-difference": Case("GET", ("identifier", "version", "other"), SIGNED_IN),
    # Assessments: the partnership's pages. Each assessment's, in every kind and status, are in
    # CASES_IN_EVERY_STATE below.
    "assessments:assessment-list": Case(
        "GET", ("partnership_id",), partnership_page([*MEMBERS, "inspector"])
    ),
    "assessments:assessment-start": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator"])
    ),
    # Trends are the partnership's: everyone who sees the partnership.
    "assessments:trends": Case(
        "GET", ("partnership_id",), partnership_page([*MEMBERS, "inspector"])
    ),
    # Action plans (permissions.md): read by coordinators, board members, contributors, viewers
    # and live inspectors. Each action's pages, in every status, are in CASES_IN_EVERY_STATE.
    "action_plans:action-list": Case(
        "GET", ("partnership_id",), partnership_page([*READERS, "inspector"])
    ),
    # The Django admin: site administrators only; everyone else is sent to its sign-in.
    "admin:*": Case("GET", (), {**expect(302), "anonymous": 302, "site_administrator": 200}),
}


# --- Objects with a status ----------------------------------------------------------------
#
# Every URL that takes an assessment, an action or a briefing product is checked against one of
# each in every status its model allows (and, for assessments, of every kind), each subject's
# answer a function of that state.


class AssessmentState(NamedTuple):
    kind: str
    status: str
    # Whether the peer reviewer's assignment names it (for a review: the assessment it reviews).
    reviewed: bool = True

    def __str__(self) -> str:
        return f"{self.kind}:{self.status}" + ("" if self.reviewed else ":not-reviewed")


# The peer reviews and inspections review the submitted self-assessment. The previous cycle
# (published, not named in the peer reviewer's assignments) is the last state.
ASSESSMENT_STATES = [
    *(AssessmentState(kind, status) for kind in AssessmentKind for status in AssessmentStatus),
    AssessmentState(AssessmentKind.SELF, AssessmentStatus.PUBLISHED, reviewed=False),
]
ACTION_STATES = list(ActionStatus)
PRODUCT_STATES = list(ProductStatus)
STATES: dict[str, list[Any]] = {
    "assessment": ASSESSMENT_STATES,
    "action": ACTION_STATES,
    "product": PRODUCT_STATES,
}


# Assessments (permissions.md, "assessments (draft)", "assessments (published)", "moderation").
def assessment_seers(s: AssessmentState) -> list[str]:
    """Unpublished work is read by the partnership's coordinators, board members and
    contributors; published work by all its members. Live inspectors read both; the peer
    reviewer reads the self-assessment their assignment names and the peer reviews of it."""
    if s.status == AssessmentStatus.PUBLISHED:
        seers = [*MEMBERS, "inspector"]
    else:
        seers = ["coordinator", "board_member", "contributor", "inspector"]
    if s.reviewed and s.kind != AssessmentKind.INSPECTION:
        seers.append("peer_reviewer")
    return seers


def in_full(s: AssessmentState) -> list[str]:
    """Community reviewers read the summary of a published assessment, nothing more."""
    return [subject for subject in assessment_seers(s) if subject != "community_reviewer"]


def on_assessment(s: AssessmentState, **allowed: Any) -> dict[str, Any]:
    return _seen_by(assessment_seers(s), allowed)


# Who does each step, by kind: the partnership rates, submits and publishes its self-assessment;
# the assigned reviewers their peer review or inspection.
BY_KIND = {
    AssessmentKind.SELF: "coordinator",
    AssessmentKind.PEER_REVIEW: "peer_reviewer",
    AssessmentKind.INSPECTION: "inspector",
}


def raters(s: AssessmentState, *, contributor: bool = True) -> list[str]:
    """Who may rate it: only a draft. The world's contributor is assigned no criterion, so is
    refused each criterion's page but opens the workbook, every row read only."""
    if s.status != AssessmentStatus.DRAFT:
        return []
    if s.kind == AssessmentKind.SELF:
        return ["coordinator", "board_member", *(["contributor"] if contributor else [])]
    return [BY_KIND[s.kind]]


def rating(answer: Any) -> Callable[[AssessmentState], dict[str, Any]]:
    return lambda s: on_assessment(s, **_to(raters(s, contributor=False), answer))


def submitting(answer: Any) -> Callable[[AssessmentState], dict[str, Any]]:
    return lambda s: on_assessment(
        s, **({BY_KIND[s.kind]: answer} if s.status == AssessmentStatus.DRAFT else {})
    )


def publishing(s: AssessmentState, *, refused: int) -> dict[str, Any]:
    """Submitted or moderated work is published by whoever submits it. A submitted
    self-assessment needs the board's sign-off first, and a submitted review the partnership's
    factual accuracy check: the world has neither, so the service refuses (`refused`)."""
    if s.status == AssessmentStatus.SUBMITTED:
        return on_assessment(s, **{BY_KIND[s.kind]: refused})
    if s.status == AssessmentStatus.MODERATED:
        return on_assessment(s, **{BY_KIND[s.kind]: 302 if refused == 400 else 200})
    return on_assessment(s)


def signing_off(s: AssessmentState, answer: Any) -> dict[str, Any]:
    """Each contributing organisation signs off its part of a draft self-assessment."""
    return on_assessment(s, **_to(raters(s) if s.kind == AssessmentKind.SELF else [], answer))


def moderating(s: AssessmentState, answer: Any) -> dict[str, Any]:
    """A submitted self-assessment is moderated by its coordinator with the peer reviewer or
    inspector (the world's peer reviews and inspections review it)."""
    if s.kind != AssessmentKind.SELF or s.status != AssessmentStatus.SUBMITTED:
        return on_assessment(s)
    return on_assessment(s, **_to(["coordinator", "inspector", "peer_reviewer"], answer))


def self_submitted(s: AssessmentState, **allowed: Any) -> dict[str, Any]:
    submitted = s.kind == AssessmentKind.SELF and s.status == AssessmentStatus.SUBMITTED
    return on_assessment(s, **(allowed if submitted else {}))


def review_submitted(s: AssessmentState, **allowed: Any) -> dict[str, Any]:
    submitted = s.kind != AssessmentKind.SELF and s.status == AssessmentStatus.SUBMITTED
    return on_assessment(s, **(allowed if submitted else {}))


def returning(s: AssessmentState, answer: Any) -> dict[str, Any]:
    unpublished = s.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATED)
    return on_assessment(s, **({"coordinator": answer} if unpublished else {}))


def abandoning(s: AssessmentState, answer: Any) -> dict[str, Any]:
    """A draft self-assessment is abandoned by its coordinators; a review, or anything past
    draft, by nobody."""
    draft_self = s.kind == AssessmentKind.SELF and s.status == AssessmentStatus.DRAFT
    return on_assessment(s, **({"coordinator": answer} if draft_self else {}))


def moderation_seers(s: AssessmentState) -> dict[str, Any]:
    """The moderation of a self-assessment: its coordinators and board members, the live
    inspector and the assigned peer reviewer; a review has none of its own."""
    if s.kind != AssessmentKind.SELF:
        return on_assessment(s)
    seers = ["coordinator", "board_member", "inspector", "peer_reviewer"]
    return on_assessment(s, **_to([x for x in seers if x in assessment_seers(s)], 200))


def compared(s: AssessmentState) -> dict[str, Any]:
    """Both must be seen: each assessment is compared with the previous cycle, and the previous
    cycle with the published self-assessment the peer reviewer's assignment names."""
    other = (
        AssessmentState(AssessmentKind.SELF, AssessmentStatus.PUBLISHED)
        if not s.reviewed
        else ASSESSMENT_STATES[-1]
    )
    both = [x for x in assessment_seers(s) if x in assessment_seers(other)]
    return only(200, both, 404)


def assessment_read(answer: Any) -> InEvery:
    return InEvery("assessment", lambda s: only(answer, assessment_seers(s), 404))


# Action plans: read by coordinators, board members, contributors, viewers and live inspectors;
# changed and cancelled by coordinators and board members while open, reopened by them once
# closed; progress recorded while open by coordinators and the owner (the world's contributor).
ACTION_READERS = [*READERS, "inspector"]


def on_action(status: str, allowed: list[str], answer: Any, *, when_open: bool = True) -> Any:
    is_open = status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
    return _seen_by(ACTION_READERS, _to(allowed, answer) if is_open == when_open else {})


# Briefing products (the gateway rule): the world's are by the coordinator, approved by the board
# member and critically read by the viewer, the three on the list who hold the clearance. Before
# release they are seen by these three as the people named on them; released or superseded, by
# the same three as readers; withdrawn, by nobody.
def product_seers(status: str) -> list[str]:
    return [] if status == ProductStatus.WITHDRAWN else PRODUCT_READERS


def on_product(
    statuses: tuple[str, ...], allowed: list[str], answer: Any
) -> Callable[[str], dict[str, Any]]:
    def answers(status: str) -> dict[str, Any]:
        seers = product_seers(status)
        chosen = [subject for subject in allowed if subject in seers]
        return _seen_by(seers, _to(chosen, answer) if status in statuses else {})

    return answers


def product_read(answer: Any, statuses: tuple[str, ...] = tuple(ProductStatus)) -> InEvery:
    return InEvery("product", on_product(statuses, PRODUCT_READERS, answer))


DRAFT = (ProductStatus.DRAFT,)
IN_REVIEW = (ProductStatus.IN_REVIEW,)
WORKING = (ProductStatus.DRAFT, ProductStatus.IN_REVIEW)
READABLE = (ProductStatus.RELEASED, ProductStatus.SUPERSEDED)
AUTHOR = ["coordinator"]
AUTHOR_APPROVER = ["coordinator", "board_member"]


def product_case(
    method: str,
    statuses: tuple[str, ...],
    allowed: list[str],
    answer: Any,
    data: dict[str, str] | None = None,
) -> Any:
    return Case(
        method, ("product_id",), InEvery("product", on_product(statuses, allowed, answer)), data
    )


def assessment_case(
    method: str,
    answers: Callable[[AssessmentState], dict[str, Any]],
    data: dict[str, str] | None = None,
) -> Case:
    return Case(method, ("assessment_id",), InEvery("assessment", answers), data)


def action_case(allowed: list[str], *, when_open: bool = True) -> Case:
    return Case(
        "GET",
        ("action_id",),
        InEvery("action", lambda status: on_action(status, allowed, 200, when_open=when_open)),
    )


CASES_IN_EVERY_STATE: dict[str, Case] = {
    "sharing:product-detail": Case("GET", ("product_id",), product_read(200)),
    "sharing:attachment-download": Case("GET", ("product_id", "attachment_id"), product_read(200)),
    # The PDF is of a released product: those working on it before release are refused it.
    "sharing:product-pdf": Case("GET", ("product_id",), product_read(200, READABLE)),
    "sharing:product-update": product_case("GET", DRAFT, AUTHOR, 200),
    "sharing:product-people": product_case("GET", WORKING, AUTHOR, 200),
    "sharing:product-person-remove": Case(
        "POST",
        ("product_id", "person_id"),
        InEvery("product", on_product(WORKING, AUTHOR, 302)),
    ),
    "sharing:product-dissemination": product_case("GET", DRAFT, AUTHOR, 200),
    "sharing:dissemination-remove": Case(
        "POST", ("product_id", "entry_id"), InEvery("product", on_product(DRAFT, AUTHOR, 302))
    ),
    "sharing:attachment-add": product_case("GET", DRAFT, AUTHOR, 200),
    "sharing:attachment-remove": Case(
        "POST",
        ("product_id", "attachment_id"),
        InEvery("product", on_product(DRAFT, AUTHOR, 302)),
        CONFIRMED,
    ),
    "sharing:product-submit": product_case("GET", DRAFT, AUTHOR, 200),
    # Sent no version, the approver's approval is refused by the service (400).
    "sharing:product-approve": product_case("POST", IN_REVIEW, ["board_member"], 400, CONFIRMED),
    "sharing:product-comment": product_case("POST", WORKING, ["board_member", "viewer"], 400),
    "sharing:product-return-to-draft": product_case("POST", IN_REVIEW, AUTHOR_APPROVER, 400),
    # Not yet approved: the release is refused by the service (400).
    "sharing:product-release": product_case("POST", IN_REVIEW, AUTHOR_APPROVER, 400, CONFIRMED),
    "sharing:product-withdraw": product_case("GET", READABLE, AUTHOR_APPROVER, 200),
    "sharing:product-new-version": product_case("POST", (ProductStatus.RELEASED,), AUTHOR, 302),
    "sharing:product-acknowledge": Case("POST", ("product_id",), product_read(302, READABLE)),
    "sharing:product-feedback": Case("GET", ("product_id",), product_read(200, READABLE)),
    "sharing:product-readership": product_case("GET", tuple(ProductStatus), AUTHOR_APPROVER, 200),
    # The world's products are not records of material held elsewhere: nobody asks for them.
    "sharing:product-access-request": product_case("GET", (), [], 200),
    "assessments:assessment-detail": Case("GET", ("assessment_id",), assessment_read(200)),
    "assessments:response-update": Case(
        "GET", ("assessment_id", "response_id"), InEvery("assessment", rating(200))
    ),
    "assessments:rater-rating-record": Case(
        "POST", ("assessment_id", "response_id"), InEvery("assessment", rating(302))
    ),
    "assessments:evidence-add-file": Case(
        "POST", ("assessment_id", "response_id"), InEvery("assessment", rating(400))
    ),
    "assessments:evidence-add-link": Case(
        "POST", ("assessment_id", "response_id"), InEvery("assessment", rating(400))
    ),
    # Link evidence is opened by a redirect to it, after the policy and the audit; it is read by
    # those who read the assessment in full.
    "assessments:evidence-download": Case(
        "GET", ("evidence_id",), InEvery("assessment", lambda s: only(302, in_full(s), 404))
    ),
    # The contributions page is the assessment in full: community reviewers are refused it.
    "assessments:contributions": assessment_case(
        "GET", lambda s: on_assessment(s, **_to(in_full(s), 200))
    ),
    # Each contributing organisation signs off its part of a draft self-assessment.
    "assessments:organisation-sign-off": assessment_case(
        "POST", lambda s: signing_off(s, 302), CONFIRMED
    ),
    "assessments:assessment-submit": assessment_case("GET", submitting(200)),
    "assessments:moderation": assessment_case("GET", moderation_seers),
    "assessments:moderation-finish": assessment_case(
        "POST", lambda s: moderating(s, 302), CONFIRMED
    ),
    # Sent no comment: 400, after the policy.
    "assessments:factual-accuracy-comment": assessment_case(
        "POST", lambda s: review_submitted(s, coordinator=400)
    ),
    "assessments:assessment-board-sign-off": assessment_case(
        "POST", lambda s: self_submitted(s, board_member=302), CONFIRMED
    ),
    "assessments:assessment-publish": assessment_case(
        "POST", lambda s: publishing(s, refused=400), CONFIRMED
    ),
    # Sent no reason: 400, after the policy.
    "assessments:assessment-return-to-draft": assessment_case("POST", lambda s: returning(s, 400)),
    # The confirmation page of abandoning: a draft self-assessment, its coordinators alone.
    "assessments:assessment-abandon": assessment_case("GET", lambda s: abandoning(s, 200)),
    # Reviews start from a submitted self-assessment: the coordinator invites a peer review.
    "assessments:review-start": assessment_case(
        "POST", lambda s: self_submitted(s, coordinator=302)
    ),
    **{
        f"assessments:{name}": assessment_case(
            "GET", lambda s: on_assessment(s, **_to(raters(s), 200))
        )
        for name in ("workbook", "workbook-download", "workbook-import")
    },
    "assessments:gaps": Case("GET", ("assessment_id",), assessment_read(200)),
    "assessments:report-pdf": Case("GET", ("assessment_id",), assessment_read(200)),
    "assessments:report-xlsx": Case("GET", ("assessment_id",), assessment_read(200)),
    "assessments:compare": Case("GET", ("assessment_id",), assessment_read(200)),
    # Actions are raised, on any assessment they read in full, by coordinators and board members.
    "action_plans:action-create": assessment_case(
        "GET", lambda s: on_assessment(s, coordinator=200, board_member=200)
    ),
    "action_plans:action-detail": Case(
        "GET", ("action_id",), InEvery("action", lambda status: only(200, ACTION_READERS, 404))
    ),
    "action_plans:action-update": action_case(["coordinator", "board_member"]),
    "action_plans:progress-record": action_case(["coordinator", "contributor"]),
    "action_plans:action-cancel": action_case(["coordinator", "board_member"]),
    "action_plans:action-reopen": action_case(["coordinator", "board_member"], when_open=False),
}
assert not set(CASES) & set(CASES_IN_EVERY_STATE)
CASES.update(CASES_IN_EVERY_STATE)
for capability in CAPABILITIES:
    assert not set(CASES) & set(capability.cases), "a URL classified twice"
    assert not set(STATES) & set(capability.states), "a family named twice"
    CASES.update(capability.cases)
    STATES.update(capability.states)


# Actions that cannot be undone answer both methods (lde/core/confirm.py): a GET is the
# confirmation page, a POST with CONFIRMED does the action. Each is classified above by one
# method; here by the other, with the action's own policy. Posted with CONFIRMED and nothing
# else, those with a form on the confirmation (a reason, a declaration, a new status) are
# refused after the policy (400).
CONFIRMATIONS: dict[str, Case] = {
    "accounts:api-token-revoke": Case("GET", ("token_id",), expect(404, coordinator=200)),
    "accounts:clearance-revoke": Case(
        "POST",
        ("organisation_id", "clearance_id"),
        {**organisation_page([]), "security_contact": 302},
        CONFIRMED,
    ),
    "accounts:caveat-grant-revoke": Case(
        "POST",
        ("organisation_id", "grant_id"),
        {**organisation_page([]), "security_contact": 302},
        CONFIRMED,
    ),
    "partnerships:membership-remove": Case(
        "GET", ("partnership_id", "membership_id"), partnership_page(["coordinator"])
    ),
    "partnerships:partner-organisation-remove": Case(
        "POST",
        ("partnership_id", "organisation_id"),
        {**partnership_page([]), "coordinator": 400},
        CONFIRMED,
    ),
    "sharing:protocol-status": Case(
        "POST", ("protocol_id",), protocol_page(coordinator=400), CONFIRMED
    ),
    "sharing:attachment-remove": Case(
        "GET",
        ("product_id", "attachment_id"),
        InEvery("product", on_product(DRAFT, AUTHOR, 200)),
    ),
    "sharing:product-submit": product_case("POST", DRAFT, AUTHOR, 400, CONFIRMED),
    "sharing:product-approve": product_case("GET", IN_REVIEW, ["board_member"], 200),
    "sharing:product-release": product_case("GET", IN_REVIEW, AUTHOR_APPROVER, 200),
    "sharing:product-withdraw": product_case("POST", READABLE, AUTHOR_APPROVER, 400, CONFIRMED),
    "assessments:organisation-sign-off": assessment_case("GET", lambda s: signing_off(s, 200)),
    "assessments:assessment-submit": assessment_case("POST", submitting(400), CONFIRMED),
    "assessments:moderation-finish": assessment_case("GET", lambda s: moderating(s, 200)),
    "assessments:assessment-board-sign-off": assessment_case(
        "GET", lambda s: self_submitted(s, board_member=200)
    ),
    "assessments:assessment-publish": assessment_case("GET", lambda s: publishing(s, refused=200)),
    "action_plans:action-cancel": Case(
        "POST",
        ("action_id",),
        InEvery(
            "action",
            lambda status: on_action(status, ["coordinator", "board_member"], 400),
        ),
        CONFIRMED,
    ),
}
for capability in CAPABILITIES:
    assert not set(CONFIRMATIONS) & set(capability.confirmations), "a URL confirmed twice"
    CONFIRMATIONS.update(capability.confirmations)


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace or ""
            found += _names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern):
            found.append(f"{prefix}{pattern.name}" if pattern.name else f"{prefix}<unnamed>")
    return found


def _classified(name: str) -> bool:
    if name.startswith("api:"):
        return True  # classified by the API matrix below, from the OpenAPI document
    if name.startswith("admin:"):
        return True
    return name in CASES


def test_every_url_is_classified() -> None:
    unclassified = sorted({n for n in _names(get_resolver()) if not _classified(n)})
    assert unclassified == [], f"Classify these URLs in tests/test_access_matrix.py: {unclassified}"


def test_no_classification_names_a_url_that_does_not_exist() -> None:
    names = set(_names(get_resolver()))
    assert sorted(n for n in CASES if n != "admin:*" and n not in names) == []


@pytest.fixture(autouse=True)
def _clean_private_dirs() -> Iterator[None]:
    """Replaces tests/conftest.py's: the module's world keeps its files until the module ends."""
    yield


@pytest.fixture(autouse=True, scope="module")
def _board_report_not_drawn() -> Iterator[None]:
    """The matrix asks who gets the board's report, not how it lays out (its own tests do): the
    PDF is not drawn, sparing WeasyPrint a hundred renders of the same page."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reports, "report_pdf", lambda report: b"%PDF-1.7 matrix")
        yield


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """One world for the whole module, rolled back at its end. Each subject's request in each
    case runs in a transaction of its own, rolled back too, so no case sees another's writes."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = _build_world()
        # Signed in once: each request carries the subject's session, or their API token.
        built["sessions"] = {
            subject: sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value
            for subject, user in built["users"].items()
        }
        built["tokens"] = {}
        for subject, user in built["users"].items():
            raw, digest = ApiToken.generate()
            ApiToken.objects.create(user=user, name="matrix", digest=digest, hint=raw[:8])
            built["tokens"][subject] = raw
        yield built
        transaction.set_rollback(True)
    for name in ("PRIVATE_FILES_ROOT", "AUDIT_CHECKPOINT_DIR"):
        shutil.rmtree(getattr(settings, name), ignore_errors=True)


def _build_world() -> dict[str, Any]:
    world = _build_foundation_world()
    for capability in CAPABILITIES:
        added = capability.build(world)
        world["states"].update(added.pop("states", {}))
        assert not set(world) & set(added), (
            f"names the world already has: {set(world) & set(added)}"
        )
        world.update(added)
    return world


def _build_foundation_world() -> dict[str, Any]:
    today = timezone.localdate()
    council = Organisation.objects.create(name="Target Council", type="council")
    other_council = Organisation.objects.create(name="Other Council", type="council")
    target = Partnership.objects.create(name="Target", lead_council=council, region="E12000007")
    other = Partnership.objects.create(name="Other", lead_council=other_council, region="E12000007")
    PartnerOrganisation.objects.create(partnership=target, organisation=council)
    PartnerOrganisation.objects.create(partnership=other, organisation=other_council)
    users = {
        s: User.objects.create(email=f"{s}@example.test", full_name=s.replace("_", " ").title())
        for s in SUBJECTS
        if s != "anonymous"
    }
    for role in MEMBERS:
        users[role].organisation = council
        users[role].save()
        Membership.objects.create(
            user=users[role], partnership=target, role=role, organisation=council
        )
    Membership.objects.create(
        user=users["other_partnership"], partnership=other, role=Role.COORDINATOR
    )
    for subject, kind, start, end in [
        ("inspector", AssignmentKind.INSPECTOR, -10, 10),
        ("expired_inspector", AssignmentKind.INSPECTOR, -30, -1),
    ]:
        assignment = Assignment.objects.create(
            user=users[subject],
            kind=kind,
            title="Assignment",
            starts_on=today + timedelta(start),
            ends_on=today + timedelta(end),
        )
        assignment.partnerships.set([target])
    users["security_contact"].organisation = council
    users["security_contact"].save()
    security_post = Post.objects.create(
        organisation=council, kind=PostKind.SECURITY_CONTACT, title="Security Contact"
    )
    PostHolding.objects.create(
        post=security_post, user=users["security_contact"], started_on=today - timedelta(100)
    )
    users["national_analyst"].is_national_analyst = True
    users["national_analyst"].save()
    admin = users["site_administrator"]
    admin.is_site_administrator = admin.is_staff = admin.is_superuser = True
    admin.save()
    raw, digest = ApiToken.generate()
    token = ApiToken.objects.create(
        user=users["coordinator"], name="t", digest=digest, hint=raw[:8]
    )
    framework_file = """
identifier: matrix-framework
version: "VERSION"
title: Matrix framework
status: current
summary: A framework for the access matrix.
source: {document: The report, paragraphs: ["89"]}
provenance: Written for tests.
scales:
  - identifier: scale
    title: Scale
    descriptors_written_by: platform
    levels:
      - {value: 1, label: Low, descriptor: Low.}
      - {value: 2, label: High, descriptor: High.}
themes:
  - identifier: theme
    title: Theme
    paragraphs: ["89"]
    criteria:
      - {identifier: criterion, title: Criterion, paragraphs: ["90"]}
"""
    for version in ("1.0", "1.1"):
        framework_load(
            actor=None,
            text=framework_file.replace("VERSION", version),
            file_name=f"matrix-{version}.yaml",
        )
    # Assessments: the previous cycle, published, and one of each kind in each status
    # (ASSESSMENT_STATES), each with a link as evidence. The peer reviews and inspections review
    # the submitted self-assessment; the peer reviewer's assignments name each self-assessment
    # but the previous cycle.
    framework = FrameworkVersion.objects.get(
        framework__identifier="matrix-framework", version="1.0"
    )
    published = assessment_start(
        actor=None,
        partnership=target,
        kind=AssessmentKind.SELF,
        framework_version=framework,
        title="Self-assessment 2024",
        period_start=today - timedelta(700),
        period_end=today - timedelta(400),
    )
    Assessment.objects.filter(pk=published.pk).update(status=AssessmentStatus.PUBLISHED)
    made: dict[AssessmentState, Assessment] = {}
    submitted = AssessmentState(AssessmentKind.SELF, AssessmentStatus.SUBMITTED)
    for index, state in enumerate(ASSESSMENT_STATES):
        if not state.reviewed:
            made[state] = published
            continue
        # Self-assessments of one framework may not overlap while open: each has its own period.
        starts = today - timedelta(390 - 75 * index if state.kind == AssessmentKind.SELF else 300)
        made[state] = assessment_start(
            actor=None,
            partnership=target,
            kind=state.kind,
            framework_version=framework,
            title=f"Matrix {state}",
            reviews=None if state.kind == AssessmentKind.SELF else made[submitted],
            period_start=starts,
            period_end=starts + timedelta(70 if state.kind == AssessmentKind.SELF else 360),
            carry_forward=False,
        )
        if state.kind == AssessmentKind.SELF:
            Assignment.objects.create(
                user=users["peer_reviewer"],
                kind=AssignmentKind.PEER_REVIEWER,
                title="Peer review",
                starts_on=today - timedelta(5),
                ends_on=today + timedelta(5),
                subject_reference=made[state].subject_reference,
            ).partnerships.set([target])
    assessments: dict[str, dict[str, int]] = {}
    for state, assessment in made.items():
        response = assessment.responses.get()
        evidence = evidence_add_link(
            actor=None,  # type: ignore[arg-type]
            response=response,
            title="Board minutes",
            url="https://example.org/minutes",
            effective_on=today - timedelta(30),
        )
        Assessment.objects.filter(pk=assessment.pk).update(status=state.status)
        assessments[str(state)] = {
            "assessment_id": assessment.pk,
            "response_id": response.pk,
            "evidence_id": evidence.pk,
            # Compared with the previous cycle, and the previous cycle with the published one.
            "other_id": (
                made[AssessmentState(AssessmentKind.SELF, AssessmentStatus.PUBLISHED)]
                if assessment == published
                else published
            ).pk,
        }
    # Actions raised on the previous cycle, owned by the contributor: one in each status.
    actions: dict[str, dict[str, int]] = {}
    for status in ActionStatus:
        action = action_raise(
            actor=None,
            assessment=published,
            criteria=[published.responses.get().criterion],
            title="Refresh the narrative",
            description="With partners and the reference group.",
            owner=users["contributor"],
            owner_organisation=council,
            due_on=today + timedelta(30),
        )
        Action.objects.filter(pk=action.pk).update(status=status)
        actions[status] = {"action_id": action.pk}
    sharing = matrix_world(users=users, council=council, partnership=target)
    # A caveat for the viewer beside the clearance matrix_world gives them, both the council's.
    grant = CaveatGrant.objects.create(
        user=users["viewer"],
        caveat=Caveat.objects.create(code="matrix-caveat", name="Matrix caveat"),
        sponsor=council,
        granted_on=today - timedelta(10),
        recorded_by=users["security_contact"],
    )
    return {
        **sharing,
        "states": {"assessment": assessments, "action": actions, "product": sharing["products"]},
        "criterion_id": published.responses.get().criterion_id,
        **{f"{subject}_id": users[subject].pk for subject in PRODUCT_READERS},
        "contributor_id": users["contributor"].pk,
        "published_assessment_id": published.pk,
        "uidb64": "MQ",
        "token": "set-password",
        "identifier": "matrix-framework",
        "version": "1.0",
        "other": "1.1",
        "users": users,
        "partnership_id": target.pk,
        "other_partnership_id": other.pk,
        "membership_id": Membership.objects.get(partnership=target, role=Role.VIEWER).pk,
        "post_id": security_post.pk,
        "organisation_id": council.pk,
        "clearance_id": Clearance.objects.get(user=users["viewer"], sponsor=council).pk,
        "grant_id": grant.pk,
        "token_id": token.pk,
    }


def _answer(response: Any) -> Any:
    if response.status_code == 302 and response["Location"].startswith("/sign-in/"):
        return LOGIN
    return response.status_code


def _in_every_state(family: str | None, state: Any, world: dict[str, Any]) -> dict[str, Any]:
    """The world, with the ids of the object of `family` in `state` in place of the defaults."""
    return world if family is None else {**world, **world["states"][family][str(state)]}


# Answers that contradict permissions.md ("visible but this action not allowed: 403"), each
# reported with the view that gives it, marked strict xfail until the view is put right: none
# today.
CONTRADICTIONS: dict[tuple[Any, str], str] = {}


def _params(cases: dict[Any, Any], family: Callable[[Any], str | None]) -> list[Any]:
    """One parameter per case, or per case and state for an object checked in every state."""
    params = []
    for key in sorted(cases):
        name = key if isinstance(key, str) else " ".join(key)
        states = STATES[family(key)] if family(key) else [None]
        for state in states:
            reason = CONTRADICTIONS.get((key, str(state)))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(
                pytest.param(
                    key, state, id=name if state is None else f"{name}[{state}]", marks=marks
                )
            )
    return params


def _page_family(name: str) -> str | None:
    answers = CASES[name].answers
    return answers.family if isinstance(answers, InEvery) else None


def _page_answers(case: Case, name: str, state: Any, world: dict[str, Any]) -> dict[str, Any]:
    family = case.answers.family if isinstance(case.answers, InEvery) else None
    values = _in_every_state(family, state, world)
    url = (
        reverse("admin:index")
        if name == "admin:*"
        else reverse(name, kwargs={k: values[k] for k in case.kwargs})
    )
    got = {}
    for subject in SUBJECTS:
        with transaction.atomic():
            client = Client()
            if subject != "anonymous":
                client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][subject]
            if case.method == "POST":
                response = client.post(url, case.data or {})
            else:
                response = client.get(url)
            got[subject] = _answer(response)
            transaction.set_rollback(True)
    return got


def _expected(case: Case, state: Any) -> dict[str, Any]:
    return case.answers.answers(state) if isinstance(case.answers, InEvery) else case.answers


@pytest.mark.parametrize(("name", "state"), _params(CASES, _page_family))
def test_each_subject_gets_the_answer_permissions_md_gives(
    name: str, state: Any, world: dict[str, Any]
) -> None:
    case = CASES[name]
    assert _page_answers(case, name, state, world) == _expected(case, state)


def _confirmation_family(name: str) -> str | None:
    answers = CONFIRMATIONS[name].answers
    return answers.family if isinstance(answers, InEvery) else None


@pytest.mark.parametrize(("name", "state"), _params(CONFIRMATIONS, _confirmation_family))
def test_a_confirmation_page_answers_as_its_action_does(
    name: str, state: Any, world: dict[str, Any]
) -> None:
    case = CONFIRMATIONS[name]
    assert _page_answers(case, name, state, world) == _expected(case, state)


def test_every_confirmed_action_is_classified_by_both_methods_and_posted_confirmed() -> None:
    for name, other in CONFIRMATIONS.items():
        assert {CASES[name].method, other.method} == {"GET", "POST"}, name
        posted = CASES[name] if CASES[name].method == "POST" else other
        assert posted.data is not None and posted.data.items() >= CONFIRMED.items(), name


def test_no_page_does_an_action_that_cannot_be_undone_in_one_click() -> None:
    """Every button that led to one of these actions is a link (or a GET form) to its
    confirmation page; only the confirmation's own form, which posts back to its own address,
    posts there (lde/templates/includes/confirm_form.html)."""
    root = settings.BASE_DIR / "lde"
    posting = re.compile(
        r"<form[^>]*method=\"post\"[^>]*action=\"\{% url '([\w:-]+)'", re.IGNORECASE
    )
    found = sorted(
        (str(path.relative_to(root)), name)
        for path in root.rglob("templates/**/*.html")
        for name in posting.findall(path.read_text(encoding="utf-8"))
        if name in CONFIRMATIONS
    )
    assert found == []


# The API: every operation in the OpenAPI document is classified here.
API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    # The gateway, against the world's released product and protocol (see CASES above).
    ("GET", "/api/v1/sharing/protocols"): expect(200),
    ("POST", "/api/v1/sharing/protocols"): expect(403, coordinator=201),
    ("GET", "/api/v1/sharing/protocols/{protocol_id}"): only(200, PROTOCOL_READERS, 404),
    ("PUT", "/api/v1/sharing/protocols/{protocol_id}"): protocol_page(coordinator=200),
    ("POST", "/api/v1/sharing/protocols/{protocol_id}/status"): protocol_page(coordinator=200),
    ("POST", "/api/v1/sharing/protocols/{protocol_id}/signatories"): protocol_page(coordinator=201),
    ("GET", "/api/v1/sharing/products"): expect(200),
    ("POST", "/api/v1/sharing/products"): only(201, HAVE_ORGANISATION, 403),
    ("GET", "/api/v1/sharing/access-requests"): expect(200),
    ("GET", "/api/v1/sharing/partnerships/{partnership_id}/sources"): partnership_page(
        SOURCE_READERS
    ),
    ("POST", "/api/v1/sharing/partnerships/{partnership_id}/sources"): {
        **partnership_page([]),
        "coordinator": 201,
    },
    ("GET", "/api/v1/sharing/sources/{source_id}"): only(200, SOURCE_READERS, 404),
    ("PUT", "/api/v1/sharing/sources/{source_id}"): {
        **only(403, SOURCE_READERS, 404),
        "coordinator": 200,
    },
    ("POST", "/api/v1/sharing/access-requests/{request_id}/answer"): only(
        403, ["viewer"], 404, board_member=200
    ),
    # The API's index of links: public, like its OpenAPI document (anonymous set below).
    ("GET", "/api/v1/"): expect(200),
    ("GET", "/api/v1/me"): expect(200),
    ("GET", "/api/v1/organisations"): expect(200),
    ("GET", "/api/v1/organisations/{organisation_id}"): only(200, ORGANISATION_VISIBLE, 404),
    ("GET", "/api/v1/organisations/{organisation_id}/posts"): only(200, ORGANISATION_VISIBLE, 404),
    # The world's post is a security contact's: site administrators, who set its holder, see it.
    ("GET", "/api/v1/posts/{post_id}"): only(
        200,
        [*READERS, "inspector", "security_contact", "community_reviewer", "site_administrator"],
        404,
    ),
    ("GET", "/api/v1/partnerships"): expect(200),
    ("GET", "/api/v1/frameworks"): expect(200),
    ("GET", "/api/v1/frameworks/{identifier}/{version}"): expect(200),
    ("GET", "/api/v1/frameworks/{identifier}/{version}/criteria"): expect(200),
    ("GET", "/api/v1/partnerships/{partnership_id}"): partnership_page([*MEMBERS, "inspector"]),
    ("GET", "/api/v1/partnerships/{partnership_id}/memberships"): partnership_page(
        [*READERS, "inspector"]
    ),
    ("POST", "/api/v1/partnerships/{partnership_id}/memberships"): {
        **partnership_page([]),
        "coordinator": 201,
    },
    ("GET", "/api/v1/partnerships/{partnership_id}/coverage"): only(200, COVERAGE_READERS, 404),
    ("GET", "/api/v1/partnerships/coverage/national"): only(200, ["national_analyst"], 404),
    # Assessments: each one's operations, in every kind and status, are in
    # API_CASES_IN_EVERY_STATE below.
    ("GET", "/api/v1/assessments"): expect(200),
    ("GET", "/api/v1/assessments/partnership/{partnership_id}/trends"): partnership_page(
        [*MEMBERS, "inspector"]
    ),
    # Action plans. An action is raised on the published assessment, which community reviewers
    # see but may not raise on (they do not read it in full).
    ("GET", "/api/v1/actions"): expect(200),
    ("POST", "/api/v1/actions"): {
        **only(403, [*MEMBERS, "inspector"], 404),
        "coordinator": 201,
        "board_member": 201,
    },
}
P = "/api/v1/sharing/products/{product_id}"
A = "/api/v1/assessments/{assessment_id}"
ACTION = "/api/v1/actions/{action_id}"


def product_api(statuses: tuple[str, ...], allowed: list[str], answer: Any) -> InEvery:
    return InEvery("product", on_product(statuses, allowed, answer))


def action_api(allowed: list[str], answer: Any, *, when_open: bool = True) -> InEvery:
    return InEvery("action", lambda status: on_action(status, allowed, answer, when_open=when_open))


# The API, against the same objects in the same states as the pages (see CASES_IN_EVERY_STATE).
API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", P): product_read(200),
    ("PUT", P): product_api(DRAFT, AUTHOR, 200),
    ("PUT", f"{P}/people"): product_api(WORKING, AUTHOR, 200),
    ("PUT", f"{P}/dissemination"): product_api(DRAFT, AUTHOR, 200),
    # Sent no file: 400, after the policy.
    ("POST", f"{P}/attachments"): product_api(DRAFT, AUTHOR, 400),
    ("GET", f"{P}/attachments/{{attachment_id}}"): product_read(200),
    ("DELETE", f"{P}/attachments/{{attachment_id}}"): product_api(DRAFT, AUTHOR, 204),
    ("POST", f"{P}/submit"): product_api(DRAFT, AUTHOR, 200),
    ("GET", f"{P}/pdf"): product_read(200, READABLE),
    # The world's products' author, approver and critical reader are their three readers.
    ("GET", f"{P}/personal-data-check"): product_read(200),
    # Sent a version that is not the current one: refused by the service (400).
    ("POST", f"{P}/approve"): product_api(IN_REVIEW, ["board_member"], 400),
    ("POST", f"{P}/comments"): product_api(WORKING, ["board_member", "viewer"], 400),
    ("POST", f"{P}/return-to-draft"): product_api(IN_REVIEW, AUTHOR_APPROVER, 200),
    # Not yet approved: refused by the service (400).
    ("POST", f"{P}/release"): product_api(IN_REVIEW, AUTHOR_APPROVER, 400),
    ("POST", f"{P}/withdraw"): product_api(READABLE, AUTHOR_APPROVER, 204),
    ("POST", f"{P}/new-version"): product_api((ProductStatus.RELEASED,), AUTHOR, 201),
    ("POST", f"{P}/acknowledge"): product_read(200, READABLE),
    ("POST", f"{P}/feedback"): product_read(201, READABLE),
    ("GET", f"{P}/readership"): product_api(tuple(ProductStatus), AUTHOR_APPROVER, 200),
    ("POST", f"{P}/access-requests"): product_api((), [], 201),
    ("GET", A): assessment_read(200),
    ("PUT", f"{A}/responses/{{response_id}}"): InEvery("assessment", rating(200)),
    ("POST", f"{A}/submit"): InEvery("assessment", submitting(200)),
    ("GET", f"{A}/workbook"): InEvery(
        "assessment", lambda s: on_assessment(s, **_to(raters(s), 200))
    ),
    # Sent no file, those who may rate hear that it is missing (422), after the policy.
    ("POST", f"{A}/workbook"): InEvery(
        "assessment", lambda s: on_assessment(s, **_to(raters(s), 422))
    ),
    ("GET", f"{A}/gaps"): assessment_read(200),
    ("GET", f"{A}/report"): assessment_read(200),
    ("GET", f"{A}/compare/{{other_id}}"): InEvery("assessment", compared),
    ("GET", ACTION): InEvery("action", lambda status: only(200, ACTION_READERS, 404)),
    ("PUT", ACTION): action_api(["coordinator", "board_member"], 200),
    ("POST", f"{ACTION}/progress"): action_api(["coordinator", "contributor"], 201),
    ("POST", f"{ACTION}/cancel"): action_api(["coordinator", "board_member"], 200),
    ("POST", f"{ACTION}/reopen"): action_api(["coordinator", "board_member"], 200, when_open=False),
}
for capability in CAPABILITIES:
    assert not set(API_CASES) & set(capability.api_cases), "an operation classified twice"
    API_CASES.update(capability.api_cases)
    API_CASES_IN_EVERY_STATE.update(capability.api_cases_in_every_state)
assert not set(API_CASES) & set(API_CASES_IN_EVERY_STATE)
for table in API_CASES.values():
    table["anonymous"] = 401
API_CASES[("GET", "/api/v1/")]["anonymous"] = 200
# Open data is for anyone (permissions.md: anonymous reads "open data").
API_CASES[("GET", "/api/v1/open-data")]["anonymous"] = 200
API_CASES[("GET", "/api/v1/open-data/{release_id}")]["anonymous"] = 200


def _api_answers(operation: tuple[str, str], state: Any) -> dict[str, Any]:
    if operation in API_CASES:
        return API_CASES[operation]
    return {**API_CASES_IN_EVERY_STATE[operation].answers(state), "anonymous": 401}


def test_every_api_operation_is_classified(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    # A case may carry the query its operation needs to answer (the distributions' framework
    # and version); the operation it classifies is its path.
    classified = {
        (method, path.partition("?")[0])
        for method, path in set(API_CASES) | set(API_CASES_IN_EVERY_STATE)
    }
    assert sorted(operations - classified) == []
    assert sorted(classified - operations) == []


# A valid body for each operation that takes one, so that the answer is the policy's.
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    **{
        operation: {
            "title": "Matrix protocol",
            "party_ids": ["{organisation_id}"],
            "purpose": "Purpose.",
            "legal_basis": "Basis.",
            "dpia_reference": "DPIA-M",
            "information_shared": "Trends.",
            "who_may_see": "The list.",
            "handling": "Carefully.",
            "retention_days": 365,
            "review_on": "2099-12-31",
        }
        for operation in [
            ("POST", "/api/v1/sharing/protocols"),
            ("PUT", "/api/v1/sharing/protocols/{protocol_id}"),
        ]
    },
    ("POST", "/api/v1/sharing/protocols/{protocol_id}/status"): {
        "to_status": "suspended",
        "reason": "Matrix.",
    },
    ("POST", "/api/v1/sharing/protocols/{protocol_id}/signatories"): {
        "organisation_id": "{organisation_id}",
        "name": "A Person",
        "post_title": "Chief Executive",
        "signed_on": "2026-01-01",
    },
    ("POST", "/api/v1/sharing/products"): {"title": "Matrix draft", "marking": "official"},
    ("PUT", "/api/v1/sharing/products/{product_id}"): {
        "title": "Matrix draft",
        "marking": "official",
    },
    # The same people again: the author keeps seeing the product they answer about.
    ("PUT", "/api/v1/sharing/products/{product_id}/people"): {
        "people": [
            {"user_id": "{coordinator_id}", "kind": "author"},
            {"user_id": "{board_member_id}", "kind": "approver"},
            {"user_id": "{viewer_id}", "kind": "critical_reader"},
        ]
    },
    ("PUT", "/api/v1/sharing/products/{product_id}/dissemination"): {"entries": []},
    ("POST", "/api/v1/sharing/products/{product_id}/submit"): {"no_personal_data_declared": True},
    ("POST", "/api/v1/sharing/products/{product_id}/approve"): {"version_hash": "0" * 64},
    ("POST", "/api/v1/sharing/products/{product_id}/comments"): {
        "version_hash": "0" * 64,
        "body": "A comment.",
    },
    ("POST", "/api/v1/sharing/products/{product_id}/return-to-draft"): {"reason": "A reason."},
    ("POST", "/api/v1/sharing/products/{product_id}/withdraw"): {"reason": "A reason."},
    ("POST", "/api/v1/sharing/products/{product_id}/feedback"): {"body": "Useful."},
    ("POST", "/api/v1/sharing/products/{product_id}/access-requests"): {"reason": "A reason."},
    ("POST", "/api/v1/sharing/access-requests/{request_id}/answer"): {"answer": "An answer."},
    **{
        operation: {
            "title": "Matrix source",
            "owner_organisation_id": "{organisation_id}",
            "granularity": "ward",
            "refresh": "annually",
            "marking": "official",
            "how_to_get": "Ask.",
        }
        for operation in [
            ("POST", "/api/v1/sharing/partnerships/{partnership_id}/sources"),
            ("PUT", "/api/v1/sharing/sources/{source_id}"),
        ]
    },
    ("POST", "/api/v1/partnerships/{partnership_id}/memberships"): {
        "email": "new.person@example.test",
        "full_name": "New Person",
        "role": "viewer",
    },
    ("PUT", "/api/v1/assessments/{assessment_id}/responses/{response_id}"): {
        "revision": 0,
        "rating": 2,
        "target": 2,
        "commentary": "Seen in the board minutes.",
        "consensus_reason": "",
    },
    ("POST", "/api/v1/assessments/{assessment_id}/submit"): {"no_personal_data_declared": True},
    # Values written "{name}" are the world's ids, filled in when the request is made.
    **{
        operation: {
            "criterion_ids": ["{criterion_id}"],
            "title": "Refresh the narrative",
            "description": "With partners and the reference group.",
            "owner_id": "{contributor_id}",
            "owner_organisation_id": "{organisation_id}",
            "due_on": "2099-12-31",
            **extra,
        }
        for operation, extra in [
            (("POST", "/api/v1/actions"), {"assessment_id": "{published_assessment_id}"}),
            (("PUT", "/api/v1/actions/{action_id}"), {}),
        ]
    },
    ("POST", "/api/v1/actions/{action_id}/progress"): {"text": "Met.", "status": "in_progress"},
    ("POST", "/api/v1/actions/{action_id}/cancel"): {"reason": "Not needed."},
    ("POST", "/api/v1/actions/{action_id}/reopen"): {"reason": "Needed."},
}
for capability in CAPABILITIES:
    API_BODIES.update(capability.api_bodies)


def _filled(value: Any, world: dict[str, Any]) -> Any:
    """A body with each "{name}" replaced by the world's value of that name."""
    if isinstance(value, dict):
        return {key: _filled(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, world) for item in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]]
    return value


def _api_family(operation: tuple[str, str]) -> str | None:
    found = API_CASES_IN_EVERY_STATE.get(operation)
    return found.family if found is not None else None


@pytest.mark.parametrize(
    ("operation", "state"),
    _params({**API_CASES, **API_CASES_IN_EVERY_STATE}, _api_family),
)
def test_each_subject_gets_the_api_answer_permissions_md_gives(
    operation: tuple[str, str], state: Any, world: dict[str, Any]
) -> None:
    method, template = operation
    values = _in_every_state(_api_family(operation), state, world)
    # Each "{name}" of the path is the world's value of that name, for the object's state.
    path = template.format(**{k: v for k, v in values.items() if isinstance(v, int | str)})
    body = _filled(API_BODIES.get(operation, {}), values)
    got = {}
    for subject in SUBJECTS:
        with transaction.atomic():
            headers = {}
            if subject != "anonymous":
                headers["Authorization"] = f"Bearer {world['tokens'][subject]}"
            client = Client()
            if method in ("POST", "PUT"):
                send = client.post if method == "POST" else client.put
                response = send(path, body, content_type="application/json", headers=headers)
            elif method == "DELETE":
                response = client.delete(path, headers=headers)
            else:
                response = client.get(path, headers=headers)
            got[subject] = response.status_code
            transaction.set_rollback(True)
    assert got == _api_answers(operation, state)
