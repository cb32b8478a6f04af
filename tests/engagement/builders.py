"""Engagement records for tests: one of each kind in a partnership, with every state of the
records that have one (key messages: draft, agreed, retired; support: asked, agreed, given,
declined)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lde.accounts.models import Organisation, Post, User
from lde.engagement import services
from lde.engagement.models import ForumKind, MessageStatus, SupportStatus
from lde.partnerships.models import PartnerOrganisation, Partnership


def engagement_world(
    *, coordinator: User, partnership: Partnership, member: Organisation
) -> dict[str, Any]:
    """Records of `partnership`, written by its `coordinator`; `member` takes part in the forum
    (a community reviewer of that organisation reads it). Returns the ids by URL keyword, with
    the ids of the stateful records under "states"."""
    today = timezone.localdate()
    community = Organisation.objects.create(name="Matrix Mosque Trust", type="faith")
    school = Organisation.objects.create(name="Matrix High School", type="school")
    second_school = Organisation.objects.create(name="Matrix Sixth Form College", type="fe_he")
    partner = PartnerOrganisation.objects.filter(partnership=partnership).first()
    assert partner is not None
    post = Post.objects.create(
        organisation_id=partner.organisation_id, kind="other", title="Communications lead"
    )
    forum = services.forum_create(
        actor=coordinator,
        partnership=partnership,
        name="Matrix Faith Forum",
        kind=ForumKind.FAITH_FORUM,
        purpose="Faith leaders and the partnership meet each quarter.",
        communities_reached="Mosques, churches and a gurdwara.",
        members=[(member, "member"), (community, "chair")],
    )
    meeting = services.meeting_record(
        actor=coordinator,
        forum=forum,
        held_on=today - timedelta(days=100),
        topics="The local narrative",
        summary="Partners explained the narrative.",
    )
    initiative = services.initiative_create(
        actor=coordinator,
        partnership=partnership,
        organisation=community,
        title="Mentoring young people",
        what_it_does="Volunteers run mentoring after school.",
    )
    supports = {}
    for status in SupportStatus.values:
        support = services.support_request_create(
            actor=coordinator,
            initiative=initiative,
            asked_for=f"A room ({status})",
            asked_on=today - timedelta(days=30),
        )
        if status in (SupportStatus.AGREED, SupportStatus.GIVEN):
            services.support_request_decide(
                actor=coordinator, support_request=support, status="agreed", response="Agreed."
            )
        if status == SupportStatus.GIVEN:
            services.support_request_decide(
                actor=coordinator, support_request=support, status="given", response="Given."
            )
        if status == SupportStatus.DECLINED:
            services.support_request_decide(
                actor=coordinator, support_request=support, status="declined", response="No room."
            )
        supports[status] = {"support_request_id": support.pk}
    messages = {}
    for status in MessageStatus.values:
        message = services.key_message_create(
            actor=coordinator,
            partnership=partnership,
            title=f"Safer together ({status})",
            message="Counter-terrorism targets criminals, not communities.",
            words_to_use="community resilience",
            words_to_avoid="radicalised communities",
            why="It blames whole communities.",
        )
        if status == MessageStatus.AGREED:
            services.key_message_agree(actor=coordinator, key_message=message)
        if status == MessageStatus.RETIRED:
            services.key_message_retire(actor=coordinator, key_message=message)
        messages[status] = {"key_message_id": message.pk}
    audience = services.audience_create(
        actor=coordinator, partnership=partnership, name="Front-line staff", internal=True
    )
    channel = services.channel_create(
        actor=coordinator,
        partnership=partnership,
        name="Community radio",
        kind="local_radio",
        community="Somali community",
        languages="Somali, English",
        reach="Weekly listeners",
    )
    briefing = services.media_briefing_record(
        actor=coordinator,
        partnership=partnership,
        held_on=today - timedelta(days=3),
        outlet="Local paper",
        topic="Prevent funding",
        spoke=post,
    )
    spokesperson = services.spokesperson_create(
        actor=coordinator,
        partnership=partnership,
        post=post,
        speaks_for="The council and police jointly",
        topics="Prevent and cohesion",
    )
    engaged = services.school_create(
        actor=coordinator,
        partnership=partnership,
        organisation=school,
        safer_schools_partnership=True,
        ssp_started_on=today - timedelta(days=400),
    )
    activity = services.school_activity_record(
        actor=coordinator, school=engaged, activity="Assembly on belonging", held_on=today
    )
    return {
        "forum_id": forum.pk,
        "forum_meeting_id": meeting.pk,
        "initiative_id": initiative.pk,
        "audience_id": audience.pk,
        "channel_id": channel.pk,
        "media_briefing_id": briefing.pk,
        "spokesperson_id": spokesperson.pk,
        "school_id": engaged.pk,
        "school_activity_id": activity.pk,
        "engagement_post_id": post.pk,
        "community_organisation_id": community.pk,
        "school_organisation_id": school.pk,
        "second_school_organisation_id": second_school.pk,
        "support_request_id": supports[SupportStatus.ASKED]["support_request_id"],
        "key_message_id": messages[MessageStatus.DRAFT]["key_message_id"],
        "states": {"key_message": messages, "support_request": supports},
    }
