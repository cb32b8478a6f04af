"""Reads of a partnership's capacity, each scoped by the records' policies and each a fixed
number of queries whatever the number of records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum

from lde.accounts.models import (
    Organisation,
    OrganisationType,
    Post,
    PostHolding,
    PostKind,
    PostLevel,
    RequestUser,
)
from lde.accounts.selectors import live_holding_q
from lde.capacity.models import (
    BoardDecision,
    BoardMeeting,
    BoardMember,
    CommunityRelationship,
    Course,
    ScrutinySession,
    Team,
    TermsOfReference,
    TrainingAttendance,
    TrainingSession,
)
from lde.capacity.policies import (
    board_decision_policy,
    board_meeting_policy,
    board_member_policy,
    community_relationship_policy,
    course_policy,
    scrutiny_session_policy,
    team_policy,
    terms_of_reference_policy,
    training_session_policy,
)
from lde.core.access.facts import facts_for
from lde.partnerships.models import PartnerOrganisation, Partnership
from lde.partnerships.selectors import partnership_get

# A team is under-trained while fewer than half its staff have been trained: the report asks
# that front-line staff in each of these teams know what Prevent is and what to do (¶159).
TRAINED_THRESHOLD_PERCENT = 50

# The kinds of organisation the report expects a partnership to reach, with where it says so.
EXPECTED_KINDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Council", (OrganisationType.COUNCIL,), "¶89"),
    ("Police", (OrganisationType.POLICE_FORCE, OrganisationType.POLICE_BCU), "¶89"),
    ("Police authority", (OrganisationType.POLICE_AUTHORITY,), "¶97–98"),
    ("Schools", (OrganisationType.SCHOOL,), "¶110"),
    ("Further or higher education", (OrganisationType.FURTHER_HIGHER_EDUCATION,), "¶110"),
    ("Youth offending team", (OrganisationType.YOUTH_OFFENDING_TEAM,), "¶110"),
    ("Youth service", (OrganisationType.YOUTH_SERVICE,), "¶111"),
    ("Culture and leisure", (OrganisationType.CULTURE_AND_LEISURE,), "¶111, ¶187"),
    ("Health", (OrganisationType.HEALTH,), "¶110"),
    ("Probation", (OrganisationType.PROBATION,), "¶110"),
    ("Prison", (OrganisationType.PRISON,), "¶110"),
    ("UK Border Agency", (OrganisationType.UK_BORDER_AGENCY,), "¶10"),
    ("Voluntary or community group", (OrganisationType.VOLUNTARY_COMMUNITY,), "¶112"),
    ("Faith institution", (OrganisationType.FAITH_INSTITUTION,), "¶112"),
)


def capacity_partnership(*, user: RequestUser, partnership_id: Any) -> Partnership:
    """The partnership, if the user may read its capacity: 404 if they cannot see the
    partnership at all, 403 saying who can if they see it but not its capacity."""
    partnership = partnership_get(user=user, partnership_id=partnership_id)
    board_member_policy.require_in(
        user, "view", partnership.pk, message="You cannot read this partnership's capacity."
    )
    return partnership


def _current_holdings(day: date) -> Prefetch[Any]:
    return Prefetch(
        "holdings",
        queryset=PostHolding.objects.filter(live_holding_q(day)).select_related("user"),
        to_attr="current_holdings",
    )


# --- The programme board ---------------------------------------------------------------------


@dataclass
class Board:
    members: list[BoardMember]
    terms: list[TermsOfReference]
    meetings: list[BoardMeeting]

    @property
    def terms_in_force(self) -> TermsOfReference | None:
        return self.terms[0] if self.terms else None


def board(*, user: RequestUser, partnership: Partnership, in_full: bool = True) -> Board:
    """The board's members, terms and meetings; the overview page (not `in_full`) shows only
    how many meetings there were, and leaves their attendance and decisions unread."""
    day = facts_for(user).today
    members = list(
        board_member_policy.visible_to(user)
        .filter(partnership=partnership)
        .select_related("post__organisation")
        .prefetch_related(
            Prefetch(
                "post__holdings",
                queryset=PostHolding.objects.filter(live_holding_q(day)).select_related("user"),
                to_attr="current_holdings",
            )
        )
    )
    terms = list(terms_of_reference_policy.visible_to(user).filter(partnership=partnership))
    meetings_of = board_meeting_policy.visible_to(user).filter(partnership=partnership)
    if not in_full:
        return Board(members=members, terms=terms, meetings=list(meetings_of))
    meetings = list(
        meetings_of.prefetch_related(
            Prefetch("attended_by", queryset=Post.objects.select_related("organisation")),
            Prefetch(
                "decisions",
                queryset=board_decision_policy.visible_to(user).select_related("action"),
            ),
        )
    )
    return Board(members=members, terms=terms, meetings=meetings)


def board_meeting_get(*, user: RequestUser, meeting_id: Any) -> BoardMeeting:
    return board_meeting_policy.get_or_404(
        user, meeting_id, BoardMeeting.objects.select_related("partnership")
    )


def board_decision_get(*, user: RequestUser, decision_id: Any) -> BoardDecision:
    return board_decision_policy.get_or_404(
        user, decision_id, BoardDecision.objects.select_related("meeting__partnership")
    )


def board_member_post_choices(*, partnership: Partnership) -> QuerySet[Post]:
    """Posts a board seat may be given to: those of the partnership's organisations."""
    return (
        Post.objects.filter(organisation__partnership_links__partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )


def board_attendance_choices(*, partnership: Partnership) -> QuerySet[Post]:
    return board_member_post_choices(partnership=partnership).filter(
        pk__in=BoardMember.objects.filter(partnership=partnership).values("post_id")
    )


# --- Partner coverage and scrutiny -----------------------------------------------------------


@dataclass
class KindCoverage:
    label: str
    paragraphs: str
    organisations: list[Organisation]

    @property
    def missing(self) -> bool:
        return not self.organisations


@dataclass
class Coverage:
    kinds: list[KindCoverage]
    other: list[Organisation]
    scrutiny: list[ScrutinySession]

    @property
    def missing(self) -> list[KindCoverage]:
        return [k for k in self.kinds if k.missing]


def coverage(*, user: RequestUser, partnership: Partnership) -> Coverage:
    organisations = [
        link.organisation
        for link in PartnerOrganisation.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    kinds = []
    expected: set[str] = set()
    for label, types, paragraphs in EXPECTED_KINDS:
        expected |= set(types)
        kinds.append(KindCoverage(label, paragraphs, [o for o in organisations if o.type in types]))
    other = [o for o in organisations if o.type not in expected]
    scrutiny = list(scrutiny_session_policy.visible_to(user).filter(partnership=partnership))
    return Coverage(kinds=kinds, other=other, scrutiny=scrutiny)


# --- Leadership ------------------------------------------------------------------------------


@dataclass
class Leadership:
    by_level: dict[str, list[Post]]
    turnover: list[tuple[int, int, int]]  # year, holdings started, holdings ended

    @property
    def levels(self) -> list[tuple[str, str, list[Post]]]:
        return [(value, label, self.by_level.get(value, [])) for value, label in PostLevel.choices]

    def vacant(self, level: str) -> int:
        return len(
            [p for p in self.by_level.get(level, []) if not getattr(p, "current_holdings", [])]
        )


def prevent_posts_q(prefix: str = "") -> Q:
    """Prevent posts (¶93): the Prevent coordinator's, and any post named for Prevent."""
    return Q(**{f"{prefix}kind": PostKind.PREVENT_COORDINATOR}) | Q(
        **{f"{prefix}title__icontains": "prevent"}
    )


def leadership(*, user: RequestUser, partnership: Partnership) -> Leadership:
    day = facts_for(user).today
    posts = (
        Post.objects.filter(organisation__partnership_links__partnership=partnership)
        .exclude(kind=PostKind.SECURITY_CONTACT)
        .select_related("organisation")
        .prefetch_related(_current_holdings(day))
        .order_by("organisation__name", "title")
    )
    by_level: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        by_level[post.level].append(post)
    started: dict[int, int] = defaultdict(int)
    ended: dict[int, int] = defaultdict(int)
    for started_on, ended_on in PostHolding.objects.filter(
        prevent_posts_q("post__"),
        post__organisation__partnership_links__partnership=partnership,
    ).values_list("started_on", "ended_on"):
        started[started_on.year] += 1
        if ended_on is not None:
            ended[ended_on.year] += 1
    years = sorted(set(started) | set(ended))
    turnover = [(y, started[y], ended[y]) for y in years]
    return Leadership(by_level=dict(by_level), turnover=turnover)


# --- Training --------------------------------------------------------------------------------


@dataclass
class TeamTraining:
    team: Team
    trained: int

    @property
    def percent(self) -> int:
        return min(100, self.trained * 100 // self.team.headcount)

    @property
    def under_trained(self) -> bool:
        return self.percent < TRAINED_THRESHOLD_PERCENT


@dataclass
class Training:
    courses: list[Course]
    teams: list[TeamTraining]
    threshold: int = TRAINED_THRESHOLD_PERCENT

    @property
    def under_trained(self) -> list[TeamTraining]:
        return [t for t in self.teams if t.under_trained]


def training(*, user: RequestUser, partnership: Partnership, with_courses: bool = True) -> Training:
    """Each team's share trained, and (unless the overview asks without) every course with its
    sessions and attendance."""
    courses = (
        []
        if not with_courses
        else list(
            course_policy.visible_to(user)
            .filter(partnership=partnership)
            .prefetch_related(
                Prefetch(
                    "sessions",
                    queryset=training_session_policy.visible_to(user).prefetch_related(
                        "joint_with",
                        Prefetch(
                            "attendance",
                            queryset=TrainingAttendance.objects.select_related(
                                "post__organisation", "team"
                            ),
                        ),
                    ),
                )
            )
        )
    )
    teams = [
        TeamTraining(team, team.trained or 0)
        for team in team_policy.visible_to(user)
        .filter(partnership=partnership)
        .select_related("organisation")
        .annotate(trained=Sum("attendance__number_trained"))
    ]
    return Training(courses=courses, teams=teams)


def training_session_get(*, user: RequestUser, session_id: Any) -> TrainingSession:
    return training_session_policy.get_or_404(
        user, session_id, TrainingSession.objects.select_related("course__partnership")
    )


def course_get(*, user: RequestUser, course_id: Any) -> Course:
    return course_policy.get_or_404(user, course_id, Course.objects.select_related("partnership"))


def team_choices(*, partnership: Partnership) -> QuerySet[Team]:
    return Team.objects.filter(partnership=partnership).order_by("name")


# --- Key-person dependency -------------------------------------------------------------------


@dataclass
class Relationship:
    relationship: CommunityRelationship
    holders: list[Post]
    deputy: Post | None = None

    @property
    def single_point_of_failure(self) -> bool:
        return len(self.holders) == 1


@dataclass
class Relationships:
    items: list[Relationship] = field(default_factory=list)

    @property
    def single_points_of_failure(self) -> list[Relationship]:
        return [r for r in self.items if r.single_point_of_failure]


def relationships(*, user: RequestUser, partnership: Partnership) -> Relationships:
    """Each relationship with the posts holding it; one held by a single post is a single point
    of failure (¶155–156), with a suggested deputy: another post of the same organisation, the
    Prevent posts first, then by level and title."""
    rows = list(
        community_relationship_policy.visible_to(user)
        .filter(partnership=partnership)
        .select_related("organisation")
        .prefetch_related(Prefetch("held_by", queryset=Post.objects.select_related("organisation")))
    )
    items = [Relationship(r, list(r.held_by.all())) for r in rows]
    sole = [i for i in items if i.single_point_of_failure]
    organisations = {i.holders[0].organisation_id for i in sole}
    candidates: dict[int, list[Post]] = defaultdict(list)
    level_order: dict[str, int] = {"delivery": 0, "tactical": 1, "strategic": 2}
    for post in (
        Post.objects.filter(organisation_id__in=organisations)
        .exclude(kind=PostKind.SECURITY_CONTACT)
        .order_by("title")
    ):
        candidates[post.organisation_id].append(post)
    for item in sole:
        holder = item.holders[0]
        others = [p for p in candidates[holder.organisation_id] if p.pk != holder.pk]
        others.sort(
            key=lambda p: (
                not ("prevent" in p.title.lower() or p.kind == PostKind.PREVENT_COORDINATOR),
                abs(level_order.get(p.level, 0) - level_order.get(holder.level, 0)),
                p.title,
            )
        )
        item.deputy = others[0] if others else None
    return Relationships(items)


def relationship_get(*, user: RequestUser, relationship_id: Any) -> CommunityRelationship:
    return community_relationship_policy.get_or_404(
        user, relationship_id, CommunityRelationship.objects.select_related("partnership")
    )


def relationship_post_choices(*, partnership: Partnership) -> QuerySet[Post]:
    return board_member_post_choices(partnership=partnership).exclude(
        kind=PostKind.SECURITY_CONTACT
    )


def community_organisation_choices(*, partnership: Partnership) -> QuerySet[Organisation]:
    """Community organisations: voluntary and community groups, faith institutions and others
    outside the statutory partners."""
    return Organisation.objects.filter(
        type__in=[
            OrganisationType.VOLUNTARY_COMMUNITY,
            OrganisationType.FAITH_INSTITUTION,
            OrganisationType.OTHER,
        ]
    ).order_by("name")


# --- The overview ----------------------------------------------------------------------------


@dataclass
class Overview:
    board: Board
    coverage: Coverage
    leadership: Leadership
    training: Training
    relationships: Relationships


def overview(
    *, user: RequestUser, partnership: Partnership, with_courses: bool = False
) -> Overview:
    return Overview(
        board=board(user=user, partnership=partnership, in_full=with_courses),
        coverage=coverage(user=user, partnership=partnership),
        leadership=leadership(user=user, partnership=partnership),
        # The overview page shows the teams, not the courses: it leaves their sessions unread.
        training=training(user=user, partnership=partnership, with_courses=with_courses),
        relationships=relationships(user=user, partnership=partnership),
    )


def community_relationships_held_by_posts_of(*, partnership_id: int, organisation_id: int) -> int:
    """How many of the partnership's relationships with community organisations are held by
    one or more of the organisation's posts: holders must be posts of partners
    (`community_relationship_record`), so while there are any it stays a partner (ADR 0028).
    Distinct, as a relationship held by two of its posts is one relationship."""
    return (
        CommunityRelationship.objects.filter(
            partnership_id=partnership_id, held_by__organisation_id=organisation_id
        )
        .values("pk")
        .distinct()
        .count()
    )
