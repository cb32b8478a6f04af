"""API: monitoring. The same selectors, policies and services as the pages: reads 404 when not
visible; writes 403 when visible but not allowed (saying who can); a service's refusal is a 400
naming the field (a negative or non-numeric amount, spend beyond the tolerance without a
variance explanation, the guard's findings), and a return for a closed agreement is a 409."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params import File
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, ObjectId
from lde.core.limits import limit_of
from lde.monitoring import imports, selectors, services
from lde.monitoring.models import Agreement, Return
from lde.monitoring.policies import require_may_make
from lde.programme.imports import MAX_BYTES, ImportRefused

router = Router(tags=["monitoring"])
FREE_TEXT = r"^[^\x00]*$"
Answer = Status[Any]


class MonitoringTargetOut(Schema):
    id: int
    kind: str
    target: int


class MonitoringLineOut(Schema):
    id: int
    heading: str
    kind: str
    amount: Decimal


class MonitoringInstalmentOut(Schema):
    due_on: date
    amount: Decimal
    in_advance: bool


class AgreementOut(Schema):
    id: int
    partnership_id: int
    organisation: str
    title: str
    amount: Decimal
    starts_on: date
    ends_on: date
    status: str
    frequency: str
    targets: list[MonitoringTargetOut]
    lines: list[MonitoringLineOut]
    instalments: list[MonitoringInstalmentOut]


class ReturnFlagOut(Schema):
    rule: str
    words: str


class ReturnOut(Schema):
    id: int
    agreement_id: int
    period_start: date
    period_end: date
    due_on: date
    final: bool
    status: str
    flags: list[ReturnFlagOut]
    spend: dict[str, Decimal]
    outputs: dict[str, int]
    narrative: str
    variance_explanation: str


class ReturnIn(Schema):
    """Spend by budget line id and outputs by target id, as text or numbers (the service refuses
    a negative or non-numeric value, naming `spend_<id>` or `output_<id>`)."""

    spend: dict[str, str | float | int] = {}
    outputs: dict[str, str | int] = {}
    milestones: dict[str, str] = {}
    narrative: str | None = Field(None, max_length=limit_of(Return, "narrative"), pattern=FREE_TEXT)
    variance_explanation: str | None = Field(
        None, max_length=limit_of(Return, "variance_explanation"), pattern=FREE_TEXT
    )


class ReviewIn(Schema):
    outcome: str = Field(max_length=10, description="accept or send_back")
    reasons: str = Field("", max_length=limit_of(Return, "review_reasons"), pattern=FREE_TEXT)


class SpendProblemOut(Schema):
    row: int | None
    column: str
    message: str


class SpendRejectedOut(Schema):
    detail: str
    errors: list[SpendProblemOut]


class SpendImportedOut(Schema):
    id: int
    rows: int
    total: Decimal
    beyond_tolerance: list[str]


class MonitoringDoneOut(Schema):
    id: int
    status: str


def _agreement_out(a: Agreement) -> dict[str, Any]:
    return {
        "id": a.pk,
        "partnership_id": a.partnership_id,
        "organisation": a.organisation.name,
        "title": a.title,
        "amount": a.amount,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "status": a.status,
        "frequency": a.frequency,
        "targets": [{"id": t.pk, "kind": t.kind, "target": t.target} for t in a.targets.all()],
        "lines": [
            {"id": x.pk, "heading": x.heading, "kind": x.kind, "amount": x.amount}
            for x in a.lines.all()
        ],
        "instalments": [
            {"due_on": i.due_on, "amount": i.amount, "in_advance": i.in_advance}
            for i in a.instalments.all()
        ],
    }


def _return_out(state: selectors.ReturnState) -> dict[str, Any]:
    r = state.return_made
    return {
        "id": r.pk,
        "agreement_id": r.agreement_id,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "due_on": r.due_on,
        "final": r.final,
        "status": r.status,
        "flags": [{"rule": f.rule, "words": f.words} for f in state.flags],
        "spend": {str(s.line_id): s.amount for s in r.spend.all()},
        "outputs": {str(o.target_id): o.achieved for o in r.outputs.all()},
        "narrative": r.narrative,
        "variance_explanation": r.variance_explanation,
    }


@router.get(
    "/partnerships/{partnership_id}/agreements",
    response={200: list[AgreementOut], **READ_ERRORS, 403: ErrorOut},
    summary="A partnership's funding agreements",
)
def agreement_list(request: HttpRequest, partnership_id: ObjectId) -> list[dict[str, Any]]:
    partnership = selectors.monitoring_partnership(user=request.user, partnership_id=partnership_id)
    return [
        _agreement_out(a)
        for a in selectors.agreement_list(user=request.user, partnership=partnership)
    ]


@router.get(
    "/agreements/{agreement_id}",
    response={200: AgreementOut, **READ_ERRORS},
    summary="A funding agreement",
)
def agreement_get(request: HttpRequest, agreement_id: ObjectId) -> dict[str, Any]:
    return _agreement_out(selectors.agreement_get(user=request.user, agreement_id=agreement_id))


@router.get(
    "/agreements/{agreement_id}/returns",
    response={200: list[ReturnOut], **READ_ERRORS},
    summary="An agreement's returns, each with what the rules find in words",
)
def return_list(request: HttpRequest, agreement_id: ObjectId) -> list[dict[str, Any]]:
    agreement = selectors.agreement_get(user=request.user, agreement_id=agreement_id)
    return [_return_out(s) for s in selectors.return_states(agreement)]


@router.get("/returns/{return_id}", response={200: ReturnOut, **READ_ERRORS}, summary="A return")
def return_get(request: HttpRequest, return_id: ObjectId) -> dict[str, Any]:
    row = selectors.return_get(user=request.user, return_id=return_id)
    return _return_out(selectors.return_state(row))


def _ids(values: dict[str, Any], field: str) -> dict[int, Any]:
    try:
        return {int(k): v for k, v in values.items()}
    except ValueError:
        raise ValidationError({field: "Give each value under its id, a whole number"}) from None


@router.post(
    "/returns/{return_id}",
    response={200: MonitoringDoneOut, **WRITE_ERRORS},
    summary="Save a return's spend, outputs, milestones and narrative (the delivering "
    "organisation, or a coordinator on its behalf)",
)
def return_save(request: HttpRequest, return_id: ObjectId, payload: ReturnIn) -> Answer:
    row = selectors.return_get(user=request.user, return_id=return_id)
    saved = services.return_save(
        actor=acting_user(request),
        return_made=row,
        spend=_ids(payload.spend, "spend"),
        outputs=_ids(payload.outputs, "outputs"),
        milestones=_ids(payload.milestones, "milestones"),
        narrative=payload.narrative,
        variance_explanation=payload.variance_explanation,
    )
    return Status(200, MonitoringDoneOut(id=saved.pk, status=saved.status))


@router.post(
    "/returns/{return_id}/submission",
    response={201: MonitoringDoneOut, **WRITE_ERRORS},
    summary="Submit a return",
)
def return_submit(request: HttpRequest, return_id: ObjectId) -> Answer:
    row = selectors.return_get(user=request.user, return_id=return_id)
    done = services.return_submit(actor=acting_user(request), return_made=row)
    return Status(201, MonitoringDoneOut(id=done.pk, status=done.status))


@router.post(
    "/returns/{return_id}/review",
    response={201: MonitoringDoneOut, **WRITE_ERRORS},
    summary="Accept a submitted return, or send it back with reasons (coordinators)",
)
def return_review(request: HttpRequest, return_id: ObjectId, payload: ReviewIn) -> Answer:
    row = selectors.return_get(user=request.user, return_id=return_id)
    if payload.outcome not in ("accept", "send_back"):
        raise ValidationError({"outcome": "Choose accept or send_back"})
    done = services.return_review(
        actor=acting_user(request),
        return_made=row,
        accept=payload.outcome == "accept",
        reasons=payload.reasons,
    )
    return Status(201, MonitoringDoneOut(id=done.pk, status=done.status))


@router.post(
    "/returns/{return_id}/spend-import",
    response={
        201: SpendImportedOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: SpendRejectedOut,
    },
    summary="Fill a return's spend from a spend list (CSV or XLSX): all of it, or none of it",
)
def spend_import(
    request: HttpRequest, return_id: ObjectId, file: File[UploadedFile | None] = None
) -> Answer:
    """Send the file as the multipart field `file`, with the columns budget_line and amount.
    Every row is checked first; if any has a problem nothing is saved and the answer is 422 with
    each problem's row and column. Spend beyond a line's tolerance is saved and listed in
    `beyond_tolerance`: the return is not submitted until the variance is explained."""
    row = selectors.return_get(user=request.user, return_id=return_id)
    require_may_make(acting_user(request), row)
    if file is None:
        return Status(
            422,
            SpendRejectedOut(
                detail="No file was sent.",
                errors=[SpendProblemOut(row=None, column="file", message="Send it as `file`.")],
            ),
        )
    try:
        result = imports.spend_import(
            actor=acting_user(request),
            return_made=row,
            data=file.read(MAX_BYTES + 1),
            name=file.name or "",
        )
    except ImportRefused as refused:
        return Status(
            422,
            SpendRejectedOut(
                detail=f"The file has {len(refused.problems)} problem(s); nothing was saved.",
                errors=[SpendProblemOut(**p.as_dict()) for p in refused.problems],
            ),
        )
    return Status(
        201,
        SpendImportedOut(
            id=row.pk,
            rows=result.rows,
            total=result.total,
            beyond_tolerance=result.beyond_tolerance,
        ),
    )
