"""Reads of the local narrative, each scoped by `NarrativePolicy` (404 when not visible), in a
fixed number of queries whatever the number of versions, sections and comments.

Briefing products a section refers to are read through the gateway's own selector
(`lde.sharing.selectors.product_list`), so a reader sees only the products the gateway rule lets
them see; the public summary never reads them at all.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from lde.accounts.models import Organisation, RequestUser
from lde.core.access.facts import AnyUser, facts_for
from lde.core.personal_data import Finding, scan_texts
from lde.narratives.models import (
    OPEN_STATUSES,
    Comment,
    MainstreamPlan,
    NarrativeTransition,
    NarrativeVersion,
    Section,
    Signatory,
    VersionStatus,
)
from lde.narratives.policies import narrative_policy
from lde.narratives.sections import GUIDE_BY_KEY, GUIDES, ORDER, REQUIRED_KEYS
from lde.partnerships.models import Partnership
from lde.sharing import selectors as sharing_selectors
from lde.sharing.models import BriefingProduct


def version_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[NarrativeVersion]:
    """The partnership's versions this user may read, newest first."""
    return (
        narrative_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("published_by")
        .order_by("-number")
    )


def _version_queryset() -> QuerySet[NarrativeVersion]:
    return NarrativeVersion.objects.select_related(
        "partnership", "created_by", "published_by"
    ).prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("pk")),
        Prefetch(
            "mainstream_plans",
            queryset=MainstreamPlan.objects.select_related("organisation"),
        ),
        Prefetch(
            "signatories",
            queryset=Signatory.objects.select_related("organisation", "signed_by"),
        ),
    )


def version_get(*, user: AnyUser, version_id: Any) -> NarrativeVersion:
    return narrative_policy.get_or_404(user, version_id, _version_queryset())


def latest_version(*, partnership: Partnership) -> NarrativeVersion | None:
    return NarrativeVersion.objects.filter(partnership=partnership).order_by("-number").first()


def open_version(*, partnership: Partnership) -> NarrativeVersion | None:
    return NarrativeVersion.objects.filter(
        partnership=partnership, status__in=OPEN_STATUSES
    ).first()


def current_version(*, partnership_id: int) -> NarrativeVersion | None:
    """The version in force: the approved one (at most one is approved at a time)."""
    return NarrativeVersion.objects.filter(
        partnership_id=partnership_id, status=VersionStatus.APPROVED
    ).first()


@dataclass
class SectionView:
    key: str
    label: str
    paragraphs: str
    guidance: str
    required: bool
    text: str
    products: list[BriefingProduct] = field(default_factory=list)
    section_id: int | None = None


def sections_of(*, version: NarrativeVersion, user: RequestUser | None = None) -> list[SectionView]:
    """Every section in the report's order, with its guidance; the briefing products each
    refers to, when `user` is given, are only those the gateway rule lets the user see."""
    found = {s.key: s for s in version.sections.all()}
    products: dict[int, list[BriefingProduct]] = {}
    if user is not None and facts_for(user).is_authenticated:
        links = list(
            Section.products.through.objects.filter(section__version=version).values_list(
                "section_id", "briefingproduct_id"
            )
        )
        if links:
            seen = {
                p.pk: p
                for p in sharing_selectors.product_list(user=user).filter(
                    pk__in={product_id for _, product_id in links}
                )
            }
            for section_id, product_id in links:
                if product_id in seen:
                    products.setdefault(section_id, []).append(seen[product_id])
    views = []
    for guide in GUIDES:
        section = found.get(guide.key)
        views.append(
            SectionView(
                key=guide.key,
                label=guide.label,
                paragraphs=guide.paragraphs,
                guidance=guide.guidance,
                required=guide.required,
                text=section.text if section else "",
                products=products.get(section.pk, []) if section else [],
                section_id=section.pk if section else None,
            )
        )
    return views


def section_get(*, version: NarrativeVersion, key: str) -> Section:
    if key not in GUIDE_BY_KEY:
        raise Http404
    section = next((s for s in version.sections.all() if s.key == key), None)
    if section is None:
        raise Http404
    return section


def empty_required_sections(*, version: NarrativeVersion) -> list[str]:
    """The labels of required sections left empty, in the report's order."""
    texts = {s.key: s.text.strip() for s in version.sections.all()}
    return [
        GUIDE_BY_KEY[key].label
        for key in sorted(REQUIRED_KEYS, key=ORDER.__getitem__)
        if not texts.get(key)
    ]


def version_comments(*, version: NarrativeVersion) -> QuerySet[Comment]:
    return version.comments.select_related("author").order_by("created_at", "pk")


def version_history(*, version: NarrativeVersion) -> QuerySet[NarrativeTransition]:
    return version.transitions.select_related("actor").order_by("occurred_at", "pk")


def version_guard(*, version: NarrativeVersion) -> list[Finding]:
    """What the personal-data guard finds in every text of the version: its sections, its
    register of plans, why Prevent stands alone, its public summary and its comments."""
    parts: list[tuple[str, str]] = []
    for view in sections_of(version=version):
        parts.append((view.label, view.text))
    for plan in version.mainstream_plans.all():
        parts.append((f"Plan “{plan.name}”", f"{plan.name}\n{plan.how_carried}"))
    parts.append(("Why Prevent stands alone", version.standalone_reason))
    parts.append(("Public summary", version.public_summary))
    for number, comment in enumerate(version.comments.order_by("created_at", "pk"), start=1):
        parts.append((f"Comment {number}", comment.text))
    return scan_texts(parts)


@dataclass(frozen=True)
class Freshness:
    """¶174: is the narrative up to date, complete, and does it reflect the most recent
    influences. Each answered on its own, on the day asked."""

    up_to_date: bool
    complete: bool
    influences_recent: bool
    review_on: date | None
    influences_reviewed_on: date | None
    missing: tuple[str, ...]


# Influences reviewed longer ago than this do not count as the most recent (¶174).
INFLUENCES_FRESH_DAYS = 365


def freshness(*, version: NarrativeVersion, day: date) -> Freshness:
    missing = tuple(empty_required_sections(version=version))
    reviewed = version.influences_reviewed_on
    return Freshness(
        up_to_date=version.review_on is not None and version.review_on >= day,
        complete=not missing,
        influences_recent=reviewed is not None and (day - reviewed).days <= INFLUENCES_FRESH_DAYS,
        review_on=version.review_on,
        influences_reviewed_on=reviewed,
        missing=missing,
    )


def signatory_choices(*, partnership: Partnership) -> QuerySet[Organisation]:
    """The partner organisations of the partnership: the only ones that may be named to sign."""
    return Organisation.objects.filter(partnership_links__partnership=partnership).order_by(
        "name", "pk"
    )


def product_choices(*, user: RequestUser) -> QuerySet[BriefingProduct]:
    """Briefing products a section may refer to: those the gateway rule lets this user see."""
    return sharing_selectors.product_list(user=user)


def due_for_review(*, user: AnyUser, day: date) -> list[NarrativeVersion]:
    """Approved versions past their review date in the partnerships this user coordinates."""
    return list(
        narrative_policy.visible_to(user, "start")
        .filter(status=VersionStatus.APPROVED, review_on__lt=day)
        .select_related("partnership")
        .order_by("review_on", "pk")
    )


# --- The difference between two versions -----------------------------------------------


@dataclass
class LineChange:
    kind: str  # "same", "added", "removed"
    text: str


@dataclass
class SectionDifference:
    label: str
    changed: bool
    lines: list[LineChange]


def _lines(older: str, newer: str) -> list[LineChange]:
    changes = []
    for line in difflib.ndiff(older.splitlines(), newer.splitlines()):
        code, text = line[:2], line[2:]
        if code == "  ":
            changes.append(LineChange("same", text))
        elif code == "- ":
            changes.append(LineChange("removed", text))
        elif code == "+ ":
            changes.append(LineChange("added", text))
    return changes


def _register(version: NarrativeVersion) -> str:
    lines = [
        f"{plan.get_kind_display()}: {plan.name} ({plan.organisation.name}). {plan.how_carried}"
        for plan in version.mainstream_plans.all()
    ]
    if version.standalone_reason:
        lines.append(f"Where Prevent stands alone: {version.standalone_reason}")
    return "\n".join(lines)


def version_difference(
    *, older: NarrativeVersion, newer: NarrativeVersion
) -> list[SectionDifference]:
    """Section by section, line by line: what was taken out of `older` and put into `newer`,
    then the register of plans and the public summary."""
    old = {s.key: s.text for s in older.sections.all()}
    new = {s.key: s.text for s in newer.sections.all()}
    rows = []
    for guide in GUIDES:
        before, after = old.get(guide.key, ""), new.get(guide.key, "")
        rows.append(
            SectionDifference(
                label=guide.label,
                changed=before != after,
                lines=_lines(before, after),
            )
        )
    for label, before, after in (
        ("Plans that carry Prevent", _register(older), _register(newer)),
        ("Public summary", older.public_summary, newer.public_summary),
    ):
        rows.append(SectionDifference(label, before != after, _lines(before, after)))
    return rows


# --- The public summary -----------------------------------------------------------------


def public_summary(*, version_id: Any) -> NarrativeVersion:
    """A published version, for anyone, signed in or not: the same 404 for a version that does
    not exist and one whose summary is not published."""
    try:
        return (
            NarrativeVersion.objects.select_related("partnership", "published_by")
            .prefetch_related(
                Prefetch(
                    "signatories",
                    queryset=Signatory.objects.select_related("organisation").filter(
                        signed_at__isnull=False
                    ),
                )
            )
            .get(pk=int(version_id), published_at__isnull=False)
        )
    except (NarrativeVersion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def public_latest(*, partnership_id: Any) -> NarrativeVersion:
    """The partnership's most recently published summary, for anyone."""
    try:
        found = (
            NarrativeVersion.objects.filter(
                partnership_id=int(partnership_id), published_at__isnull=False
            )
            .order_by("-number")
            .values_list("pk", flat=True)
            .first()
        )
    except (ValueError, TypeError, OverflowError):
        raise Http404 from None
    if found is None:
        raise Http404
    return public_summary(version_id=found)


def newer_published(*, version: NarrativeVersion) -> NarrativeVersion | None:
    return (
        NarrativeVersion.objects.filter(
            partnership_id=version.partnership_id,
            published_at__isnull=False,
            number__gt=version.number,
        )
        .order_by("-number")
        .first()
    )


# --- What keeps an organisation a partner (ADR 0028) --------------------------------------------
# A version being written or consulted on names partner organisations to sign it and to own its
# mainstream plans, each checked against the partners when written: while it does, the
# organisation stays a partner. A signed-off version keeps naming them as they were.


def open_version_signatures_of(*, partnership_id: int, organisation_id: int) -> int:
    """How many of the partnership's open versions (draft or shared: at most one) name the
    organisation to sign it off, signed yet or not."""
    return Signatory.objects.filter(
        version__partnership_id=partnership_id,
        version__status__in=OPEN_STATUSES,
        organisation_id=organisation_id,
    ).count()


def open_version_plans_owned_by(*, partnership_id: int, organisation_id: int) -> int:
    """How many mainstream plans in the partnership's open version the organisation owns."""
    return MainstreamPlan.objects.filter(
        version__partnership_id=partnership_id,
        version__status__in=OPEN_STATUSES,
        organisation_id=organisation_id,
    ).count()
