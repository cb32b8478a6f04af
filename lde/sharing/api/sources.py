"""The catalogue of information sources (¶60–61): the data sets a partnership knows of."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import (
    READ_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    Page,
    PageParams,
    chosen,
)
from lde.partnerships.models import Partnership
from lde.partnerships.selectors import partnership_get
from lde.sharing import selectors, services
from lde.sharing.api._common import ACTION_ERRORS, organisation_ref
from lde.sharing.api.schemas import (
    InformationSourceDetailOut,
    InformationSourceIn,
    InformationSourceOut,
    MarkingOut,
    PartnershipRef,
)
from lde.sharing.models import InformationSource
from lde.sharing.policies import information_source_policy

router = Router()


def _information_source_out(source: InformationSource) -> dict[str, Any]:
    return {
        "id": source.pk,
        "partnership": PartnershipRef(id=source.partnership_id, name=source.partnership.name),
        "title": source.title,
        "owner_organisation": organisation_ref(source.owner_organisation),
        "granularity": source.granularity,
        "refresh": source.refresh,
        "marking": MarkingOut(
            code=source.marking.code,
            label=source.marking.label,
            handled_as=source.marking.current.label,
        ),
        "holds_protected_characteristics": source.holds_protected_characteristics,
        "protected_characteristics": source.protected_characteristics,
        "protected_characteristics_reason": source.protected_characteristics_reason,
        "last_reviewed_on": source.last_reviewed_on,
    }


def _information_source_detail(
    request: HttpRequest, source: InformationSource
) -> InformationSourceDetailOut:
    return InformationSourceDetailOut(
        **_information_source_out(source),
        description=source.description,
        coverage_gss_codes=source.coverage_gss_codes,
        coverage_description=source.coverage_description,
        how_to_get=source.how_to_get,
        created_at=source.created_at,
        updated_at=source.updated_at,
        may_manage=information_source_policy.user_can(request.user, "manage", source),
    )


def _information_source_values(payload: InformationSourceIn) -> dict[str, Any]:
    data = payload.model_dump()
    owner = chosen(
        selectors.organisation_choices(),
        data.pop("owner_organisation_id"),
        "owner_organisation_id",
        what="an organisation",
    )
    marking = chosen(
        selectors.information_source_markings(),
        data.pop("marking"),
        "marking",
        what="a marking of today's scheme",
        key="code",
    )
    return {"owner_organisation": owner, "marking": marking, **data}


def _catalogue_partnership(request: HttpRequest, partnership_id: int, action: str) -> Partnership:
    partnership = partnership_get(user=request.user, partnership_id=partnership_id)
    information_source_policy.require_in(request.user, action, partnership.pk)
    return partnership


@router.get(
    "/partnerships/{partnership_id}/sources",
    response={200: Page[InformationSourceOut], **READ_ERRORS, 403: ErrorOut},
    summary="A partnership's catalogue of information sources",
)
def information_source_list(
    request: HttpRequest, partnership_id: ObjectId, page: Query[PageParams]
) -> Page[InformationSourceOut]:
    partnership = _catalogue_partnership(request, partnership_id, "view")
    sources = selectors.information_source_list(user=request.user, partnership_id=partnership.pk)
    return Page[InformationSourceOut](
        count=sources.count(),
        items=[
            InformationSourceOut(**_information_source_out(s))
            for s in sources.select_related("partnership")[page.window()]
        ],
    )


@router.post(
    "/partnerships/{partnership_id}/sources",
    response={201: InformationSourceDetailOut, **ACTION_ERRORS},
    summary="Add an information source to the catalogue (coordinators)",
)
def information_source_create(
    request: HttpRequest, partnership_id: ObjectId, payload: InformationSourceIn
) -> Status[InformationSourceDetailOut | FieldErrorsOut]:
    partnership = _catalogue_partnership(request, partnership_id, "manage")
    source = services.information_source_create(
        actor=acting_user(request),
        partnership=partnership,
        **_information_source_values(payload),
    )
    return Status(
        201,
        _information_source_detail(
            request, selectors.information_source_get(user=request.user, source_id=source.pk)
        ),
    )


@router.get(
    "/sources/{source_id}",
    response={200: InformationSourceDetailOut, **READ_ERRORS},
    summary="One entry of a catalogue of information sources",
)
def information_source_get(request: HttpRequest, source_id: ObjectId) -> InformationSourceDetailOut:
    return _information_source_detail(
        request, selectors.information_source_get(user=request.user, source_id=source_id)
    )


@router.put(
    "/sources/{source_id}",
    response={200: InformationSourceDetailOut, **ACTION_ERRORS},
    summary="Change a catalogue entry (the partnership's coordinators)",
)
def information_source_update(
    request: HttpRequest, source_id: ObjectId, payload: InformationSourceIn
) -> Status[InformationSourceDetailOut | FieldErrorsOut]:
    source = selectors.information_source_get(user=request.user, source_id=source_id)
    information_source_policy.require(request.user, "manage", source)
    services.information_source_update(
        actor=acting_user(request), source=source, **_information_source_values(payload)
    )
    return Status(
        200,
        _information_source_detail(
            request, selectors.information_source_get(user=request.user, source_id=source.pk)
        ),
    )
