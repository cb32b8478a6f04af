"""Community engagement and communications (¶121–148): the forums, networks and consultative
groups a partnership works with, what communities do for themselves and the support they asked
for, the communications strategy, and the schools and colleges engaged.

Organisations and roles only. Nothing here records an individual member of the public, their
views, or a rating of a community or a place: a forum is recorded by the organisations that take
part and the communities they reach; a meeting by its date, topics and a short summary that the
personal-data guard has read (`lde.engagement.guard`); a spokesperson and whoever briefed the
media by their post. "When the partnership last engaged" a forum is never stored: it is read
from the forum's meetings on the day it is asked, so it cannot go stale.

`Forum` is kept general on purpose: consequence management (a later capability) will use the
same forums — the independent advisory group above all (¶86) — rather than a model of its own.
"""

from __future__ import annotations

from django.db import models

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text


class ForumKind(models.TextChoices):
    FAITH_FORUM = "faith_forum", "Faith forum"
    KEY_INDIVIDUAL_NETWORK = "key_individual_network", "Key individual network (KIN)"
    INDEPENDENT_ADVISORY_GROUP = "independent_advisory_group", "Independent advisory group"
    YOUNG_PEOPLE = "young_people", "Young people's group"
    WOMEN = "women", "Women's group"
    COMMUNITY_CONSULTATIVE_GROUP = "community_consultative_group", "Community consultative group"
    OTHER = "other", "Other"


class Forum(BaseModel):
    """A forum, network or consultative group the partnership engages with (¶124, ¶129–130)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="forums"
    )
    name = models.CharField(max_length=limits.NAME)
    kind = models.CharField(max_length=32, choices=ForumKind.choices)
    purpose = limited_text(limits.SHORT_TEXT)
    communities_reached = limited_text(
        limits.SHORT_TEXT,
        blank=True,
        help_text="The communities and kinds of organisation it reaches, in the forum's own "
        "words; never a rating of them.",
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation", through="ForumMember", related_name="forums"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="engagement_forum_name_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ForumMember(BaseModel):
    """An organisation taking part in a forum, and its role there ("chair", "member")."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=limits.REFERENCE, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "organisation"], name="engagement_forum_member_once"
            )
        ]


class ForumMeeting(BaseModel):
    """One meeting of a forum: when, its topics, and a short summary without anyone's views."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    topics = models.CharField(max_length=limits.TITLE)
    summary = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]


class Initiative(BaseModel):
    """Something a community does for itself on Prevent (¶126–131), led by an organisation."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="initiatives"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The community organisation that leads it.",
    )
    title = models.CharField(max_length=limits.TITLE)
    what_it_does = limited_text(limits.TEXT)

    class Meta:
        ordering = ["title"]


class SupportStatus(models.TextChoices):
    ASKED = "asked", "Asked"
    AGREED = "agreed", "Agreed"
    GIVEN = "given", "Given"
    DECLINED = "declined", "Declined"


# Where a request for support may go next: agreed support is given or, at last, declined.
SUPPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SupportStatus.ASKED: (SupportStatus.AGREED, SupportStatus.DECLINED),
    SupportStatus.AGREED: (SupportStatus.GIVEN, SupportStatus.DECLINED),
    SupportStatus.GIVEN: (),
    SupportStatus.DECLINED: (),
}


class SupportRequest(BaseModel):
    """What support an initiative asked the partnership for, and what it got."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="support_requests"
    )
    asked_for = limited_text(limits.SHORT_TEXT)
    asked_on = models.DateField()
    status = models.CharField(
        max_length=8, choices=SupportStatus.choices, default=SupportStatus.ASKED
    )
    response = limited_text(
        limits.SHORT_TEXT, blank=True, help_text="What was agreed or given, or why it was declined."
    )
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_on", "-pk"]


class Audience(BaseModel):
    """An audience of the communications strategy, internal or external (¶139)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="audiences"
    )
    name = models.CharField(max_length=limits.NAME)
    internal = models.BooleanField(default=False)
    what_they_need = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-internal", "name"]


class ChannelKind(models.TextChoices):
    LANGUAGES = "languages", "Community languages"
    PLACE_OF_WORSHIP = "place_of_worship", "Place of worship"
    LOCAL_RADIO = "local_radio", "Local radio"
    WEBSITE = "website", "Website"
    NEWSLETTER = "newsletter", "Newsletter"
    SOCIAL_MEDIA = "social_media", "Social media"
    OTHER = "other", "Other"


class Channel(BaseModel):
    """A channel that reaches a community (¶142): not everyone reads the local paper."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="channels"
    )
    name = models.CharField(max_length=limits.NAME)
    kind = models.CharField(max_length=20, choices=ChannelKind.choices)
    community = models.CharField(max_length=limits.NAME, help_text="The community it reaches.")
    languages = models.CharField(max_length=limits.NAME, blank=True)
    reach = models.CharField(max_length=limits.NAME, blank=True)

    class Meta:
        ordering = ["community", "name"]


class MessageStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    RETIRED = "retired", "Retired"


MESSAGE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    MessageStatus.DRAFT: (MessageStatus.AGREED, MessageStatus.RETIRED),
    MessageStatus.AGREED: (MessageStatus.RETIRED,),
    MessageStatus.RETIRED: (),
}


class KeyMessage(BaseModel):
    """An agreed key message with its language guidance (¶132–138, ¶141): the words to use and to
    avoid, and why."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="key_messages"
    )
    title = models.CharField(max_length=limits.TITLE)
    message = limited_text(limits.SHORT_TEXT)
    words_to_use = limited_text(limits.SHORT_TEXT, blank=True)
    words_to_avoid = limited_text(limits.SHORT_TEXT, blank=True)
    why = limited_text(limits.SHORT_TEXT, blank=True)
    status = models.CharField(
        max_length=8, choices=MessageStatus.choices, default=MessageStatus.DRAFT
    )
    agreed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["status", "title"]


class MediaBriefing(BaseModel):
    """One line of the media briefing log (¶140–141): who spoke is a post, never a member of the
    public."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="media_briefings"
    )
    held_on = models.DateField()
    outlet = models.CharField(max_length=limits.NAME)
    topic = models.CharField(max_length=limits.TITLE)
    spoke = models.ForeignKey(
        "accounts.Post", on_delete=models.PROTECT, related_name="+", help_text="Who spoke, by post."
    )
    notes = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]


class Spokesperson(BaseModel):
    """Who speaks for whom (¶141): a post, the organisations it speaks for, on which topics."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="spokespeople"
    )
    post = models.ForeignKey("accounts.Post", on_delete=models.PROTECT, related_name="+")
    speaks_for = models.CharField(max_length=limits.NAME)
    topics = models.CharField(max_length=limits.TITLE)

    class Meta:
        ordering = ["speaks_for", "pk"]


class SchoolEngagement(BaseModel):
    """A school or college the partnership engages (¶144–148), and whether a Safer Schools
    Partnership is in place there (¶128, ¶147)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="schools_engaged"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    safer_schools_partnership = models.BooleanField(default=False)
    ssp_started_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="engagement_school_once"
            ),
            models.CheckConstraint(
                condition=models.Q(safer_schools_partnership=True)
                | models.Q(ssp_started_on__isnull=True),
                name="engagement_ssp_date_only_with_ssp",
            ),
        ]


class SchoolActivity(BaseModel):
    """How a school or college is engaged: an activity on a date."""

    school = models.ForeignKey(
        SchoolEngagement, on_delete=models.CASCADE, related_name="activities"
    )
    activity = models.CharField(max_length=limits.TITLE)
    held_on = models.DateField()

    class Meta:
        ordering = ["-held_on", "-pk"]
