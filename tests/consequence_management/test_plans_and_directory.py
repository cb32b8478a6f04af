"""Readiness plans and the key-individual directory: the guard on free text, UK mobiles
refused at entry with the reason, the warnings, the yearly review, the pages and the home
panel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.consequence_management import services
from lde.consequence_management.models import KeyContact, Rumour
from lde.core.audit.models import AuditEvent
from lde.engagement.models import Forum, ForumKind
from tests.conftest import sign_in
from tests.consequence_management.builders import (
    contact_make,
    directory_make,
    plan_make,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("07700 9001", "11 digits"),
        ("0161 496 0000", "starts 07"),
        ("+33 6 12 34 56 78", "outside the UK"),
        ("07700 9OO123", "other than digits"),
        ("0770090012345", "11 digits"),
    ],
)
def test_a_malformed_or_non_uk_mobile_is_refused_at_entry_with_the_reason(
    cast: dict[str, Any], given: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        contact_make(
            coordinator=cast["coordinator"],
            partnership=cast["partnership"],
            organisation=cast["council"],
            role="Chair",
            email="chair@example.test",
            mobile=given,
        )
    assert reason in refused.value.message_dict["mobile"][0]
    assert not KeyContact.objects.exists()


@pytest.mark.parametrize(
    ("given", "stored"),
    [("07700 900123", "+447700900123"), ("+44 (0)7700 900123", "+447700900123")],
)
def test_a_uk_mobile_is_kept_as_notify_takes_it(given: str, stored: str) -> None:
    assert services.uk_mobile(given) == stored


def test_the_mobile_is_refused_on_the_page_in_the_error_summary(cast: dict[str, Any]) -> None:
    client = sign_in(Client(), cast["coordinator"])
    today = timezone.localdate()
    response = client.post(
        reverse("consequence_management:contact-create", args=[cast["partnership"].pk]),
        {
            "kind": "community",
            "organisation": cast["council"].pk,
            "role": "Chair",
            "email": "chair@example.test",
            "mobile": "+33 6 12 34 56 78",
            "consented_on-day": today.day,
            "consented_on-month": today.month,
            "consented_on-year": today.year,
            "verified_on-day": today.day,
            "verified_on-month": today.month,
            "verified_on-year": today.year,
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "outside the UK" in text
    assert not KeyContact.objects.exists()


def test_warnings_for_fewer_than_two_channels_and_no_verification_for_90_days(
    cast: dict[str, Any],
) -> None:
    contact = contact_make(
        coordinator=cast["coordinator"],
        partnership=cast["partnership"],
        organisation=cast["council"],
        role="Caretaker",
        phone="020 7946 0000",
        verified_days_ago=91,
    )
    assert services.contact_warnings(contact, timezone.localdate()) == [
        "Fewer than two channels: add another way to reach them",
        "Not verified for more than 90 days",
    ]
    services.contact_verify(actor=cast["coordinator"], contact=contact)
    assert services.contact_warnings(contact, timezone.localdate()) == [
        "Fewer than two channels: add another way to reach them"
    ]


def test_an_entry_needs_a_channel_and_holds_no_more_than_its_fields(
    cast: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError) as refused:
        contact_make(
            coordinator=cast["coordinator"],
            partnership=cast["partnership"],
            organisation=cast["council"],
            role="Chair",
        )
    assert "at least one channel" in refused.value.message_dict["email"][0]
    names = {f.name for f in KeyContact._meta.get_fields()}
    assert not names & {"name", "notes", "full_name", "views", "address"}


def test_the_yearly_review_removes_what_is_not_reconfirmed(cast: dict[str, Any]) -> None:
    kept = contact_make(
        coordinator=cast["coordinator"],
        partnership=cast["partnership"],
        organisation=cast["council"],
        role="Chair",
        email="a@example.test",
        verified_days_ago=300,
    )
    contact_make(
        coordinator=cast["coordinator"],
        partnership=cast["partnership"],
        organisation=cast["council"],
        role="Old chair",
        email="b@example.test",
        verified_days_ago=400,
    )
    call_command("cascades", "review-directory")
    assert list(KeyContact.objects.all()) == [kept]
    assert AuditEvent.objects.filter(verb="KEY_CONTACT_REMOVED_AT_REVIEW").count() == 1


def test_a_rumour_about_a_named_person_is_refused(cast: dict[str, Any]) -> None:
    plan = plan_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    with pytest.raises(ValidationError) as refused:
        services.rumour_record(
            actor=cast["coordinator"],
            plan=plan,
            heard_on=timezone.localdate(),
            what_was_heard="That Mr Khan of 12 Mill Street was arrested; call 07700 900123",
            where="Market Street",
        )
    assert "what_was_heard" in refused.value.message_dict
    services.rumour_record(
        actor=cast["coordinator"],
        plan=plan,
        heard_on=timezone.localdate(),
        what_was_heard="That the mosque on the high street was raided",
        where="Social media",
        response="The spokesperson said no place of worship was searched.",
    )
    assert Rumour.objects.count() == 1


def test_the_advisory_group_must_be_an_independent_advisory_group_forum(
    cast: dict[str, Any],
) -> None:
    faith = Forum.objects.create(
        partnership=cast["partnership"], name="Faith", kind=ForumKind.FAITH_FORUM, purpose="."
    )
    with pytest.raises(ValidationError) as refused:
        plan_make(
            coordinator=cast["coordinator"], partnership=cast["partnership"], advisory_group=faith
        )
    assert "independent advisory group" in refused.value.message_dict["advisory_group"][0]


def test_a_plan_past_its_review_date_shows_on_the_coordinators_home_page(
    cast: dict[str, Any],
) -> None:
    plan_make(
        coordinator=cast["coordinator"],
        partnership=cast["partnership"],
        title="Stale plan",
        review_on=timezone.localdate() - timedelta(days=1),
    )
    home = sign_in(Client(), cast["coordinator"]).get("/")
    assert "Readiness plans to review" in home.content.decode()
    assert "Stale plan" in home.content.decode()
    viewer_home = sign_in(Client(), cast["people"]["viewer"]).get("/")
    assert "Readiness plans to review" not in viewer_home.content.decode()


def test_the_pages_show_the_plan_the_directory_and_a_roll_call(
    cast: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    plan = plan_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    directory_make(coordinator=cast["coordinator"], partnership=cast["partnership"])
    client = sign_in(Client(), cast["people"]["contributor"])
    p = cast["partnership"].pk
    assert client.get(reverse("consequence_management:overview", args=[p])).status_code == 200
    detail = client.get(reverse("consequence_management:plan-detail", args=[plan.pk]))
    assert "Release of arrested" not in detail.content.decode()
    assert "If arrested people are released" in detail.content.decode()
    with django_assert_max_num_queries(25):
        directory = client.get(reverse("consequence_management:contact-list", args=[p]))
    text = directory.content.decode()
    assert "Fewer than two channels" in text  # the caretaker, by phone only
    assert "+447700900131" in text


def test_the_cli_refuses_naming_the_field(cast: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="template"):
        call_command(
            "cascades",
            "start",
            str(cast["partnership"].pk),
            "--as",
            cast["coordinator"].email,
            "--title",
            "T",
            "--template",
            "No link here {name}",
        )
    with pytest.raises(CommandError, match="--as"):
        call_command("cascades", "status", "1", "--as", "nobody@example.test")
