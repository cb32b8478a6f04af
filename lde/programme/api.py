"""API: a partnership's programme and budget. The same selectors, policies and services as the
pages: reads 404 when the partnership is not visible and 403 when its programme is not; writes
403 when visible but not allowed (saying who can); a service's refusal is a 400 naming the field
(a negative or non-numeric amount among them), a name used twice a 409; an import with problems
is a 422 naming each problem's row and column, and nothing is saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params import File
from pydantic import Field

from lde.accounts.models import Organisation
from lde.accounts.selectors import acting_user
from lde.core.access.facts import facts_for
from lde.core.access.policy import PermissionDenied403
from lde.core.api_schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    ObjectId,
    api_field_names,
    chosen,
)
from lde.core.limits import limit_of
from lde.narratives.sections import SectionKey
from lde.partnerships.models import Alliance, Partnership
from lde.programme import exports, selectors, services
from lde.programme.imports import MAX_BYTES, ImportRefused, programme_import
from lde.programme.models import (
    Activity,
    AlliancePot,
    ExtremismForm,
    FundingStream,
    Project,
    Strand,
    StreamKind,
    TierLabel,
)
from lde.programme.policies import KEEP, project_policy

router = Router(tags=["programme"])

FREE_TEXT = r"^[^\x00]*$"
BIGINT = 9_223_372_036_854_775_807
Id = Annotated[int, Field(ge=1, le=BIGINT)]
# An amount as a JSON number or as text: the service judges it, so that "ten pounds" and -5 are
# refused with the same field error as on the page.
Amount = Decimal | Annotated[str, Field(max_length=30)]
FIELD_NAMES = {
    "delivered_by": "delivered_by_id",
    "answers_gap": "answers_gap_id",
    "source": "source_id",
    "allocation": "allocation_id",
    "pot": "pot_id",
    "partnership": "partnership_id",
}
ERRORS: dict[int, type[Schema]] = dict(WRITE_ERRORS)


def text(model: Any, name: str, *, required: bool = True) -> Any:
    return Field(
        ... if required else "",
        min_length=1 if required else 0,
        max_length=limit_of(model, name),
        pattern=FREE_TEXT,
    )


# --- Shapes -------------------------------------------------------------------------------------


class ProgrammeCreatedOut(Schema):
    id: int


class ProjectIn(Schema):
    title: str = text(Project, "title")
    summary: str = text(Project, "summary", required=False)
    delivered_by_id: Id
    audiences: str = text(Project, "audiences")
    strand: Strand
    tier: int = Field(ge=1, le=4)
    forms_of_extremism: list[ExtremismForm] = Field(min_length=1, max_length=10)
    answers_gap_id: Id | None = None
    narrative_priority: SectionKey | None = None
    exit_plan: str = text(Project, "exit_plan", required=False)
    starts_on: date | None = None
    ends_on: date | None = None


class ProjectPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=limit_of(Project, "title"))
    summary: str | None = Field(None, max_length=limit_of(Project, "summary"))
    delivered_by_id: Id | None = None
    audiences: str | None = Field(None, min_length=1, max_length=limit_of(Project, "audiences"))
    strand: Strand | None = None
    tier: int | None = Field(None, ge=1, le=4)
    forms_of_extremism: list[ExtremismForm] | None = Field(None, min_length=1, max_length=10)
    narrative_priority: SectionKey | None = None
    exit_plan: str | None = Field(None, max_length=limit_of(Project, "exit_plan"))
    starts_on: date | None = None
    ends_on: date | None = None


class ActivityIn(Schema):
    title: str = text(Activity, "title")
    description: str = text(Activity, "description", required=False)
    starts_on: date | None = None


class FundingIn(Schema):
    allocation_id: Id | None = None
    pot_id: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    amount: Amount


class StreamIn(Schema):
    name: str = text(FundingStream, "name")
    source_id: Id
    kind: StreamKind
    amount: Amount
    starts_on: date
    ends_on: date
    ring_fenced: bool = False


class AllocationIn(Schema):
    year: int = Field(ge=2000, le=2100)
    amount: Amount
    confirmed: bool = False


class TierLabelIn(Schema):
    label: str = Field("", max_length=limit_of(TierLabel, "label"), pattern=FREE_TEXT)


class PotIn(Schema):
    name: str = text(AlliancePot, "name")
    purpose: str = text(AlliancePot, "purpose", required=False)


class ContributionIn(Schema):
    partnership_id: Id
    year: int = Field(ge=2000, le=2100)
    amount: Amount


class ImportProblemOut(Schema):
    row: int | None
    column: str
    message: str


class ImportRejectedOut(Schema):
    detail: str
    errors: list[ImportProblemOut]


class ImportedOut(Schema):
    kind: str
    rows: int
    projects: int
    funded: int
    allocations: int


Answer = Status[Any]


def _keeper(request: HttpRequest, partnership_id: int) -> Partnership:
    partnership = selectors.programme_partnership(user=request.user, partnership_id=partnership_id)
    project_policy.require_in(request.user, "add", partnership.pk, message=KEEP)
    return partnership


def _project_fields(
    request: HttpRequest, partnership: Partnership, payload: dict[str, Any]
) -> dict[str, Any]:
    fields = dict(payload)
    if "delivered_by_id" in fields:
        fields["delivered_by"] = chosen(
            selectors.delivery_choices(partnership=partnership),
            fields.pop("delivered_by_id"),
            "delivered_by_id",
            what="an organisation of the register",
        )
    if "answers_gap_id" in fields:
        fields["answers_gap"] = chosen(
            selectors.gap_choices(user=request.user, partnership=partnership),
            fields.pop("answers_gap_id"),
            "answers_gap_id",
            what="a criterion of one of the partnership's assessments",
        )
    if "narrative_priority" in fields:
        fields["narrative_priority"] = fields["narrative_priority"] or ""
    if "forms_of_extremism" in fields:
        fields["forms_of_extremism"] = [str(v) for v in fields["forms_of_extremism"]]
    if "strand" in fields:
        fields["strand"] = str(fields["strand"])
    return fields


# --- Reading ------------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/portfolio",
    response={200: dict[str, Any], **READ_ERRORS, 403: ErrorOut},
    summary="The portfolio: projects and funding by strand and tier, the empty cells in words",
)
def portfolio_get(request: HttpRequest, partnership_id: ObjectId) -> dict[str, Any]:
    partnership = selectors.programme_partnership(user=request.user, partnership_id=partnership_id)
    return exports.portfolio_data(selectors.portfolio(user=request.user, partnership=partnership))


@router.get(
    "/partnerships/{partnership_id}/projects",
    response={200: list[dict[str, Any]], **READ_ERRORS, 403: ErrorOut},
    summary="The partnership's projects",
)
def project_list(request: HttpRequest, partnership_id: ObjectId) -> list[dict[str, Any]]:
    partnership = selectors.programme_partnership(user=request.user, partnership_id=partnership_id)
    return [
        exports.project_data(p, getattr(p, "funded_total", None))
        for p in selectors.project_list(user=request.user, partnership=partnership)
    ]


@router.get(
    "/projects/{project_id}",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="A project, with its activities and funding",
)
def project_get(request: HttpRequest, project_id: ObjectId) -> dict[str, Any]:
    project = selectors.project_get(user=request.user, project_id=project_id)
    facts = selectors.project_facts(project=project)
    return {
        **exports.project_data(project, facts.funded),
        "activities": [
            {
                "id": a.pk,
                "title": a.title,
                "description": a.description,
                "starts_on": a.starts_on.isoformat() if a.starts_on else None,
            }
            for a in project.activities.all()
        ],
        "funding": [
            {
                "id": line.pk,
                "allocation_id": line.allocation_id,
                "pot_id": line.pot_id,
                "year": line.year,
                "amount": exports.money(line.amount),
            }
            for line in project.funding.all()
        ],
    }


@router.get(
    "/partnerships/{partnership_id}/budget",
    response={200: dict[str, Any], **READ_ERRORS, 403: ErrorOut},
    summary="Streams, allocations by financial year against what projects draw, and pots",
)
def budget_get(request: HttpRequest, partnership_id: ObjectId) -> dict[str, Any]:
    partnership = selectors.programme_partnership(user=request.user, partnership_id=partnership_id)
    return exports.budget_data(
        selectors.spend_profile(
            user=request.user, partnership=partnership, today=facts_for(request.user).today
        ),
        selectors.pots_for(user=request.user, partnership=partnership),
    )


@router.get(
    "/pots/{pot_id}",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="An alliance's pooled pot, with each member's contribution",
)
def pot_get(request: HttpRequest, pot_id: ObjectId) -> dict[str, Any]:
    pot = selectors.pot_get(user=request.user, pot_id=pot_id)
    return exports.pot_data(selectors.pot_line(pot=pot))


# --- Writing ------------------------------------------------------------------------------------


@router.post(
    "/partnerships/{partnership_id}/projects",
    response={201: ProgrammeCreatedOut, **ERRORS},
    summary="Add a project (coordinators)",
)
def project_add(request: HttpRequest, partnership_id: ObjectId, payload: ProjectIn) -> Answer:
    partnership = _keeper(request, partnership_id)
    with api_field_names(FIELD_NAMES):
        fields = _project_fields(request, partnership, payload.dict())
        project = services.project_add(
            actor=acting_user(request), partnership=partnership, **fields
        )
    return Status(201, ProgrammeCreatedOut(id=project.pk))


@router.put(
    "/projects/{project_id}",
    response={200: ProgrammeCreatedOut, **ERRORS},
    summary="Change a project: the fields sent are changed, the rest kept (coordinators; "
    "contributors for projects their organisation delivers)",
)
def project_edit(request: HttpRequest, project_id: ObjectId, payload: ProjectPatch) -> Answer:
    project = selectors.project_get(user=request.user, project_id=project_id)
    project_policy.require(request.user, "edit", project)
    with api_field_names(FIELD_NAMES):
        fields = _project_fields(request, project.partnership, payload.dict(exclude_unset=True))
        services.project_edit(actor=acting_user(request), project=project, **fields)
    return Status(200, ProgrammeCreatedOut(id=project.pk))


@router.post(
    "/projects/{project_id}/activities",
    response={201: ProgrammeCreatedOut, **ERRORS},
    summary="Add an activity to a project (whoever may change the project)",
)
def activity_add(request: HttpRequest, project_id: ObjectId, payload: ActivityIn) -> Answer:
    project = selectors.project_get(user=request.user, project_id=project_id)
    activity = services.activity_add(actor=acting_user(request), project=project, **payload.dict())
    return Status(201, ProgrammeCreatedOut(id=activity.pk))


@router.post(
    "/projects/{project_id}/funding",
    response={201: ProgrammeCreatedOut, **ERRORS},
    summary="Fund a project from an allocation or an alliance's pot (coordinators)",
)
def funding_add(request: HttpRequest, project_id: ObjectId, payload: FundingIn) -> Answer:
    project = selectors.project_get(user=request.user, project_id=project_id)
    partnership = _keeper(request, project.partnership_id)
    with api_field_names(FIELD_NAMES):
        allocation = chosen(
            selectors.allocation_choices(partnership=partnership),
            payload.allocation_id,
            "allocation_id",
            what="an allocation of this partnership's budget",
        )
        pot = chosen(
            selectors.pot_choices(user=request.user, partnership=partnership),
            payload.pot_id,
            "pot_id",
            what="an alliance pot you may allocate from",
        )
        funding = services.funding_add(
            actor=acting_user(request),
            project=project,
            allocation=allocation,
            pot=pot,
            year=payload.year,
            amount=payload.amount,
        )
    return Status(201, ProgrammeCreatedOut(id=funding.pk))


@router.post(
    "/partnerships/{partnership_id}/streams",
    response={201: ProgrammeCreatedOut, **ERRORS},
    summary="Add a funding stream (coordinators)",
)
def stream_add(request: HttpRequest, partnership_id: ObjectId, payload: StreamIn) -> Answer:
    partnership = _keeper(request, partnership_id)
    with api_field_names(FIELD_NAMES):
        fields = payload.dict()
        fields["source"] = chosen(
            Organisation.objects.all(),
            fields.pop("source_id"),
            "source_id",
            what="an organisation of the register",
        )
        fields["kind"] = str(fields["kind"])
        stream = services.stream_add(actor=acting_user(request), partnership=partnership, **fields)
    return Status(201, ProgrammeCreatedOut(id=stream.pk))


@router.post(
    "/streams/{stream_id}/allocations",
    response={201: ProgrammeCreatedOut, **ERRORS},
    summary="Allocate part of a stream to a financial year, or change it (coordinators)",
)
def allocation_set(request: HttpRequest, stream_id: ObjectId, payload: AllocationIn) -> Answer:
    stream = selectors.stream_get(user=request.user, stream_id=stream_id)
    allocation = services.allocation_set(
        actor=acting_user(request), stream=stream, **payload.dict()
    )
    return Status(201, ProgrammeCreatedOut(id=allocation.pk))


@router.put(
    "/partnerships/{partnership_id}/tiers/{tier}",
    response={200: dict[str, Any], **ERRORS},
    summary="Name a tier of intervention in this partnership; empty for the default (coordinators)",
)
def tier_label_set(
    request: HttpRequest,
    partnership_id: ObjectId,
    tier: Annotated[int, Field(ge=1, le=4)],
    payload: TierLabelIn,
) -> Answer:
    partnership = _keeper(request, partnership_id)
    services.tier_label_set(
        actor=acting_user(request), partnership=partnership, tier=tier, label=payload.label
    )
    labels = selectors.tier_labels(partnership_id=partnership.pk)
    return Status(200, {"tier": tier, "label": labels[tier]})


@router.post(
    "/alliances/{alliance_id}/pots",
    response={201: ProgrammeCreatedOut, **ERRORS},
    summary="Start an alliance's pooled pot (coordinators of its member partnerships)",
)
def pot_add(request: HttpRequest, alliance_id: ObjectId, payload: PotIn) -> Answer:
    alliance = Alliance.objects.filter(pk=alliance_id).prefetch_related("partnerships").first()
    members = {p.pk for p in alliance.partnerships.all()} if alliance else set()
    # An alliance the user has no part in is answered as one that does not exist.
    if alliance is None or not facts_for(request.user).member_of & members:
        raise Http404
    pot = services.pot_add(actor=acting_user(request), alliance=alliance, **payload.dict())
    return Status(201, ProgrammeCreatedOut(id=pot.pk))


@router.post(
    "/pots/{pot_id}/contributions",
    response={201: ProgrammeCreatedOut, **ERRORS},
    summary="Record a member partnership's contribution to a pot for a year (that "
    "partnership's coordinators)",
)
def contribution_set(request: HttpRequest, pot_id: ObjectId, payload: ContributionIn) -> Answer:
    pot = selectors.pot_get(user=request.user, pot_id=pot_id)
    with api_field_names(FIELD_NAMES):
        partnership = chosen(
            pot.alliance.partnerships.all(),
            payload.partnership_id,
            "partnership_id",
            what="a member partnership of the alliance",
        )
        contribution = services.contribution_set(
            actor=acting_user(request),
            pot=pot,
            partnership=partnership,
            year=payload.year,
            amount=payload.amount,
        )
    return Status(201, ProgrammeCreatedOut(id=contribution.pk))


@router.post(
    "/partnerships/{partnership_id}/import",
    response={
        201: ImportedOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ImportRejectedOut,
    },
    summary="Import a project list or allocations from CSV or XLSX: all of it, or none of it",
)
def import_upload(
    request: HttpRequest, partnership_id: ObjectId, file: File[UploadedFile | None] = None
) -> Answer:
    """Send the file as the multipart field `file`. Every row is checked first; if any has a
    problem nothing is saved and the answer is 422 with each problem's row and column."""
    partnership = _keeper(request, partnership_id)
    if file is None:
        return Status(
            422,
            ImportRejectedOut(
                detail="No file was sent.",
                errors=[ImportProblemOut(row=None, column="file", message="Send it as `file`.")],
            ),
        )
    try:
        result = programme_import(
            actor=acting_user(request),
            partnership=partnership,
            data=file.read(MAX_BYTES + 1),
            name=file.name or "",
        )
    except ImportRefused as refused:
        return Status(
            422,
            ImportRejectedOut(
                detail=f"The file has {len(refused.problems)} problem(s); nothing was saved.",
                errors=[ImportProblemOut(**p.as_dict()) for p in refused.problems],
            ),
        )
    except PermissionDenied:
        raise PermissionDenied403("You cannot import.", who_can=KEEP) from None
    return Status(201, ImportedOut(**result.__dict__))
