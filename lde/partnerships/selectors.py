"""Reads of partnerships, members and assignments, already scoped by the policies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from lde.accounts.models import (
    Organisation,
    Post,
    PostHolding,
    PostKind,
    PostLevel,
    RequestUser,
    User,
)
from lde.accounts.selectors import live_holding_q, users_vetting_facts
from lde.core.access.facts import UserFacts, facts_for, today
from lde.partnerships.models import (
    Alliance,
    Assignment,
    AssignmentKind,
    Membership,
    PartnerOrganisation,
    Partnership,
    Role,
    StrategicPost,
)
from lde.partnerships.policies import (
    alliance_policy,
    assignment_policy,
    membership_policy,
    partnership_policy,
)


def user_facts_load(user: User) -> UserFacts:
    """Everything the access rule needs about one user, in a handful of queries."""
    return user_facts_load_many([user])[user.pk]


def user_facts_load_many(users: Any) -> dict[int, UserFacts]:
    """`user_facts_load` for many users at once (for example the holders of a partnership's
    strategic posts), in the same handful of queries whatever their number."""
    people = {u.pk: u for u in users}
    ids = sorted(people)
    day = today()
    roles: dict[int, dict[int, set[str]]] = {i: defaultdict(set) for i in ids}
    # No ordering: the model's own (by partnership name) would join every partnership into a
    # query run on every request, for sets that have no order.
    for user_id, partnership_id, role in (
        Membership.objects.filter(user_id__in=ids)
        .order_by()
        .values_list("user_id", "partnership_id", "role")
    ):
        roles[user_id][partnership_id].add(role)
    inspected: dict[int, set[int]] = {i: set() for i in ids}
    peer_reviewed: dict[int, set[int]] = {i: set() for i in ids}
    subjects: dict[int, set[str]] = {i: set() for i in ids}
    live = Assignment.partnerships.through.objects.filter(
        assignment__user_id__in=ids,
        assignment__starts_on__lte=day,
        assignment__ends_on__gte=day,
    ).values_list(
        "assignment__user_id", "partnership_id", "assignment__kind", "assignment__subject_reference"
    )
    for user_id, partnership_id, kind, subject in live:
        if kind == AssignmentKind.INSPECTOR:
            inspected[user_id].add(partnership_id)
        else:
            peer_reviewed[user_id].add(partnership_id)
            if subject:
                subjects[user_id].add(subject)
    partner_organisations: dict[int, set[int]] = defaultdict(set)
    reach = {p for i in ids for p in (set(roles[i]) | inspected[i])}
    if reach:
        for partnership_id, organisation_id in (
            PartnerOrganisation.objects.filter(partnership_id__in=reach)
            .order_by()
            .values_list("partnership_id", "organisation_id")
        ):
            partner_organisations[partnership_id].add(organisation_id)
    vetting = users_vetting_facts(user_ids=ids, day=day)
    facts = {}
    for i in ids:
        user = people[i]
        mine = set(roles[i]) | inspected[i]
        facts[i] = UserFacts(
            user_id=i,
            today=day,
            roles={p: frozenset(r) for p, r in roles[i].items()},
            inspected=frozenset(inspected[i]),
            peer_reviewed=frozenset(peer_reviewed[i]),
            peer_review_subjects=frozenset(subjects[i]),
            organisation_id=user.organisation_id,
            partner_organisations={
                p: frozenset(o) for p, o in partner_organisations.items() if p in mine
            },
            security_contact_for=vetting[i]["security_contact_for"],
            post_ids=vetting[i]["post_ids"],
            clearance=vetting[i]["clearance"],
            caveats=vetting[i]["caveats"],
            is_national_analyst=user.is_national_analyst,
            is_programme_lead=user.is_programme_lead,
            is_site_administrator=user.is_site_administrator,
        )
    return facts


def partnership_list(*, user: RequestUser) -> QuerySet[Partnership]:
    # A correlated count per visible row, not a join over every membership in the country: the
    # join made PostgreSQL scan the whole membership table to return a handful of rows.
    people = (
        Membership.objects.filter(partnership=OuterRef("pk"))
        .order_by()
        .values("partnership")
        .annotate(count=Count("user", distinct=True))
        .values("count")
    )
    return (
        partnership_policy.visible_to(user, "view")
        .select_related("lead_council")
        .annotate(member_count=Coalesce(Subquery(people), 0))
        .order_by("name")
    )


def partnership_get(*, user: RequestUser, partnership_id: Any) -> Partnership:
    return partnership_policy.get_or_404(
        user, partnership_id, Partnership.objects.select_related("lead_council")
    )


def partnership_partner_organisations(*, partnership: Partnership) -> QuerySet[PartnerOrganisation]:
    return partnership.partner_links.select_related("organisation").order_by("organisation__name")


def partner_organisation_choices(*, partnership: Partnership) -> QuerySet[Organisation]:
    """The organisations a member of the partnership may work for: its partners."""
    return Organisation.objects.filter(partnership_links__partnership=partnership).order_by("name")


def partnership_police_bcus(*, partnership: Partnership) -> list[Any]:
    return list(partnership.police_bcus.order_by("name"))


def membership_list(*, user: RequestUser, partnership: Partnership) -> QuerySet[Membership]:
    return (
        membership_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("user", "organisation")
        .order_by("user__full_name", "role")
    )


def membership_get(*, user: RequestUser, membership_id: Any) -> Membership:
    return membership_policy.get_or_404(
        user, membership_id, Membership.objects.select_related("user", "partnership")
    )


def alliance_list(*, user: RequestUser) -> QuerySet[Alliance]:
    return alliance_policy.visible_to(user, "view").prefetch_related(
        Prefetch("partnerships", queryset=Partnership.objects.order_by("name"))
    )


def assignment_list(*, user: User, live_only: bool = True) -> QuerySet[Assignment]:
    assignments = assignment_policy.visible_to(user, "view").filter(user=user)
    if live_only:
        day = today()
        assignments = assignments.filter(starts_on__lte=day, ends_on__gte=day)
    return assignments.prefetch_related(
        Prefetch("partnerships", queryset=Partnership.objects.order_by("name"))
    ).order_by("ends_on")


def assignment_list_for_partnership(
    *, user: RequestUser, partnership: Partnership
) -> QuerySet[Assignment]:
    return (
        assignment_policy.visible_to(user, "view")
        .filter(partnerships=partnership)
        .exclude(Q(user=user))
        .select_related("user", "granted_by")
        .order_by("-ends_on")
    )


NEW_ASSIGNMENT_DAYS = 14


def assignments_new_into(*, user: User) -> list[Assignment]:
    """Assignments made in the last fortnight into partnerships the user coordinates, and not yet
    ended: site administrators' grants of access are shown to the coordinators at once."""
    facts = facts_for(user)
    coordinated = sorted(facts.partnerships_with(Role.COORDINATOR))
    if not coordinated:
        return []
    since = timezone.now() - timedelta(days=NEW_ASSIGNMENT_DAYS)
    return list(
        assignment_policy.visible_to(user, "view")
        .filter(partnerships__in=coordinated, created_at__gte=since, ends_on__gte=facts.today)
        .exclude(user=user)
        .select_related("user", "granted_by")
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.filter(pk__in=coordinated).order_by("name"),
            )
        )
        .distinct()
        .order_by("-created_at")
    )


# --- Briefing coverage (¶59) ---------------------------------------------------------------

VACANT = "vacant"
COVERAGE_REASONS = {
    VACANT: "Vacant: nobody holds the post",
    "not_listed": "Not on the dissemination list",
    "cannot_see": "On the list but cannot see it (vetting, caveat, membership or protocol)",
    "not_acknowledged": "Not acknowledged",
    "nothing_released": "Nothing released to the partnership in the period",
    "covered": "Covered",
}


@dataclass(frozen=True)
class StrategicPostRow:
    """One strategic post, why it is strategic, its current holder and whether it is covered."""

    post: Post
    holder: User | None
    why: str  # "default", "flagged" (by its organisation) or "named" (by the coordinator)
    status: str

    @property
    def covered(self) -> bool:
        return self.status == "covered"

    @property
    def reason(self) -> str:
        return COVERAGE_REASONS[self.status]


@dataclass(frozen=True)
class Coverage:
    partnership: Partnership
    rows: list[StrategicPostRow]
    window_days: int
    anything_released: bool

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.covered)

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.total) if self.total else None

    @property
    def not_covered(self) -> list[StrategicPostRow]:
        return [row for row in self.rows if not row.covered]


def strategic_posts(*, partnership: Partnership) -> list[tuple[Post, str, User | None]]:
    """The partnership's strategic posts (¶59) with why each is one and its current holder: the
    chief executive and lead councillor of its lead council and the commander of each police
    BCU (by post kind), posts of its partner organisations flagged strategic, and posts its
    coordinator names. Two queries, whatever their number."""
    day = today()
    default = Q(
        organisation_id=partnership.lead_council_id,
        kind__in=[PostKind.CHIEF_EXECUTIVE, PostKind.LEAD_COUNCILLOR],
    ) | Q(
        organisation_id__in=Partnership.police_bcus.through.objects.filter(
            partnership_id=partnership.pk
        ).values("organisation_id"),
        kind=PostKind.BCU_COMMANDER,
    )
    flagged = Q(
        level=PostLevel.STRATEGIC,
        organisation_id__in=PartnerOrganisation.objects.filter(
            partnership_id=partnership.pk
        ).values("organisation_id"),
    )
    named = Q(
        Exists(StrategicPost.objects.filter(partnership_id=partnership.pk, post_id=OuterRef("pk")))
    )
    posts = (
        Post.objects.filter(default | flagged | named)
        .annotate(
            is_default=ExpressionWrapper(default, output_field=BooleanField()),
            is_named=ExpressionWrapper(named, output_field=BooleanField()),
        )
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "holdings",
                queryset=PostHolding.objects.filter(live_holding_q(day)).select_related("user"),
                to_attr="current_holdings",
            )
        )
        .order_by("organisation__name", "title", "pk")
    )
    found: list[tuple[Post, str, User | None]] = []
    for post in posts:
        why = "default" if post.is_default else "named" if post.is_named else "flagged"
        holder = post.current_holdings[0].user if post.current_holdings else None
        found.append((post, why, holder))
    return found


@dataclass(frozen=True)
class BriefingStatusSource:
    """Where briefing coverage learns whether each post holder has received and acknowledged
    a partnership's latest products. The gateway that knows lives in `sharing`, a capability app
    above this hub, so it registers itself here when it loads (`SharingConfig.ready`) rather
    than being imported."""

    window_days: int
    nothing_released: str  # the status every holder gets when nothing was released
    status: Callable[..., dict[int, str]]  # (*, partnership_id, holders, day) -> user id: status


_briefing_status_source: BriefingStatusSource | None = None


def briefing_status_source_register(source: BriefingStatusSource) -> None:
    global _briefing_status_source
    _briefing_status_source = source


def briefing_status_source() -> BriefingStatusSource:
    if _briefing_status_source is None:
        raise ImproperlyConfigured("Briefing coverage needs the sharing app installed.")
    return _briefing_status_source


def briefing_coverage(*, partnership: Partnership) -> Coverage:
    """The share of the partnership's strategic posts whose current holder may see, under the
    gateway rule, and has acknowledged, every one of its latest products (see
    `lde.sharing.selectors.COVERAGE_WINDOW_DAYS`). A fixed number of queries whatever the number
    of posts and products. The caller has checked `view_coverage`."""
    source = briefing_status_source()
    posts = strategic_posts(partnership=partnership)
    holders = {holder.pk: holder for _, _, holder in posts if holder is not None}
    status = source.status(
        partnership_id=partnership.pk,
        holders=user_facts_load_many(holders.values()) if holders else {},
        day=today(),
    )
    rows = [
        StrategicPostRow(
            post=post, holder=holder, why=why, status=status[holder.pk] if holder else VACANT
        )
        for post, why, holder in posts
    ]
    return Coverage(
        partnership=partnership,
        rows=rows,
        window_days=source.window_days,
        anything_released=source.nothing_released not in status.values(),
    )


def strategic_post_choices(*, partnership: Partnership) -> QuerySet[Post]:
    """Posts of the partnership's partner organisations that the coordinator may name."""
    return (
        Post.objects.filter(
            organisation_id__in=PartnerOrganisation.objects.filter(
                partnership_id=partnership.pk
            ).values("organisation_id")
        )
        .exclude(
            Exists(
                StrategicPost.objects.filter(partnership_id=partnership.pk, post_id=OuterRef("pk"))
            )
        )
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )


def partnerships_with_coverage(*, user: RequestUser) -> QuerySet[Partnership]:
    """The partnerships whose briefing coverage this user may see (for the sharing area)."""
    return partnership_policy.visible_to(user, "view_coverage").order_by("name")


def strategic_posts_by_partnership() -> tuple[dict[int, set[int]], dict[int, User | None]]:
    """Every partnership's strategic posts (as `strategic_posts` defines them, for each one) and
    each post's current holder, in a fixed number of queries whatever their number (for the
    national aggregate of briefing coverage, `lde.rollups.selectors`)."""
    day = today()
    leads: dict[int, set[int]] = defaultdict(set)  # organisation -> partnerships it leads
    bcus: dict[int, set[int]] = defaultdict(set)
    partners: dict[int, set[int]] = defaultdict(set)
    named: dict[int, set[int]] = defaultdict(set)  # post -> partnerships naming it
    for partnership_id, organisation_id in Partnership.objects.values_list("pk", "lead_council_id"):
        leads[organisation_id].add(partnership_id)
    for partnership_id, organisation_id in Partnership.police_bcus.through.objects.values_list(
        "partnership_id", "organisation_id"
    ):
        bcus[organisation_id].add(partnership_id)
    for partnership_id, organisation_id in PartnerOrganisation.objects.order_by().values_list(
        "partnership_id", "organisation_id"
    ):
        partners[organisation_id].add(partnership_id)
    for partnership_id, post_id in StrategicPost.objects.order_by().values_list(
        "partnership_id", "post_id"
    ):
        named[post_id].add(partnership_id)
    posts = (
        Post.objects.filter(
            Q(
                organisation_id__in=list(leads),
                kind__in=[PostKind.CHIEF_EXECUTIVE, PostKind.LEAD_COUNCILLOR],
            )
            | Q(organisation_id__in=list(bcus), kind=PostKind.BCU_COMMANDER)
            | Q(organisation_id__in=list(partners), level=PostLevel.STRATEGIC)
            | Q(pk__in=list(named))
        )
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "holdings",
                queryset=PostHolding.objects.filter(live_holding_q(day)).select_related("user"),
                to_attr="current_holdings",
            )
        )
    )
    by_partnership: dict[int, set[int]] = defaultdict(set)
    holder: dict[int, User | None] = {}
    for post in posts:
        mine = set(named[post.pk])
        if post.kind in (PostKind.CHIEF_EXECUTIVE, PostKind.LEAD_COUNCILLOR):
            mine |= leads[post.organisation_id]
        if post.kind == PostKind.BCU_COMMANDER:
            mine |= bcus[post.organisation_id]
        if post.level == PostLevel.STRATEGIC:
            mine |= partners[post.organisation_id]
        for partnership_id in mine:
            by_partnership[partnership_id].add(post.pk)
        holder[post.pk] = post.current_holdings[0].user if post.current_holdings else None
    return by_partnership, holder


# --- Site administration: partnerships' own facts and alliances ----------------------------------


def partnership_administration_list(
    *, user: RequestUser, search: str = ""
) -> QuerySet[Partnership]:
    """Every partnership, for site administrators: its name, lead council, region and areas,
    never its content. One query for a page of rows whatever the number of partnerships."""
    partnerships = partnership_policy.visible_to(user, "administer").select_related("lead_council")
    if search:
        partnerships = partnerships.filter(name__icontains=search)
    return partnerships.order_by("name")


def partnership_administration_get(*, user: RequestUser, partnership_id: Any) -> Partnership:
    """One partnership's own facts for a site administrator: 404 for anyone else."""
    from django.shortcuts import get_object_or_404

    partnerships = partnership_policy.visible_to(user, "administer").select_related("lead_council")
    return get_object_or_404(partnerships, pk=partnership_id)


def alliance_administration_list(*, user: RequestUser) -> QuerySet[Alliance]:
    return (
        alliance_policy.visible_to(user, "manage")
        .prefetch_related(Prefetch("partnerships", queryset=Partnership.objects.order_by("name")))
        .order_by("name")
    )


def alliance_administration_get(*, user: RequestUser, alliance_id: Any) -> Alliance:
    """One alliance, with its partnerships, for a site administrator: 404 for anyone else."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(alliance_administration_list(user=user), pk=alliance_id)


# --- What still depends on a partner organisation's place in a partnership -------------------


@dataclass(frozen=True)
class PartnerDependents:
    """One kind of record, kept by an app above this hub, that needs an organisation to stay a
    partner of a partnership: an open action it owns, a team whose training is followed.
    `count(*, partnership_id, organisation_id)` says how many there are; `singular` and `plural`
    name them in the refusal ("1 open action it owns", "3 open actions it owns"), and `remedy`
    says who ends or moves them. Each app registers its own when it loads (`<App>Config.ready`),
    as this app imports none of them."""

    singular: str
    plural: str
    remedy: str
    count: Callable[..., int]


PARTNER_DEPENDENTS: dict[str, PartnerDependents] = {}


def partner_dependents_register(name: str, dependents: PartnerDependents) -> None:
    PARTNER_DEPENDENTS[name] = dependents


NAMED_AT_MOST = 5


def _named(items: list[str]) -> str:
    shown = ", ".join(items[:NAMED_AT_MOST])
    more = len(items) - NAMED_AT_MOST
    return f"{shown} and {more} more" if more > 0 else shown


def partner_organisation_dependents(
    *, partnership: Partnership, organisation: Organisation
) -> list[str]:
    """What keeps `organisation` a partner of `partnership`, one sentence each, counted and
    named where this app can name it; empty when nothing does. Taking the organisation out
    would leave each of these pointing at an organisation that is no longer a partner, so
    `partner_organisation_remove` refuses until each is ended or moved by those who own it."""
    found = []
    if partnership.lead_council_id == organisation.pk:
        found.append(
            f"{organisation.name} is the partnership's lead council: a site administrator "
            "names another lead council first"
        )
    if partnership.police_bcus.filter(pk=organisation.pk).exists():
        found.append(
            f"{organisation.name} is one of the partnership's police basic command units: a "
            "site administrator takes it off the partnership first"
        )
    roles = list(
        Membership.objects.filter(partnership=partnership, organisation=organisation)
        .select_related("user")
        .order_by("user__full_name", "role")
    )
    if roles:
        holders = _named([f"{m.user.full_name}, {m.get_role_display().lower()}" for m in roles])
        found.append(
            f"{len(roles)} {'role is' if len(roles) == 1 else 'roles are'} held by people who "
            f"represent it ({holders}): remove {'it' if len(roles) == 1 else 'them'} first"
        )
    named = list(
        StrategicPost.objects.filter(partnership=partnership, post__organisation=organisation)
        .order_by("post__title")
        .values_list("post__title", flat=True)
    )
    if named:
        found.append(
            f"{len(named)} of its posts {'is' if len(named) == 1 else 'are'} named as "
            f"strategic for briefing coverage ({_named(named)}): stop naming "
            f"{'it' if len(named) == 1 else 'them'} first"
        )
    for name in sorted(PARTNER_DEPENDENTS):
        dependents = PARTNER_DEPENDENTS[name]
        count = dependents.count(partnership_id=partnership.pk, organisation_id=organisation.pk)
        if count:
            noun = dependents.singular if count == 1 else dependents.plural
            found.append(f"{count:,} {noun}: {dependents.remedy}")
    return found
