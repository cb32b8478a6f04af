"""Writes to a programme's cross-site learning. Each asks its policy (403, saying who can),
refuses bad input with a field error (the pages' error summary, the API's 400, the command
line's message naming the field), and records an audit event, all in one transaction.

Every free text passes the personal-data guard: a finding describes what partnerships did,
never a person, and a text holding an identifier is refused with what the guard found named.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lde.accounts.models import User
from lde.core import limits, personal_data
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.limits import limit_of
from lde.core.refusals import Conflict
from lde.frameworks import selectors as framework_selectors
from lde.inspections.learning_policies import (
    advisory_comment_policy,
    advisory_member_policy,
    case_study_policy,
    finding_policy,
    key_learning_policy,
    site_feedback_policy,
)
from lde.inspections.models import Programme, Site
from lde.inspections.models_learning import (
    AdvisoryComment,
    AdvisoryMember,
    CaseStudy,
    CaseStudyStatus,
    Finding,
    FindingKind,
    KeyLearning,
    SiteFeedback,
)
from lde.what_works import services as what_works_services
from lde.what_works.models import Design, EffectDirection, Entry, EntryKind, Setting, Strand

ADD = "You cannot add to this programme's learning."


def _guarded(
    errors: dict[str, str],
    field: str,
    label: str,
    value: Any,
    limit: int,
    *,
    required: bool = True,
) -> str:
    """The text, stripped: required, within its limit, and holding nothing the personal-data
    guard finds (named in the message, so the writer knows what to take out)."""
    text = str(value or "").strip()
    if not text:
        if required:
            errors[field] = f"Enter {label[0].lower()}{label[1:]}"
        return text
    if len(text) > limit:
        errors[field] = limits.too_long(label, limit)
        return text
    found = personal_data.scan_text(text)
    if found:
        kinds = ", ".join(sorted({f.kind.lower() for f in found}))
        errors[field] = (
            f"{label} must not hold a person's details: the guard found {kinds}. Name roles and "
            "organisations, never people"
        )
    return text


def theme_titles(programme: Programme, *, user: Any) -> dict[str, str]:
    """The criteria of the programme's framework (the key themes of Appendix 1), by identifier,
    in the framework's order."""
    return {
        c.identifier: c.title
        for c in framework_selectors.criterion_list(user=user, version=programme.framework_version)
    }


def _theme(errors: dict[str, str], programme: Programme, value: Any, user: User) -> str:
    theme = str(value or "").strip()
    if not theme:
        errors["theme"] = "Select the theme"
    elif theme not in theme_titles(programme, user=user):
        errors["theme"] = "Theme must be a criterion of the programme's key-themes framework"
    return theme


def _audit(
    actor: User | None,
    verb: str,
    target: Any,
    *,
    partnership_id: int | None = None,
    detail: dict[str, Any] | None = None,
    **changes: Any,
) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        scope=AuditScope.PARTNERSHIP if partnership_id else AuditScope.SITE,
        partnership_id=partnership_id,
        changes=changes,
        detail=detail,
    )


# --- Findings ---------------------------------------------------------------------------------


def _finding_fields(
    programme: Programme, actor: User, *, theme: Any, kind: Any, text: Any, sites: Iterable[Any]
) -> tuple[dict[str, Any], list[Site]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"theme": _theme(errors, programme, theme, actor)}
    if kind in (None, ""):
        errors["kind"] = "Select whether it works, does not work, looks promising or is a barrier"
    elif str(kind) not in FindingKind.values:
        errors["kind"] = "Kind must be one of: " + ", ".join(str(k) for k in FindingKind.labels)
    clean["kind"] = str(kind or "")
    clean["text"] = _guarded(errors, "text", "Finding", text, limit_of(Finding, "text"))
    wanted = {s.pk if isinstance(s, Site) else int(s) for s in sites}
    chosen = list(Site.objects.filter(programme=programme, pk__in=wanted))
    if len(chosen) != len(wanted):
        errors["sites"] = "Select sites of this programme"
    if errors:
        raise ValidationError(errors)
    return clean, chosen


@transaction.atomic
def finding_add(
    *,
    actor: User,
    programme: Programme,
    theme: str,
    kind: str,
    text: str,
    sites: Iterable[Site | int] = (),
) -> Finding:
    finding_policy.require_in(actor, "add", programme.pk, message=ADD)
    clean, chosen = _finding_fields(
        programme, actor, theme=theme, kind=kind, text=text, sites=sites
    )
    finding = Finding.objects.create(programme=programme, written_by=actor, **clean)
    finding.sites.set(chosen)
    _audit(
        actor,
        "INSPECTION_FINDING_ADDED",
        finding,
        detail={"programme": programme.pk, "sites": len(chosen)},
        **clean,
    )
    return finding


@transaction.atomic
def finding_edit(
    *,
    actor: User,
    finding: Finding,
    theme: str,
    kind: str,
    text: str,
    sites: Iterable[Site | int] = (),
) -> Finding:
    finding_policy.require(actor, "edit", finding)
    clean, chosen = _finding_fields(
        finding.programme, actor, theme=theme, kind=kind, text=text, sites=sites
    )
    for name, value in clean.items():
        setattr(finding, name, value)
    finding.save()
    finding.sites.set(chosen)
    _audit(actor, "INSPECTION_FINDING_CHANGED", finding, detail={"sites": len(chosen)}, **clean)
    return finding


@transaction.atomic
def finding_delete(*, actor: User, finding: Finding) -> None:
    finding_policy.require(actor, "delete", finding)
    _audit(actor, "INSPECTION_FINDING_REMOVED", finding, detail={"programme": finding.programme_id})
    finding.delete()


# --- Key learning -----------------------------------------------------------------------------


@transaction.atomic
def key_learning_add(
    *, actor: User, programme: Programme, text: str, findings: Iterable[Finding | int] = ()
) -> KeyLearning:
    key_learning_policy.require_in(actor, "add", programme.pk, message=ADD)
    errors: dict[str, str] = {}
    clean = _guarded(errors, "text", "Key learning", text, limit_of(KeyLearning, "text"))
    wanted = {f.pk if isinstance(f, Finding) else int(f) for f in findings}
    chosen = list(Finding.objects.filter(programme=programme, pk__in=wanted))
    if len(chosen) != len(wanted):
        errors["findings"] = "Select findings of this programme"
    if errors:
        raise ValidationError(errors)
    learning = KeyLearning.objects.create(programme=programme, text=clean, written_by=actor)
    learning.findings.set(chosen)
    _audit(
        actor,
        "INSPECTION_KEY_LEARNING_ADDED",
        learning,
        detail={"programme": programme.pk, "findings": len(chosen)},
        text=clean,
    )
    return learning


@transaction.atomic
def key_learning_delete(*, actor: User, learning: KeyLearning) -> None:
    key_learning_policy.require(actor, "delete", learning)
    _audit(
        actor,
        "INSPECTION_KEY_LEARNING_REMOVED",
        learning,
        detail={"programme": learning.programme_id},
    )
    learning.delete()


# --- Case studies -----------------------------------------------------------------------------

CASE_STUDY_TEXTS = {
    "title": "Title",
    "summary": "Summary",
    "what_was_done": "What was done",
    "outcome": "Outcome",
}


def _case_study_fields(programme: Programme, actor: User, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - {*CASE_STUDY_TEXTS, "theme", "strand", "setting", "site"}
    if unknown:
        raise TypeError(f"case study fields unknown: {sorted(unknown)}")
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"theme": _theme(errors, programme, fields.get("theme"), actor)}
    for field, label in CASE_STUDY_TEXTS.items():
        clean[field] = _guarded(errors, field, label, fields.get(field), limit_of(CaseStudy, field))
    for field, label, choices in (
        ("strand", "Strand", Strand),
        ("setting", "Setting", Setting),
    ):
        value = str(fields.get(field) or "")
        if not value:
            errors[field] = f"Select the {label.lower()}"
        elif value not in choices.values:
            errors[field] = f"{label} must be one of: " + ", ".join(str(c) for c in choices.labels)
        clean[field] = value
    site = fields.get("site")
    site_id = getattr(site, "pk", site)
    found = Site.objects.filter(programme=programme, pk=site_id).first() if site_id else None
    if found is None:
        errors["site"] = "Select a site of this programme"
    clean["site"] = found
    if errors:
        raise ValidationError(errors)
    return clean


def _case_study_audit(actor: User, verb: str, case_study: CaseStudy, **changes: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=case_study,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=case_study.site.partnership_id,
        changes=changes,
        detail={"programme": case_study.programme_id, "status": case_study.status},
    )


@transaction.atomic
def case_study_add(*, actor: User, programme: Programme, **fields: Any) -> CaseStudy:
    case_study_policy.require_in(actor, "add", programme.pk, message=ADD)
    clean = _case_study_fields(programme, actor, fields)
    case_study = CaseStudy.objects.create(programme=programme, written_by=actor, **clean)
    _case_study_audit(
        actor,
        "INSPECTION_CASE_STUDY_ADDED",
        case_study,
        **{k: v for k, v in clean.items() if k != "site"},
    )
    return case_study


@transaction.atomic
def case_study_edit(*, actor: User, case_study: CaseStudy, **fields: Any) -> CaseStudy:
    case_study_policy.require(actor, "edit", case_study)
    current = {
        name: getattr(case_study, name)
        for name in (*CASE_STUDY_TEXTS, "theme", "strand", "setting", "site")
    }
    clean = _case_study_fields(case_study.programme, actor, current | fields)
    for name, value in clean.items():
        setattr(case_study, name, value)
    case_study.save()
    _case_study_audit(
        actor,
        "INSPECTION_CASE_STUDY_CHANGED",
        case_study,
        **{k: v for k, v in clean.items() if k != "site"},
    )
    return case_study


@transaction.atomic
def case_study_send(*, actor: User, case_study: CaseStudy) -> CaseStudy:
    """The programme lead offers the case study to the library of what works."""
    case_study_policy.require(actor, "send", case_study)
    case_study.status = CaseStudyStatus.SENT
    case_study.sent_by = actor
    case_study.sent_on = timezone.localdate()
    case_study.save(update_fields=["status", "sent_by", "sent_on", "updated_at"])
    _case_study_audit(actor, "INSPECTION_CASE_STUDY_SENT", case_study, status=case_study.status)
    return case_study


def library_summary(case_study: CaseStudy) -> str:
    """The library entry's summary: the case study's three texts, each under its heading."""
    return (
        f"{case_study.summary}\n\nWhat was done: {case_study.what_was_done}\n\n"
        f"Outcome: {case_study.outcome}"
    )


@transaction.atomic
def case_study_take(*, actor: User, case_study: CaseStudy) -> CaseStudy:
    """A site administrator takes a case study that was sent into the library of what works:
    a draft entry made through the library's own service (and rated there as a case study,
    which measures no effect), to be reviewed and published as any entry of the library is.
    The case study keeps the link to its entry."""
    locked = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    case_study_policy.require(actor, "take", locked)
    if locked.library_entry_id is not None:
        raise Conflict({"status": "The case study is already in the library"})
    programme = locked.programme
    summary = library_summary(locked)
    limit = limit_of(Entry, "summary")
    if len(summary) > limit:
        summary = summary[: limit - 1] + "…"
    entry = what_works_services.entry_add(
        actor=actor,
        kind=EntryKind.CASE_STUDY,
        title=locked.title,
        summary=summary,
        strands=[locked.strand],
        setting=locked.setting,
        source=f"{programme.title}: the programme's case study of {locked.site.partnership.name}",
        paragraphs="",
    )
    what_works_services.entry_rate(
        actor=actor,
        entry=entry,
        design=Design.CASE_STUDY,
        effect_direction=EffectDirection.NOT_MEASURED,
    )
    locked.library_entry = entry
    locked.status = CaseStudyStatus.IN_LIBRARY
    locked.save(update_fields=["library_entry", "status", "updated_at"])
    _case_study_audit(actor, "INSPECTION_CASE_STUDY_TAKEN", locked, status=locked.status)
    return locked


# --- The sites' feedback ----------------------------------------------------------------------


@transaction.atomic
def site_feedback_give(
    *, actor: User, site: Site, useful: Any, what_helped: str, what_to_change: str
) -> SiteFeedback:
    """The site's view of the exercise (¶178), given or changed by a coordinator of its
    partnership: one per site."""
    site_feedback_policy.require_in(
        actor,
        "give",
        site.pk,
        message="Only a coordinator of the site's partnership gives its feedback.",
    )
    errors: dict[str, str] = {}
    try:
        score = int(useful)
    except (TypeError, ValueError):
        score = 0
    if score not in range(1, 6):
        errors["useful"] = "How useful the exercise was must be a whole number from 1 to 5"
    helped = _guarded(
        errors,
        "what_helped",
        "What helped",
        what_helped,
        limit_of(SiteFeedback, "what_helped"),
        required=False,
    )
    change = _guarded(
        errors,
        "what_to_change",
        "What to change",
        what_to_change,
        limit_of(SiteFeedback, "what_to_change"),
        required=False,
    )
    if errors:
        raise ValidationError(errors)
    feedback, created = SiteFeedback.objects.update_or_create(
        site=site,
        defaults={
            "useful": score,
            "what_helped": helped,
            "what_to_change": change,
            "given_by": actor,
        },
    )
    recorded: dict[str, Any] = {
        "useful": score,
        "what_helped": helped,
        "what_to_change": change,
    }
    detail = {"site": site.pk, "useful": score}
    if created:
        _audit(
            actor,
            "INSPECTION_SITE_FEEDBACK_GIVEN",
            feedback,
            partnership_id=site.partnership_id,
            detail=detail,
            **recorded,
        )
    else:
        _audit(
            actor,
            "INSPECTION_SITE_FEEDBACK_CHANGED",
            feedback,
            partnership_id=site.partnership_id,
            detail=detail,
            **recorded,
        )
    return feedback


# --- The advisory group -----------------------------------------------------------------------


@transaction.atomic
def advisory_member_name(*, actor: User, programme: Programme, email: str) -> AdvisoryMember:
    """The programme lead names a member of the advisory group: anyone with an account, never
    the lead themselves (nobody grants themselves anything, permissions.md)."""
    advisory_member_policy.require_in(
        actor, "name", programme.pk, message="Only the programme lead names the advisory group."
    )
    address = str(email or "").strip().lower()
    if not address:
        raise ValidationError({"email": "Enter the email address of the person to name"})
    user = User.objects.filter(email__iexact=address, is_active=True).first()
    if user is None:
        raise ValidationError({"email": "No one with an active account has that email address"})
    if user.pk == actor.pk:
        raise ValidationError(
            {"email": "You cannot name yourself to the advisory group: name someone else"}
        )
    if AdvisoryMember.objects.filter(programme=programme, user=user).exists():
        raise Conflict({"email": "They are already a member of the advisory group"})
    member = AdvisoryMember.objects.create(programme=programme, user=user, named_by=actor)
    _audit(
        actor,
        "INSPECTION_ADVISER_NAMED",
        member,
        detail={"programme": programme.pk, "user": user.pk},
    )
    return member


@transaction.atomic
def advisory_member_remove(*, actor: User, member: AdvisoryMember) -> None:
    advisory_member_policy.require(actor, "remove", member)
    _audit(
        actor,
        "INSPECTION_ADVISER_REMOVED",
        member,
        detail={"programme": member.programme_id, "user": member.user_id},
    )
    member.delete()


@transaction.atomic
def advisory_comment_add(*, actor: User, programme: Programme, text: str) -> AdvisoryComment:
    advisory_comment_policy.require_in(
        actor,
        "add",
        programme.pk,
        message="Only members of the programme's advisory group comment on its findings.",
    )
    errors: dict[str, str] = {}
    clean = _guarded(errors, "text", "Comment", text, limit_of(AdvisoryComment, "text"))
    if errors:
        raise ValidationError(errors)
    comment = AdvisoryComment.objects.create(programme=programme, author=actor, text=clean)
    _audit(
        actor,
        "INSPECTION_ADVISORY_COMMENT_ADDED",
        comment,
        detail={"programme": programme.pk},
        text=clean,
    )
    return comment
