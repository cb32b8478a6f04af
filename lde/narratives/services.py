"""Writes to the local narrative: each checked against `NarrativePolicy`, audited, in one
transaction.

A version moves only along `TRANSITIONS` (lde.core.workflow), leaving a `NarrativeTransition`:
a draft is shared for consultation, may be taken back to draft, and is approved when every
organisation the coordinator named to sign it has signed; approving it supersedes the version it
replaces. Its public summary is published once it is approved. Every text is read by the
personal-data guard before a signature and before publication, and a comment is refused at once
if the guard finds anything in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lde.accounts.models import Organisation, User
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.personal_data import Finding, scan_text
from lde.core.refusals import Conflict
from lde.core.workflow import transition
from lde.narratives import selectors
from lde.narratives.models import (
    OPEN_STATUSES,
    Comment,
    CommentFrom,
    MainstreamPlan,
    NarrativeTransition,
    NarrativeVersion,
    PlanKind,
    Section,
    Signatory,
    VersionStatus,
)
from lde.narratives.policies import narrative_policy
from lde.narratives.sections import GUIDE_BY_KEY, GUIDES
from lde.partnerships.models import PartnerOrganisation, Partnership, Role
from lde.sharing.models import BriefingProduct

TRANSITIONS: dict[tuple[str, str], str] = {
    (VersionStatus.DRAFT, VersionStatus.SHARED): "share",
    (VersionStatus.SHARED, VersionStatus.DRAFT): "return_to_draft",
    (VersionStatus.SHARED, VersionStatus.APPROVED): "sign",
    (VersionStatus.APPROVED, VersionStatus.SUPERSEDED): "sign",
}


def _audit(actor: User | None, verb: str, version: NarrativeVersion, **changes: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=version,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=version.partnership_id,
        changes=changes or None,
        detail={"version": version.number},
    )


def _locked(version: NarrativeVersion) -> NarrativeVersion:
    return NarrativeVersion.objects.select_for_update().get(pk=version.pk)


def _move(
    actor: User | None, version: NarrativeVersion, to_status: str, *, reason: str = ""
) -> NarrativeTransition:
    _, row = transition(
        obj=version,
        to_status=to_status,
        transitions=TRANSITIONS,
        history_model=NarrativeTransition,
        subject_field="version",
        actor=actor,
        error=lambda: (
            f"A version that is {version.get_status_display().lower()} cannot become "
            f"{VersionStatus(to_status).label.lower()}"
        ),
        reason=reason,
        update_fields=("status", "approved_at", "updated_at"),
    )
    return row


def _guard_refusal(findings: list[Finding], what: str) -> ValidationError:
    listed = "; ".join(f"{f.kind} in {f.place}" for f in findings[:5])
    more = f" and {len(findings) - 5} more" if len(findings) > 5 else ""
    return ValidationError(
        {
            "__all__": f"The personal-data guard found what looks like a person's identifier, so "
            f"the version cannot be {what}: {listed}{more}. Take it out and try again"
        }
    )


# --- Starting and writing a version ---------------------------------------------------------


@transaction.atomic
def version_start(*, actor: User, partnership: Partnership) -> NarrativeVersion:
    """Start the next version, carrying forward the latest one's sections, register of plans,
    signatories still partners and dates, so that the partnership changes what has changed
    rather than starting again. Refused while another version is a draft or shared: the
    partnership's row is locked first, so two coordinators starting at once cannot both find
    none open."""
    narrative_policy.require_in(actor, "start", partnership.pk)
    Partnership.objects.select_for_update().get(pk=partnership.pk)
    if NarrativeVersion.objects.filter(partnership=partnership, status__in=OPEN_STATUSES).exists():
        raise Conflict(
            {"__all__": "A version is already being written or consulted on: finish it first"}
        )
    previous = selectors.latest_version(partnership=partnership)
    number = (
        NarrativeVersion.objects.filter(partnership=partnership).aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    version = NarrativeVersion.objects.create(
        partnership=partnership,
        number=number,
        created_by=actor,
        review_on=previous.review_on if previous else None,
        influences_reviewed_on=previous.influences_reviewed_on if previous else None,
        standalone_reason=previous.standalone_reason if previous else "",
        public_summary=previous.public_summary if previous else "",
    )
    old = {s.key: s for s in previous.sections.all()} if previous else {}
    for guide in GUIDES:
        section = Section.objects.create(
            version=version, key=guide.key, text=old[guide.key].text if guide.key in old else ""
        )
        if guide.key in old:
            section.products.set(old[guide.key].products.all())
    if previous is not None:
        MainstreamPlan.objects.bulk_create(
            MainstreamPlan(
                version=version,
                kind=plan.kind,
                name=plan.name,
                organisation_id=plan.organisation_id,
                how_carried=plan.how_carried,
            )
            for plan in previous.mainstream_plans.all()
        )
        # Only organisations that are still partners are named to sign again: one taken out of
        # the partnership since the last version was signed off could not sign (ADR 0028). Its
        # plans are carried forward all the same, and sharing asks for them to be moved first.
        Signatory.objects.bulk_create(
            Signatory(version=version, organisation_id=s.organisation_id)
            for s in previous.signatories.filter(
                organisation_id__in=PartnerOrganisation.objects.filter(
                    partnership_id=partnership.pk
                ).values("organisation_id")
            )
        )
    _audit(actor, "NARRATIVE_VERSION_STARTED", version, number=number)
    return version


def _require_draft(actor: User, version: NarrativeVersion) -> None:
    if version.status != VersionStatus.DRAFT and narrative_policy.user_can(
        actor, "return_to_draft", version
    ):
        raise ValidationError(
            {"__all__": "Take the version back from consultation before changing it"}
        )
    narrative_policy.require(actor, "edit", version)


@transaction.atomic
def section_update(
    *,
    actor: User,
    version: NarrativeVersion,
    key: str,
    text: str,
    products: Iterable[BriefingProduct] = (),
) -> Section:
    """Write one section. The briefing products it refers to must be ones the gateway rule lets
    the writer see; readers will see each only if the rule lets them see it too."""
    version = _locked(version)
    _require_draft(actor, version)
    if key not in GUIDE_BY_KEY:
        raise ValidationError({"key": "Choose a section of the narrative"})
    section = Section.objects.get(version=version, key=key)
    chosen = list(dict.fromkeys(products))
    visible = set(
        selectors.product_choices(user=actor)
        .filter(pk__in=[p.pk for p in chosen])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in visible for p in chosen):
        raise ValidationError({"products": "Choose briefing products you may read"})
    section.text = text.strip()
    section.full_clean()
    section.save()
    section.products.set(chosen)
    _audit(
        actor,
        "NARRATIVE_SECTION_UPDATED",
        version,
        section=key,
        text=section.text,
        products=[p.pk for p in chosen],
    )
    return section


@transaction.atomic
def version_update(
    *,
    actor: User,
    version: NarrativeVersion,
    review_on: date | None,
    influences_reviewed_on: date | None,
    standalone_reason: str,
    public_summary: str,
    signatories: Iterable[Organisation],
) -> NarrativeVersion:
    """The version's dates, why Prevent stands alone (if it does), its public summary and the
    partner organisations named to sign it off."""
    version = _locked(version)
    _require_draft(actor, version)
    problems: dict[str, str] = {}
    chosen = list(dict.fromkeys(signatories))
    partners = set(
        PartnerOrganisation.objects.filter(partnership_id=version.partnership_id).values_list(
            "organisation_id", flat=True
        )
    )
    outsiders = [o.name for o in chosen if o.pk not in partners]
    if outsiders:
        problems["signatories"] = (
            f"Only partner organisations of the partnership sign its narrative: "
            f"{', '.join(outsiders)} is not a party"
        )
    if influences_reviewed_on is not None and influences_reviewed_on > timezone.localdate():
        problems["influences_reviewed_on"] = (
            "The date influences were reviewed must be today or earlier"
        )
    if problems:
        raise ValidationError(problems)
    version.review_on = review_on
    version.influences_reviewed_on = influences_reviewed_on
    version.standalone_reason = standalone_reason.strip()
    version.public_summary = public_summary.strip()
    version.full_clean(exclude=["partnership", "created_by", "published_by"])
    version.save()
    Signatory.objects.filter(version=version).exclude(organisation__in=chosen).delete()
    have = set(Signatory.objects.filter(version=version).values_list("organisation_id", flat=True))
    Signatory.objects.bulk_create(
        Signatory(version=version, organisation=o) for o in chosen if o.pk not in have
    )
    _audit(
        actor,
        "NARRATIVE_VERSION_UPDATED",
        version,
        review_on=review_on.isoformat() if review_on else None,
        influences_reviewed_on=(
            influences_reviewed_on.isoformat() if influences_reviewed_on else None
        ),
        standalone_reason=version.standalone_reason,
        public_summary=version.public_summary,
        signatories=sorted(o.pk for o in chosen),
    )
    return version


@transaction.atomic
def plan_add(
    *,
    actor: User,
    version: NarrativeVersion,
    kind: str,
    name: str,
    organisation: Organisation | None,
    how_carried: str,
) -> MainstreamPlan:
    """Add a plan that carries Prevent into a mainstream service to the register."""
    version = _locked(version)
    _require_draft(actor, version)
    problems: dict[str, str] = {}
    if kind not in PlanKind.values:
        problems["kind"] = "Select the kind of plan"
    if not name.strip():
        problems["name"] = "Enter the name of the plan"
    if organisation is None:
        problems["organisation"] = "Select the organisation that owns the plan"
    elif not PartnerOrganisation.objects.filter(
        partnership_id=version.partnership_id, organisation=organisation
    ).exists():
        problems["organisation"] = "The owning organisation must be a partner organisation"
    if not how_carried.strip():
        problems["how_carried"] = "Say how the plan carries Prevent"
    if problems:
        raise ValidationError(problems)
    plan = MainstreamPlan(
        version=version,
        kind=kind,
        name=name.strip(),
        organisation=organisation,
        how_carried=how_carried.strip(),
    )
    plan.full_clean()
    plan.save()
    _audit(actor, "NARRATIVE_PLAN_ADDED", version, plan=plan.pk, name=plan.name, kind=kind)
    return plan


@transaction.atomic
def plan_remove(*, actor: User, version: NarrativeVersion, plan_id: int) -> None:
    version = _locked(version)
    _require_draft(actor, version)
    plan = MainstreamPlan.objects.filter(version=version, pk=plan_id).first()
    if plan is None:
        raise ValidationError({"plan": "That plan is not in this version's register"})
    plan.delete()
    _audit(actor, "NARRATIVE_PLAN_REMOVED", version, plan=plan_id)


# --- Consultation ------------------------------------------------------------------------------


def _require_complete(version: NarrativeVersion, what: str) -> None:
    empty = selectors.empty_required_sections(version=version)
    if empty:
        raise ValidationError(
            {
                "__all__": f"The version cannot be {what} with a required section empty: "
                f"write {', '.join(empty)}"
            }
        )


@transaction.atomic
def version_share(*, actor: User, version: NarrativeVersion) -> NarrativeVersion:
    """Share a draft for consultation: its community reviewers may then read it and comment,
    and the organisations named to sign it may sign it off."""
    version = _locked(version)
    narrative_policy.require(actor, "share", version)
    _require_complete(version, "shared")
    if not version.signatories.exists():
        raise ValidationError(
            {"signatories": "Name at least one partner organisation to sign the version off"}
        )
    # A plan carried forward from a signed-off version may be owned by an organisation taken out
    # of the partnership since: the partners would be consulted on a plan nobody of theirs owns.
    orphaned = list(
        version.mainstream_plans.exclude(
            organisation_id__in=PartnerOrganisation.objects.filter(
                partnership_id=version.partnership_id
            ).values("organisation_id")
        )
        .order_by("name")
        .values_list("name", "organisation__name")
    )
    if orphaned:
        named = "; ".join(f"{plan} ({owner})" for plan, owner in orphaned)
        raise ValidationError(
            {
                "__all__": "These mainstream plans are owned by organisations that are no longer "
                f"partners: {named}. Remove each from the register of plans, or add it again "
                "with a partner as its owner, first"
            }
        )
    _move(actor, version, VersionStatus.SHARED)
    _audit(actor, "NARRATIVE_SHARED", version, status=VersionStatus.SHARED)
    return version


@transaction.atomic
def version_return(*, actor: User, version: NarrativeVersion, reason: str) -> NarrativeVersion:
    """Take a version back from consultation to change it. Signatures already given are set
    aside: the organisations sign again what they will be held to."""
    version = _locked(version)
    narrative_policy.require(actor, "return_to_draft", version)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the version goes back to draft"})
    cleared = Signatory.objects.filter(version=version, signed_at__isnull=False).update(
        signed_by=None, signed_at=None
    )
    _move(actor, version, VersionStatus.DRAFT, reason=reason.strip())
    _audit(
        actor, "NARRATIVE_RETURNED_TO_DRAFT", version, status=VersionStatus.DRAFT, cleared=cleared
    )
    return version


@transaction.atomic
def comment_add(*, actor: User, version: NarrativeVersion, text: str, section: str = "") -> Comment:
    """A partner's or a community reviewer's comment. The guard reads it first: a comment that
    holds what looks like a person's identifier is refused, never stored."""
    version = NarrativeVersion.objects.get(pk=version.pk)
    narrative_policy.require(actor, "comment", version)
    problems: dict[str, str] = {}
    text = text.strip()
    if not text:
        problems["text"] = "Enter your comment"
    if section and section not in GUIDE_BY_KEY:
        problems["section"] = "Choose a section of the narrative, or none"
    findings = scan_text(text, "Your comment")
    if findings:
        problems["text"] = (
            "Your comment holds what looks like a person's identifier ("
            + ", ".join(sorted({f.kind.lower() for f in findings}))
            + "). Take it out: the narrative describes places and organisations, never people"
        )
    if problems:
        raise ValidationError(problems)
    roles = Role.COMMUNITY_REVIEWER
    member_roles = set(
        actor.memberships.filter(partnership_id=version.partnership_id).values_list(
            "role", flat=True
        )
    )
    written_as = CommentFrom.COMMUNITY if member_roles == {roles} else CommentFrom.PARTNER
    comment = Comment(
        version=version, author=actor, written_as=written_as, section=section, text=text
    )
    comment.full_clean()
    comment.save()
    _audit(actor, "NARRATIVE_COMMENTED", version, comment=comment.pk, text=text)
    return comment


# --- Sign-off and publication ---------------------------------------------------------------


@transaction.atomic
def version_sign(*, actor: User, version: NarrativeVersion) -> Signatory:
    """Sign the version off for the signer's organisation. Only a party may sign: a coordinator
    or board member working for a partner organisation the coordinator named. The last
    signature approves the version, and the version it replaces is superseded."""
    version = _locked(version)
    if not narrative_policy.user_can(actor, "sign", version):
        raise PermissionDenied403(
            "Your organisation is not a party that may sign this narrative off.",
            who_can=narrative_policy.who_can["sign"],
        )
    signatory = (
        Signatory.objects.select_for_update()
        .filter(version=version, organisation_id=actor.organisation_id or 0)
        .first()
    )
    if signatory is None:
        raise ValidationError(
            {"__all__": "Your organisation is not one of those named to sign this version off"}
        )
    if signatory.signed_at is not None:
        raise Conflict({"__all__": "Your organisation has already signed this version off"})
    _require_complete(version, "signed off")
    findings = selectors.version_guard(version=version)
    if findings:
        raise _guard_refusal(findings, "signed off")
    signatory.signed_by = actor
    signatory.signed_at = timezone.now()
    signatory.save()
    _audit(actor, "NARRATIVE_SIGNED", version, organisation=signatory.organisation_id)
    if not Signatory.objects.filter(version=version, signed_at__isnull=True).exists():
        previous = list(
            NarrativeVersion.objects.select_for_update().filter(
                partnership_id=version.partnership_id, status=VersionStatus.APPROVED
            )
        )
        for old in previous:
            _move(actor, old, VersionStatus.SUPERSEDED)
            _audit(actor, "NARRATIVE_SUPERSEDED", old, status=VersionStatus.SUPERSEDED)
        version.approved_at = timezone.now()
        _move(actor, version, VersionStatus.APPROVED)
        _audit(actor, "NARRATIVE_APPROVED", version, status=VersionStatus.APPROVED)
    return signatory


@transaction.atomic
def version_publish(*, actor: User, version: NarrativeVersion) -> NarrativeVersion:
    """Publish the approved version's public summary, for anyone to read without signing in.
    Refused before approval, with an empty summary, or while the guard finds anything."""
    version = _locked(version)
    if not narrative_policy.user_can(actor, "publish", version):
        if narrative_policy.user_can_in(actor, "start", version.partnership_id):
            if version.published_at is not None:
                raise Conflict({"__all__": "This version's public summary is already published"})
            raise ValidationError(
                {
                    "__all__": "Only an approved version's summary is published: every "
                    "organisation named to sign this version must sign it off first"
                }
            )
        narrative_policy.require(actor, "publish", version)
    if not version.public_summary.strip():
        raise ValidationError({"public_summary": "The version has no public summary to publish"})
    findings = selectors.version_guard(version=version)
    if findings:
        raise _guard_refusal(findings, "published")
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["published_at", "published_by", "updated_at"])
    _audit(actor, "NARRATIVE_PUBLISHED", version, published_at=version.published_at.isoformat())
    return version
