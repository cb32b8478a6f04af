"""The access matrix, built from the URLconf itself.

Every URL pattern in the project must be classified here with the answer `permissions.md` gives
each kind of user: anonymous, a user of another partnership, an inspector whose assignment has
ended, each role of the partnership, and the site-wide grants. A URL nobody has classified makes
`test_every_url_is_classified` fail. API endpoints are classified the same way, from the OpenAPI
document.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lde.accounts.models import ApiToken, Organisation, Post, PostHolding, PostKind, User
from lde.action_plans.services import action_raise
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
from tests.conftest import sign_in
from tests.sharing.builders import matrix_world

pytestmark = pytest.mark.django_db

SUBJECTS = [
    "anonymous",
    "other_partnership",
    "expired_inspector",
    "coordinator",
    "board_member",
    "contributor",
    "viewer",
    "community_reviewer",
    "inspector",
    "peer_reviewer",
    "security_contact",
    "national_analyst",
    "site_administrator",
]
MEMBERS = ["coordinator", "board_member", "contributor", "viewer", "community_reviewer"]
READERS = ["coordinator", "board_member", "contributor", "viewer"]
LOGIN = "login"  # a redirect to the sign-in page


def expect(default: Any, **overrides: Any) -> dict[str, Any]:
    table = dict.fromkeys(SUBJECTS, default)
    table["anonymous"] = LOGIN
    for key, value in overrides.items():
        for subject in key.split("__"):
            table[subject] = value
    return table


def only(answer: Any, subjects: list[str], otherwise: Any, **overrides: Any) -> dict[str, Any]:
    table = expect(otherwise, **overrides)
    for subject in subjects:
        table[subject] = answer
    return table


# Partnership pages: 404 for anyone who cannot see the partnership, 403 for those who can see it
# but lack the action.
def partnership_page(allowed: list[str], visible: list[str] | None = None) -> dict[str, Any]:
    visible = visible if visible is not None else [*MEMBERS, "inspector"]
    table = expect(404)
    for subject in visible:
        table[subject] = 403
    for subject in allowed:
        table[subject] = 200
    return table


PUBLIC = dict.fromkeys(SUBJECTS, 200)
SIGNED_IN = expect(200)
ORGANISATION_VISIBLE = [
    *READERS,
    "community_reviewer",
    "inspector",
    "other_partnership",
    "security_contact",
    "national_analyst",
    "site_administrator",
]


def organisation_page(allowed: list[str]) -> dict[str, Any]:
    table = expect(404)
    for subject in ORGANISATION_VISIBLE:
        table[subject] = 403
    for subject in allowed:
        table[subject] = 200
    return table


# Who reads the world's draft self-assessment: 404 for everyone else.
DRAFT_READERS = ["coordinator", "board_member", "contributor", "inspector", "peer_reviewer"]


def assessment_page(**allowed: Any) -> dict[str, Any]:
    """403 for the draft's readers, the given answers for those allowed, 404 for the rest."""
    table = only(403, DRAFT_READERS, 404)
    table.update(allowed)
    return table


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


def product_page(**allowed: Any) -> dict[str, Any]:
    """403 for the product's readers, the given answers for those allowed, 404 for the rest."""
    table = only(403, PRODUCT_READERS, 404)
    table.update(allowed)
    return table


def protocol_page(**allowed: Any) -> dict[str, Any]:
    table = only(403, PROTOCOL_READERS, 404)
    table.update(allowed)
    return table


@dataclass(frozen=True)
class Case:
    method: str
    kwargs: tuple[str, ...]
    answers: dict[str, Any]


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
    "sharing:product-detail": Case("GET", ("product_id",), only(200, PRODUCT_READERS, 404)),
    "sharing:attachment-download": Case(
        "GET", ("product_id", "attachment_id"), only(200, PRODUCT_READERS, 404)
    ),
    "sharing:product-pdf": Case("GET", ("product_id",), only(200, PRODUCT_READERS, 404)),
    "sharing:product-update": Case("GET", ("product_id",), product_page()),
    "sharing:product-people": Case("GET", ("product_id",), product_page()),
    "sharing:product-person-remove": Case("POST", ("product_id", "person_id"), product_page()),
    "sharing:product-dissemination": Case("GET", ("product_id",), product_page()),
    "sharing:dissemination-remove": Case("POST", ("product_id", "entry_id"), product_page()),
    "sharing:attachment-add": Case("GET", ("product_id",), product_page()),
    "sharing:attachment-remove": Case("POST", ("product_id", "attachment_id"), product_page()),
    "sharing:product-submit": Case("GET", ("product_id",), product_page()),
    "sharing:product-approve": Case("POST", ("product_id",), product_page()),
    "sharing:product-comment": Case("POST", ("product_id",), product_page()),
    "sharing:product-return-to-draft": Case("POST", ("product_id",), product_page()),
    "sharing:product-release": Case("POST", ("product_id",), product_page()),
    "sharing:product-withdraw": Case(
        "GET", ("product_id",), product_page(coordinator=200, board_member=200)
    ),
    "sharing:product-new-version": Case("POST", ("product_id",), product_page(coordinator=302)),
    "sharing:product-acknowledge": Case("POST", ("product_id",), only(302, PRODUCT_READERS, 404)),
    "sharing:product-feedback": Case("GET", ("product_id",), only(200, PRODUCT_READERS, 404)),
    "sharing:product-readership": Case(
        "GET", ("product_id",), product_page(coordinator=200, board_member=200)
    ),
    # The world's product is not a record of material held elsewhere: nobody asks for it.
    "sharing:product-access-request": Case("GET", ("product_id",), product_page()),
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
    "accounts:password-reset": Case("GET", (), PUBLIC),
    "accounts:password-reset-sent": Case("GET", (), PUBLIC),
    "accounts:password-set": Case("GET", ("uidb64", "token"), PUBLIC),
    "accounts:password-set-done": Case("GET", (), PUBLIC),
    "accounts:two-factor": Case("GET", (), SIGNED_IN),
    "accounts:two-factor-set-up": Case("GET", (), expect(302)),
    "accounts:profile": Case("GET", (), SIGNED_IN),
    "accounts:api-token-create": Case("POST", (), expect(400)),
    "accounts:api-token-revoke": Case("POST", ("token_id",), expect(404, coordinator=302)),
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
    "accounts:organisation-clearances": Case(
        "GET", ("organisation_id",), organisation_page(["security_contact"])
    ),
    "accounts:clearance-record": Case(
        "GET", ("organisation_id",), organisation_page(["security_contact"])
    ),
    "accounts:caveat-grant-record": Case(
        "GET", ("organisation_id",), organisation_page(["security_contact"])
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
    ),
    "partnerships:partner-organisation-add": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator"])
    ),
    "partnerships:post-list": Case(
        "GET", ("partnership_id",), partnership_page([*READERS, "inspector"])
    ),
    "partnerships:post-create": Case("GET", ("partnership_id",), partnership_page(["coordinator"])),
    "partnerships:post-holder-change": Case(
        "GET", ("partnership_id", "post_id"), partnership_page(["coordinator"])
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
    "partnerships:national-coverage": Case("GET", (), only(200, ["national_analyst"], 404)),
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
    # Assessments. The world's draft self-assessment is read by its coordinators, board members,
    # contributors, the live inspector and the peer reviewer assigned to it (permissions.md);
    # rated by coordinators and board members (the contributor has no criterion assigned);
    # submitted by the coordinator. Actions a draft does not allow answer 403 to its readers.
    "assessments:assessment-list": Case(
        "GET", ("partnership_id",), partnership_page([*MEMBERS, "inspector"])
    ),
    "assessments:assessment-start": Case(
        "GET", ("partnership_id",), partnership_page(["coordinator"])
    ),
    "assessments:assessment-detail": Case("GET", ("assessment_id",), only(200, DRAFT_READERS, 404)),
    "assessments:response-update": Case(
        "GET",
        ("assessment_id", "response_id"),
        assessment_page(coordinator=200, board_member=200),
    ),
    "assessments:rater-rating-record": Case(
        "POST",
        ("assessment_id", "response_id"),
        assessment_page(coordinator=302, board_member=302),
    ),
    "assessments:evidence-add-file": Case(
        "POST",
        ("assessment_id", "response_id"),
        assessment_page(coordinator=400, board_member=400),
    ),
    "assessments:evidence-add-link": Case(
        "POST",
        ("assessment_id", "response_id"),
        assessment_page(coordinator=400, board_member=400),
    ),
    # Link evidence is opened by a redirect to it, after the policy and the audit.
    "assessments:evidence-download": Case("GET", ("evidence_id",), only(302, DRAFT_READERS, 404)),
    "assessments:contributions": Case("GET", ("assessment_id",), only(200, DRAFT_READERS, 404)),
    "assessments:organisation-sign-off": Case(
        "POST",
        ("assessment_id",),
        assessment_page(coordinator=302, board_member=302, contributor=302),
    ),
    "assessments:assessment-submit": Case(
        "GET", ("assessment_id",), assessment_page(coordinator=200)
    ),
    "assessments:moderation": Case(
        "GET",
        ("assessment_id",),
        assessment_page(coordinator=200, board_member=200, inspector=200, peer_reviewer=200),
    ),
    "assessments:moderation-finish": Case("POST", ("assessment_id",), assessment_page()),
    "assessments:factual-accuracy-comment": Case("POST", ("assessment_id",), assessment_page()),
    "assessments:assessment-board-sign-off": Case("POST", ("assessment_id",), assessment_page()),
    "assessments:assessment-publish": Case("POST", ("assessment_id",), assessment_page()),
    "assessments:assessment-return-to-draft": Case("POST", ("assessment_id",), assessment_page()),
    # Reviews start from a submitted self-assessment; the world's is a draft, so nobody may.
    "assessments:review-start": Case("POST", ("assessment_id",), assessment_page()),
    # Offline completion is for those who may rate the draft: its contributor too, whose
    # workbook then has every row read only.
    **{
        f"assessments:{name}": Case(
            "GET",
            ("assessment_id",),
            assessment_page(coordinator=200, board_member=200, contributor=200),
        )
        for name in ("workbook", "workbook-download", "workbook-import")
    },
    # Analysis: whoever sees an assessment sees its scores and compares it with the others they
    # see (the draft with the published cycle it was carried from; for the peer reviewer, with
    # the peer review). Trends are the partnership's: everyone who sees the partnership.
    "assessments:gaps": Case("GET", ("assessment_id",), only(200, DRAFT_READERS, 404)),
    "assessments:report-pdf": Case("GET", ("assessment_id",), only(200, DRAFT_READERS, 404)),
    "assessments:report-xlsx": Case("GET", ("assessment_id",), only(200, DRAFT_READERS, 404)),
    "assessments:compare": Case("GET", ("assessment_id",), only(200, DRAFT_READERS, 404)),
    "assessments:trends": Case(
        "GET", ("partnership_id",), partnership_page([*MEMBERS, "inspector"])
    ),
    # Action plans (permissions.md): read by coordinators, board members, contributors, viewers
    # and live inspectors; raised, changed and cancelled by coordinators and board members;
    # progress recorded by coordinators and the action's owner (the world's contributor). The
    # world's action is planned, so nobody may reopen it. Actions are raised on the draft here.
    "action_plans:action-list": Case(
        "GET", ("partnership_id",), partnership_page([*READERS, "inspector"])
    ),
    "action_plans:action-create": Case(
        "GET", ("assessment_id",), assessment_page(coordinator=200, board_member=200)
    ),
    "action_plans:action-detail": Case(
        "GET", ("action_id",), only(200, [*READERS, "inspector"], 404)
    ),
    "action_plans:action-update": Case(
        "GET",
        ("action_id",),
        {**only(403, [*READERS, "inspector"], 404), "coordinator": 200, "board_member": 200},
    ),
    "action_plans:progress-record": Case(
        "GET",
        ("action_id",),
        {**only(403, [*READERS, "inspector"], 404), "coordinator": 200, "contributor": 200},
    ),
    "action_plans:action-cancel": Case(
        "GET",
        ("action_id",),
        {**only(403, [*READERS, "inspector"], 404), "coordinator": 200, "board_member": 200},
    ),
    "action_plans:action-reopen": Case(
        "GET", ("action_id",), only(403, [*READERS, "inspector"], 404)
    ),
    # The Django admin: site administrators only; everyone else is sent to its sign-in.
    "admin:*": Case("GET", (), {**expect(302), "anonymous": 302, "site_administrator": 200}),
}


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
        ("peer_reviewer", AssignmentKind.PEER_REVIEWER, -5, 5),
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
    # Assessments: a draft self-assessment, a published one, and a draft peer review of the
    # draft, which the peer reviewer's assignment names.
    framework = FrameworkVersion.objects.get(
        framework__identifier="matrix-framework", version="1.0"
    )
    coordinator = users["coordinator"]
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
    draft = assessment_start(
        actor=None,
        partnership=target,
        kind=AssessmentKind.SELF,
        framework_version=framework,
        title="Self-assessment 2025",
        period_start=today - timedelta(300),
        period_end=today + timedelta(60),
    )
    review = assessment_start(
        actor=None,
        partnership=target,
        kind=AssessmentKind.PEER_REVIEW,
        framework_version=framework,
        title="Peer review 2025",
        reviews=draft,
        period_start=draft.period_start,
        period_end=draft.period_end,
    )
    Assignment.objects.filter(user=users["peer_reviewer"]).update(
        subject_reference=f"assessment:{draft.pk}"
    )
    response = draft.responses.get()
    evidence = evidence_add_link(
        actor=coordinator,
        response=response,
        title="Board minutes",
        url="https://example.org/minutes",
        effective_on=today - timedelta(30),
    )
    action = action_raise(
        actor=None,
        assessment=published,
        criteria=[response.criterion],
        title="Refresh the narrative",
        description="With partners and the reference group.",
        owner=users["contributor"],
        owner_organisation=council,
        due_on=today + timedelta(30),
    )
    sharing = matrix_world(users=users, council=council, partnership=target)
    return {
        "action_id": action.pk,
        **sharing,
        "criterion_id": response.criterion_id,
        "contributor_id": users["contributor"].pk,
        "assessment_id": draft.pk,
        "published_assessment_id": published.pk,
        "other_id": published.pk,
        "review_id": review.pk,
        "response_id": response.pk,
        "evidence_id": evidence.pk,
        "uidb64": "MQ",
        "token": "set-password",
        "identifier": "matrix-framework",
        "version": "1.0",
        "other": "1.1",
        "users": users,
        "partnership_id": target.pk,
        "membership_id": Membership.objects.get(partnership=target, role=Role.VIEWER).pk,
        "post_id": security_post.pk,
        "organisation_id": council.pk,
        "token_id": token.pk,
    }


def _answer(response: Any) -> Any:
    if response.status_code == 302 and response["Location"].startswith("/sign-in/"):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_subject_gets_the_answer_permissions_md_gives(
    name: str, world: dict[str, Any]
) -> None:
    case = CASES[name]
    url = (
        reverse("admin:index")
        if name == "admin:*"
        else reverse(name, kwargs={k: world[k] for k in case.kwargs})
    )
    got = {}
    for subject in SUBJECTS:
        with transaction.atomic():
            client = Client()
            if subject != "anonymous":
                client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][subject]
            response = client.post(url) if case.method == "POST" else client.get(url)
            got[subject] = _answer(response)
            transaction.set_rollback(True)
    assert got == case.answers


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
    ("GET", "/api/v1/sharing/products/{product_id}"): only(200, PRODUCT_READERS, 404),
    ("PUT", "/api/v1/sharing/products/{product_id}"): product_page(),
    ("PUT", "/api/v1/sharing/products/{product_id}/people"): product_page(),
    ("PUT", "/api/v1/sharing/products/{product_id}/dissemination"): product_page(),
    ("POST", "/api/v1/sharing/products/{product_id}/attachments"): product_page(),
    ("GET", "/api/v1/sharing/products/{product_id}/attachments/{attachment_id}"): only(
        200, PRODUCT_READERS, 404
    ),
    ("DELETE", "/api/v1/sharing/products/{product_id}/attachments/{attachment_id}"): product_page(),
    ("POST", "/api/v1/sharing/products/{product_id}/submit"): product_page(),
    ("GET", "/api/v1/sharing/products/{product_id}/pdf"): only(200, PRODUCT_READERS, 404),
    # The matrix product's author, approver and critical reader are its three readers.
    ("GET", "/api/v1/sharing/products/{product_id}/personal-data-check"): only(
        200, PRODUCT_READERS, 404
    ),
    ("POST", "/api/v1/sharing/products/{product_id}/approve"): product_page(),
    ("POST", "/api/v1/sharing/products/{product_id}/comments"): product_page(),
    ("POST", "/api/v1/sharing/products/{product_id}/return-to-draft"): product_page(),
    ("POST", "/api/v1/sharing/products/{product_id}/release"): product_page(),
    ("POST", "/api/v1/sharing/products/{product_id}/withdraw"): product_page(
        coordinator=204, board_member=204
    ),
    ("POST", "/api/v1/sharing/products/{product_id}/new-version"): product_page(coordinator=201),
    ("POST", "/api/v1/sharing/products/{product_id}/acknowledge"): only(200, PRODUCT_READERS, 404),
    ("POST", "/api/v1/sharing/products/{product_id}/feedback"): only(201, PRODUCT_READERS, 404),
    ("GET", "/api/v1/sharing/products/{product_id}/readership"): product_page(
        coordinator=200, board_member=200
    ),
    ("POST", "/api/v1/sharing/products/{product_id}/access-requests"): product_page(),
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
    ("GET", "/api/v1/me"): expect(200),
    ("GET", "/api/v1/organisations"): expect(200),
    ("GET", "/api/v1/organisations/{organisation_id}"): only(200, ORGANISATION_VISIBLE, 404),
    ("GET", "/api/v1/organisations/{organisation_id}/posts"): only(200, ORGANISATION_VISIBLE, 404),
    ("GET", "/api/v1/posts/{post_id}"): only(
        200, [*READERS, "inspector", "security_contact", "community_reviewer"], 404
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
    # Assessments, against the world's draft self-assessment: as its pages (see CASES above).
    ("GET", "/api/v1/assessments"): expect(200),
    ("GET", "/api/v1/assessments/{assessment_id}"): only(200, DRAFT_READERS, 404),
    ("PUT", "/api/v1/assessments/{assessment_id}/responses/{response_id}"): assessment_page(
        coordinator=200, board_member=200
    ),
    ("POST", "/api/v1/assessments/{assessment_id}/submit"): assessment_page(coordinator=200),
    ("GET", "/api/v1/assessments/{assessment_id}/workbook"): assessment_page(
        coordinator=200, board_member=200, contributor=200
    ),
    # Sent no file, those who may rate hear that it is missing (422), after the policy.
    ("POST", "/api/v1/assessments/{assessment_id}/workbook"): assessment_page(
        coordinator=422, board_member=422, contributor=422
    ),
    # Analysis, as its pages. The draft is compared with the published cycle, which the peer
    # reviewer may not see: 404, as for any assessment they cannot see.
    ("GET", "/api/v1/assessments/{assessment_id}/gaps"): only(200, DRAFT_READERS, 404),
    ("GET", "/api/v1/assessments/{assessment_id}/report"): only(200, DRAFT_READERS, 404),
    ("GET", "/api/v1/assessments/{assessment_id}/compare/{other_id}"): only(
        200, ["coordinator", "board_member", "contributor", "inspector"], 404
    ),
    ("GET", "/api/v1/assessments/partnership/{partnership_id}/trends"): partnership_page(
        [*MEMBERS, "inspector"]
    ),
    # Action plans, against the world's planned action (see CASES above). An action is raised
    # on the published assessment, which community reviewers see but may not raise on.
    ("GET", "/api/v1/actions"): expect(200),
    ("GET", "/api/v1/actions/{action_id}"): only(200, [*READERS, "inspector"], 404),
    ("POST", "/api/v1/actions"): {
        **only(403, [*MEMBERS, "inspector"], 404),
        "coordinator": 201,
        "board_member": 201,
    },
    ("PUT", "/api/v1/actions/{action_id}"): {
        **only(403, [*READERS, "inspector"], 404),
        "coordinator": 200,
        "board_member": 200,
    },
    ("POST", "/api/v1/actions/{action_id}/progress"): {
        **only(403, [*READERS, "inspector"], 404),
        "coordinator": 201,
        "contributor": 201,
    },
    ("POST", "/api/v1/actions/{action_id}/cancel"): {
        **only(403, [*READERS, "inspector"], 404),
        "coordinator": 200,
        "board_member": 200,
    },
    ("POST", "/api/v1/actions/{action_id}/reopen"): only(403, [*READERS, "inspector"], 404),
}
for table in API_CASES.values():
    table["anonymous"] = 401


def test_every_api_operation_is_classified(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert sorted(operations - set(API_CASES)) == []
    assert sorted(set(API_CASES) - operations) == []


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
    ("PUT", "/api/v1/sharing/products/{product_id}/people"): {
        "people": [{"user_id": "{contributor_id}", "kind": "author"}]
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


def _filled(value: Any, world: dict[str, Any]) -> Any:
    """A body with each "{name}" replaced by the world's value of that name."""
    if isinstance(value, dict):
        return {key: _filled(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, world) for item in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]]
    return value


@pytest.mark.parametrize("operation", sorted(API_CASES))
def test_each_subject_gets_the_api_answer_permissions_md_gives(
    operation: tuple[str, str], world: dict[str, Any]
) -> None:
    method, template = operation
    path = template.format(
        **{
            k: world[k]
            for k in (
                "partnership_id",
                "protocol_id",
                "product_id",
                "attachment_id",
                "request_id",
                "source_id",
                "organisation_id",
                "post_id",
                "identifier",
                "version",
                "assessment_id",
                "response_id",
                "action_id",
                "other_id",
            )
        }
    )
    body = _filled(API_BODIES.get(operation, {}), world)
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
    assert got == API_CASES[operation]
