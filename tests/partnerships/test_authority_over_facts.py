"""The escalation paths found by probing the demo, each tried again through the pages and the
API as the same kinds of user, and each refused (`permissions.md`, "Authority over the facts
the rules read"). Protocols (the third path) are tried in tests/sharing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lde.accounts.models import (
    Clearance,
    Organisation,
    Post,
    PostHolding,
    PostKind,
    User,
)
from lde.accounts.services import clearance_record
from lde.assessments.models import AssessmentStatus
from lde.core.access.markings import VettingLevel
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import (
    Assignment,
    Membership,
    PartnerOrganisation,
    Partnership,
    Role,
)
from tests.conftest import date_input, sign_in

pytestmark = pytest.mark.django_db

FORBIDDEN_TEXT = "You do not have permission"


@pytest.fixture
def world() -> dict[str, object]:
    """Harrowfield and Kestlebury, both with the Pennine counter-terrorism unit as a partner."""
    today = timezone.localdate()
    council = Organisation.objects.create(name="Harrowfield Council", type="council")
    other_council = Organisation.objects.create(name="Kestlebury Council", type="council")
    unit = Organisation.objects.create(name="Pennine CTU", type="ctu")
    harrowfield = Partnership.objects.create(
        name="Harrowfield", lead_council=council, region="E12000003"
    )
    kestlebury = Partnership.objects.create(
        name="Kestlebury", lead_council=other_council, region="E12000003"
    )
    for partnership, organisations in (
        (harrowfield, (council, unit)),
        (kestlebury, (other_council, unit)),
    ):
        for organisation in organisations:
            PartnerOrganisation.objects.create(partnership=partnership, organisation=organisation)

    def person(name: str, organisation: Organisation | None, **extra: object) -> User:
        return User.objects.create(
            email=f"{name}@example.test", full_name=name.title(), organisation=organisation, **extra
        )

    coordinator = person("coordinator", council)
    colleague = person("colleague", council)
    Membership.objects.create(
        user=coordinator, partnership=harrowfield, role=Role.COORDINATOR, organisation=council
    )
    Membership.objects.create(
        user=colleague, partnership=harrowfield, role=Role.VIEWER, organisation=council
    )
    unit_contact = person("unit contact", unit)
    unit_officer = person("unit officer", unit)
    security_post = Post.objects.create(
        organisation=unit, kind=PostKind.SECURITY_CONTACT, title="Security contact"
    )
    intelligence = Post.objects.create(
        organisation=unit,
        kind=PostKind.OTHER,
        title="Intelligence manager",
        required_vetting=VettingLevel.SC,
    )
    PostHolding.objects.create(
        post=security_post, user=unit_contact, started_on=today - timedelta(days=30)
    )
    council_post = Post.objects.create(
        organisation=council, kind=PostKind.OTHER, title="Head of community safety"
    )
    admin = person("admin", None, is_site_administrator=True)
    return {
        "today": today,
        "council": council,
        "unit": unit,
        "harrowfield": harrowfield,
        "kestlebury": kestlebury,
        "coordinator": coordinator,
        "colleague": colleague,
        "unit_contact": unit_contact,
        "unit_officer": unit_officer,
        "security_post": security_post,
        "intelligence": intelligence,
        "council_post": council_post,
        "admin": admin,
    }


def _holders(post: object) -> list[int]:
    return list(
        PostHolding.objects.filter(post=post, ended_on__isnull=True).values_list(
            "user_id", flat=True
        )
    )


# --- Path 1: a coordinator manufactures a clearance ------------------------------------------


def test_a_coordinator_cannot_take_another_organisations_security_contact_post(
    client: Client, world: dict
) -> None:
    sign_in(client, world["coordinator"])
    url = f"/partnerships/{world['harrowfield'].pk}/posts/{world['security_post'].pk}/holder/"
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"holder": world["coordinator"].pk, **date_input("on", world["today"])}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "set by site administrators at the organisation&#x27;s written request" in page
    assert _holders(world["security_post"]) == [world["unit_contact"].pk]


def test_a_coordinator_cannot_name_holders_of_a_partner_organisations_posts(
    client: Client, world: dict
) -> None:
    sign_in(client, world["coordinator"])
    url = f"/partnerships/{world['harrowfield'].pk}/posts/{world['intelligence'].pk}/holder/"
    response = client.post(
        url, {"holder": world["colleague"].pk, **date_input("on", world["today"])}
    )
    assert response.status_code == 403
    assert "changed by its own people" in response.content.decode()
    assert _holders(world["intelligence"]) == []
    # The list offers no link to change it.
    listing = client.get(f"/partnerships/{world['harrowfield'].pk}/posts/").content.decode()
    assert f"/posts/{world['intelligence'].pk}/holder/" not in listing
    assert f"/posts/{world['council_post'].pk}/holder/" in listing


def test_a_holder_must_work_for_the_posts_organisation(client: Client, world: dict) -> None:
    sign_in(client, world["coordinator"])
    url = f"/partnerships/{world['harrowfield'].pk}/posts/{world['council_post'].pk}/holder/"
    page = client.get(url).content.decode()
    # Only the council's people are offered, and never the coordinator themselves.
    assert f'value="{world["colleague"].pk}"' in page
    assert f'value="{world["coordinator"].pk}"' not in page
    assert f'value="{world["unit_officer"].pk}"' not in page
    response = client.post(
        url, {"holder": world["unit_officer"].pk, **date_input("on", world["today"])}
    )
    assert response.status_code == 400
    assert "Choose someone who works for the organisation" in response.content.decode()
    response = client.post(
        url, {"holder": world["colleague"].pk, **date_input("on", world["today"])}
    )
    assert response.status_code == 302
    assert _holders(world["council_post"]) == [world["colleague"].pk]


def test_nobody_makes_themselves_a_holder(client: Client, world: dict) -> None:
    from lde.accounts.services import post_holder_change
    from lde.core.access.policy import PermissionDenied403

    with pytest.raises(PermissionDenied403) as refused:
        post_holder_change(
            actor=world["coordinator"], post=world["council_post"], holder=world["coordinator"]
        )
    assert refused.value.message == "You cannot make yourself the holder of a post."
    assert "Another coordinator who works for the organisation" in refused.value.who_can


def test_a_clearance_is_sponsored_by_the_persons_own_organisation(world: dict) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        clearance_record(
            actor=world["unit_contact"],
            user=world["colleague"],
            level=VettingLevel.SC,
            granted_on=world["today"],
            expires_on=world["today"] + timedelta(days=365),
            sponsor=world["unit"],
        )
    assert refused.value.message_dict == {
        "user": [
            "Choose someone who works for Pennine CTU: an organisation sponsors only its own people"
        ]
    }
    assert not Clearance.objects.exists()


def test_self_clearance_is_refused_with_a_page_saying_who_can(client: Client, world: dict) -> None:
    contact = world["unit_contact"]
    sign_in(client, contact)
    response = client.post(
        f"/organisations/{world['unit'].pk}/clearances/new/",
        {
            "user": contact.pk,
            "level": VettingLevel.SC,
            **date_input("granted_on", str(world["today"])),
            **date_input("expires_on", str(world["today"] + timedelta(days=30))),
        },
    )
    # The form never offers the contact themselves; a request naming them anyway gets the 403
    # page saying who can.
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot record your own clearance." in page
    assert "A person&#x27;s own organisation sponsors their clearances and caveats" in page
    assert not Clearance.objects.exists()
    from lde.core.access.policy import PermissionDenied403

    with pytest.raises(PermissionDenied403) as refused:
        clearance_record(
            actor=contact,
            user=contact,
            level=VettingLevel.SC,
            granted_on=world["today"],
            expires_on=world["today"] + timedelta(days=30),
            sponsor=world["unit"],
        )
    assert refused.value.who_can.startswith("A person's own organisation sponsors")


def test_a_coordinator_cannot_invite_someone_as_another_organisations_person(
    client: Client, world: dict
) -> None:
    sign_in(client, world["coordinator"])
    # Through the page: the colleague works for the council, not the unit.
    response = client.post(
        f"/partnerships/{world['harrowfield'].pk}/members/invite/",
        {
            "email": world["colleague"].email,
            "full_name": "Colleague",
            "role": Role.BOARD_MEMBER,
            "organisation": world["unit"].pk,
        },
    )
    assert response.status_code == 200
    assert "Colleague works for Harrowfield Council" in response.content.decode()
    # Through the API, the same refusal.
    from lde.accounts.services import api_token_create

    _, raw = api_token_create(actor=world["coordinator"], name="probe")
    api = client.post(
        f"/api/v1/partnerships/{world['harrowfield'].pk}/memberships",
        {
            "email": world["colleague"].email,
            "full_name": "Colleague",
            "role": Role.BOARD_MEMBER,
            "organisation_id": world["unit"].pk,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert api.status_code == 400
    assert any(
        "works for Harrowfield Council" in message
        for messages in api.json()["errors"].values()
        for message in messages
    )
    # Nor can a new account be made for the unit, which has a security contact of its own.
    api = client.post(
        f"/api/v1/partnerships/{world['harrowfield'].pk}/memberships",
        {
            "email": "invented@example.test",
            "full_name": "Invented Officer",
            "role": Role.VIEWER,
            "organisation_id": world["unit"].pk,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert api.status_code == 403
    assert not User.objects.filter(email="invented@example.test").exists()
    assert Membership.objects.filter(partnership=world["harrowfield"]).count() == 2


def test_self_grant_of_a_role_is_refused_with_a_page_saying_who_can(
    client: Client, world: dict
) -> None:
    sign_in(client, world["coordinator"])
    response = client.post(
        f"/partnerships/{world['harrowfield'].pk}/members/invite/",
        {
            "email": world["coordinator"].email,
            "full_name": "Coordinator",
            "role": Role.BOARD_MEMBER,
        },
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot give yourself a role." in page
    assert "Another coordinator of the partnership changes your roles." in page
    assert Membership.objects.filter(user=world["coordinator"]).count() == 1


# --- Path 2: a site administrator assigns themselves -----------------------------------------


def test_a_site_administrator_cannot_assign_themselves(client: Client, world: dict) -> None:
    admin = world["admin"]
    sign_in(client, admin)
    response = client.post(
        "/partnerships/assignments/new/",
        {
            "email": admin.email,
            "kind": "inspector",
            "title": "Self inspection",
            "partnerships": [world["harrowfield"].pk],
            **date_input("starts_on", str(world["today"])),
            **date_input("ends_on", str(world["today"] + timedelta(days=30))),
            "subject_reference": "",
        },
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot assign yourself." in page
    assert "Another site administrator assigns you" in page
    assert not Assignment.objects.exists()


def test_an_assignment_is_shown_to_the_coordinators_at_once(client: Client, world: dict) -> None:
    from lde.partnerships.services import assignment_create

    inspector = User.objects.create(email="inspector@example.test", full_name="Ivy Inspector")
    assignment_create(
        actor=world["admin"],
        user=inspector,
        kind="inspector",
        title="Inspection",
        partnerships=[world["harrowfield"]],
        starts_on=world["today"],
        ends_on=world["today"] + timedelta(days=30),
    )
    sign_in(client, world["coordinator"])
    home = client.get("/").content.decode()
    assert "New access to your partnerships" in home
    assert "Ivy Inspector, inspector of" in home
    assert "assigned by Admin on" in home
    detail = client.get(f"/partnerships/{world['harrowfield'].pk}/").content.decode()
    assert "Ivy Inspector" in detail
    assert "Admin," in detail
    # The colleague, a viewer, is not shown it.
    client.logout()
    sign_in(client, world["colleague"])
    assert "New access to your partnerships" not in client.get("/").content.decode()


def test_site_administrators_set_the_security_contact_at_the_written_request(
    client: Client, world: dict
) -> None:
    sign_in(client, world["admin"])
    url = f"/organisations/{world['unit'].pk}/posts/{world['security_post'].pk}/holder/"
    # Not to themselves, and never without the organisation's request.
    response = client.post(
        url, {"holder": world["unit_officer"].pk, **date_input("on", world["today"])}
    )
    assert response.status_code == 400
    assert "Enter the organisation&#x27;s written request" in response.content.decode()
    response = client.post(
        url,
        {
            "holder": world["unit_officer"].pk,
            **date_input("on", str(world["today"])),
            "request_reference": "Letter from the head of the unit, 1 December",
        },
    )
    assert response.status_code == 302
    assert _holders(world["security_post"]) == [world["unit_officer"].pk]
    event = AuditEvent.objects.filter(verb="POST_HOLDER_CHANGED").latest("sequence")
    assert "Letter from the head of the unit" in event.payload


# --- Path 4: community reviewers see the summary only ----------------------------------------


def test_community_reviewers_get_no_names_of_contributors_signers_or_actors(
    client: Client, world: dict
) -> None:
    from datetime import date

    from lde.assessments import services
    from lde.assessments.models import AssessmentKind
    from lde.frameworks.services import framework_load
    from tests.assessments.conftest import FRAMEWORK

    version = framework_load(actor=None, text=FRAMEWORK, file_name="cycle-check-1.0.yaml").version
    coordinator = world["coordinator"]
    assessment = services.assessment_start(
        actor=coordinator,
        partnership=world["harrowfield"],
        kind=AssessmentKind.SELF,
        framework_version=version,
        title="Self-assessment 2025",
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
    )
    services.organisation_sign_off(
        actor=coordinator, assessment=assessment, organisation=world["council"]
    )
    assessment = services.assessment_submit(
        actor=coordinator, assessment=assessment, no_personal_data_declared=True
    )
    board = User.objects.create(email="board@example.test", full_name="Bo Board")
    Membership.objects.create(user=board, partnership=world["harrowfield"], role=Role.BOARD_MEMBER)
    assessment = services.board_sign_off(actor=board, assessment=assessment)
    assessment = services.assessment_publish(actor=coordinator, assessment=assessment)
    assert assessment.status == AssessmentStatus.PUBLISHED
    reviewer = User.objects.create(email="reviewer@example.test", full_name="Rae Reviewer")
    Membership.objects.create(
        user=reviewer, partnership=world["harrowfield"], role=Role.COMMUNITY_REVIEWER
    )
    sign_in(client, reviewer)
    response = client.get(f"/assessments/{assessment.pk}/contributions/")
    assert response.status_code == 403
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert world["coordinator"].full_name not in page
    from lde.accounts.services import api_token_create

    _, raw = api_token_create(actor=reviewer, name="probe")
    body = client.get(
        f"/api/v1/assessments/{assessment.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    assert body["in_full"] is False
    assert body["transitions"]
    assert {(t["actor_id"], t["actor_name"], t["reason"]) for t in body["transitions"]} == {
        (None, None, None)
    }
    assert all(s["signed_by_name"] is None for s in body["sign_offs"])
    assert world["coordinator"].full_name not in str(body)


def test_self_holding_through_the_page_is_refused_with_a_page_saying_who_can(
    client: Client, world: dict
) -> None:
    sign_in(client, world["coordinator"])
    url = f"/partnerships/{world['harrowfield'].pk}/posts/{world['council_post'].pk}/holder/"
    response = client.post(
        url, {"holder": world["coordinator"].pk, **date_input("on", world["today"])}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot make yourself the holder of a post." in page
    assert "Another coordinator who works for the organisation" in page
    assert _holders(world["council_post"]) == []
