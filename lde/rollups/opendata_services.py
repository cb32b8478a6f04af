"""Writes of open data releases: draft, propose, approve (freezing the suppressed figures),
release (now, or by the periodic job on the embargo's date) and withdraw. Each is audited.

A partnership's own figures go out on its coordinator's approval; national figures need two
national analysts, one to propose and another to approve (the policy refuses the proposer, and a
database constraint refuses a release whose approver is its proposer)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lde.accounts.models import User
from lde.core import personal_data
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.limits import SHORT_TEXT, TITLE, too_long
from lde.core.refusals import Conflict
from lde.partnerships.models import Partnership
from lde.rollups import opendata
from lde.rollups.models import (
    OPEN_GOVERNMENT_LICENCE,
    OPEN_GOVERNMENT_LICENCE_URL,
    OpenDataRelease,
    OpenDataScope,
    OpenDataStatus,
)
from lde.rollups.opendata_policies import open_data_release_policy


def _audit(actor: User | None, verb: str, release: OpenDataRelease, **detail: Any) -> None:
    partnership = release.scope == OpenDataScope.PARTNERSHIP
    audit_record(
        actor=actor,
        verb=verb,
        target=release,
        scope=AuditScope.PARTNERSHIP if partnership else AuditScope.SITE,
        partnership_id=release.partnership_id if partnership else None,
        changes={"status": release.status},
        detail={"release": release.pk, **detail},
    )


def _text_check(problems: dict[str, str], field: str, label: str, text: str, limit: int) -> None:
    if len(text) > limit:
        problems[field] = too_long(label, limit)
        return
    findings = personal_data.scan_text(text)
    if findings:
        kinds = ", ".join(sorted({f.kind.lower() for f in findings}))
        problems[field] = (
            f"{label} must not hold a person's details: the guard found {kinds}. Name roles and "
            "organisations only"
        )


@transaction.atomic
def open_data_release_create(
    *,
    actor: User,
    partnership: Partnership | None,
    title: str,
    description: str,
    publisher: str,
    figures_kind: str,
    parameters: Any,
    embargo_until: datetime | None = None,
    licence: str = OPEN_GOVERNMENT_LICENCE,
    licence_url: str = OPEN_GOVERNMENT_LICENCE_URL,
) -> OpenDataRelease:
    """A draft release: a partnership's own figures (`partnership`), or national ones (None)."""
    open_data_release_policy.require_in(
        actor,
        "create",
        partnership.pk if partnership else None,
        message="You cannot draft open data here.",
    )
    scope = OpenDataScope.PARTNERSHIP if partnership else OpenDataScope.NATIONAL
    problems: dict[str, str] = {}
    title, description, publisher = title.strip(), description.strip(), publisher.strip()
    if not title:
        problems["title"] = "Enter a title"
    _text_check(problems, "title", "Title", title, TITLE)
    _text_check(problems, "description", "Description", description, SHORT_TEXT)
    if not publisher:
        problems["publisher"] = "Enter the publisher"
    _text_check(problems, "publisher", "Publisher", publisher, TITLE)
    if not licence.strip() or len(licence) > TITLE:
        problems["licence"] = f"Enter the licence, in {TITLE} characters or fewer"
    if embargo_until is not None and embargo_until <= timezone.now():
        problems["embargo_until"] = "The embargo must end in the future"
    try:
        checked = opendata.parameters_check(
            scope=scope, kind=figures_kind, parameters=parameters, partnership=partnership
        )
    except ValidationError as error:
        problems.update({k: v[0] for k, v in error.message_dict.items()})
        checked = {}
    if problems:
        raise ValidationError(problems)
    release = OpenDataRelease.objects.create(
        scope=scope,
        partnership=partnership,
        title=title,
        description=description,
        publisher=publisher,
        licence=licence.strip(),
        licence_url=licence_url,
        figures_kind=figures_kind,
        parameters=checked,
        embargo_until=embargo_until,
        created_by=actor,
    )
    _audit(actor, "OPEN_DATA_DRAFTED", release)
    return release


def _locked(release: OpenDataRelease) -> OpenDataRelease:
    """The row, locked, so that two people acting at once are answered one after the other."""
    OpenDataRelease.objects.select_for_update().filter(pk=release.pk).values_list("pk").get()
    release.refresh_from_db()
    return release


@transaction.atomic
def open_data_release_propose(*, actor: User, release: OpenDataRelease) -> OpenDataRelease:
    release = _locked(release)
    open_data_release_policy.require(actor, "propose", release)
    release.status = OpenDataStatus.PROPOSED
    release.proposed_by = actor
    release.proposed_at = timezone.now()
    release.save(update_fields=["status", "proposed_by", "proposed_at", "updated_at"])
    _audit(actor, "OPEN_DATA_PROPOSED", release)
    return release


@transaction.atomic
def open_data_release_approve(*, actor: User, release: OpenDataRelease) -> OpenDataRelease:
    """Approve, freezing the figures as they are now, suppressed, with their hash. National
    figures: a second national analyst, never the one who proposed them."""
    release = _locked(release)
    open_data_release_policy.require(actor, "approve", release)
    figures = opendata.figures_compute(release)
    release.figures = figures
    release.figures_sha256 = opendata.figures_hash(figures)
    release.status = OpenDataStatus.APPROVED
    release.approved_by = actor
    release.approved_at = timezone.now()
    release.save(
        update_fields=[
            "figures",
            "figures_sha256",
            "status",
            "approved_by",
            "approved_at",
            "updated_at",
        ]
    )
    _audit(
        actor,
        "OPEN_DATA_APPROVED",
        release,
        rows=len(figures["rows"]),
        sha256=release.figures_sha256,
    )
    return release


def _release(actor: User | None, release: OpenDataRelease, now: datetime) -> OpenDataRelease:
    release.status = OpenDataStatus.RELEASED
    release.released_at = now
    release.save(update_fields=["status", "released_at", "updated_at"])
    _audit(actor, "OPEN_DATA_RELEASED", release, sha256=release.figures_sha256)
    return release


@transaction.atomic
def open_data_release_release(*, actor: User, release: OpenDataRelease) -> OpenDataRelease:
    """Put approved figures on the open pages now. Under embargo it is refused: the periodic
    job (`open_data_releases_due`) releases it on the date."""
    release = _locked(release)
    open_data_release_policy.require(actor, "release", release)
    now = timezone.now()
    if release.embargo_until is not None and release.embargo_until > now:
        raise Conflict(
            "This data set is embargoed until "
            f"{timezone.localtime(release.embargo_until):%d %B %Y %H:%M}: it is released "
            "then, automatically."
        )
    return _release(actor, release, now)


@transaction.atomic
def open_data_releases_due(*, now: datetime | None = None) -> int:
    """Release every approved data set whose embargo has passed (the periodic job); each is
    audited with no person as its actor. Safe to run twice."""
    now = now or timezone.now()
    due = list(
        OpenDataRelease.objects.select_for_update()
        .filter(status=OpenDataStatus.APPROVED, embargo_until__lte=now)
        .order_by("pk")
    )
    for release in due:
        _release(None, release, now)
    return len(due)


@transaction.atomic
def open_data_release_withdraw(*, actor: User, release: OpenDataRelease) -> OpenDataRelease:
    """Take a proposal, an approval or a released data set back: it leaves the open pages, and
    the record of what was approved stays."""
    release = _locked(release)
    open_data_release_policy.require(actor, "withdraw", release)
    release.status = OpenDataStatus.WITHDRAWN
    release.withdrawn_at = timezone.now()
    release.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _audit(actor, "OPEN_DATA_WITHDRAWN", release)
    return release
