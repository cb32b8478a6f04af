"""The generator of `lde bench engagement`, at a tiny size: what it reports is what it wrote, every
partnership gets its records, and every state of key messages and support is there. (The
benchmark itself never runs in the suite.)"""

from __future__ import annotations

import pytest

from benchmarks.engagement import NAME, EngagementWorld, extend
from benchmarks.national import generate_national
from lde.engagement.models import (
    Forum,
    ForumMeeting,
    ForumMember,
    Initiative,
    KeyMessage,
    MediaBriefing,
    MessageStatus,
    SchoolActivity,
    SchoolEngagement,
    SupportRequest,
    SupportStatus,
)

pytestmark = pytest.mark.django_db


def test_it_writes_what_it_reports_for_every_partnership() -> None:
    world = generate_national(partnerships=6, users=120, seed=1)
    extend(world, {"forums": 3, "meetings": 2, "briefings": 4}, lambda step, done: None)
    made: EngagementWorld = world.extensions[NAME]
    assert made.forums == Forum.objects.count() == 6 * 3
    assert made.meetings == ForumMeeting.objects.count() == 6 * 3 * 2
    assert made.members == ForumMember.objects.count()
    assert made.initiatives == Initiative.objects.count() == 6 * 6
    assert made.support_requests == SupportRequest.objects.count() == 6 * 6 * 3
    assert made.key_messages == KeyMessage.objects.count() == 6 * 10
    assert made.media_briefings == MediaBriefing.objects.count()
    assert made.schools == SchoolEngagement.objects.count() == 6 * 5
    assert made.activities == SchoolActivity.objects.count() == 6 * 5 * 3
    assert set(KeyMessage.objects.values_list("status", flat=True)) == set(MessageStatus.values)
    assert set(SupportRequest.objects.values_list("status", flat=True)) == set(SupportStatus.values)
    assert set(Forum.objects.values_list("partnership_id", flat=True)) == set(world.partnership_ids)
