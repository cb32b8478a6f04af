"""Partnership capacity (¶89–120, ¶154–161): the programme board, partner coverage and
scrutiny, training, and the relationships with community organisations that staff hold.

Everything is recorded by post, organisation or team, never by a member of the public: a team's
training is a number trained out of its headcount; a relationship with a community organisation
is the organisation and the nature of the work, held by posts of partner organisations. Leadership
at each level (¶92) is read from `accounts.Post.level` and `PostHolding`, not stored here.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text


class BoardMember(BaseModel):
    """A seat on the programme board (¶108–109), held by a post of a partner organisation so that
    it survives people moving on (¶93)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="board_members"
    )
    post = models.ForeignKey("accounts.Post", on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField()

    class Meta:
        ordering = ["post__organisation__name", "post__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "post"], name="capacity_board_member_once"
            )
        ]


class TermsOfReference(BaseModel):
    """The board's terms of reference, one version per date agreed: the latest is in force."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    agreed_on = models.DateField()
    text = limited_text(limits.LONG_TEXT)

    class Meta:
        ordering = ["-agreed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "agreed_on"], name="capacity_terms_one_per_date"
            )
        ]


class BoardMeeting(BaseModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="board_meetings"
    )
    held_on = models.DateField()
    attended_by = models.ManyToManyField("accounts.Post", related_name="+", blank=True)

    class Meta:
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "held_on"], name="capacity_board_meeting_one_per_day"
            )
        ]


class BoardDecision(BaseModel):
    """A decision of the board, linked to the action in the action plan that carries it out."""

    meeting = models.ForeignKey(BoardMeeting, on_delete=models.PROTECT, related_name="decisions")
    decision = limited_text(limits.SHORT_TEXT)
    action = models.ForeignKey(
        "action_plans.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]


class ScrutinyBody(models.TextChoices):
    COUNCILLORS = "councillors", "Councillors (overview and scrutiny)"
    POLICE_AUTHORITY = "police_authority", "Police authority"
    OTHER = "other", "Other"


class ScrutinySession(BaseModel):
    """Scrutiny of the partnership's Prevent work by elected members (¶94–98)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    body = models.CharField(max_length=20, choices=ScrutinyBody.choices)
    held_on = models.DateField()
    examined = limited_text(limits.SHORT_TEXT)
    outcome = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-held_on"]


class CourseKind(models.TextChoices):
    COURSE = "course", "Course"
    BRIEFING = "briefing", "Briefing"
    WORKSHOP = "workshop", "Workshop"


class Course(BaseModel):
    """A course or briefing the partnership uses (¶114–120): WRAP, a local awareness briefing…"""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=limits.TITLE)
    provider = models.CharField(max_length=limits.NAME)
    kind = models.CharField(max_length=12, choices=CourseKind.choices)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "title"], name="capacity_course_title_once"
            )
        ]


class TrainingSession(BaseModel):
    """One running of a course. Joint sessions name the other organisations trained with
    (¶117); the feedback given to staff on what their work led to is recorded here (¶158)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    joint_with = models.ManyToManyField("accounts.Organisation", related_name="+", blank=True)
    feedback_to_staff = limited_text(
        limits.SHORT_TEXT,
        blank=True,
        help_text="What staff were told about what their Prevent work led to (¶158).",
    )

    class Meta:
        ordering = ["-held_on"]


class TeamKind(models.TextChoices):
    NEIGHBOURHOOD_POLICING = "neighbourhood_policing", "Neighbourhood policing team"
    FRONT_LINE_COUNCIL = "front_line_council", "Front-line council staff"
    SCHOOL_STAFF = "school_staff", "School staff"
    CT_INTELLIGENCE = "ct_intelligence", "Counter-terrorism intelligence officers"
    OTHER = "other", "Other"


class Team(BaseModel):
    """A team whose training the partnership follows (¶159): counted, never named."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=limits.NAME)
    kind = models.CharField(max_length=24, choices=TeamKind.choices)
    headcount = models.PositiveIntegerField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="capacity_team_once"),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="capacity_team_headcount"),
        ]


class TrainingAttendance(BaseModel):
    """Who a session trained: one post, or a number of a team's staff. Exactly one of them."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="attendance"
    )
    post = models.ForeignKey(
        "accounts.Post", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="attendance", null=True, blank=True
    )
    number_trained = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False, team__isnull=True, number_trained=1))
                | Q(post__isnull=True, team__isnull=False, number_trained__gte=1),
                name="capacity_attendance_post_or_team",
            ),
        ]


class CommunityRelationship(BaseModel):
    """A working relationship with a community organisation (¶155–156), held by posts."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    nature = limited_text(limits.SHORT_TEXT)
    held_by = models.ManyToManyField("accounts.Post", related_name="+", blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="capacity_relationship_once"
            )
        ]
