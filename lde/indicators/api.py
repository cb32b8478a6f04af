"""API: indicators. Their definitions, status in words and figures; defining one, recording its
figures (one at a time or from a file) and attaching its latest figure as evidence.

The same policies as the pages. The partnership's readers get every figure, with `small` set on
those resting on a count under 10. Anyone else signed in reads only *published* indicators, and
every figure resting on a count under 10 comes back as null with `withheld` set — the same rule,
through `lde.core.suppression`, as the open page.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params import File
from pydantic import ConfigDict, Field

from lde.accounts.models import Organisation
from lde.accounts.selectors import acting_user
from lde.core.api_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    Page,
    PageParams,
    api_field_names,
    chosen,
    chosen_many,
)
from lde.core.limits import limit_of
from lde.indicators import imports, selectors, services
from lde.indicators.forms import informed_criteria
from lde.indicators.models import (
    Indicator,
    IndicatorKind,
    MeasureType,
    Observation,
    PeriodType,
    Polarity,
)
from lde.indicators.policies import indicator_policy
from lde.partnerships import selectors as partnership_selectors
from lde.programme.imports import MAX_BYTES, ImportRefused

router = Router(tags=["indicators"])

BIGINT = 9_223_372_036_854_775_807
FREE_TEXT = r"^[^\x00]*$"
Id = Annotated[int, Field(ge=1, le=BIGINT)]
INDICATOR_WRITE_ERRORS: dict[int, type[Schema]] = {**WRITE_ERRORS, 400: FieldErrorsOut}
FIELD_NAMES = {"criteria": "criterion_ids", "reported_by": "reported_by_id", "period": "period"}


class IndicatorCriterionRef(Schema):
    id: int
    framework: str
    identifier: str
    title: str


class IndicatorFigureOut(Schema):
    period: str = Field(description="2025-03, 2025-Q1 or 2025, as the indicator's period type.")
    period_label: str
    area_code: str = Field(description="A GSS code, or empty.")
    area_name: str = Field(description="A ward in words, or empty; both empty: the whole area.")
    value: str | None = Field(description="Null when withheld.")
    numerator: int | None
    denominator: int | None
    target: str | None
    small: bool = Field(description="Rests on a count under 10 (shown only to the partnership).")
    withheld: bool = Field(description="Withheld: it rests on a count under 10.")


class IndicatorOut(Schema):
    id: int
    partnership_id: int
    partnership_name: str
    title: str
    kind: str = Field(description="input or outcome (¶164).")
    unit: str
    polarity: str = Field(description="higher, lower or neither.")
    period_type: str
    measure_type: str = Field(description="count or rate.")
    rate_per: int
    published: bool
    status: str = Field(
        description="On track, Not on track, No target or Not enough data: in words."
    )
    status_reason: str
    criteria: list[IndicatorCriterionRef]
    outside: bool = Field(description="You read it as published, with figures under 10 withheld.")


class IndicatorDetailOut(IndicatorOut):
    measures: str
    source: str
    method: str
    small_number_rule: str
    figures: list[IndicatorFigureOut] = Field(description="The whole area's figures, oldest first.")


class IndicatorFilters(PageParams):
    partnership_id: int | None = Field(None, ge=1, le=BIGINT, description="Only this one's.")


class IndicatorIn(Schema):
    model_config = ConfigDict(extra="forbid")

    partnership_id: Id
    title: str = Field(min_length=1, max_length=limit_of(Indicator, "title"), pattern=FREE_TEXT)
    measures: str = Field(
        min_length=1, max_length=limit_of(Indicator, "measures"), pattern=FREE_TEXT
    )
    unit: str = Field(min_length=1, max_length=limit_of(Indicator, "unit"), pattern=FREE_TEXT)
    kind: IndicatorKind
    polarity: Polarity
    period_type: PeriodType
    measure_type: MeasureType = MeasureType.COUNT
    rate_per: int = Field(100, ge=1, le=1_000_000)
    source: str = Field(min_length=1, max_length=limit_of(Indicator, "source"), pattern=FREE_TEXT)
    method: str = Field(min_length=1, max_length=limit_of(Indicator, "method"), pattern=FREE_TEXT)
    small_number_rule: str | None = Field(
        None, max_length=limit_of(Indicator, "small_number_rule"), pattern=FREE_TEXT
    )
    reported_by_id: Id | None = None
    criterion_ids: list[Id] = Field(default_factory=list, max_length=100)


class ObservationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(
        min_length=1, max_length=10, description="2025-03, 2025-Q1 or 2025, as the indicator's."
    )
    value: int | None = Field(None, ge=0, description="For a count.")
    numerator: int | None = Field(None, ge=0, description="For a rate.")
    denominator: int | None = Field(None, ge=0, description="For a rate.")
    area_code: str = Field("", max_length=9, description="A GSS code, or empty.")
    area_name: str = Field("", max_length=limit_of(Observation, "area_name"), pattern=FREE_TEXT)


class IndicatorImportedOut(Schema):
    id: int
    rows: int
    created: int
    replaced: int


class IndicatorImportProblemOut(Schema):
    row: int | None
    column: str
    message: str


class IndicatorImportRejectedOut(Schema):
    detail: str
    errors: list[IndicatorImportProblemOut]


class EvidenceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    criterion_id: Id = Field(description="A criterion the indicator informs.")


class IndicatorEvidenceOut(Schema):
    id: int
    assessment_id: int
    title: str
    url: str
    effective_on: date


def _readable(request: HttpRequest) -> QuerySet[Indicator]:
    """What this user reads: the indicators of their partnerships, and published ones."""
    visible = indicator_policy.visible_to(request.user, "view").values("pk")
    return Indicator.objects.filter(Q(pk__in=visible) | Q(published=True))


def _get(request: HttpRequest, indicator_id: int) -> tuple[Indicator, bool]:
    if indicator_policy.visible_to(request.user, "view").filter(pk=indicator_id).exists():
        indicator = selectors.indicator_get(user=request.user, indicator_id=indicator_id)
        return indicator, not selectors.reads_inside(request.user, indicator)
    return selectors.open_indicator(indicator_id=indicator_id), True


def _summary(request: HttpRequest, indicator: Indicator, outside: bool) -> dict[str, Any]:
    status = selectors.status_of(indicator)
    return {
        "id": indicator.pk,
        "partnership_id": indicator.partnership_id,
        "partnership_name": indicator.partnership.name,
        "title": indicator.title,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "polarity": indicator.polarity,
        "period_type": indicator.period_type,
        "measure_type": indicator.measure_type,
        "rate_per": indicator.rate_per,
        "published": indicator.published,
        "status": status.words,
        "status_reason": status.reason,
        "criteria": [
            IndicatorCriterionRef(
                id=c.pk,
                framework=c.framework_version.framework.identifier,
                identifier=c.identifier,
                title=c.title,
            )
            for c in indicator.criteria.all()
        ],
        "outside": outside,
    }


def _figures(
    indicator: Indicator, observations: list[Observation], outside: bool
) -> list[IndicatorFigureOut]:
    rows = selectors.series_rows(indicator, observations, outside=outside)
    return [
        IndicatorFigureOut(
            period=r.code,
            period_label=r.period,
            area_code=o.area_code,
            area_name=o.area_name,
            value=None if r.withheld else f"{o.value.normalize():f}",
            numerator=None if r.withheld else o.numerator,
            denominator=None if r.withheld else o.denominator,
            target=r.target.replace(",", "") or None,
            small=r.small,
            withheld=r.withheld,
        )
        for o, r in zip(observations, rows, strict=True)
    ]


def _detail(request: HttpRequest, indicator: Indicator, outside: bool) -> IndicatorDetailOut:
    series = list(indicator.observations.filter(selectors.whole_area()).order_by("period_start"))
    return IndicatorDetailOut(
        **_summary(request, indicator, outside),
        measures=indicator.measures,
        source=indicator.source,
        method=indicator.method,
        small_number_rule=indicator.small_number_rule,
        figures=_figures(indicator, series, outside),
    )


@router.get(
    "",
    response={200: Page[IndicatorOut], **LIST_ERRORS},
    summary="Indicators you may read: your partnerships' and published ones",
)
def indicator_list(request: HttpRequest, filters: Query[IndicatorFilters]) -> Page[IndicatorOut]:
    indicators = (
        _readable(request)
        .select_related("partnership")
        .prefetch_related("criteria__framework_version__framework", *selectors._series_prefetch())
        .order_by("partnership__name", "title", "pk")
    )
    if filters.partnership_id is not None:
        indicators = indicators.filter(partnership_id=filters.partnership_id)
    page = list(indicators[filters.window()])
    return Page[IndicatorOut](
        count=indicators.count(),
        items=[
            IndicatorOut(**_summary(request, i, not selectors.reads_inside(request.user, i)))
            for i in page
        ],
    )


@router.get(
    "/{indicator_id}",
    response={200: IndicatorDetailOut, **READ_ERRORS},
    summary="One indicator: its definition, status and the whole area's figures",
)
def indicator_get(request: HttpRequest, indicator_id: ObjectId) -> IndicatorDetailOut:
    indicator, outside = _get(request, indicator_id)
    return _detail(request, indicator, outside)


@router.post(
    "",
    response={201: IndicatorDetailOut, **INDICATOR_WRITE_ERRORS},
    summary="Define an indicator (coordinators)",
)
def indicator_create(
    request: HttpRequest, payload: IndicatorIn
) -> Status[IndicatorDetailOut | FieldErrorsOut | ErrorOut]:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=payload.partnership_id
    )
    indicator_policy.require_in(request.user, "define", partnership.pk)
    reported_by = chosen(
        Organisation.objects.filter(pk__in=partnership.organisations.values("pk")),
        payload.reported_by_id,
        "reported_by_id",
        what="a partner organisation",
    )
    criteria = chosen_many(
        informed_criteria(), payload.criterion_ids, "criterion_ids", what="a criterion"
    )
    fields = payload.dict(
        exclude={"partnership_id", "reported_by_id", "criterion_ids", "small_number_rule"}
    )
    if payload.small_number_rule:
        fields["small_number_rule"] = payload.small_number_rule
    fields = {k: (v.value if hasattr(v, "value") else v) for k, v in fields.items()}
    with api_field_names(FIELD_NAMES):
        indicator = services.indicator_create(
            actor=acting_user(request),
            partnership=partnership,
            reported_by=reported_by,
            criteria=criteria,
            **fields,
        )
    saved = selectors.indicator_get(user=request.user, indicator_id=indicator.pk)
    return Status(201, _detail(request, saved, False))


@router.get(
    "/{indicator_id}/observations",
    response={200: list[IndicatorFigureOut], **READ_ERRORS},
    summary="Every figure of an indicator, by period and area",
)
def observation_list(request: HttpRequest, indicator_id: ObjectId) -> list[IndicatorFigureOut]:
    indicator, outside = _get(request, indicator_id)
    observations = list(indicator.observations.order_by("period_start", "area_code", "area_name"))
    return _figures(indicator, observations, outside)


@router.post(
    "/{indicator_id}/observations",
    response={201: IndicatorFigureOut, **INDICATOR_WRITE_ERRORS},
    summary="Record (or correct) one figure (coordinators; contributors of the reporting "
    "organisation)",
)
def observation_create(
    request: HttpRequest, indicator_id: ObjectId, payload: ObservationIn
) -> Status[IndicatorFigureOut | FieldErrorsOut | ErrorOut]:
    indicator = selectors.indicator_get(user=request.user, indicator_id=indicator_id)
    indicator_policy.require(request.user, "record", indicator)
    with api_field_names(FIELD_NAMES):
        period = services.parse_period(payload.period, indicator.period_type)
        observation = services.observation_record(
            actor=acting_user(request),
            indicator=indicator,
            period=period,
            value=payload.value,
            numerator=payload.numerator,
            denominator=payload.denominator,
            area_code=payload.area_code,
            area_name=payload.area_name,
        )
    return Status(201, _figures(indicator, [observation], False)[0])


@router.post(
    "/{indicator_id}/observations/import",
    response={
        201: IndicatorImportedOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: IndicatorImportRejectedOut,
    },
    summary="Record figures from a file (CSV or XLSX): all of them, or none",
)
def observations_import(
    request: HttpRequest, indicator_id: ObjectId, file: File[UploadedFile | None] = None
) -> Status[Any]:
    """Send the file as the multipart field `file`, with the columns period, value (or
    numerator and denominator), area_code and area_name. Every row is checked first; if any has
    a problem nothing is saved and the answer is 422 naming each problem's row and column."""
    indicator = selectors.indicator_get(user=request.user, indicator_id=indicator_id)
    indicator_policy.require(request.user, "record", indicator)
    if file is None:
        return Status(
            422,
            IndicatorImportRejectedOut(
                detail="No file was sent.",
                errors=[
                    IndicatorImportProblemOut(row=None, column="file", message="Send it as `file`.")
                ],
            ),
        )
    try:
        result = imports.observations_import(
            actor=acting_user(request),
            indicator=indicator,
            data=file.read(MAX_BYTES + 1),
            name=file.name or "",
        )
    except ImportRefused as refused:
        return Status(
            422,
            IndicatorImportRejectedOut(
                detail=f"The file has {len(refused.problems)} problem(s); nothing was saved.",
                errors=[IndicatorImportProblemOut(**p.as_dict()) for p in refused.problems],
            ),
        )
    return Status(
        201,
        IndicatorImportedOut(
            id=indicator.pk, rows=result.rows, created=result.created, replaced=result.replaced
        ),
    )


@router.post(
    "/{indicator_id}/evidence",
    response={201: IndicatorEvidenceOut, **INDICATOR_WRITE_ERRORS},
    summary="Attach the latest figure as evidence to a criterion of the current assessment",
)
def evidence_attach(
    request: HttpRequest, indicator_id: ObjectId, payload: EvidenceIn
) -> Status[IndicatorEvidenceOut | FieldErrorsOut | ErrorOut]:
    indicator = selectors.indicator_get(user=request.user, indicator_id=indicator_id)
    indicator_policy.require(request.user, "attach", indicator)
    criterion = indicator.criteria.filter(pk=payload.criterion_id).first()
    if criterion is None:
        raise DjangoValidationError({"criterion_id": ["A criterion the indicator informs."]})
    with api_field_names({"criterion": "criterion_id"}):
        evidence = services.evidence_attach(
            actor=acting_user(request),
            indicator=indicator,
            criterion=criterion,
            site_url=settings.LDE_SITE_URL,
        )
    return Status(
        201,
        IndicatorEvidenceOut(
            id=evidence.pk,
            assessment_id=evidence.response.assessment_id,
            title=evidence.title,
            url=evidence.url,
            effective_on=evidence.effective_on,
        ),
    )
