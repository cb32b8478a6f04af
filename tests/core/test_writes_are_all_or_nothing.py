"""Every write is all or nothing: if its audit event cannot be appended, nothing it wrote stays.

Each writing service — every public function of an app's services module (`lde/<app>/services.py`,
a public module of `lde/<app>/services/`, or a public `lde/<app>/<part>_services.py`) that takes
the acting user as `actor` — is found by inspection, and driven once with arguments that carry it
as far as its audit event, with the kernel's audit append made to fail. The test then checks that
every table holds what it held before, row for row, and that no file was left in the private files
folder. A new service that is missing from the table below, or a table entry naming a service that
no longer exists, fails the build: so does a service that fails for any other reason than the audit
(its arguments in the table no longer reach its audit event, and the test would prove nothing).
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import lde
from lde.accounts.models import (
    ApiToken,
    CaveatGrant,
    Clearance,
    Organisation,
    OrganisationType,
    Post,
    PostHolding,
    PostKind,
    User,
)
from lde.action_plans import services as action_services
from lde.assessments import services as assessment_services
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.core.access.facts import facts_forget
from lde.core.access.markings import Marking, MarkingScheme, SiteSettings
from lde.core.audit import chain
from lde.frameworks import services as framework_services
from lde.frameworks.models import FrameworkVersion
from lde.partnerships.models import (
    Alliance,
    Assignment,
    AssignmentKind,
    Membership,
    PartnerOrganisation,
    Role,
)
from lde.sharing import services as sharing_services
from lde.sharing.models import (
    AccessRequest,
    BriefingProduct,
    DisseminationKind,
    PersonKind,
    ProductPerson,
    Protocol,
    ProtocolStatus,
)
from lde.what_works import services as what_works_services
from tests import uploads
from tests.assessments.conftest import FRAMEWORK
from tests.conftest import kept_for_the_module
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.inspections.all_or_nothing import (
    inspections_all_or_nothing_arguments,
    learning_all_or_nothing_arguments,
)
from tests.rollups.builders import all_or_nothing_arguments as rollups_all_or_nothing_arguments
from tests.rollups.opendata_builders import (
    all_or_nothing_arguments as opendata_all_or_nothing_arguments,
)
from tests.sharing.builders import Gateway, current_hash, draft, gateway, marking, release
from tests.what_works.conftest import DESCRIPTION as WW_DESCRIPTION
from tests.what_works.conftest import RATING as WW_RATING

ROOT = Path(__file__).resolve().parents[2]


class AuditDown(Exception):
    """The audit chain cannot be appended to: the write must not happen."""


def writing_services() -> dict[str, Callable[..., Any]]:
    """Every public function of every services module that takes `actor`, by dotted name."""
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in sorted((ROOT / "lde").glob("*/services.py"))
        + sorted((ROOT / "lde").glob("*/services/*.py"))
        + sorted((ROOT / "lde").glob("*/*_services.py"))
        if not path.name.startswith("_")
    ]
    found = {}
    for name in modules:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if (
                not attribute.startswith("_")
                and inspect.isfunction(value)
                and value.__module__ == name
                and "actor" in inspect.signature(value).parameters
            ):
                found[f"{name}.{attribute}"] = value
    return found


# --- The world every service is driven in --------------------------------------------------


@dataclass
class World:
    g: Gateway
    version: FrameworkVersion
    coordinator: User  # the partnership's coordinator, of the council
    board_member: User
    security_contact: User  # the council's
    council_person: User  # of the council, with no role anywhere
    draft: Assessment  # a draft self-assessment of the partnership
    submitted: Assessment  # a submitted self-assessment, reviewed by `review`
    review: Assessment  # its submitted peer review
    peer: User  # the peer reviewer assigned to it

    def refreshed(self) -> World:
        """The same world read again: each test's writes are rolled back in the database, not
        in the objects a test changed, nor in the access facts cached on each user."""
        users = {
            name: User.objects.get(pk=getattr(self, name).pk)
            for name in (
                "coordinator",
                "board_member",
                "security_contact",
                "council_person",
                "peer",
            )
        }
        g = Gateway(
            **{name: type(value).objects.get(pk=value.pk) for name, value in vars(self.g).items()}
        )
        return World(
            g=g,
            version=FrameworkVersion.objects.get(pk=self.version.pk),
            draft=Assessment.objects.get(pk=self.draft.pk),
            submitted=Assessment.objects.get(pk=self.submitted.pk),
            review=Assessment.objects.get(pk=self.review.pk),
            **users,
        )


@pytest.fixture(autouse=True)
def _clean_private_dirs() -> Iterator[None]:
    """Replaces tests/conftest.py's: the world's files last as long as its rows."""
    yield


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with kept_for_the_module(django_db_blocker):
        g = gateway()
        version = framework_services.framework_load(
            actor=None, text=FRAMEWORK, file_name="cycle-check-1.0.yaml"
        ).version
        council = g.council
        coordinator = g.council_approver
        board_member = MembershipFactory(
            partnership=g.partnership, role=Role.BOARD_MEMBER, user__organisation=council
        ).user
        security_contact = UserFactory(organisation=council)
        post = Post.objects.create(
            organisation=council, kind=PostKind.SECURITY_CONTACT, title="Security contact"
        )
        PostHolding.objects.create(
            post=post, user=security_contact, started_on=timezone.localdate() - timedelta(10)
        )
        draft_assessment = assessment_services.assessment_start(
            actor=coordinator,
            partnership=g.partnership,
            kind=AssessmentKind.SELF,
            framework_version=version,
            title="Self-assessment 2025",
            period_start=date(2025, 4, 1),
            period_end=date(2026, 3, 31),
        )
        submitted = assessment_services.assessment_start(
            actor=coordinator,
            partnership=g.partnership,
            kind=AssessmentKind.SELF,
            framework_version=version,
            title="Self-assessment 2023",
            period_start=date(2023, 4, 1),
            period_end=date(2024, 3, 31),
        )
        for response in submitted.responses.all():
            assessment_services.response_update(
                actor=coordinator,
                response=response,
                seen_revision=response.revision,
                rating=3,
                target=4,
                commentary="Seen.",
            )
        assessment_services.assessment_submit(
            actor=coordinator, assessment=submitted, no_personal_data_declared=True
        )
        peer = UserFactory()
        today = timezone.localdate()
        Assignment.objects.create(
            user=peer,
            kind=AssignmentKind.PEER_REVIEWER,
            title="Peer review",
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=30),
            subject_reference=submitted.subject_reference,
        ).partnerships.set([g.partnership])
        review = assessment_services.review_start(
            actor=coordinator,
            assessment=Assessment.objects.get(pk=submitted.pk),
            kind=AssessmentKind.PEER_REVIEW,
        )
        for response in review.responses.all():
            assessment_services.response_update(
                actor=peer,
                response=response,
                seen_revision=response.revision,
                rating=2,
                target=4,
                commentary="Seen.",
            )
        assessment_services.assessment_submit(
            actor=peer, assessment=review, no_personal_data_declared=True
        )
        yield World(
            g=g,
            version=version,
            coordinator=coordinator,
            board_member=board_member,
            security_contact=security_contact,
            council_person=UserFactory(organisation=council),
            draft=draft_assessment,
            submitted=Assessment.objects.get(pk=submitted.pk),
            review=Assessment.objects.get(pk=review.pk),
            peer=peer,
        )


# --- What each service is given ------------------------------------------------------------
#
# Each entry takes the world and returns the service's keyword arguments. It may build what the
# service needs first (a product in review, an action), before the tables are compared.


def _upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _response(w: World) -> Any:
    return w.draft.responses.select_related("criterion").order_by("pk").first()


def _action(w: World) -> Any:
    published = Assessment.objects.get(pk=w.submitted.pk)
    Assessment.objects.filter(pk=published.pk).update(status=AssessmentStatus.PUBLISHED)
    published.refresh_from_db()
    return action_services.action_raise(
        actor=None,
        assessment=published,
        criteria=[published.responses.first().criterion],
        title="Refresh the board's terms",
        description="With partners.",
        owner=w.coordinator,
        owner_organisation=w.g.council,
        due_on=timezone.localdate() + timedelta(days=30),
    )


def _action_arguments(w: World, **extra: Any) -> dict[str, Any]:
    action = _action(w)
    return {
        "actor": None,
        "action": action,
        "criteria": list(action.criteria.all()),
        "title": "Refresh the board's terms again",
        "description": "With partners and the reference group.",
        "owner": w.coordinator,
        "owner_organisation": w.g.council,
        "due_on": timezone.localdate() + timedelta(days=60),
        **extra,
    }


def _draft_product(w: World, **overrides: Any) -> BriefingProduct:
    return draft(w.g, **overrides)


def _in_review(w: World) -> BriefingProduct:
    product = draft(w.g)
    sharing_services.product_submit(
        actor=w.g.author, product=product, no_personal_data_declared=True
    )
    return BriefingProduct.objects.get(pk=product.pk)


def _released(w: World, *, author_reads: bool = False) -> BriefingProduct:
    product = release(w.g, draft(w.g))
    if author_reads:
        # The author reads a released product only as a reader: on its list, in a recipient.
        product.dissemination.create(kind=DisseminationKind.USER, user=w.g.author)
        Membership.objects.create(
            partnership=w.g.partnership, user=w.g.author, role=Role.CONTRIBUTOR
        )
        facts_forget(w.g.author)
    return product


def _access_request(w: World) -> AccessRequest:
    product = _held_elsewhere(w)
    product = release(w.g, product)
    return sharing_services.access_request_send(
        actor=w.g.council_approver, product=product, reason="For the board.", notify=False
    )


def _held_elsewhere(w: World) -> BriefingProduct:
    """A record of material above the ceiling, held by a post the council's reader holds (a
    holder answers only what they may see)."""
    holder = Post.objects.create(organisation=w.g.council, kind=PostKind.OTHER, title="Holder")
    PostHolding.objects.create(post=holder, user=w.g.reader, started_on=timezone.localdate())
    facts_forget(w.g.reader)
    return _draft_product(
        w,
        marking=marking("secret"),
        summary="",
        body="",
        title_releasable_declared=True,
        holder_post=holder,
        how_to_ask="Ask the holder.",
    )


def _access_request_answer(w: World) -> dict[str, Any]:
    request = _access_request(w)
    # The holder of the post that holds the material answers.
    return {"actor": w.g.reader, "request": request, "answer": "Granted in person."}


def _draft_protocol(w: World) -> Protocol:
    return sharing_services.protocol_create(
        actor=w.coordinator,
        parties=[w.g.council],
        title="Draft protocol",
        purpose="Purpose.",
        legal_basis="Basis.",
        dpia_reference="DPIA-2",
        information_shared="Trends.",
        who_may_see="The list.",
        handling="Carefully.",
        retention_days=365,
        review_on=timezone.localdate() + timedelta(days=200),
    )


def _protocol_fields() -> dict[str, Any]:
    return {
        "title": "Protocol",
        "purpose": "Purpose.",
        "legal_basis": "Basis.",
        "dpia_reference": "DPIA-3",
        "information_shared": "Trends.",
        "who_may_see": "The list.",
        "handling": "Carefully.",
        "retention_days": 365,
        "review_on": timezone.localdate() + timedelta(days=200),
    }


def _source_fields(w: World) -> dict[str, Any]:
    return {
        "title": "Census 2021: religion by ward",
        "owner_organisation": w.g.council,
        "description": "ONS tables.",
        "coverage_gss_codes": ["E05011111"],
        "coverage_description": "The whole borough",
        "granularity": "ward",
        "refresh": "census",
        "marking": marking("official"),
        "how_to_get": "The council's open data pages.",
        "protected_characteristics": [],
        "protected_characteristics_reason": "",
        "last_reviewed_on": date(2026, 1, 31),
    }


MAPPING = """
framework: cycle-check
from_version: "1.0"
to_version: "1.1"
changes:
  - {kind: same, from: [ownership], to: [ownership]}
  - {kind: same, from: [board], to: [board]}
  - {kind: same, from: [projects], to: [projects]}
"""

S = "lde.sharing.services"
A = "lde.assessments.services"


def _programme(w: World, *keep: str, **extra: Any) -> dict[str, Any]:
    """The programme builder's records in the world's partnership (tests/programme/builders.py),
    with an alliance of it alone and a pot the partnership has put money into."""
    from lde.partnerships.models import Alliance
    from lde.programme.models import AlliancePot, PotContribution
    from tests.programme.builders import programme_world

    made = programme_world(
        coordinator=w.coordinator, partnership=w.g.partnership, member=w.g.council
    )
    alliance = Alliance.objects.create(name="Programme alliance")
    alliance.partnerships.add(w.g.partnership)
    pot = AlliancePot.objects.create(alliance=alliance, name="Programme pot")
    PotContribution.objects.create(pot=pot, partnership=w.g.partnership, year=2026, amount=100)
    found = {
        "partnership": w.g.partnership,
        "stream": made["stream"],
        "project": made["funded"],
        "allocation": made["allocations"][1],
        "alliance": alliance,
        "pot": pot,
    }
    return {"actor": w.coordinator, **{k: found[k] for k in keep}, **extra}


def _capacity(w: World, **extra: Any) -> dict[str, Any]:
    """The capacity builder's records in the world's partnership (tests/capacity/builders.py),
    and the coordinator and partnership every capacity service takes."""
    from lde.capacity.models import (
        BoardDecision,
        BoardMeeting,
        CommunityRelationship,
        Course,
        Team,
        TrainingSession,
    )
    from tests.capacity.builders import capacity_world

    ids = capacity_world(coordinator=w.coordinator, partnership=w.g.partnership, member=w.g.council)
    return {
        "actor": w.coordinator,
        "meeting": BoardMeeting.objects.get(pk=ids["meeting_id"]),
        "decision": BoardDecision.objects.get(pk=ids["decision_id"]),
        "course": Course.objects.get(pk=ids["course_id"]),
        "session": TrainingSession.objects.get(pk=ids["session_id"]),
        "team": Team.objects.get(pk=ids["capacity_team_id"]),
        "relationship": CommunityRelationship.objects.get(pk=ids["relationship_id"]),
        "post": Post.objects.get(pk=ids["capacity_officer_post_id"]),
        "prevent": Post.objects.get(pk=ids["capacity_prevent_post_id"]),
        **extra,
    }


def _holders(w: World) -> dict[str, Any]:
    made = _capacity(w)
    return {
        "actor": made["actor"],
        "relationship": made["relationship"],
        "held_by": [made["post"], made["prevent"]],
    }


def _capacity_only(w: World, *keep: str, **extra: Any) -> dict[str, Any]:
    made = _capacity(w)
    return {"actor": made["actor"], **{k: made[k] for k in keep}, **extra}


def _narrative(w: World, *, share: bool = False, approve: bool = False) -> Any:
    """A draft of the partnership's narrative, every section written and the council named to
    sign; shared, or signed off too, when asked."""
    from lde.narratives import services as narrative_services
    from lde.narratives.models import NarrativeVersion
    from lde.narratives.sections import GUIDES

    version = narrative_services.version_start(actor=w.coordinator, partnership=w.g.partnership)
    for guide in GUIDES:
        narrative_services.section_update(
            actor=w.coordinator, version=version, key=guide.key, text=f"{guide.label}."
        )
    narrative_services.version_update(
        actor=w.coordinator,
        version=version,
        review_on=None,
        influences_reviewed_on=None,
        standalone_reason="",
        public_summary="What the partnership does, and why.",
        signatories=[w.g.council],
    )
    if share or approve:
        narrative_services.version_share(actor=w.coordinator, version=version)
    if approve:
        narrative_services.version_sign(actor=w.board_member, version=version)
    return NarrativeVersion.objects.get(pk=version.pk)


def _narrative_plan(w: World) -> dict[str, Any]:
    from lde.narratives import services as narrative_services

    version = _narrative(w)
    plan = narrative_services.plan_add(
        actor=w.coordinator,
        version=version,
        kind="other",
        name="Plan",
        organisation=w.g.council,
        how_carried="A priority.",
    )
    return {"actor": w.coordinator, "version": version, "plan_id": plan.pk}


def _alliance(w: World, *, extra: int) -> Alliance:
    """An alliance of the world's two partnerships, and `extra` more."""
    alliance = Alliance.objects.create(name="Pooled pot")
    alliance.partnerships.add(
        w.g.partnership, w.g.other_partnership, *(PartnershipFactory() for _ in range(extra))
    )
    return alliance


ARGUMENTS: dict[str, Callable[[World], dict[str, Any]]] = {
    # narratives
    "lde.narratives.services.version_start": lambda w: {
        "actor": w.coordinator,
        "partnership": w.g.partnership,
    },
    "lde.narratives.services.section_update": lambda w: {
        "actor": w.coordinator,
        "version": _narrative(w),
        "key": "vision",
        "text": "A new vision.",
    },
    "lde.narratives.services.version_update": lambda w: {
        "actor": w.coordinator,
        "version": _narrative(w),
        "review_on": None,
        "influences_reviewed_on": None,
        "standalone_reason": "",
        "public_summary": "Changed.",
        "signatories": [w.g.council],
    },
    "lde.narratives.services.plan_add": lambda w: {
        "actor": w.coordinator,
        "version": _narrative(w),
        "kind": "other",
        "name": "Plan",
        "organisation": w.g.council,
        "how_carried": "A priority.",
    },
    "lde.narratives.services.plan_remove": _narrative_plan,
    "lde.narratives.services.version_share": lambda w: {
        "actor": w.coordinator,
        "version": _narrative(w),
    },
    "lde.narratives.services.version_return": lambda w: {
        "actor": w.coordinator,
        "version": _narrative(w, share=True),
        "reason": "More to say.",
    },
    "lde.narratives.services.comment_add": lambda w: {
        "actor": w.board_member,
        "version": _narrative(w),
        "text": "Good.",
    },
    "lde.narratives.services.version_sign": lambda w: {
        "actor": w.board_member,
        "version": _narrative(w, share=True),
    },
    "lde.narratives.services.version_publish": lambda w: {
        "actor": w.coordinator,
        "version": _narrative(w, approve=True),
    },
    # capacity
    "lde.capacity.services.board_member_add": lambda w: _capacity_only(
        w,
        partnership=w.g.partnership,
        post=Post.objects.create(organisation=w.g.council, kind=PostKind.OTHER, title="Seat"),
        joined_on=timezone.localdate(),
    ),
    "lde.capacity.services.terms_of_reference_agree": lambda w: _capacity_only(
        w,
        partnership=w.g.partnership,
        agreed_on=timezone.localdate() - timedelta(days=5),
        text="New terms.",
    ),
    "lde.capacity.services.board_meeting_record": lambda w: _capacity_only(
        w,
        partnership=w.g.partnership,
        held_on=timezone.localdate() - timedelta(days=3),
        attended_by=[],
    ),
    "lde.capacity.services.board_decision_record": lambda w: _capacity_only(
        w, "meeting", decision="Decided."
    ),
    "lde.capacity.services.board_decision_action_raise": lambda w: _capacity_only(
        w,
        "decision",
        title="Train the teams",
        description="As the board decided.",
        owner=w.coordinator,
        owner_organisation=w.g.council,
        due_on=timezone.localdate() + timedelta(days=30),
    ),
    "lde.capacity.services.scrutiny_session_record": lambda w: _capacity_only(
        w,
        partnership=w.g.partnership,
        body="police_authority",
        held_on=timezone.localdate(),
        examined="The plan.",
    ),
    "lde.capacity.services.course_add": lambda w: _capacity_only(
        w, partnership=w.g.partnership, title="New course", provider="P", kind="course"
    ),
    "lde.capacity.services.training_session_record": lambda w: _capacity_only(
        w, "course", held_on=timezone.localdate(), joint_with=[w.g.council]
    ),
    "lde.capacity.services.team_add": lambda w: _capacity_only(
        w,
        partnership=w.g.partnership,
        organisation=w.g.council,
        name="New team",
        kind="other",
        headcount=3,
    ),
    "lde.capacity.services.training_attendance_record": lambda w: _capacity_only(
        w, "session", "team", number_trained=1
    ),
    "lde.capacity.services.community_relationship_record": lambda w: _capacity_only(
        w,
        partnership=w.g.partnership,
        organisation=Organisation.objects.create(name="New Trust", type="faith"),
        nature="Liaison.",
        held_by=[
            Post.objects.create(organisation=w.g.council, kind=PostKind.OTHER, title="Liaison")
        ],
    ),
    "lde.capacity.services.community_relationship_holders_change": lambda w: _holders(w),
    # programme
    "lde.programme.services.stream_add": lambda w: _programme(
        w,
        "partnership",
        name="New stream",
        source=w.g.council,
        kind="police",
        amount="10",
        starts_on=date(2026, 4, 1),
        ends_on=date(2027, 3, 31),
    ),
    "lde.programme.services.stream_edit": lambda w: _programme(w, "stream", name="Renamed"),
    "lde.programme.services.allocation_set": lambda w: _programme(
        w, "stream", year=2030, amount="0"
    ),
    "lde.programme.services.pot_add": lambda w: _programme(w, "alliance", name="Second pot"),
    "lde.programme.services.contribution_set": lambda w: _programme(
        w, "pot", "partnership", year=2027, amount="1"
    ),
    "lde.programme.services.tier_label_set": lambda w: _programme(
        w, "partnership", tier=3, label="Targeted"
    ),
    "lde.programme.services.project_add": lambda w: _programme(
        w,
        "partnership",
        title="New project",
        delivered_by=w.g.council,
        audiences="Young people",
        strand="grievances",
        tier=3,
        forms_of_extremism=["all_forms"],
    ),
    "lde.programme.services.project_edit": lambda w: _programme(w, "project", audiences="Others"),
    "lde.programme.services.activity_add": lambda w: _programme(w, "project", title="Workshop"),
    "lde.programme.services.funding_add": lambda w: _programme(
        w, "project", "allocation", amount="1"
    ),
    # accounts
    "lde.accounts.services.user_create": lambda w: {
        "actor": None,
        "email": "new.person@example.test",
        "full_name": "New Person",
    },
    "lde.accounts.services.organisation_create": lambda w: {
        "actor": w.coordinator,
        "name": "New Charity",
        "type": OrganisationType.VOLUNTARY_COMMUNITY,
    },
    "lde.accounts.services.organisation_update": lambda w: {
        "actor": w.coordinator,
        "organisation": w.g.council,
        "website": "https://council.example.org",
    },
    "lde.accounts.services.post_create": lambda w: {
        "actor": None,
        "organisation": w.g.council,
        "kind": PostKind.OTHER,
        "title": "Community lead",
    },
    "lde.accounts.services.post_holder_change": lambda w: {
        "actor": None,
        "post": Post.objects.create(organisation=w.g.council, kind=PostKind.OTHER, title="Lead"),
        "holder": w.council_person,
    },
    "lde.accounts.services.clearance_record": lambda w: {
        "actor": w.security_contact,
        "user": w.council_person,
        "level": 2,
        "granted_on": timezone.localdate() - timedelta(days=1),
        "expires_on": timezone.localdate() + timedelta(days=300),
        "sponsor": w.g.council,
    },
    "lde.accounts.services.clearance_revoke": lambda w: {
        "actor": w.security_contact,
        "clearance": Clearance.objects.create(
            user=w.council_person,
            level=2,
            granted_on=timezone.localdate() - timedelta(days=1),
            expires_on=timezone.localdate() + timedelta(days=300),
            sponsor=w.g.council,
            recorded_by=w.security_contact,
        ),
    },
    "lde.accounts.services.caveat_grant_record": lambda w: {
        "actor": w.security_contact,
        "user": w.council_person,
        "caveat": w.g.caveat,
        "sponsor": w.g.council,
        "granted_on": timezone.localdate(),
    },
    "lde.accounts.services.caveat_grant_revoke": lambda w: {
        "actor": w.security_contact,
        "grant": CaveatGrant.objects.create(
            user=w.council_person,
            caveat=w.g.caveat,
            sponsor=w.g.council,
            granted_on=timezone.localdate(),
            recorded_by=w.security_contact,
        ),
    },
    # Another site administrator closes a person's account and makes them a national analyst.
    "lde.accounts.services.user_access_change": lambda w: {
        "actor": UserFactory(is_site_administrator=True),
        "user": UserFactory(),
        "organisation": None,
        "is_active": False,
        "is_site_administrator": False,
        "is_national_analyst": True,
    },
    "lde.accounts.services.api_token_create": lambda w: {"actor": w.coordinator, "name": "Mine"},
    "lde.accounts.services.api_token_revoke": lambda w: {
        "actor": w.coordinator,
        "token": ApiToken.objects.create(
            user=w.coordinator, name="Old", digest="0" * 64, hint="lde_0000"
        ),
    },
    "lde.accounts.services.api_tokens_revoke_for_roles_changed": lambda w: {
        "actor": None,
        "user": ApiToken.objects.create(
            user=w.council_person, name="Old", digest="1" * 64, hint="lde_1111"
        ).user,
        "reason": "MEMBERSHIP_CREATED",
    },
    # partnerships
    "lde.partnerships.services.partnership_create": lambda w: {
        "actor": None,
        "name": "New Partnership",
        "lead_council": OrganisationFactory(type=OrganisationType.COUNCIL),
        "region": "E12000007",
    },
    "lde.partnerships.services.partner_organisation_add": lambda w: {
        "actor": None,
        "partnership": w.g.partnership,
        "organisation": OrganisationFactory(),
    },
    "lde.partnerships.services.partner_organisation_remove": lambda w: {
        "actor": None,
        "partnership": w.g.partnership,
        "organisation": PartnerOrganisation.objects.create(
            partnership=w.g.partnership, organisation=OrganisationFactory()
        ).organisation,
    },
    "lde.partnerships.services.membership_invite": lambda w: {
        "actor": None,
        "partnership": w.g.partnership,
        "email": "invited@example.test",
        "full_name": "Invited Person",
        "role": Role.VIEWER,
        "organisation": w.g.council,
    },
    "lde.partnerships.services.membership_change_role": lambda w: {
        "actor": None,
        "membership": Membership.objects.get(user=w.board_member, partnership=w.g.partnership),
        "role": Role.CONTRIBUTOR,
    },
    "lde.partnerships.services.membership_remove": lambda w: {
        "actor": None,
        "membership": Membership.objects.get(user=w.board_member, partnership=w.g.partnership),
    },
    "lde.partnerships.services.alliance_create": lambda w: {
        "actor": None,
        "name": "Alliance",
        "partnerships": [w.g.partnership, w.g.other_partnership],
    },
    "lde.partnerships.services.assignment_create": lambda w: {
        "actor": None,
        "user": UserFactory(),
        "kind": AssignmentKind.INSPECTOR,
        "title": "Inspection",
        "partnerships": [w.g.partnership],
        "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate() + timedelta(days=30),
    },
    "lde.partnerships.services.assignment_subject_set": lambda w: {
        "actor": None,
        "assignment": Assignment.objects.get(user=w.peer),
        "subject_reference": w.draft.subject_reference,
    },
    # A site administrator edits a partnership's own facts, and an alliance's members.
    "lde.partnerships.services.partnership_edit": lambda w: {
        "actor": None,
        "partnership": w.g.partnership,
        "name": "Renamed Partnership",
        "lead_council": w.g.partnership.lead_council,
        "region": "E12000007",
        "area_gss_codes": [],
        "police_bcus": [],
    },
    "lde.partnerships.services.alliance_partnership_add": lambda w: {
        "actor": None,
        "alliance": _alliance(w, extra=0),
        "partnership": PartnershipFactory(),
    },
    "lde.partnerships.services.alliance_partnership_remove": lambda w: {
        "actor": None,
        "alliance": _alliance(w, extra=1),
        "partnership": w.g.partnership,
    },
    # Another site administrator changes an older marking's words, and raises the ceiling.
    "lde.core.services.marking_change": lambda w: {
        "actor": UserFactory(is_site_administrator=True),
        "marking": Marking.objects.filter(scheme=MarkingScheme.LEGACY).order_by("pk").first(),
        "description": "Handled as its current equivalent.",
    },
    "lde.core.services.site_ceiling_change": lambda w: {
        "actor": UserFactory(is_site_administrator=True),
        "ceiling": Marking.objects.filter(scheme=MarkingScheme.CURRENT, maps_to=None)
        .exclude(pk=SiteSettings.objects.get().ceiling_id)
        .order_by("-rank")
        .first(),
    },
    "lde.partnerships.services.strategic_post_name": lambda w: {
        "actor": None,
        "partnership": w.g.partnership,
        "post": Post.objects.create(
            organisation=w.g.council, kind=PostKind.CHIEF_EXECUTIVE, title="Chief executive"
        ),
    },
    "lde.partnerships.services.strategic_post_unname": lambda w: _strategic_unname(w),
    # frameworks
    "lde.frameworks.services.framework_load": lambda w: {
        "actor": None,
        "text": FRAMEWORK.replace('version: "1.0"', 'version: "1.1"'),
        "file_name": "cycle-check-1.1.yaml",
    },
    "lde.frameworks.services.framework_import_oscal": lambda w: _oscal(w),
    "lde.frameworks.services.framework_demonstration_mark": lambda w: {
        "actor": None,
        "framework": w.version.framework,
    },
    "lde.frameworks.services.framework_load_file": lambda w: _framework_file(w),
    "lde.frameworks.services.mapping_load": lambda w: _mapping(w),
    "lde.frameworks.services.frameworks_load_shipped": lambda w: {"actor": None},
    # assessments
    f"{A}.assessment_start": lambda w: {
        "actor": w.coordinator,
        "partnership": w.g.partnership,
        "kind": AssessmentKind.SELF,
        "framework_version": w.version,
        "title": "Self-assessment 2027",
        "period_start": date(2027, 4, 1),
        "period_end": date(2028, 3, 31),
    },
    f"{A}.assessment_abandon": lambda w: {
        "actor": w.coordinator,
        "assessment": w.draft,
        "reason": "Started by mistake.",
    },
    f"{A}.response_update": lambda w: {
        "actor": w.coordinator,
        "response": _response(w),
        "seen_revision": _response(w).revision,
        "rating": 2,
        "target": 3,
        "commentary": "Better.",
    },
    f"{A}.rater_rating_record": lambda w: {
        "actor": w.board_member,
        "response": _response(w),
        "rating": 2,
    },
    f"{A}.evidence_add_file": lambda w: {
        "actor": w.coordinator,
        "response": _response(w),
        "title": "Minutes",
        "upload": _upload("minutes.pdf", uploads.pdf(), "application/pdf"),
        "effective_on": date(2025, 6, 1),
    },
    f"{A}.evidence_add_link": lambda w: {
        "actor": w.coordinator,
        "response": _response(w),
        "title": "Minutes",
        "url": "https://example.org/minutes",
        "effective_on": date(2025, 6, 1),
    },
    f"{A}.contribution_assign": lambda w: {
        "actor": w.coordinator,
        "assessment": w.draft,
        "criterion": _response(w).criterion,
        "organisation": w.g.council,
    },
    f"{A}.organisation_sign_off": lambda w: {
        "actor": w.board_member,
        "assessment": w.draft,
        "organisation": w.g.council,
    },
    f"{A}.assessment_submit": lambda w: _submittable(w),
    f"{A}.assessment_return_to_draft": lambda w: {
        "actor": w.coordinator,
        "assessment": w.submitted,
        "reason": "More to add.",
    },
    f"{A}.board_sign_off": lambda w: {"actor": w.board_member, "assessment": w.submitted},
    f"{A}.moderation_decide": lambda w: {
        "actor": w.coordinator,
        "assessment": w.submitted,
        "criterion": w.submitted.responses.first().criterion,
        "agreed_rating": 3,
        "reason": "Agreed at the meeting.",
    },
    f"{A}.assessment_moderate": lambda w: _moderatable(w),
    f"{A}.factual_accuracy_comment": lambda w: {
        "actor": w.coordinator,
        "assessment": w.review,
        "body": "The chair is named wrongly.",
    },
    f"{A}.assessment_publish": lambda w: _publishable(w),
    f"{A}.review_start": lambda w: {
        "actor": w.coordinator,
        "assessment": w.submitted,
        "kind": AssessmentKind.PEER_REVIEW,
    },
    # action plans
    "lde.action_plans.services.action_raise": lambda w: {
        "actor": w.coordinator,
        "assessment": Assessment.objects.filter(pk=w.submitted.pk).update(
            status=AssessmentStatus.PUBLISHED
        )
        and Assessment.objects.get(pk=w.submitted.pk),
        "criteria": [w.submitted.responses.first().criterion],
        "title": "Refresh the board's terms",
        "description": "With partners.",
        "owner": w.coordinator,
        "owner_organisation": w.g.council,
        "due_on": timezone.localdate() + timedelta(days=30),
    },
    "lde.action_plans.services.action_raise_from": lambda w: {
        "actor": w.coordinator,
        "partnership": w.g.partnership,
        "origin": "board_decision",
        "origin_reference": "Programme board, 12 March 2026: decision 3",
        "title": "Brief the schools",
        "description": "As the board decided.",
        "owner": w.coordinator,
        "owner_organisation": w.g.council,
        "due_on": timezone.localdate() + timedelta(days=30),
    },
    "lde.action_plans.services.action_update": lambda w: _action_arguments(w),
    "lde.action_plans.services.progress_record": lambda w: {
        "actor": w.coordinator,
        "action": _action(w),
        "text": "Met the chair.",
    },
    "lde.action_plans.services.action_cancel": lambda w: {
        "actor": None,
        "action": _action(w),
        "reason": "Overtaken by events.",
    },
    "lde.action_plans.services.action_reopen": lambda w: _reopenable(w),
    # sharing: drafting
    f"{S}.drafting.product_create": lambda w: {
        "actor": w.g.author,
        "title": "Tension summary",
        "marking": marking("official"),
        "summary": "A summary.",
        "body": "The body.",
        "recipients": [w.g.partnership],
        "protocol": w.g.protocol,
        "area_gss_codes": ["E09999999"],
    },
    f"{S}.drafting.product_update": lambda w: _product_update(w),
    f"{S}.drafting.product_person_add": lambda w: {
        "actor": w.g.author,
        "product": _draft_product(w),
        "user": w.g.council_approver,
        "kind": PersonKind.CRITICAL_READER,
    },
    f"{S}.drafting.product_person_remove": lambda w: _person_remove(w),
    f"{S}.drafting.product_people_replace": lambda w: {
        "actor": w.g.author,
        "product": _draft_product(w),
        "people": [(w.g.author, PersonKind.AUTHOR), (w.g.council_approver, PersonKind.APPROVER)],
    },
    f"{S}.drafting.dissemination_replace": lambda w: {
        "actor": w.g.author,
        "product": _draft_product(w),
        "entries": [{"kind": DisseminationKind.ORGANISATION, "organisation": w.g.unit}],
    },
    f"{S}.drafting.dissemination_add": lambda w: {
        "actor": w.g.author,
        "product": _draft_product(w),
        "kind": DisseminationKind.ORGANISATION,
        "organisation": w.g.unit,
    },
    f"{S}.drafting.dissemination_remove": lambda w: _dissemination_remove(w),
    f"{S}.drafting.attachment_add": lambda w: {
        "actor": w.g.author,
        "product": _draft_product(w),
        "upload": _upload("annex-2.pdf", uploads.pdf(), "application/pdf"),
    },
    f"{S}.drafting.attachment_remove": lambda w: _attachment_remove(w),
    f"{S}.drafting.product_new_version": lambda w: {
        "actor": w.g.author,
        "product": _released(w, author_reads=True),
    },
    # sharing: handling
    f"{S}.handling.product_read_record": lambda w: {
        "actor": w.g.reader,
        "product": _released(w),
    },
    f"{S}.handling.attachment_download_record": lambda w: {
        "actor": w.g.reader,
        "attachment": _released(w).attachments.get(),
        "stamped": True,
    },
    f"{S}.handling.attachment_for_download": lambda w: _downloadable(w),
    f"{S}.handling.product_pdf_record": lambda w: {"actor": w.g.reader, "product": _released(w)},
    f"{S}.handling.product_pdf_print": lambda w: {"actor": w.g.reader, "product": _released(w)},
    f"{S}.handling.product_acknowledge": lambda w: {"actor": w.g.reader, "product": _released(w)},
    f"{S}.handling.feedback_send": lambda w: {
        "actor": w.g.reader,
        "product": _released(w),
        "body": "Useful.",
    },
    f"{S}.handling.access_request_send": lambda w: _access_request_send(w),
    f"{S}.handling.access_request_answer": lambda w: _access_request_answer(w),
    # sharing: protocols
    f"{S}.protocols.protocol_create": lambda w: {
        "actor": w.coordinator,
        "parties": [w.g.council],
        **_protocol_fields(),
    },
    f"{S}.protocols.protocol_update": lambda w: {
        "actor": w.coordinator,
        "protocol": _draft_protocol(w),
        "parties": [w.g.council],
        **_protocol_fields(),
        "title": "Renamed protocol",
    },
    f"{S}.protocols.protocol_signatory_add": lambda w: {
        "actor": w.coordinator,
        "protocol": _draft_protocol(w),
        "organisation": w.g.council,
        "name": "A Signatory",
        "post_title": "Chief Executive",
        "signed_on": timezone.localdate(),
    },
    f"{S}.protocols.protocol_transition": lambda w: {
        "actor": w.coordinator,
        "protocol": w.g.protocol,
        "to_status": ProtocolStatus.SUSPENDED,
        "reason": "Under review.",
    },
    # sharing: review
    f"{S}.review.product_submit": lambda w: {
        "actor": w.g.author,
        "product": _draft_product(w),
        "no_personal_data_declared": True,
    },
    f"{S}.review.product_return_to_draft": lambda w: {
        "actor": w.g.author,
        "product": _in_review(w),
        "reason": "More to add.",
    },
    f"{S}.review.product_approve": lambda w: _approve(w),
    f"{S}.review.product_comment": lambda w: _comment(w),
    f"{S}.review.product_release": lambda w: _releasable(w),
    f"{S}.review.product_withdraw": lambda w: {
        "actor": w.g.author,
        "product": _released(w, author_reads=True),
        "reason": "Superseded.",
    },
    # sharing: sources
    f"{S}.sources.information_source_create": lambda w: {
        "actor": w.coordinator,
        "partnership": w.g.partnership,
        **_source_fields(w),
    },
    f"{S}.sources.information_source_update": lambda w: {
        "actor": w.coordinator,
        "source": sharing_services.information_source_create(
            actor=w.coordinator, partnership=w.g.partnership, **_source_fields(w)
        ),
        **{**_source_fields(w), "title": "Census 2021: religion by output area"},
    },
}


def _engaged(w: World) -> dict[str, Any]:
    """The engagement builder's records in the world's partnership
    (tests/engagement/builders.py), by id."""
    from tests.engagement.builders import engagement_world

    return engagement_world(
        coordinator=w.coordinator, partnership=w.g.partnership, member=w.g.council
    )


def _engagement(w: World, model: str, key: str, as_: str, **fields: Any) -> dict[str, Any]:
    """The coordinator, one engagement record (`model` by the builder's id `key`) given as the
    service's `as_` keyword, and the fields to change."""
    from django.apps import apps as django_apps

    ids = _engaged(w)
    record = django_apps.get_model("engagement", model).objects.get(pk=ids[key])
    return {"actor": w.coordinator, as_: record, **fields}


def _engagement_new(w: World, **fields: Any) -> dict[str, Any]:
    return {"actor": w.coordinator, "partnership": w.g.partnership, **fields}


def _engagement_organisation(w: World, key: str) -> Organisation:
    return Organisation.objects.get(pk=_engaged(w)[key])


def _engagement_post(w: World) -> Post:
    return Post.objects.get(pk=_engaged(w)["engagement_post_id"])


E = "lde.engagement.services"
ARGUMENTS.update(
    {
        f"{E}.forum_create": lambda w: _engagement_new(
            w, name="Audit forum", kind="other", purpose="Meets monthly."
        ),
        f"{E}.forum_update": lambda w: _engagement(
            w, "Forum", "forum_id", "forum", purpose="Meets quarterly."
        ),
        f"{E}.meeting_record": lambda w: _engagement(
            w, "Forum", "forum_id", "forum", held_on=timezone.localdate(), topics="Language"
        ),
        f"{E}.meeting_update": lambda w: _engagement(
            w, "ForumMeeting", "forum_meeting_id", "meeting", topics="Changed"
        ),
        f"{E}.initiative_create": lambda w: _engagement_new(
            w,
            organisation=_engagement_organisation(w, "community_organisation_id"),
            title="Mentoring",
            what_it_does="Volunteers mentor.",
        ),
        f"{E}.initiative_update": lambda w: _engagement(
            w, "Initiative", "initiative_id", "initiative", title="Mentoring and homework"
        ),
        f"{E}.support_request_create": lambda w: _engagement(
            w,
            "Initiative",
            "initiative_id",
            "initiative",
            asked_for="A hall.",
            asked_on=timezone.localdate(),
        ),
        f"{E}.support_request_update": lambda w: _engagement(
            w, "SupportRequest", "support_request_id", "support_request", asked_for="Two halls."
        ),
        f"{E}.support_request_decide": lambda w: _engagement(
            w,
            "SupportRequest",
            "support_request_id",
            "support_request",
            status="agreed",
            response="A hall on Fridays.",
        ),
        f"{E}.audience_create": lambda w: _engagement_new(w, name="Front-line staff"),
        f"{E}.audience_update": lambda w: _engagement(
            w, "Audience", "audience_id", "audience", name="Council staff"
        ),
        f"{E}.channel_create": lambda w: _engagement_new(
            w, name="Radio", kind="local_radio", community="Everyone"
        ),
        f"{E}.channel_update": lambda w: _engagement(
            w, "Channel", "channel_id", "channel", reach="Weekly listeners"
        ),
        f"{E}.key_message_create": lambda w: _engagement_new(
            w, title="Together", message="Safer together."
        ),
        f"{E}.key_message_update": lambda w: _engagement(
            w, "KeyMessage", "key_message_id", "key_message", message="Safer, together."
        ),
        f"{E}.key_message_agree": lambda w: _engagement(
            w, "KeyMessage", "key_message_id", "key_message"
        ),
        f"{E}.key_message_retire": lambda w: _engagement(
            w, "KeyMessage", "key_message_id", "key_message"
        ),
        f"{E}.media_briefing_record": lambda w: _engagement_new(
            w,
            held_on=timezone.localdate(),
            outlet="Paper",
            topic="Funding",
            spoke=_engagement_post(w),
        ),
        f"{E}.media_briefing_update": lambda w: _engagement(
            w, "MediaBriefing", "media_briefing_id", "media_briefing", topic="Youth work"
        ),
        f"{E}.spokesperson_create": lambda w: _engagement_new(
            w, post=_engagement_post(w), speaks_for="The council", topics="Prevent"
        ),
        f"{E}.spokesperson_update": lambda w: _engagement(
            w, "Spokesperson", "spokesperson_id", "spokesperson", topics="Cohesion"
        ),
        f"{E}.school_create": lambda w: _engagement_new(
            w, organisation=_engagement_organisation(w, "second_school_organisation_id")
        ),
        f"{E}.school_update": lambda w: _engagement(
            w,
            "SchoolEngagement",
            "school_id",
            "school",
            safer_schools_partnership=False,
        ),
        f"{E}.school_activity_record": lambda w: _engagement(
            w,
            "SchoolEngagement",
            "school_id",
            "school",
            activity="Assembly",
            held_on=date(2026, 1, 5),
        ),
        f"{E}.school_activity_update": lambda w: _engagement(
            w, "SchoolActivity", "school_activity_id", "school_activity", activity="Debate club"
        ),
    }
)


def _strategic_unname(w: World) -> dict[str, Any]:
    from lde.partnerships.services import strategic_post_name

    post = Post.objects.create(
        organisation=w.g.council, kind=PostKind.CHIEF_EXECUTIVE, title="Chief executive"
    )
    strategic_post_name(actor=None, partnership=w.g.partnership, post=post)
    return {"actor": None, "partnership": w.g.partnership, "post": post}


def _oscal(w: World) -> dict[str, Any]:
    from lde.frameworks.oscal import framework_version_oscal_json

    # The same catalog as a version not yet loaded.
    catalog = json.loads(framework_version_oscal_json(w.version))
    catalog["catalog"]["metadata"]["version"] = "1.3"
    text = json.dumps(catalog)
    return {"actor": None, "text": text, "file_name": "cycle-check.json"}


def _framework_file(w: World) -> dict[str, Any]:
    path = Path(settings.PRIVATE_FILES_ROOT).parent / "cycle-check-1.2.yaml"
    path.write_text(FRAMEWORK.replace('version: "1.0"', 'version: "1.2"'))
    return {"actor": None, "path": path}


def _mapping(w: World) -> dict[str, Any]:
    framework_services.framework_load(
        actor=None,
        text=FRAMEWORK.replace('version: "1.0"', 'version: "1.1"'),
        file_name="cycle-check-1.1.yaml",
    )
    return {"actor": None, "text": MAPPING, "file_name": "cycle-check-1.0-1.1.yaml"}


def _submittable(w: World) -> dict[str, Any]:
    for response in w.draft.responses.all():
        assessment_services.response_update(
            actor=w.coordinator,
            response=response,
            seen_revision=response.revision,
            rating=3,
            target=4,
            commentary="Seen.",
        )
    return {"actor": w.coordinator, "assessment": w.draft, "no_personal_data_declared": True}


def _moderatable(w: World) -> dict[str, Any]:
    for row in assessment_services.moderation_rows(w.submitted):
        if row["differs"]:
            assessment_services.moderation_decide(
                actor=w.coordinator,
                assessment=w.submitted,
                criterion=row["criterion"],
                agreed_rating=3,
                reason="Agreed.",
            )
    return {"actor": w.coordinator, "assessment": w.submitted}


def _publishable(w: World) -> dict[str, Any]:
    assessment_services.board_sign_off(actor=w.board_member, assessment=w.submitted)
    return {"actor": w.coordinator, "assessment": Assessment.objects.get(pk=w.submitted.pk)}


def _reopenable(w: World) -> dict[str, Any]:
    action = _action(w)
    action_services.action_cancel(actor=None, action=action, reason="Overtaken.")
    action.refresh_from_db()
    return {"actor": None, "action": action, "reason": "Needed after all."}


def _product_update(w: World) -> dict[str, Any]:
    product = _draft_product(w)
    return {
        "actor": w.g.author,
        "product": product,
        "title": "Renamed summary",
        "marking": product.marking,
        "summary": product.summary,
        "body": product.body,
        "caveats": list(product.caveats.all()),
        "area_gss_codes": list(product.area_gss_codes),
        "recipients": list(product.recipients.all()),
        "protocol": product.protocol,
    }


def _person_remove(w: World) -> dict[str, Any]:
    product = _draft_product(w)
    return {
        "actor": w.g.author,
        "product": product,
        "person": ProductPerson.objects.get(product=product, user=w.g.approver),
    }


def _dissemination_remove(w: World) -> dict[str, Any]:
    product = _draft_product(w)
    return {"actor": w.g.author, "product": product, "entry": product.dissemination.first()}


def _attachment_remove(w: World) -> dict[str, Any]:
    product = _draft_product(w)
    return {"actor": w.g.author, "product": product, "attachment": product.attachments.get()}


def _access_request_send(w: World) -> dict[str, Any]:
    product = _held_elsewhere(w)
    return {
        "actor": w.g.council_approver,
        "product": release(w.g, product),
        "reason": "For the board.",
        "notify": False,
    }


def _downloadable(w: World) -> dict[str, Any]:
    product = _released(w)
    return {"actor": w.g.reader, "product": product, "attachment": product.attachments.get()}


def _approve(w: World) -> dict[str, Any]:
    product = _in_review(w)
    return {"actor": w.g.approver, "product": product, "seen_hash": current_hash(product)}


def _comment(w: World) -> dict[str, Any]:
    product = _in_review(w)
    return {
        "actor": w.g.approver,
        "product": product,
        "body": "Say where the figures come from.",
        "seen_hash": current_hash(product),
    }


def _releasable(w: World) -> dict[str, Any]:
    product = _in_review(w)
    sharing_services.product_approve(
        actor=w.g.approver, product=product, seen_hash=current_hash(product)
    )
    return {"actor": w.g.author, "product": BriefingProduct.objects.get(pk=product.pk)}


def _commissioning(w: World, **extra: Any) -> dict[str, Any]:
    """The commissioning builder's calls and bids in the world's partnership
    (tests/commissioning/builders.py)."""
    from lde.commissioning.models import Bid, Call, DevolvedPot
    from tests.commissioning.builders import commissioning_world

    ids = commissioning_world(
        coordinator=w.coordinator, board_member=w.board_member, partnership=w.g.partnership
    )
    return {
        "coordinator": w.coordinator,
        "applicant": ids["commissioning_applicant"],
        "draft": Call.objects.get(title="Draft call"),
        "open": Call.objects.get(pk=ids["commissioning_call_id"]),
        "closed": Call.objects.get(pk=ids["commissioning_closed_call_id"]),
        "bid": Bid.objects.get(pk=ids["commissioning_bid_id"]),
        "draft_bid": Bid.objects.get(title="Draft bid"),
        "pot": DevolvedPot.objects.get(pk=ids["commissioning_pot_id"]),
        **extra,
    }


def _c(pick: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[World], dict[str, Any]]:
    return lambda w: pick(_commissioning(w))


CM = "lde.commissioning.services"
ARGUMENTS.update(
    {
        f"{CM}.call_create": lambda w: {
            "actor": w.coordinator,
            "partnership": w.g.partnership,
            "title": "Audit call",
            "purpose": "P",
            "eligibility": "E",
            "maximum_amount": "100",
            "opens_on": timezone.localdate(),
            "closes_on": timezone.localdate() + timedelta(days=1),
        },
        f"{CM}.call_update": _c(
            lambda m: {"actor": m["coordinator"], "call": m["draft"], "title": "T"}
        ),
        f"{CM}.criterion_add": _c(
            lambda m: {
                "actor": m["coordinator"],
                "call": m["draft"].__class__.objects.create(
                    partnership=m["draft"].partnership,
                    title="Empty",
                    purpose="P",
                    eligibility="E",
                    maximum_amount=100,
                    opens_on=m["draft"].opens_on,
                    closes_on=m["draft"].closes_on,
                ),
                "title": "Need",
                "weight": 50,
            }
        ),
        f"{CM}.call_consult": _c(lambda m: {"actor": m["coordinator"], "call": m["draft"]}),
        f"{CM}.call_return_to_draft": _c(
            lambda m: {
                "actor": m["coordinator"],
                "call": m["draft"].__class__.objects.get(title="Consulted call"),
            }
        ),
        f"{CM}.comment_add": _c(
            lambda m: {
                "actor": m["coordinator"],
                "call": m["draft"].__class__.objects.get(title="Consulted call"),
                "text": "A comment.",
            }
        ),
        f"{CM}.call_publish": _c(lambda m: {"actor": m["coordinator"], "call": m["draft"]}),
        f"{CM}.call_close": _c(lambda m: {"actor": m["coordinator"], "call": m["open"]}),
        f"{CM}.panel_name": _c(
            lambda m: {
                "actor": m["coordinator"],
                "call": m["draft"],
                "user": m["closed"].panel.first().user,
            }
        ),
        f"{CM}.panel_threshold_set": _c(
            lambda m: {"actor": m["coordinator"], "call": m["closed"], "threshold": 1}
        ),
        f"{CM}.interests_declare": _c(
            lambda m: {"actor": m["open"].panel.first().user, "call": m["open"]}
        ),
        f"{CM}.score_record": _c(
            lambda m: {
                "actor": m["closed"].panel.get(conflicts__isnull=True).user,
                "bid": m["bid"],
                "criterion": m["closed"].criteria.first(),
                "score": 3,
                "reason": "Good.",
            }
        ),
        f"{CM}.bid_decide": _c(
            lambda m: {
                "actor": m["coordinator"],
                "bid": m["bid"],
                "outcome": "decline",
                "reasons": "No.",
            }
        ),
        f"{CM}.bid_create": _c(
            lambda m: {
                "actor": m["applicant"],
                "call": m["open"],
                "title": "T",
                "summary": "S",
                "amount": "10",
            }
        ),
        f"{CM}.bid_update": _c(
            lambda m: {
                "actor": m["applicant"],
                "bid": m["draft_bid"],
                "title": "T",
                "summary": "S",
                "amount": "10",
            }
        ),
        f"{CM}.bid_submit": _c(lambda m: {"actor": m["applicant"], "bid": m["draft_bid"]}),
        f"{CM}.devolved_pot_add": _c(
            lambda m: {
                "actor": m["coordinator"],
                "partnership": m["pot"].partnership,
                "name": "Second pot",
                "amount": "500",
                "per_grant_limit": "100",
                "team": m["pot"].team,
                "holder_post": m["pot"].holder_post,
                "starts_on": m["pot"].starts_on,
                "ends_on": m["pot"].ends_on,
            }
        ),
        f"{CM}.small_grant_record": _c(
            lambda m: {
                "actor": m["coordinator"],
                "pot": m["pot"],
                "recipient": m["bid"].organisation,
                "amount": "50",
                "purpose": "Room hire.",
                "awarded_on": m["pot"].starts_on,
            }
        ),
        f"{CM}.small_grant_outcome_set": _c(
            lambda m: {
                "actor": m["coordinator"],
                "grant": m["pot"].grants.get(),
                "outcome": "Twelve sessions ran.",
            }
        ),
    }
)


def _monitoring(w: World) -> dict[str, Any]:
    """The monitoring builder's agreements and returns in the world's partnership
    (tests/monitoring/builders.py), delivered by an organisation with an applicant."""
    from lde.accounts.models import Organisation
    from lde.monitoring.models import Agreement, Return
    from tests.commissioning.builders import applicant
    from tests.monitoring.builders import monitoring_world

    group = Organisation.objects.create(name="All or nothing trust", type="voluntary")
    maker = applicant("monitoring-applicant@example.test", group)
    ids = monitoring_world(
        coordinator=w.coordinator, partnership=w.g.partnership, organisation=group, applicant=maker
    )
    states = ids["states"]
    return {
        "coordinator": w.coordinator,
        "applicant": maker,
        "organisation": group,
        "draft": Agreement.objects.get(pk=states["agreement"]["draft"]["agreement_id"]),
        "active": Agreement.objects.get(pk=states["agreement"]["active"]["agreement_id"]),
        "due": Return.objects.get(pk=states["return"]["due"]["return_id"]),
        "submitted": Return.objects.get(pk=states["return"]["submitted"]["return_id"]),
    }


def _m(pick: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[World], dict[str, Any]]:
    return lambda w: pick(_monitoring(w))


def _award(w: World) -> dict[str, Any]:
    from lde.commissioning.models import Decision

    _commissioning(w)
    return {
        "actor": w.coordinator,
        "decision": Decision.objects.get(outcome="award"),
        "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate() + timedelta(days=90),
    }


def _evidence(m: dict[str, Any]) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "actor": m["applicant"],
        "return_made": m["due"],
        "title": "Counts",
        "upload": SimpleUploadedFile("counts.csv", b"session,count\n1,12\n"),
    }


def _downloaded(m: dict[str, Any]) -> dict[str, Any]:
    from lde.monitoring.services import evidence_add

    evidence = evidence_add(**_evidence(m))
    return {"actor": m["coordinator"], "evidence": evidence, "return_made": m["due"]}


MO = "lde.monitoring.services"
ARGUMENTS.update(
    {
        f"{MO}.rules_set": lambda w: {
            "actor": w.coordinator,
            "partnership": w.g.partnership,
            "quarterly_from": "5000",
            "tolerance_percent": "5",
        },
        f"{MO}.agreement_create": _m(
            lambda m: {
                "actor": m["coordinator"],
                "partnership": m["draft"].partnership,
                "organisation": m["organisation"],
                "title": "All or nothing agreement",
                "amount": "100",
                "starts_on": timezone.localdate(),
                "ends_on": timezone.localdate() + timedelta(days=90),
            }
        ),
        f"{MO}.agreement_from_decision": _award,
        f"{MO}.milestone_add": _m(
            lambda m: {
                "actor": m["coordinator"],
                "agreement": m["draft"],
                "title": "Started",
                "due_on": m["draft"].starts_on,
            }
        ),
        f"{MO}.target_add": _m(
            lambda m: {
                "actor": m["coordinator"],
                "agreement": m["draft"],
                "kind": "events",
                "target": 3,
            }
        ),
        f"{MO}.indicator_add": _m(
            lambda m: {"actor": m["coordinator"], "agreement": m["draft"], "text": "Confidence."}
        ),
        f"{MO}.line_add": _m(
            lambda m: {
                "actor": m["coordinator"],
                "agreement": m["draft"],
                "heading": "Venue",
                "kind": "venue",
                "amount": "10",
            }
        ),
        f"{MO}.instalment_add": _m(
            lambda m: {
                "actor": m["coordinator"],
                "agreement": m["draft"],
                "due_on": m["draft"].starts_on,
                "amount": "10",
                "in_advance": True,
            }
        ),
        f"{MO}.agreement_activate": _m(
            lambda m: {"actor": m["coordinator"], "agreement": m["draft"]}
        ),
        f"{MO}.agreement_close": _m(
            lambda m: {"actor": m["coordinator"], "agreement": m["active"]}
        ),
        f"{MO}.return_save": _m(
            lambda m: {"actor": m["applicant"], "return_made": m["due"], "narrative": "Going well."}
        ),
        f"{MO}.return_submit": _m(lambda m: {"actor": m["applicant"], "return_made": m["due"]}),
        f"{MO}.return_review": _m(
            lambda m: {"actor": m["coordinator"], "return_made": m["submitted"], "accept": True}
        ),
        f"{MO}.evidence_add": _m(_evidence),
        f"{MO}.evidence_downloaded": _m(_downloaded),
    }
)


def _consequence(w: World) -> dict[str, Any]:
    """A readiness plan, a directory and a running cascade of the world's partnership, made
    through consequence management's own test builders."""
    from uuid import uuid4

    from tests.consequence_management.builders import cascade_make, directory_make, plan_make

    partnership = w.g.partnership
    directory = directory_make(coordinator=w.coordinator, partnership=partnership)
    cascade = cascade_make(
        coordinator=w.coordinator,
        partnership=partnership,
        contacts=[directory["chair"], directory["caretaker"]],
        key=f"all-or-nothing-{uuid4().hex}",
    )
    return {
        "actor": w.coordinator,
        "partnership": partnership,
        "plan": plan_make(coordinator=w.coordinator, partnership=partnership),
        "directory": directory,
        "cascade": cascade,
        "caretaker": cascade.recipients.get(contact=directory["caretaker"]),
    }


def _cm(pick: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[World], dict[str, Any]]:
    return lambda w: pick(_consequence(w))


def _plan_fields(**changes: Any) -> Any:
    from lde.consequence_management.services import PlanFields

    return PlanFields(
        **{
            "title": "All or nothing plan",
            "before": "Brief key individuals.",
            "during": "The group meets.",
            "after": "A debrief.",
            "communications_strategy": "One voice.",
            "release_contingency": "Brief the forums.",
            "everyday_policing": "Patrols go on.",
            "review_on": timezone.localdate() + timedelta(days=90),
            **changes,
        }
    )


def _contact_fields(c: dict[str, Any]) -> Any:
    from lde.consequence_management.services import ContactFields

    trust = c["directory"]["chair"].organisation
    today = timezone.localdate()
    return ContactFields(
        kind="community",
        organisation=trust,
        role="Treasurer",
        consented_on=today - timedelta(days=30),
        verified_on=today,
        email="treasurer@trust.example.test",
        mobile="07700900140",
    )


def _plan_message(c: dict[str, Any]) -> dict[str, Any]:
    from lde.engagement.models import KeyMessage

    message = KeyMessage.objects.create(
        partnership=c["partnership"], title="Reassurance", message="Services carry on as usual."
    )
    return {"actor": c["actor"], "plan": c["plan"], "key_message": message, "languages": "Urdu"}


def _cascade_fields(c: dict[str, Any]) -> Any:
    from uuid import uuid4

    from lde.consequence_management.services import CascadeFields
    from tests.consequence_management.builders import TEMPLATE

    return CascadeFields(
        title="All or nothing exercise",
        kind="exercise",
        mode="broadcast",
        template=TEMPLATE,
        start_key=f"all-or-nothing-{uuid4().hex}",
        contacts=[c["directory"]["chair"]],
    )


CM = "lde.consequence_management.services"
ARGUMENTS.update(
    {
        f"{CM}.plan_create": lambda w: {
            "actor": w.coordinator,
            "partnership": w.g.partnership,
            "fields": _plan_fields(),
        },
        f"{CM}.plan_update": _cm(
            lambda c: {"actor": c["actor"], "plan": c["plan"], "fields": _plan_fields()}
        ),
        f"{CM}.plan_role_add": _cm(
            lambda c: {
                "actor": c["actor"],
                "plan": c["plan"],
                "post": c["directory"]["strategic"].post,
                "role": "Chairs the consequence-management group",
            }
        ),
        f"{CM}.plan_message_add": _cm(_plan_message),
        f"{CM}.rumour_record": _cm(
            lambda c: {
                "actor": c["actor"],
                "plan": c["plan"],
                "heard_on": timezone.localdate(),
                "what_was_heard": "That the market will close.",
                "where": "At the market",
                "response": "The market stays open.",
            }
        ),
        f"{CM}.contact_create": _cm(
            lambda c: {
                "actor": c["actor"],
                "partnership": c["partnership"],
                "fields": _contact_fields(c),
            }
        ),
        f"{CM}.contact_update": _cm(
            lambda c: {
                "actor": c["actor"],
                "contact": c["directory"]["caretaker"],
                "fields": _contact_fields(c),
            }
        ),
        f"{CM}.contact_verify": _cm(
            lambda c: {"actor": c["actor"], "contact": c["directory"]["caretaker"]}
        ),
        f"{CM}.cascade_start": _cm(
            lambda c: {
                "actor": c["actor"],
                "partnership": c["partnership"],
                "fields": _cascade_fields(c),
            }
        ),
        f"{CM}.call_record": _cm(
            lambda c: {
                "actor": c["actor"],
                "cascade": c["cascade"],
                "recipient": c["caretaker"],
                "outcome": "no_answer",
            }
        ),
        f"{CM}.cascade_close": _cm(lambda c: {"actor": c["actor"], "cascade": c["cascade"]}),
    }
)


def _exercise(w: World, status: str = "planned") -> dict[str, Any]:
    """An exercise of the world's partnership in `status`, made through the services."""
    from lde.consequence_management import services

    exercise = services.exercise_create(
        actor=w.coordinator,
        partnership=w.g.partnership,
        fields=_exercise_fields(),
    )
    if status != "planned":
        services.exercise_start(actor=w.coordinator, exercise=exercise)
    if status == "closed":
        services.exercise_close(actor=w.coordinator, exercise=exercise)
    return {"actor": w.coordinator, "exercise": exercise}


def _exercise_fields() -> Any:
    from lde.consequence_management.services import ExerciseFields

    return ExerciseFields(
        title="All or nothing exercise",
        scenario="Arrests at dawn.",
        held_on=timezone.localdate(),
    )


ARGUMENTS.update(
    {
        f"{CM}.exercise_create": lambda w: {
            "actor": w.coordinator,
            "partnership": w.g.partnership,
            "fields": _exercise_fields(),
        },
        f"{CM}.exercise_update": lambda w: {**_exercise(w), "fields": _exercise_fields()},
        f"{CM}.participant_add": lambda w: {
            **_exercise(w),
            "organisation": w.g.partnership.lead_council,
            "role": "Tactical lead",
        },
        f"{CM}.entry_add": lambda w: {
            **_exercise(w, "running"),
            "kind": "timeline",
            "at": timezone.now(),
            "text": "The group convened.",
        },
        f"{CM}.exercise_start": lambda w: _exercise(w),
        f"{CM}.exercise_close": lambda w: _exercise(w, "running"),
        f"{CM}.lesson_record": lambda w: {
            **_exercise(w, "closed"),
            "lesson": "The press called before the line was agreed.",
            "title": "Agree a holding line in advance",
            "description": "The communications lead drafts it.",
            "owner": w.coordinator,
            "owner_organisation": w.g.partnership.lead_council,
            "due_on": timezone.localdate() + timedelta(days=30),
        },
    }
)


def _indicator(w: World, **extra: Any) -> dict[str, Any]:
    """A count indicator of the world's partnership, defined by its coordinator through the
    indicators service (as tests/indicators/test_services.py does)."""
    from lde.indicators import services

    indicator = services.indicator_create(
        actor=w.coordinator,
        partnership=w.g.partnership,
        title="All or nothing: hate crimes reported",
        measures="Reports.",
        unit="reports",
        kind="outcome",
        polarity="higher",
        period_type="quarter",
        measure_type="count",
        source="Police.",
        method="A count.",
        **extra,
    )
    return {"actor": w.coordinator, "indicator": indicator}


def _indicator_attachable(w: World) -> dict[str, Any]:
    """An indicator informing a progress-measures criterion, with a whole-area figure, and a
    draft self-assessment of the progress measures to attach it to (as lde/indicators/demo.py
    does)."""
    from lde.indicators import services

    version = FrameworkVersion.objects.filter(framework__identifier="progress-measures").first()
    if version is None:
        version = framework_services.framework_load_file(
            actor=None, path=ROOT / "lde/frameworks/data/progress-measures-1.0.yaml"
        ).version
    assessment = assessment_services.assessment_start(
        actor=w.coordinator,
        partnership=w.g.partnership,
        kind=AssessmentKind.SELF,
        framework_version=version,
        title="Progress measures, all or nothing",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    # A criterion the assessment rates: the first of the version by pk need not be one.
    criterion = assessment.responses.select_related("criterion").order_by("pk")[0].criterion
    made = _indicator(w, criteria=[criterion])
    services.observation_record(**made, period=date(2025, 1, 1), value=12)
    return {**made, "criterion": criterion, "site_url": "https://lde.example.test"}


IN = "lde.indicators.services"
ARGUMENTS.update(
    {
        f"{IN}.indicator_create": lambda w: {
            "actor": w.coordinator,
            "partnership": w.g.partnership,
            "title": "All or nothing: referrals",
            "measures": "Referrals.",
            "unit": "referrals",
            "kind": "input",
            "polarity": "higher",
            "period_type": "quarter",
            "measure_type": "count",
            "source": "The scheme.",
            "method": "A count.",
        },
        f"{IN}.indicator_update": lambda w: {**_indicator(w), "method": "A count, all strands."},
        f"{IN}.indicator_publish": lambda w: {**_indicator(w), "published": True},
        f"{IN}.baseline_set": lambda w: {
            **_indicator(w),
            "period": date(2024, 1, 1),
            "value": 10,
        },
        f"{IN}.target_set": lambda w: {**_indicator(w), "period": date(2025, 1, 1), "value": 15},
        f"{IN}.observation_record": lambda w: {
            **_indicator(w),
            "period": date(2025, 1, 1),
            "value": 12,
            "area_code": "E05011115",
            "area_name": "Northgate",
        },
        f"{IN}.referral_counts_record": lambda w: {
            **_indicator(w),
            "period": date(2025, 1, 1),
            "counts": {("police", "support_offered"): 3, ("education", "other_services"): 2},
        },
        f"{IN}.evidence_attach": _indicator_attachable,
        # The import's one audit event (lde.indicators.imports writes the rows before it, in
        # its own transaction): driven alone, the event is all it would write.
        f"{IN}.audit_import": lambda w: {**_indicator(w), "rows": 2, "created": 2},
    }
)


# --- The library of what works ------------------------------------------------------------
# A national entry kept by site administrators: one rates and sends it for review, another
# publishes or returns it (the rater never reviews their own rating).
WW = "lde.what_works.services"


def _ww_admin() -> User:
    return UserFactory(is_site_administrator=True)


def _ww_entry(*, rated: bool = False, in_review: bool = False) -> Any:
    rater = _ww_admin()
    entry = what_works_services.entry_add(actor=rater, **WW_DESCRIPTION)
    if rated or in_review:
        entry = what_works_services.entry_rate(actor=rater, entry=entry, **WW_RATING)
    if in_review:
        entry = what_works_services.entry_submit(actor=rater, entry=entry)
    return entry


def _ww_submitted_by_its_rater(w: World) -> dict[str, Any]:
    entry = _ww_entry(rated=True)
    return {"actor": User.objects.get(pk=entry.rated_by_id), "entry": entry}


ARGUMENTS.update(
    {
        f"{WW}.entry_add": lambda w: {"actor": _ww_admin(), **WW_DESCRIPTION},
        f"{WW}.entry_edit": lambda w: {
            "actor": _ww_admin(),
            "entry": _ww_entry(),
            **WW_DESCRIPTION,
            "title": "All or nothing: an edited entry",
        },
        f"{WW}.entry_rate": lambda w: {"actor": _ww_admin(), "entry": _ww_entry(), **WW_RATING},
        f"{WW}.entry_submit": _ww_submitted_by_its_rater,
        f"{WW}.entry_publish": lambda w: {"actor": _ww_admin(), "entry": _ww_entry(in_review=True)},
        f"{WW}.entry_return": lambda w: {"actor": _ww_admin(), "entry": _ww_entry(in_review=True)},
    }
)


# --- Similar areas (tests/rollups/builders.py) ---------------------------------------------
ARGUMENTS.update(rollups_all_or_nothing_arguments())


# --- Open data releases (tests/rollups/opendata_builders.py) ------------------------------
ARGUMENTS.update(opendata_all_or_nothing_arguments())


# --- Inspection programmes (tests/inspections/builders.py) --------------------------------
ARGUMENTS.update(inspections_all_or_nothing_arguments())


# --- Inspection programmes' cross-site learning (tests/inspections/learning_builders.py) --
ARGUMENTS.update(learning_all_or_nothing_arguments())


# --- The tests -----------------------------------------------------------------------------


def test_every_writing_service_is_driven() -> None:
    found = set(writing_services())
    assert sorted(found - set(ARGUMENTS)) == [], "add these services to ARGUMENTS"
    assert sorted(set(ARGUMENTS) - found) == [], "these services no longer exist"


def _every_table() -> dict[str, list[tuple[Any, ...]]]:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _every_file() -> set[str]:
    root = Path(settings.PRIVATE_FILES_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def audit_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel's audit append fails, wherever it was imported."""

    def refuse(**_: Any) -> None:
        raise AuditDown("the audit chain cannot be appended to")

    # Every module first: one imported for the first time while the append is replaced would
    # keep the replacement after this test (`from … import audit_record` binds what it finds),
    # and every later test in the process would find the audit down.
    for found in pkgutil.walk_packages(lde.__path__, "lde."):
        if ".migrations" not in found.name:
            importlib.import_module(found.name)
    original = chain.audit_record
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("lde.") and (
            getattr(module, "audit_record", None) is original
        ):
            monkeypatch.setattr(module, "audit_record", refuse)


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
def test_a_write_whose_audit_event_fails_leaves_nothing(
    name: str, world: World, db: None, request: pytest.FixtureRequest
) -> None:
    service = writing_services()[name]
    arguments = ARGUMENTS[name](world.refreshed())
    tables, files = _every_table(), _every_file()
    request.getfixturevalue("audit_down")
    with pytest.raises(AuditDown):
        service(**arguments)
    assert _every_table() == tables
    assert _every_file() == files
