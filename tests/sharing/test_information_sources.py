"""The catalogue of information sources (¶60–61): validation, policy, pages, API, the query
count of the list, and that nothing in it scores, ranks or maps areas."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import Organisation, User
from lde.accounts.services import api_token_create
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Assignment, AssignmentKind, Partnership, Role
from lde.sharing import services
from lde.sharing.models import InformationSource, ProtectedCharacteristic
from lde.sharing.policies import information_source_policy
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory
from tests.sharing.builders import marking

pytestmark = pytest.mark.django_db

REASON = "To make sure engagement reaches every community; never to score areas."


class World:
    def __init__(self) -> None:
        self.partnership: Partnership = PartnershipFactory()
        self.other: Partnership = PartnershipFactory()
        self.council: Organisation = self.partnership.lead_council
        self.roles: dict[str, User] = {
            role: MembershipFactory(partnership=self.partnership, role=role).user
            for role in Role.values
        }
        self.outsider: User = MembershipFactory(partnership=self.other, role=Role.COORDINATOR).user
        today = timezone.localdate()
        self.inspector: User = UserFactory()
        assignment = Assignment.objects.create(
            user=self.inspector,
            kind=AssignmentKind.INSPECTOR,
            title="Inspection",
            starts_on=today - timedelta(days=5),
            ends_on=today + timedelta(days=5),
        )
        assignment.partnerships.set([self.partnership])

    @property
    def coordinator(self) -> User:
        return self.roles[Role.COORDINATOR]


@pytest.fixture
def w() -> World:
    return World()


def values(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Census 2021: religion by ward",
        "owner_organisation": Organisation.objects.order_by("pk").first(),
        "description": "ONS tables.",
        "coverage_gss_codes": ["e05011111", "E05011112"],
        "coverage_description": "The whole borough",
        "granularity": "ward",
        "refresh": "census",
        "marking": marking("official"),
        "how_to_get": "The council's open data pages.",
        "protected_characteristics": [],
        "protected_characteristics_reason": "",
        "last_reviewed_on": date(2026, 1, 31),
        **overrides,
    }


def add(w: World, **overrides: Any) -> InformationSource:
    return services.information_source_create(
        actor=w.coordinator, partnership=w.partnership, **values(**overrides)
    )


# --- What must not be built ------------------------------------------------------------------


def test_the_model_has_no_field_that_scores_ranks_or_maps_areas() -> None:
    forbidden = ("score", "rank", "risk", "vulnerab", "rating", "priority", "heat", "index")
    names = [f.name.lower() for f in InformationSource._meta.get_fields()]
    assert [n for n in names if any(word in n for word in forbidden)] == []


def test_the_characteristics_are_the_nine_of_the_equality_act() -> None:
    assert len(ProtectedCharacteristic.values) == 9
    assert {"race", "religion_belief", "age", "disability", "sex"} <= set(
        ProtectedCharacteristic.values
    )


# --- Validation ----------------------------------------------------------------------------


def test_a_protected_characteristic_without_a_reason_is_refused(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        add(w, protected_characteristics=["religion_belief"], protected_characteristics_reason=" ")
    assert "protected_characteristics_reason" in caught.value.message_dict
    assert not InformationSource.objects.exists()


def test_with_a_reason_it_is_accepted_flagged_and_audited(w: World) -> None:
    source = add(
        w,
        protected_characteristics=["religion_belief", "race"],
        protected_characteristics_reason=REASON,
    )
    assert source.holds_protected_characteristics
    # Kept in the Act's order, and the GSS codes upper-cased.
    assert source.protected_characteristics == ["race", "religion_belief"]
    assert source.coverage_gss_codes == ["E05011111", "E05011112"]
    event = AuditEvent.objects.filter(verb="INFORMATION_SOURCE_CREATED").get()
    assert event.partnership_id == w.partnership.pk
    assert "Census" not in event.payload


def test_unknown_characteristics_and_bad_gss_codes_are_refused(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        add(
            w,
            protected_characteristics=["postcode"],
            protected_characteristics_reason=REASON,
            coverage_gss_codes=["NOT-A-CODE"],
        )
    assert {"protected_characteristics", "coverage_gss_codes"} <= set(caught.value.message_dict)


def test_no_reason_is_kept_when_none_is_held(w: World) -> None:
    source = add(w, protected_characteristics_reason="Left over.")
    assert source.protected_characteristics_reason == ""
    assert not source.holds_protected_characteristics


def test_a_change_that_adds_a_characteristic_needs_a_reason(w: World) -> None:
    source = add(w)
    with pytest.raises(ValidationError):
        services.information_source_update(
            actor=w.coordinator, source=source, **values(protected_characteristics=["age"])
        )
    updated = services.information_source_update(
        actor=w.coordinator,
        source=source,
        **values(protected_characteristics=["age"], protected_characteristics_reason=REASON),
    )
    assert updated.protected_characteristics == ["age"]
    assert updated.updated_by == w.coordinator


# --- Policy --------------------------------------------------------------------------------


def test_policy_matches_permissions_md(w: World) -> None:
    source = add(w)
    readers = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}
    for role, user in w.roles.items():
        assert information_source_policy.user_can(user, "view", source) == (role in readers)
        assert information_source_policy.user_can(user, "manage", source) == (
            role == Role.COORDINATOR
        )
    assert information_source_policy.user_can(w.inspector, "view", source)
    assert not information_source_policy.user_can(w.inspector, "manage", source)
    assert not information_source_policy.user_can(w.outsider, "view", source)
    for user in [*w.roles.values(), w.inspector, w.outsider]:
        visible = information_source_policy.visible_to(user, "view").filter(pk=source.pk)
        assert visible.exists() == information_source_policy.user_can(user, "view", source)
        managed = information_source_policy.visible_to(user, "manage").filter(pk=source.pk)
        assert managed.exists() == information_source_policy.user_can(user, "manage", source)


def test_only_coordinators_add_or_change(w: World) -> None:
    with pytest.raises(PermissionDenied403):
        services.information_source_create(
            actor=w.roles[Role.CONTRIBUTOR], partnership=w.partnership, **values()
        )
    with pytest.raises(PermissionDenied403):
        services.information_source_create(actor=w.outsider, partnership=w.partnership, **values())
    source = add(w)
    with pytest.raises(PermissionDenied403):
        services.information_source_update(
            actor=w.roles[Role.BOARD_MEMBER], source=source, **values(title="Changed")
        )
    assert not information_source_policy.user_can_in(w.inspector, "manage", w.partnership.pk)


# --- Pages ---------------------------------------------------------------------------------


def test_list_tags_flagged_entries_with_their_reason(w: World) -> None:
    add(w, protected_characteristics=["religion_belief"], protected_characteristics_reason=REASON)
    add(w, title="Youth provision", protected_characteristics=[])
    client = sign_in(Client(), w.roles[Role.VIEWER])
    response = client.get(reverse("sharing:source-list", args=[w.partnership.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("Holds protected characteristics") == 1
    assert REASON in text
    assert "Religion or belief" in text
    assert "Youth provision" in text
    assert "Add an information source" not in text


def test_the_partnership_navigation_links_to_the_catalogue(w: World) -> None:
    url = reverse("sharing:source-list", args=[w.partnership.pk])
    page = reverse("partnerships:partnership-detail", args=[w.partnership.pk])
    reader = sign_in(Client(), w.roles[Role.VIEWER])
    assert url in reader.get(page).content.decode()
    reviewer = sign_in(Client(), w.roles[Role.COMMUNITY_REVIEWER])
    assert url not in reviewer.get(page).content.decode()


def test_add_page_shows_an_error_summary_naming_the_reason(w: World) -> None:
    client = sign_in(Client(), w.coordinator)
    url = reverse("sharing:source-create", args=[w.partnership.pk])
    assert client.get(url).status_code == 200
    form = {
        "title": "Census 2021: ethnic group by ward",
        "owner_organisation": w.council.pk,
        "granularity": "ward",
        "refresh": "census",
        "marking": marking("official").pk,
        "how_to_get": "Open data.",
        "protected_characteristics": ["race"],
        "protected_characteristics_reason": "",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "#id_protected_characteristics_reason" in text or (
        "protected_characteristics_reason" in text
    )
    assert not InformationSource.objects.exists()
    response = client.post(url, {**form, "protected_characteristics_reason": REASON})
    source = InformationSource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:source-detail", args=[source.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Holds protected characteristics" in detail and REASON in detail


def test_edit_page_changes_the_entry(w: World) -> None:
    source = add(w)
    client = sign_in(Client(), w.coordinator)
    url = reverse("sharing:source-update", args=[source.pk])
    page = client.get(url)
    assert page.status_code == 200 and source.title in page.content.decode()
    response = client.post(
        url,
        {
            "title": "Renamed",
            "owner_organisation": w.council.pk,
            "granularity": "lsoa",
            "refresh": "annually",
            "marking": marking("official").pk,
            "how_to_get": "Ask.",
            "last_reviewed_on": "2026-02-01",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.title, source.granularity) == ("Renamed", "lsoa")


def test_pages_answer_404_to_outsiders_and_403_to_readers_who_cannot_change(w: World) -> None:
    source = add(w)
    outsider = sign_in(Client(), w.outsider)
    for url in (
        reverse("sharing:source-list", args=[w.partnership.pk]),
        reverse("sharing:source-create", args=[w.partnership.pk]),
        reverse("sharing:source-detail", args=[source.pk]),
        reverse("sharing:source-update", args=[source.pk]),
    ):
        response = outsider.get(url)
        assert response.status_code == 404
        assert source.title not in response.content.decode()
    viewer = sign_in(Client(), w.roles[Role.VIEWER])
    assert viewer.get(reverse("sharing:source-update", args=[source.pk])).status_code == 403
    assert viewer.get(reverse("sharing:source-create", args=[w.partnership.pk])).status_code == 403


def test_the_list_takes_the_same_queries_for_3_entries_as_for_30(w: World) -> None:
    client = sign_in(Client(), w.roles[Role.VIEWER])
    url = reverse("sharing:source-list", args=[w.partnership.pk])
    counts = []
    for total in (3, 30):
        while InformationSource.objects.count() < total:
            n = InformationSource.objects.count()
            add(
                w,
                title=f"Data set {n}",
                protected_characteristics=["age"] if n % 2 else [],
                protected_characteristics_reason=REASON if n % 2 else "",
            )
        client.get(url)  # warm the session and facts
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- API -----------------------------------------------------------------------------------


def _api(user: User) -> dict[str, str]:
    _, raw = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def _body(w: World, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "Recorded hate crime, monthly",
        "owner_organisation_id": w.council.pk,
        "granularity": "local_authority",
        "refresh": "monthly",
        "marking": "official-sensitive",
        "how_to_get": "Ask the basic command unit.",
        "coverage_gss_codes": ["E08000025"],
        **overrides,
    }


def test_api_create_read_update_and_list(w: World) -> None:
    client = Client()
    headers = _api(w.coordinator)
    base = f"/api/v1/sharing/partnerships/{w.partnership.pk}/sources"
    refused = client.post(
        base,
        _body(w, protected_characteristics=["religion_belief"]),
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 400
    assert "protected_characteristics_reason" in refused.json()["errors"]
    created = client.post(
        base,
        _body(
            w,
            protected_characteristics=["religion_belief"],
            protected_characteristics_reason=REASON,
        ),
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["holds_protected_characteristics"] is True
    assert data["marking"]["code"] == "official-sensitive"
    assert data["may_manage"] is True
    source_id = data["id"]
    changed = client.put(
        f"/api/v1/sharing/sources/{source_id}",
        _body(w, title="Changed"),
        content_type="application/json",
        headers=headers,
    )
    assert changed.status_code == 200
    assert changed.json()["holds_protected_characteristics"] is False
    viewer = _api(w.roles[Role.VIEWER])
    listed = client.get(base, headers=viewer).json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Changed"
    assert (
        client.get(f"/api/v1/sharing/sources/{source_id}", headers=viewer).json()["may_manage"]
        is False
    )
    assert (
        client.put(
            f"/api/v1/sharing/sources/{source_id}",
            _body(w),
            content_type="application/json",
            headers=viewer,
        ).status_code
        == 403
    )
    outsider = _api(w.outsider)
    assert client.get(f"/api/v1/sharing/sources/{source_id}", headers=outsider).status_code == 404
    assert client.get(base, headers=outsider).status_code == 404
    reviewer = _api(w.roles[Role.COMMUNITY_REVIEWER])
    assert client.get(base, headers=reviewer).status_code == 403


def test_api_has_no_field_that_scores_ranks_or_maps(w: World) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    for name, schema in document["components"]["schemas"].items():
        if name.startswith("InformationSource"):
            fields = " ".join(schema.get("properties", {})).lower()
            for word in ("score", "rank", "risk", "vulnerab"):
                assert word not in fields, (name, word)


# --- Demo ----------------------------------------------------------------------------------


def test_demo_gives_each_partnership_a_catalogue_with_one_flagged_entry() -> None:
    from lde.partnerships.demo import demo_build as foundation_demo
    from lde.sharing.demo import demo_build

    foundation_demo()
    demo_build()
    demo_build()  # a second run adds nothing
    partnerships = Partnership.objects.filter(name__endswith="Prevent Partnership")
    assert partnerships.count() >= 2
    for partnership in partnerships:
        sources = list(InformationSource.objects.filter(partnership=partnership))
        assert len(sources) == 3
        flagged = [s for s in sources if s.holds_protected_characteristics]
        assert len(flagged) == 1 and flagged[0].protected_characteristics_reason
