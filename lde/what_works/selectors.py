"""Reads of the library: every list and every entry through the entry policy, so a draft is
seen only by those who may see it and a local evaluation only inside its partnership until it is
published. A search is two queries whatever the size of the library: the full-text engine's
ranked ids, then the visible, filtered entries among them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from lde.accounts.models import RequestUser
from lde.core.access.facts import AnyUser
from lde.core.access.policy import PermissionDenied403
from lde.partnerships.models import Partnership
from lde.programme.models import Project
from lde.programme.selectors import programme_partnership
from lde.what_works import scales
from lde.what_works.models import (
    Audience,
    Entry,
    EntryKind,
    EntryStatus,
    Setting,
    Strand,
)
from lde.what_works.policies import READ, entry_policy
from lde.what_works.search import highlight, matching_ids, search_words, snippet

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """What a person searched for and narrowed by; unknown values are dropped, not errors."""

    text: str = ""
    kind: str = ""
    strand: str = ""
    level: int | None = None
    setting: str = ""
    audience: str = ""

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        def pick(name: str, allowed: Any) -> str:
            value = str(query.get(name) or "")
            return value if value in allowed else ""

        level_text = str(query.get("level") or "")
        return cls(
            text=str(query.get("q") or "")[:200],
            kind=pick("kind", EntryKind.values),
            strand=pick("strand", Strand.values),
            level=int(level_text) if level_text in {"1", "2", "3", "4", "5"} else None,
            setting=pick("setting", Setting.values),
            audience=pick("audience", Audience.values),
        )

    @property
    def words(self) -> list[str]:
        return search_words(self.text)


@dataclass(frozen=True)
class Hit:
    entry: Entry
    level: int | None
    title: SafeString
    snippet: SafeString


@dataclass
class Results:
    filters: Filters
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


def _base() -> QuerySet[Entry]:
    return Entry.objects.select_related("partnership", "project", "rated_by")


def entry_list(*, user: AnyUser, filters: Filters | None = None) -> QuerySet[Entry]:
    """The entries the user may see, narrowed by the filters other than the words."""
    found = entry_policy.visible_to(user, "view").select_related(
        "partnership", "project", "rated_by"
    )
    f = filters or Filters()
    if f.kind:
        found = found.filter(kind=f.kind)
    if f.strand:
        found = found.filter(strands__contains=f",{f.strand},")
    if f.audience:
        found = found.filter(audiences__contains=f",{f.audience},")
    if f.setting:
        found = found.filter(setting=f.setting)
    if f.level is not None:
        found = found.filter(design__in=scales.designs_at(f.level))
    return found


def entry_search(*, user: AnyUser, filters: Filters, limit: int = PAGE_SIZE) -> Results:
    """The entries the words find, best first, narrowed by the filters, each with its title and
    a piece of its summary highlighted; with no words, every visible entry by title."""
    ranked = matching_ids(filters.text)
    found = entry_list(user=user, filters=filters)
    if ranked is None:
        entries = list(found.order_by("title", "pk")[:limit])
        total = len(entries) if len(entries) < limit else found.count()
    else:
        order = {pk: place for place, pk in enumerate(ranked)}
        entries = sorted(found.filter(pk__in=ranked), key=lambda e: order[e.pk])
        total = len(entries)
        entries = entries[:limit]
    words = filters.words
    return Results(
        filters=filters,
        total=total,
        hits=[
            Hit(
                entry=e,
                level=scales.maryland_level(e.design),
                title=highlight(e.title, words),
                snippet=snippet(e.summary, words),
            )
            for e in entries
        ],
    )


def entry_get(*, user: AnyUser, entry_id: Any) -> Entry:
    return entry_policy.get_or_404(user, entry_id, queryset=_base())


def evaluations_partnership(*, user: RequestUser, partnership_id: Any) -> Partnership:
    """The partnership, if the user may read its local evaluations (those who read its
    programme): 404 if they cannot see it, 403 saying who can if they see it but not them."""
    try:
        return programme_partnership(user=user, partnership_id=partnership_id)
    except PermissionDenied403:
        raise PermissionDenied403(
            "You cannot read this partnership's local evaluations.", who_can=READ
        ) from None


def local_evaluations(*, user: AnyUser, partnership: Partnership) -> QuerySet[Entry]:
    return (
        entry_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("project", "rated_by")
        .order_by("title", "pk")
    )


def can_add_local(user: AnyUser, partnership: Partnership) -> bool:
    return entry_policy.user_can_in(user, "add", partnership.pk)


def can_add_national(user: AnyUser) -> bool:
    return entry_policy.user_can_in(user, "add", None)


def project_choices(*, partnership: Partnership) -> QuerySet[Project]:
    return Project.objects.filter(partnership=partnership).order_by("title")


def entry_actions(user: AnyUser, entry: Entry) -> dict[str, bool]:
    return {
        action: entry_policy.user_can(user, action, entry)
        for action in ("edit", "submit", "publish")
    }


def published_entries() -> QuerySet[Entry]:
    """The published library, as the command line exports and searches it: what everyone
    signed in reads, and nothing of a partnership's that is not published."""
    return _base().filter(status=EntryStatus.PUBLISHED).order_by("title", "pk")


def published_search(text: str) -> list[Entry]:
    """The published entries the words of `text` find, best first (every one, by title, when
    `text` has no words)."""
    ranked = matching_ids(text)
    if ranked is None:
        return list(published_entries())
    order = {pk: place for place, pk in enumerate(ranked)}
    return sorted(published_entries().filter(pk__in=ranked), key=lambda e: order[e.pk])
