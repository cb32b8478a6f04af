"""Writes: importing area data (and with it every area's nearest neighbours), and asking a
similar area for a peer review and answering it (¶175)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lde.accounts.models import User
from lde.core import personal_data
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.limits import SHORT_TEXT, too_long
from lde.core.refusals import Conflict
from lde.partnerships.models import Partnership
from lde.rollups import areas
from lde.rollups.models import (
    AreaDataSet,
    AreaNeighbour,
    PeerReviewRequest,
    PeerReviewRequestStatus,
)
from lde.rollups.policies import area_data_set_policy, peer_review_request_policy


def area_owners() -> dict[str, int]:
    """Each GSS code a partnership covers, to that partnership (the first made, where two
    cover the same code): one query over the partnerships."""
    owners: dict[str, int] = {}
    for pk, codes in Partnership.objects.order_by("pk").values_list("pk", "area_gss_codes"):
        for code in codes or []:
            owners.setdefault(str(code).strip().upper(), pk)
    return owners


@transaction.atomic
def area_data_import(
    *, actor: User | None, data: bytes, variables: bytes, file_name: str
) -> AreaDataSet:
    """Import area data and compute every area's 15 nearest neighbours. All or nothing: every
    problem is named ("file": the figures, "variables": the declaration) by row and column, and
    nothing is saved if there is any. The new data set is the one in use from now on."""
    if actor is not None:
        area_data_set_policy.require_in(actor, "import", None)
    owners = area_owners()
    try:
        read = areas.read(data, variables, owners)
    except areas.Refused as refused:
        raise ValidationError(refused.problems) from None
    found = areas.nearest(read.values, [v.weight for v in read.variables], owners)
    data_set = AreaDataSet.objects.create(
        file_name=(file_name or "area data.csv")[:200],
        imported_by=actor,
        variables=[v.as_dict() for v in read.variables],
        values=read.values,
        areas=len(read.values),
    )
    rows = []
    for i, code in enumerate(found.codes):
        for rank, j in enumerate(found.index[i], start=1):
            if j < 0:
                break
            rows.append(
                AreaNeighbour(
                    data_set=data_set,
                    area_code=code,
                    neighbour_code=found.codes[j],
                    partnership_id=owners[code],
                    neighbour_id=owners[found.codes[j]],
                    rank=rank,
                    distance=float(found.distance[i, rank - 1]),
                    contributions=[float(c) for c in found.contributions[i, rank - 1]],
                )
            )
    AreaNeighbour.objects.bulk_create(rows, batch_size=2000)
    audit_record(
        actor=actor,
        verb="AREA_DATA_IMPORTED",
        target=data_set,
        scope=AuditScope.SITE,
        detail={
            "areas": data_set.areas,
            "variables": [v.name for v in read.variables],
            "neighbours": len(rows),
        },
    )
    return data_set


def _guarded(text: str, label: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) > SHORT_TEXT:
        raise ValidationError({field: too_long(label, SHORT_TEXT)})
    findings = personal_data.scan_text(text)
    if findings:
        kinds = ", ".join(sorted({f.kind.lower() for f in findings}))
        raise ValidationError(
            {
                field: f"{label} must not hold a person's details: the guard found {kinds}. "
                "Name roles and organisations only"
            }
        )
    return text


@transaction.atomic
def peer_review_request_create(
    *, actor: User, partnership: Partnership, asked: Partnership, message: str = ""
) -> PeerReviewRequest:
    """Ask one of the partnership's similar areas for a peer review (¶175). Only a neighbour in
    the area data in use may be asked, one open request at a time."""
    peer_review_request_policy.require_in(
        actor, "request", partnership.pk, message="You cannot ask for a peer review here."
    )
    if asked.pk == partnership.pk:
        raise ValidationError({"asked": "A partnership cannot ask itself for a peer review"})
    current = AreaDataSet.objects.order_by("-created_at", "-pk").first()
    if (
        current is None
        or not AreaNeighbour.objects.filter(
            data_set=current, partnership=partnership, neighbour=asked
        ).exists()
    ):
        raise ValidationError(
            {"asked": "Choose one of the partnership's similar areas to ask for a peer review"}
        )
    message = _guarded(message, "Message", "message")
    if PeerReviewRequest.objects.filter(
        requester=partnership, asked=asked, status=PeerReviewRequestStatus.REQUESTED
    ).exists():
        raise Conflict({"asked": f"{asked.name} has already been asked and has not yet answered"})
    request = PeerReviewRequest.objects.create(
        requester=partnership, asked=asked, message=message, requested_by=actor
    )
    for partnership_id in (partnership.pk, asked.pk):
        audit_record(
            actor=actor,
            verb="PEER_REVIEW_REQUESTED",
            target=request,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=partnership_id,
            detail={"requester": partnership.pk, "asked": asked.pk},
        )
    return request


@transaction.atomic
def peer_review_request_decide(
    *, actor: User, request: PeerReviewRequest, accept: bool, reply: str = ""
) -> PeerReviewRequest:
    """The asked partnership's coordinator accepts or declines. Accepting does not assign the
    reviewers: only a site administrator makes assignments (permissions.md), and the accepted
    request is what they act on."""
    request = PeerReviewRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PeerReviewRequestStatus.REQUESTED:
        raise PermissionDenied403(
            "This request has already been answered.",
            who_can=peer_review_request_policy.who_can["decide"],
        )
    peer_review_request_policy.require(actor, "decide", request)
    request.reply = _guarded(reply, "Reply", "reply")
    request.status = (
        PeerReviewRequestStatus.ACCEPTED if accept else PeerReviewRequestStatus.DECLINED
    )
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reply", "decided_by", "decided_at", "updated_at"])
    for partnership_id in (request.requester_id, request.asked_id):
        audit_record(
            actor=actor,
            verb=f"PEER_REVIEW_{request.status.upper()}",
            target=request,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=partnership_id,
            changes={"status": request.status},
        )
    return request
