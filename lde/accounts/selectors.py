"""Reads of people, organisations, posts and vetting, already scoped by the policies."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django.db.models import F, Max, Prefetch, Q, QuerySet

from lde.accounts.models import (
    ApiToken,
    CaveatGrant,
    Clearance,
    Organisation,
    Post,
    PostHolding,
    PostKind,
    RequestUser,
    User,
)
from lde.accounts.policies import (
    api_token_policy,
    caveat_grant_policy,
    clearance_policy,
    organisation_policy,
    person_policy,
    post_policy,
)


def acting_user(request: Any) -> User:
    """The signed-in user of a request that a login-required view has already checked."""
    return cast(User, request.user)


def live_holding_q(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def user_vetting_facts(*, user_id: int, day: date) -> dict[str, Any]:
    """Posts held, security-contact organisations, highest live clearance and live caveats."""
    return users_vetting_facts(user_ids=[user_id], day=day)[user_id]


def users_vetting_facts(*, user_ids: Any, day: date) -> dict[int, dict[str, Any]]:
    """`user_vetting_facts` for many users at once: three queries, whatever their number."""
    ids = sorted(set(user_ids))
    posts: dict[int, set[int]] = {i: set() for i in ids}
    contact_for: dict[int, set[int]] = {i: set() for i in ids}
    clearance: dict[int, int] = dict.fromkeys(ids, 0)
    caveats: dict[int, set[str]] = {i: set() for i in ids}
    if ids:
        # Unordered, as the caveats below: these are sets, and the models' own orderings would
        # sort (and for caveats join) in queries run on every request.
        for user_id, post_id, kind, organisation_id, own in (
            PostHolding.objects.filter(live_holding_q(day), user_id__in=ids)
            .order_by()
            .values_list(
                "user_id", "post_id", "post__kind", "post__organisation_id", "user__organisation_id"
            )
        ):
            posts[user_id].add(post_id)
            # A security contact speaks only for the organisation they work for: a holding of
            # another organisation's post (which the services refuse) would count for nothing.
            if kind == PostKind.SECURITY_CONTACT and organisation_id == own:
                contact_for[user_id].add(organisation_id)
        for user_id, level in (
            # A clearance counts only while its sponsor is the person's own organisation.
            Clearance.objects.filter(
                user_id__in=ids,
                granted_on__lte=day,
                expires_on__gte=day,
                revoked_on__isnull=True,
                sponsor_id=F("user__organisation_id"),
            )
            .order_by()
            .values("user_id")
            .annotate(level=Max("level"))
            .values_list("user_id", "level")
        ):
            clearance[user_id] = int(level or 0)
        for user_id, code in (
            CaveatGrant.objects.filter(
                Q(expires_on__isnull=True) | Q(expires_on__gte=day),
                user_id__in=ids,
                sponsor_id=F("user__organisation_id"),
                granted_on__lte=day,
                revoked_on__isnull=True,
            )
            .order_by()
            .values_list("user_id", "caveat__code")
        ):
            caveats[user_id].add(code)
    return {
        i: {
            "post_ids": frozenset(posts[i]),
            "security_contact_for": frozenset(contact_for[i]),
            "clearance": clearance[i],
            "caveats": frozenset(caveats[i]),
        }
        for i in ids
    }


def organisation_list(
    *, user: RequestUser, search: str = "", type: str = ""
) -> QuerySet[Organisation]:
    organisations = organisation_policy.visible_to(user, "view")
    if search:
        organisations = organisations.filter(name__icontains=search)
    if type:
        organisations = organisations.filter(type=type)
    return organisations.order_by("name")


def person_list(*, user: RequestUser, search: str = "") -> QuerySet[User]:
    """The national list of people, for site administration: search by name or email, each row
    with its organisation joined (no query per row)."""
    people = person_policy.visible_to(user, "view").select_related("organisation")
    if search:
        people = people.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return people.order_by("full_name", "email", "pk")


def person_get(*, user: RequestUser, person_id: Any) -> User:
    return person_policy.get_or_404(user, person_id, User.objects.select_related("organisation"))


def organisation_get(*, user: RequestUser, organisation_id: Any) -> Organisation:
    return organisation_policy.get_or_404(user, organisation_id)


def post_list(*, user: RequestUser, organisation_ids: Any = None) -> QuerySet[Post]:
    """Posts the user may see, each with its current holder prefetched (no query per row)."""
    from django.utils import timezone

    today = timezone.localdate()
    posts = post_policy.visible_to(user, "view").select_related("organisation")
    if organisation_ids is not None:
        posts = posts.filter(organisation_id__in=organisation_ids)
    return posts.prefetch_related(
        Prefetch(
            "holdings",
            queryset=PostHolding.objects.filter(live_holding_q(today)).select_related("user"),
            to_attr="current_holdings",
        )
    ).order_by("organisation__name", "title")


def post_get(*, user: RequestUser, post_id: Any) -> Post:
    return post_policy.get_or_404(user, post_id, Post.objects.select_related("organisation"))


def manageable_post_ids(*, user: RequestUser, organisation_ids: Any) -> frozenset[int]:
    """Which of these organisations' posts the user may change, in one query."""
    return frozenset(
        post_policy.visible_to(user, "manage")
        .filter(organisation_id__in=organisation_ids)
        .values_list("pk", flat=True)
    )


def post_history(*, post: Post) -> QuerySet[PostHolding]:
    return post.holdings.select_related("user").order_by("-started_on")


def clearance_list(
    *, user: RequestUser, organisation: Organisation | None = None
) -> QuerySet[Clearance]:
    clearances = clearance_policy.visible_to(user, "view").select_related(
        "user", "sponsor", "recorded_by"
    )
    if organisation is not None:
        clearances = clearances.filter(sponsor=organisation)
    return clearances.order_by("expires_on", "user__full_name")


def clearance_get(*, user: RequestUser, organisation: Organisation, clearance_id: Any) -> Clearance:
    """One clearance the organisation sponsors, if the user may see it; otherwise 404."""
    return clearance_policy.get_or_404(
        user,
        clearance_id,
        Clearance.objects.filter(sponsor=organisation).select_related("user", "sponsor"),
    )


def clearances_revocable(*, user: RequestUser, organisation: Organisation) -> set[int]:
    """The ids of the organisation's clearances this user may revoke."""
    return set(
        clearance_policy.visible_to(user, "revoke")
        .filter(sponsor=organisation)
        .values_list("pk", flat=True)
    )


def caveat_grant_list(
    *, user: RequestUser, organisation: Organisation | None = None
) -> QuerySet[CaveatGrant]:
    grants = caveat_grant_policy.visible_to(user, "view").select_related("user", "caveat")
    if organisation is not None:
        grants = grants.filter(sponsor=organisation)
    return grants


def caveat_grant_get(
    *, user: RequestUser, organisation: Organisation, grant_id: Any
) -> CaveatGrant:
    """One caveat grant the organisation sponsors, if the user may see it; otherwise 404."""
    return caveat_grant_policy.get_or_404(
        user,
        grant_id,
        CaveatGrant.objects.filter(sponsor=organisation).select_related("user", "caveat"),
    )


def caveat_grants_revocable(*, user: RequestUser, organisation: Organisation) -> set[int]:
    """The ids of the organisation's caveat grants this user may revoke."""
    return set(
        caveat_grant_policy.visible_to(user, "revoke")
        .filter(sponsor=organisation)
        .values_list("pk", flat=True)
    )


def organisation_people(*, organisation: Organisation) -> QuerySet[User]:
    return organisation.staff.filter(is_active=True).order_by("full_name")


def api_token_list(*, user: RequestUser) -> QuerySet[ApiToken]:
    return api_token_policy.visible_to(user, "view").order_by("-created_at")


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user a raw token belongs to, if it is live: not revoked, and neither past its
    expiry date nor older than `ApiToken.MAX_LIFETIME_DAYS`, whatever date a row holds."""
    from datetime import timedelta

    from django.utils import timezone

    if not raw.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    day = timezone.localdate()
    lifetime = timedelta(days=ApiToken.MAX_LIFETIME_DAYS)
    if token.expires_on < day or timezone.localdate(token.created_at) + lifetime < day:
        return None
    now = timezone.now()
    # The token page shows the minute it was last used; writing it on every request of a busy
    # client would make each read a write for nothing.
    if token.last_used_at is None or now - token.last_used_at >= ApiToken.LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def vetting_gap_count(*, organisation_ids: Any, day: date, within_days: int = 90) -> int:
    """How many posts `vetting_gaps` lists, for the home page, which shows only the number: the
    same three queries, reading ids, levels and dates rather than building every post, holder
    and clearance."""
    required = dict(
        Post.objects.filter(
            organisation_id__in=organisation_ids, required_vetting__gt=0
        ).values_list("pk", "required_vetting")
    )
    holder: dict[int, int] = {}
    for post_id, user_id in PostHolding.objects.filter(
        live_holding_q(day), post_id__in=list(required)
    ).values_list("post_id", "user_id"):
        holder.setdefault(post_id, user_id)  # the first in PostHolding's order, as there
    live: dict[int, list[tuple[int, date]]] = {}
    for user_id, level, expires_on in Clearance.objects.filter(
        user_id__in=set(holder.values()),
        revoked_on__isnull=True,
        granted_on__lte=day,
        expires_on__gte=day,
    ).values_list("user_id", "level", "expires_on"):
        live.setdefault(user_id, []).append((level, expires_on))
    soon = day + timedelta(days=within_days)
    count = 0
    for post_id, user_id in holder.items():
        covering = [ends for level, ends in live.get(user_id, []) if level >= required[post_id]]
        if not covering or max(covering) <= soon:
            count += 1
    return count


def vetting_gaps(
    *, organisation_ids: Any, day: date, within_days: int = 90
) -> list[dict[str, Any]]:
    """Posts whose holder lacks the vetting the post needs, or whose clearance for it expires
    within `within_days` (¶81 key learning). Three queries, whatever the number of posts."""
    posts = list(
        Post.objects.filter(organisation_id__in=organisation_ids, required_vetting__gt=0)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "holdings",
                queryset=PostHolding.objects.filter(live_holding_q(day)).select_related("user"),
                to_attr="current_holdings",
            )
        )
        .order_by("organisation__name", "title")
    )
    holder_ids = {h.user_id for p in posts for h in p.current_holdings}
    live: dict[int, list[Clearance]] = {}
    for clearance in Clearance.objects.filter(
        user_id__in=holder_ids, revoked_on__isnull=True, granted_on__lte=day, expires_on__gte=day
    ):
        live.setdefault(clearance.user_id, []).append(clearance)
    gaps = []
    for post in posts:
        holdings = post.current_holdings
        if not holdings:
            continue
        holder = holdings[0].user
        covering = [c for c in live.get(holder.pk, []) if c.level >= post.required_vetting]
        if not covering:
            gaps.append({"post": post, "holder": holder, "status": "lacks", "expires_on": None})
            continue
        expires_on = max(c.expires_on for c in covering)
        if expires_on <= day + timedelta(days=within_days):
            gaps.append(
                {"post": post, "holder": holder, "status": "expiring", "expires_on": expires_on}
            )
    return gaps
