"""Engagement services: exact values, the audit event each write records, the states of key
messages and support, and the personal-data guard on every free text it reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lde.accounts.models import Organisation
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.engagement import guard, services
from lde.engagement.models import (
    Forum,
    ForumMeeting,
    Initiative,
    KeyMessage,
    MediaBriefing,
    MessageStatus,
    SchoolEngagement,
    SupportRequest,
    SupportStatus,
)
from lde.engagement.selectors import engaged_words

pytestmark = pytest.mark.django_db


def test_engaged_is_said_in_words_from_the_latest_meeting() -> None:
    today = timezone.localdate().replace(day=15)
    assert engaged_words(None, today) == "No meeting recorded"
    assert engaged_words(today - timedelta(days=3), today) == "Engaged in the last month"
    assert engaged_words(today.replace(year=today.year - 1), today) == "Not engaged for 12 months"
    assert engaged_words(today.replace(month=1, year=today.year), today.replace(month=2)) == (
        "Not engaged for 1 month"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Mrs Begum raised the school run.", "A person named by title"),
        ("Cllr. Jones chaired it.", "A person named by title"),
        ("He said the mosque was not consulted.", "One person's views"),
        ("Her views on the narrative were noted.", "One person's views"),
        ("Write to chair@forum.example.org", "Email address"),
        ("Ring 0161 496 0000", "Phone number"),
        ("Lives at 12 Acacia Avenue, AB1 2CD", "Address with a full postcode"),
        ("NI number JK 12 34 56 C", "National Insurance number"),
    ],
)
def test_the_guard_finds_a_persons_views_and_identifiers(text: str, kind: str) -> None:
    assert kind in [p.kind for p in guard.problems_in(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The Faith Forum agreed the key messages.",
        "Police and council officers briefed the mosque committees.",
        "Young people asked for more youth provision.",
    ],
)
def test_the_guard_lets_organisations_and_roles_through(text: str) -> None:
    assert guard.problems_in(text) == []


def test_a_forum_holding_a_persons_views_is_refused_and_nothing_is_written(
    cast: dict[str, Any],
) -> None:
    before = (Forum.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.forum_create(
            actor=cast["people"]["coordinator"],
            partnership=cast["partnership"],
            name="Women's Network",
            kind="women",
            purpose="Sister Amina believes the council ignores women.",
        )
    assert list(refused.value.message_dict) == ["purpose"]
    message = refused.value.message_dict["purpose"][0]
    assert message.startswith("Purpose must not hold a person's views or details")
    assert "Amina" not in message
    assert (Forum.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("write", "field"),
    [
        ("meeting", "summary"),
        ("initiative", "what_it_does"),
        ("briefing", "notes"),
        ("support", "asked_for"),
        ("member_role", "members"),
    ],
)
def test_every_guarded_text_is_refused_with_its_field(
    cast: dict[str, Any], write: str, field: str
) -> None:
    actor = cast["people"]["coordinator"]
    slip = "Mr Patel told us his views on policing."
    with pytest.raises(ValidationError) as refused:
        if write == "meeting":
            services.meeting_record(
                actor=actor,
                forum=Forum.objects.get(pk=cast["forum_id"]),
                held_on=timezone.localdate(),
                topics="Policing",
                summary=slip,
            )
        elif write == "initiative":
            services.initiative_create(
                actor=actor,
                partnership=cast["partnership"],
                organisation=Organisation.objects.get(pk=cast["community_organisation_id"]),
                title="Street pastors",
                what_it_does=slip,
            )
        elif write == "briefing":
            services.media_briefing_record(
                actor=actor,
                partnership=cast["partnership"],
                held_on=timezone.localdate(),
                outlet="Radio",
                topic="Policing",
                spoke=MediaBriefing.objects.get(pk=cast["media_briefing_id"]).spoke,
                notes=slip,
            )
        elif write == "support":
            services.support_request_create(
                actor=actor,
                initiative=Initiative.objects.get(pk=cast["initiative_id"]),
                asked_for=slip,
                asked_on=timezone.localdate(),
            )
        else:
            services.forum_update(
                actor=actor,
                forum=Forum.objects.get(pk=cast["forum_id"]),
                members=[(Organisation.objects.get(pk=cast["community_organisation_id"]), slip)],
            )
    assert list(refused.value.message_dict) == [field]


def test_a_meeting_is_recorded_with_its_audit_event(cast: dict[str, Any]) -> None:
    day = timezone.localdate() - timedelta(days=1)
    meeting = services.meeting_record(
        actor=cast["people"]["coordinator"],
        forum=Forum.objects.get(pk=cast["forum_id"]),
        held_on=day,
        topics="  Language  ",
        summary="",
    )
    assert (meeting.held_on, meeting.topics, meeting.summary) == (day, "Language", "")
    event = AuditEvent.objects.latest("sequence")
    assert (event.verb, event.target_id, event.partnership_id) == (
        "FORUM_MEETING_CREATED",
        str(meeting.pk),
        cast["partnership"].pk,
    )


def test_a_meeting_in_the_future_is_refused(cast: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.meeting_record(
            actor=cast["people"]["coordinator"],
            forum=Forum.objects.get(pk=cast["forum_id"]),
            held_on=timezone.localdate() + timedelta(days=1),
            topics="Next time",
        )
    assert refused.value.message_dict == {
        "held_on": ["The date of the meeting must be today or in the past"]
    }
    assert not ForumMeeting.objects.filter(topics="Next time").exists()


def test_only_coordinators_write(cast: dict[str, Any]) -> None:
    for role in ("board_member", "contributor", "viewer", "community_reviewer"):
        with pytest.raises(PermissionDenied403):
            services.audience_create(
                actor=cast["people"][role], partnership=cast["partnership"], name="Staff"
            )
    with pytest.raises(PermissionDenied403):
        services.audience_create(actor=cast["outsider"], partnership=cast["partnership"], name="X")


def test_a_key_message_moves_draft_agreed_retired_and_no_further(cast: dict[str, Any]) -> None:
    actor = cast["people"]["coordinator"]
    message = KeyMessage.objects.get(pk=cast["key_message_id"])
    agreed = services.key_message_agree(actor=actor, key_message=message)
    assert (agreed.status, agreed.agreed_on) == (MessageStatus.AGREED, timezone.localdate())
    with pytest.raises(PermissionDenied403):
        services.key_message_update(actor=actor, key_message=agreed, title="Changed")
    retired = services.key_message_retire(actor=actor, key_message=agreed)
    assert retired.status == MessageStatus.RETIRED
    with pytest.raises(PermissionDenied403):
        services.key_message_retire(actor=actor, key_message=retired)
    verbs = list(
        AuditEvent.objects.filter(target_id=str(message.pk), verb__startswith="KEY_MESSAGE_")
        .order_by("sequence")
        .values_list("verb", flat=True)
    )
    assert verbs == ["KEY_MESSAGE_CREATED", "KEY_MESSAGE_AGREED", "KEY_MESSAGE_RETIRED"]


def test_support_is_agreed_then_given_and_declining_needs_a_reason(cast: dict[str, Any]) -> None:
    actor = cast["people"]["coordinator"]
    support = SupportRequest.objects.get(pk=cast["support_request_id"])
    with pytest.raises(ValidationError) as refused:
        services.support_request_decide(
            actor=actor, support_request=support, status="declined", response=" "
        )
    assert list(refused.value.message_dict) == ["response"]
    services.support_request_decide(
        actor=actor, support_request=support, status="agreed", response="Hall on Fridays."
    )
    given = services.support_request_decide(
        actor=actor, support_request=support, status="given", response="Hall since March."
    )
    assert (given.status, given.response) == (SupportStatus.GIVEN, "Hall since March.")
    with pytest.raises(PermissionDenied403):
        services.support_request_decide(
            actor=actor, support_request=given, status="declined", response="No."
        )


def test_a_school_must_be_a_school_and_an_ssp_needs_its_start(cast: dict[str, Any]) -> None:
    actor = cast["people"]["coordinator"]
    with pytest.raises(ValidationError) as refused:
        services.school_create(
            actor=actor,
            partnership=cast["partnership"],
            organisation=Organisation.objects.get(pk=cast["community_organisation_id"]),
        )
    assert list(refused.value.message_dict) == ["organisation"]
    college = Organisation.objects.create(name="Matrix College", type="fe_he")
    with pytest.raises(ValidationError) as refused:
        services.school_create(
            actor=actor,
            partnership=cast["partnership"],
            organisation=college,
            safer_schools_partnership=True,
        )
    assert refused.value.message_dict == {
        "ssp_started_on": ["Enter the date the Safer Schools Partnership started"]
    }
    school = services.school_create(
        actor=actor, partnership=cast["partnership"], organisation=college
    )
    assert (school.safer_schools_partnership, school.ssp_started_on) == (False, None)
    assert SchoolEngagement.objects.filter(partnership=cast["partnership"]).count() == 2


def test_who_spoke_is_a_post_of_the_partnership(cast: dict[str, Any]) -> None:
    from lde.accounts.models import Post

    stranger = Post.objects.create(
        organisation=Organisation.objects.get(pk=cast["community_organisation_id"]),
        kind="other",
        title="Trust secretary",
    )
    with pytest.raises(ValidationError) as refused:
        services.media_briefing_record(
            actor=cast["people"]["coordinator"],
            partnership=cast["partnership"],
            held_on=timezone.localdate(),
            outlet="Paper",
            topic="Funding",
            spoke=stranger,
        )
    assert refused.value.message_dict == {
        "spoke": ["Select a post of one of the partnership's organisations"]
    }
