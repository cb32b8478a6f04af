"""API: survey data sets. A partnership's data sets, uploading one with its design (multipart:
the file, the totals files and the design as form fields), one data set with its design written
out, estimates worked out on request, saving one, reading a saved one, and attaching it as
evidence to an assessment's criterion.

The same policies and services as the pages: reads through the selectors (404 when not
visible), writes through the services (403 when visible but not allowed, saying who can); a
refusal — a zero weight, a missing stratum — is a 400 with its message by field, naming the
row and the column, and nothing is saved. Figures resting on fewer than 10 responses are
withheld (null, `withheld` true) from a reader outside the partnership.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    Page,
    PageParams,
)
from lde.core.limits import limit_of
from lde.partnerships import selectors as partnership_selectors
from lde.surveys.datasets import selectors, services
from lde.surveys.datasets.policies import (
    saved_estimate_policy,
    sees_small_numbers,
    survey_data_set_policy,
)
from lde.surveys.datasets.presentation import design_words, small
from lde.surveys.models import (
    Calibration,
    CiMethod,
    LonelyPsu,
    SavedEstimate,
    Statistic,
    SurveyDataSet,
)
from lde.surveys.models.datasets import COLUMN_NAME, MAX_BYTES

router = Router(tags=["survey data sets"])

SURVEY_WRITE_ERRORS: dict[int, type[Schema]] = {
    status: shape for status, shape in WRITE_ERRORS.items() if status != 409
}
FREE_TEXT = r"^[^\x00]*$"
COLUMN = Field("", max_length=COLUMN_NAME, pattern=FREE_TEXT)


# --- Shapes --------------------------------------------------------------------------------


class DataSetOut(Schema):
    id: int
    partnership_id: int
    title: str
    source: str
    period_start: date
    period_end: date
    row_count: int
    columns: list[str]
    file_name: str
    content_hash: str = Field(description="SHA-256 of the uploaded file.")
    weights_column: str
    strata_column: str
    cluster_column: str
    cluster2_column: str
    fpc_column: str
    fpc2_column: str
    lonely_psu: str
    calibration: str
    calibration_totals: dict[str, dict[str, float]] = Field(
        description="For each calibrated column, its values' population totals (Freq)."
    )
    design: list[str] = Field(description="The design written out in sentences.")
    created_at: datetime


class DataSetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    # Each may be left out, so that the service names every missing field at once (400).
    title: str = Field("", max_length=limit_of(SurveyDataSet, "title"), pattern=FREE_TEXT)
    source: str = Field("", max_length=limit_of(SurveyDataSet, "source"), pattern=FREE_TEXT)
    period_start: date | None = None
    period_end: date | None = None
    weights_column: str = COLUMN
    strata_column: str = COLUMN
    cluster_column: str = COLUMN
    cluster2_column: str = COLUMN
    fpc_column: str = COLUMN
    fpc2_column: str = COLUMN
    lonely_psu: LonelyPsu = LonelyPsu.FAIL
    calibration: Calibration = Calibration.NONE


class QuestionIn(Schema):
    # Left out, the service names what is missing (400), as the page's form does.
    statistic: Statistic | None = None
    outcome: str = Field("", max_length=COLUMN_NAME)
    value: str = Field("", max_length=limit_of(SavedEstimate, "value"), pattern=FREE_TEXT)
    domain_column: str = Field("", max_length=COLUMN_NAME)
    ci_method: CiMethod | None = None


class EstimateSaveIn(QuestionIn):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=limit_of(SavedEstimate, "note"), pattern=FREE_TEXT)


class FigureOut(Schema):
    domain: str | None = Field(description="Null for the whole sample.")
    withheld: bool = Field(
        description="Fewer than 10 responses, and the reader is outside the partnership: "
        "every figure is null."
    )
    small_n: bool = Field(description="Fewer than 10 responses.")
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    t_ci_low: float | None = Field(description="95% interval on the design's df.")
    t_ci_high: float | None
    df: float | None
    deff: float | None = Field(description="Against simple random sampling without replacement.")
    n: int | None
    weighted_n: float | None
    cv: float | None
    cv_over_30_percent: bool | None
    warnings: list[str]


class EstimatesOut(Schema):
    data_set_id: int
    statistic: str
    outcome: str
    value: str
    domain_column: str
    ci_method: str
    estimates: list[FigureOut]
    design: list[str]


class SavedEstimateOut(EstimatesOut):
    id: int
    note: str
    engine_version: str
    computed_at: datetime


class AttachIn(Schema):
    model_config = ConfigDict(extra="forbid")

    response_id: int = Field(
        ge=1,
        description="A criterion response of a draft progress-measures or "
        "desirable-characteristics self-assessment of the data set's partnership.",
    )
    domain: str | None = Field(None, max_length=limit_of(SavedEstimate, "value"))


class AttachedOut(Schema):
    evidence_id: int
    assessment_id: int
    response_id: int
    title: str
    url: str


# --- Building the answers ------------------------------------------------------------------


def _data_set(data_set: SurveyDataSet) -> DataSetOut:
    return DataSetOut(
        id=data_set.pk,
        partnership_id=data_set.partnership_id,
        title=data_set.title,
        source=data_set.source,
        period_start=data_set.period_start,
        period_end=data_set.period_end,
        row_count=data_set.row_count,
        columns=data_set.columns,
        file_name=data_set.file_name,
        content_hash=data_set.content_hash,
        weights_column=data_set.weights_column,
        strata_column=data_set.strata_column,
        cluster_column=data_set.cluster_column,
        cluster2_column=data_set.cluster2_column,
        fpc_column=data_set.fpc_column,
        fpc2_column=data_set.fpc2_column,
        lonely_psu=data_set.lonely_psu,
        calibration=data_set.calibration,
        calibration_totals=data_set.calibration_totals or {},
        design=design_words(data_set),
        created_at=data_set.created_at,
    )


def _figures(results: list[dict[str, Any]], *, inside: bool) -> list[FigureOut]:
    out = []
    for row in results:
        withheld = small(row) and not inside
        cv = row.get("cv")

        def shown(name: str, row: dict[str, Any] = row, withheld: bool = withheld) -> Any:
            return None if withheld else row.get(name)

        out.append(
            FigureOut(
                domain=row.get("domain"),
                withheld=withheld,
                small_n=small(row),
                estimate=shown("estimate"),
                se=shown("se"),
                ci_low=shown("ci_low"),
                ci_high=shown("ci_high"),
                t_ci_low=shown("t_ci_low"),
                t_ci_high=shown("t_ci_high"),
                df=shown("df"),
                deff=shown("deff"),
                n=shown("n"),
                weighted_n=shown("weighted_n"),
                cv=shown("cv"),
                cv_over_30_percent=None if withheld or cv is None else cv > 0.30,
                warnings=[] if withheld else list(row.get("warnings") or []),
            )
        )
    return out


def _question(payload: QuestionIn) -> dict[str, str]:
    return {
        "statistic": payload.statistic.value if payload.statistic else "",
        "outcome": payload.outcome,
        "value": payload.value,
        "domain_column": payload.domain_column,
        "ci_method": payload.ci_method.value if payload.ci_method else "",
    }


def _saved(request: HttpRequest, estimate: SavedEstimate) -> SavedEstimateOut:
    data_set = estimate.data_set
    return SavedEstimateOut(
        id=estimate.pk,
        data_set_id=data_set.pk,
        statistic=estimate.statistic,
        outcome=estimate.outcome,
        value=estimate.value,
        domain_column=estimate.domain_column,
        ci_method=estimate.ci_method,
        note=estimate.note,
        engine_version=estimate.engine_version,
        computed_at=estimate.computed_at,
        estimates=_figures(
            estimate.results, inside=sees_small_numbers(request.user, data_set.partnership_id)
        ),
        design=design_words(data_set),
    )


# --- Endpoints -----------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/data-sets",
    response={200: Page[DataSetOut], 403: ErrorOut, **READ_ERRORS},
    summary="A partnership's survey data sets, newest fieldwork first",
)
def data_set_list(
    request: HttpRequest, partnership_id: ObjectId, page: Query[PageParams]
) -> Page[DataSetOut]:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    survey_data_set_policy.require_in(request.user, "view", partnership.pk)
    found = selectors.data_set_list(user=request.user, partnership=partnership)
    return Page[DataSetOut](count=found.count(), items=[_data_set(d) for d in found[page.window()]])


@router.post(
    "/partnerships/{partnership_id}/data-sets",
    response={201: DataSetOut, **SURVEY_WRITE_ERRORS},
    summary="Upload a survey's responses with its design (coordinators): all of it, or none",
)
def data_set_upload(
    request: HttpRequest,
    partnership_id: ObjectId,
    payload: Form[DataSetIn],
    file: File[UploadedFile | None] = None,
    totals: File[list[UploadedFile] | None] = None,
) -> Status[DataSetOut | FieldErrorsOut | ErrorOut]:
    """Send the responses as the multipart field `file` (CSV or XLSX), any totals files as
    `totals` (one for post-stratification, one per column for raking), and the rest as form
    fields. A design the engine cannot build is a 400 naming the row and the column."""
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    survey_data_set_policy.require_in(request.user, "manage", partnership.pk)
    if file is None:
        raise DjangoValidationError({"file": ["Send the survey's responses as `file`."]})
    data_set = services.data_set_upload(
        actor=acting_user(request),
        partnership=partnership,
        title=payload.title,
        source=payload.source,
        period_start=payload.period_start,
        period_end=payload.period_end,
        upload=services.Upload(file.name or "", file.read(MAX_BYTES + 1)),
        design=services.Design(
            weights_column=payload.weights_column,
            strata_column=payload.strata_column,
            cluster_column=payload.cluster_column,
            cluster2_column=payload.cluster2_column,
            fpc_column=payload.fpc_column,
            fpc2_column=payload.fpc2_column,
            lonely_psu=payload.lonely_psu.value,
            calibration=payload.calibration.value,
        ),
        totals=[services.Upload(t.name or "", t.read(MAX_BYTES + 1)) for t in totals or []],
    )
    return Status(201, _data_set(data_set))


@router.get(
    "/data-sets/{data_set_id}",
    response={200: DataSetOut, **READ_ERRORS},
    summary="One survey data set: its columns and its design written out",
)
def data_set_get(request: HttpRequest, data_set_id: ObjectId) -> DataSetOut:
    return _data_set(selectors.data_set_get(user=request.user, data_set_id=data_set_id))


@router.get(
    "/data-sets/{data_set_id}/estimates",
    response={200: EstimatesOut, 400: FieldErrorsOut, **READ_ERRORS},
    summary="Design-based estimates of a data set, worked out now (nothing is saved)",
)
def estimates_compute(
    request: HttpRequest, data_set_id: ObjectId, question: Query[QuestionIn]
) -> EstimatesOut:
    data_set = selectors.data_set_get(user=request.user, data_set_id=data_set_id, with_rows=True)
    asked = _question(question)
    results = services.estimates_compute(data_set=data_set, **asked)
    return EstimatesOut(
        data_set_id=data_set.pk,
        **asked,
        estimates=_figures(
            results, inside=sees_small_numbers(request.user, data_set.partnership_id)
        ),
        design=design_words(data_set),
    )


@router.get(
    "/data-sets/{data_set_id}/saved-estimates",
    response={200: Page[SavedEstimateOut], **READ_ERRORS},
    summary="A data set's saved estimates, newest first",
)
def saved_estimate_list(
    request: HttpRequest, data_set_id: ObjectId, page: Query[PageParams]
) -> Page[SavedEstimateOut]:
    data_set = selectors.data_set_get(user=request.user, data_set_id=data_set_id)
    found = selectors.estimate_list(user=request.user, data_set=data_set).select_related("data_set")
    return Page[SavedEstimateOut](
        count=found.count(), items=[_saved(request, e) for e in found[page.window()]]
    )


@router.post(
    "/data-sets/{data_set_id}/saved-estimates",
    response={201: SavedEstimateOut, **SURVEY_WRITE_ERRORS},
    summary="Save an estimate as the engine gives it now (coordinators)",
)
def estimate_save(
    request: HttpRequest, data_set_id: ObjectId, payload: EstimateSaveIn
) -> Status[SavedEstimateOut | FieldErrorsOut | ErrorOut]:
    data_set = selectors.data_set_get(user=request.user, data_set_id=data_set_id, with_rows=True)
    estimate = services.estimate_save(
        actor=acting_user(request), data_set=data_set, note=payload.note, **_question(payload)
    )
    return Status(201, _saved(request, estimate))


@router.get(
    "/estimates/{estimate_id}",
    response={200: SavedEstimateOut, **READ_ERRORS},
    summary="One saved estimate, as it was computed",
)
def estimate_get(request: HttpRequest, estimate_id: ObjectId) -> SavedEstimateOut:
    return _saved(request, selectors.estimate_get(user=request.user, estimate_id=estimate_id))


@router.post(
    "/estimates/{estimate_id}/evidence",
    response={201: AttachedOut, **SURVEY_WRITE_ERRORS},
    summary="Attach a saved estimate as evidence to an assessment's criterion (coordinators)",
)
def estimate_attach(
    request: HttpRequest, estimate_id: ObjectId, payload: AttachIn
) -> Status[AttachedOut | FieldErrorsOut | ErrorOut]:
    estimate = selectors.estimate_get(user=request.user, estimate_id=estimate_id)
    saved_estimate_policy.require(request.user, "manage", estimate)
    response = (
        selectors.attachable_responses(
            user=request.user, partnership_id=estimate.data_set.partnership_id
        )
        .filter(pk=payload.response_id)
        .first()
    )
    if response is None:
        raise DjangoValidationError(
            {"response_id": ["That is not a criterion you may attach evidence to."]}
        )
    evidence = services.estimate_attach(
        actor=acting_user(request), estimate=estimate, response=response, domain=payload.domain
    )
    return Status(
        201,
        AttachedOut(
            evidence_id=evidence.pk,
            assessment_id=response.assessment_id,
            response_id=response.pk,
            title=evidence.title,
            url=evidence.url,
        ),
    )
