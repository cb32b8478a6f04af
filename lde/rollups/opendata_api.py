"""API: open data. Anyone, without a token, lists and reads released data sets; signed-in
coordinators and national analysts draft, propose, approve and release them, under the same
policy and services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, ObjectId, Page, PageParams
from lde.core.limits import SHORT_TEXT, TITLE
from lde.partnerships.selectors import partnership_get
from lde.rollups import opendata, opendata_selectors, opendata_services
from lde.rollups.models import OpenDataFigures, OpenDataRelease

router = Router(tags=["open data"])


class LicenceOut(Schema):
    name: str
    url: str


class OpenDataSummaryOut(Schema):
    id: int
    title: str
    description: str
    area: str = Field(description="The partnership's name, or England for national figures")
    publisher: str
    licence: LicenceOut
    figures_kind: str
    released_at: datetime | None
    csv: str = Field(description="The CSV's address")
    json_url: str = Field(description="The JSON's address (metadata, approval and figures)")


def _summary(release: OpenDataRelease) -> OpenDataSummaryOut:
    return OpenDataSummaryOut(
        id=release.pk,
        title=release.title,
        description=release.description,
        area=release.partnership.name if release.partnership else "England",
        publisher=release.publisher,
        licence=LicenceOut(name=release.licence, url=release.licence_url),
        figures_kind=release.figures_kind,
        released_at=release.released_at,
        csv=reverse("opendata:release-csv", args=[release.pk]),
        json_url=reverse("opendata:release-json", args=[release.pk]),
    )


@router.get(
    "",
    auth=None,
    response={200: Page[OpenDataSummaryOut], **LIST_ERRORS},
    summary="Released open data sets (anyone, no token needed)",
)
def open_data_list(request: HttpRequest, page: Query[PageParams]) -> Page[OpenDataSummaryOut]:
    releases = opendata_selectors.released_list()
    return Page[OpenDataSummaryOut](
        count=releases.count(), items=[_summary(r) for r in releases[page.window()]]
    )


class OpenDataDocumentOut(Schema):
    metadata: dict[str, Any] = Field(
        description="Title, publisher, licence, suppression and the approval record (roles and "
        "dates, never people)"
    )
    rows: list[dict[str, Any]] = Field(description="The figures; null where withheld")


@router.get(
    "/{release_id}",
    auth=None,
    response={200: OpenDataDocumentOut, **READ_ERRORS},
    summary="One released open data set: its metadata, approval record and figures (anyone)",
)
def open_data_get(request: HttpRequest, release_id: ObjectId) -> OpenDataDocumentOut:
    release = opendata_selectors.released_get(release_id=release_id)
    return OpenDataDocumentOut(
        metadata=opendata.metadata(release), rows=(release.figures or {}).get("rows", [])
    )


class OpenDataReleaseIn(Schema):
    partnership_id: int | None = Field(
        None, ge=1, description="The partnership whose own figures these are; null: national"
    )
    title: str = Field(max_length=TITLE)
    description: str = Field("", max_length=SHORT_TEXT)
    publisher: str = Field(max_length=TITLE)
    figures_kind: str = Field(description=f"One of: {', '.join(OpenDataFigures.values)}")
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="indicator_observations: {indicator_id}; national_briefing_coverage: {}",
    )
    embargo_until: datetime | None = None


class OpenDataReleaseOut(Schema):
    id: int
    scope: str
    partnership_id: int | None
    title: str
    status: str
    figures_kind: str
    parameters: dict[str, Any]
    licence: str
    licence_url: str
    publisher: str
    embargo_until: datetime | None
    proposed_at: datetime | None
    approved_at: datetime | None
    released_at: datetime | None
    figures_sha256: str


def _out(release: OpenDataRelease) -> OpenDataReleaseOut:
    return OpenDataReleaseOut.model_validate(release, from_attributes=True)


@router.post(
    "",
    response={201: OpenDataReleaseOut, **WRITE_ERRORS},
    summary="Draft an open data release (a partnership's coordinators; national analysts)",
)
def open_data_create(request: HttpRequest, body: OpenDataReleaseIn) -> Status[OpenDataReleaseOut]:
    partnership = (
        partnership_get(user=request.user, partnership_id=body.partnership_id)
        if body.partnership_id is not None
        else None
    )
    if body.embargo_until is not None and body.embargo_until.tzinfo is None:
        raise ValidationError({"embargo_until": "Give the embargo's time zone"})
    made = opendata_services.open_data_release_create(
        actor=acting_user(request),
        partnership=partnership,
        title=body.title,
        description=body.description,
        publisher=body.publisher,
        figures_kind=body.figures_kind,
        parameters=body.parameters,
        embargo_until=body.embargo_until,
    )
    return Status(201, _out(made))


@router.post(
    "/{release_id}/propose",
    response={200: OpenDataReleaseOut, **WRITE_ERRORS},
    summary="Propose a draft for approval",
)
def open_data_propose(request: HttpRequest, release_id: ObjectId) -> OpenDataReleaseOut:
    release = opendata_selectors.release_get(user=request.user, release_id=release_id)
    return _out(
        opendata_services.open_data_release_propose(actor=acting_user(request), release=release)
    )


@router.post(
    "/{release_id}/approve",
    response={200: OpenDataReleaseOut, **WRITE_ERRORS},
    summary="Approve a proposal, freezing its suppressed figures (national: a second analyst)",
)
def open_data_approve(request: HttpRequest, release_id: ObjectId) -> OpenDataReleaseOut:
    """403 for the national analyst who proposed it: another must approve."""
    release = opendata_selectors.release_get(user=request.user, release_id=release_id)
    return _out(
        opendata_services.open_data_release_approve(actor=acting_user(request), release=release)
    )


@router.post(
    "/{release_id}/release",
    response={200: OpenDataReleaseOut, **WRITE_ERRORS},
    summary="Release approved figures on the open pages (409 while embargoed)",
)
def open_data_release(request: HttpRequest, release_id: ObjectId) -> OpenDataReleaseOut:
    release = opendata_selectors.release_get(user=request.user, release_id=release_id)
    return _out(
        opendata_services.open_data_release_release(actor=acting_user(request), release=release)
    )
