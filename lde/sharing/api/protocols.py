"""Information sharing protocols: reading them, drafting and changing them, their status and
signatories (coordinators of a party)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    FieldErrorsOut,
    ObjectId,
    Page,
    PageParams,
    chosen,
    chosen_many,
)
from lde.sharing import selectors, services
from lde.sharing.api._common import ACTION_ERRORS, organisation_ref
from lde.sharing.api.schemas import (
    ProtocolChangeIn,
    ProtocolDetailOut,
    ProtocolIn,
    ProtocolOut,
    ProtocolStatusIn,
    SignatoryIn,
    SignatoryOut,
)
from lde.sharing.models import Protocol
from lde.sharing.policies import protocol_policy

router = Router()


def _protocol_out(protocol: Protocol) -> dict[str, Any]:
    return {
        "id": protocol.pk,
        "title": protocol.title,
        "reference": protocol.reference,
        "status": protocol.status,
        "parties": [organisation_ref(o) for o in protocol.parties.all()],
        "review_on": protocol.review_on,
        "retention_days": protocol.retention_days,
    }


def _protocol_detail(request: HttpRequest, protocol: Protocol) -> ProtocolDetailOut:
    return ProtocolDetailOut(
        **_protocol_out(protocol),
        revision=protocol.revision,
        controllers=[organisation_ref(o) for o in protocol.controllers.all()],
        purpose=protocol.purpose,
        legal_basis=protocol.legal_basis,
        dpia_reference=protocol.dpia_reference,
        information_shared=protocol.information_shared,
        who_may_see=protocol.who_may_see,
        handling=protocol.handling,
        external_url=protocol.external_url,
        signatories=[
            SignatoryOut(
                organisation=organisation_ref(s.organisation),
                name=s.name,
                post_title=s.post_title,
                signed_on=s.signed_on,
            )
            for s in selectors.protocol_signatories(protocol=protocol)
        ],
        may_manage=protocol_policy.user_can(request.user, "manage", protocol),
    )


def _protocol_values(payload: ProtocolIn | ProtocolChangeIn) -> dict[str, Any]:
    data = payload.model_dump()
    organisations = selectors.organisation_choices()
    parties = chosen_many(organisations, data.pop("party_ids"), "party_ids", what="an organisation")
    controllers = chosen_many(
        organisations, data.pop("controller_ids"), "controller_ids", what="an organisation"
    )
    return {"parties": parties, "controllers": controllers, **data}


@router.get(
    "/protocols",
    response={200: Page[ProtocolOut], **LIST_ERRORS},
    summary="Information sharing protocols you may read",
)
def protocol_list(request: HttpRequest, page: Query[PageParams]) -> Page[ProtocolOut]:
    protocols = selectors.protocol_list(user=request.user)
    return Page[ProtocolOut](
        count=protocols.count(),
        items=[ProtocolOut(**_protocol_out(p)) for p in protocols[page.window()]],
    )


@router.post(
    "/protocols",
    response={201: ProtocolDetailOut, **ACTION_ERRORS},
    summary="Draft a protocol (coordinators)",
)
def protocol_create(
    request: HttpRequest, payload: ProtocolIn
) -> Status[ProtocolDetailOut | FieldErrorsOut]:
    protocol_policy.require_in(request.user, "create", message="You cannot draft a protocol.")
    protocol = services.protocol_create(actor=acting_user(request), **_protocol_values(payload))
    return Status(
        201,
        _protocol_detail(
            request, selectors.protocol_get(user=request.user, protocol_id=protocol.pk)
        ),
    )


@router.get(
    "/protocols/{protocol_id}",
    response={200: ProtocolDetailOut, **READ_ERRORS},
    summary="One protocol, with its signatories",
)
def protocol_get(request: HttpRequest, protocol_id: ObjectId) -> ProtocolDetailOut:
    return _protocol_detail(
        request, selectors.protocol_get(user=request.user, protocol_id=protocol_id)
    )


@router.put(
    "/protocols/{protocol_id}",
    response={200: ProtocolDetailOut, **ACTION_ERRORS, 409: FieldErrorsOut},
    summary="Change a protocol (coordinators where a party)",
)
def protocol_update(
    request: HttpRequest, protocol_id: ObjectId, payload: ProtocolChangeIn
) -> Status[ProtocolDetailOut | FieldErrorsOut]:
    protocol = selectors.protocol_get(user=request.user, protocol_id=protocol_id)
    protocol_policy.require(request.user, "manage", protocol)
    values = _protocol_values(payload)
    revision = values.pop("revision")
    services.protocol_update(
        actor=acting_user(request), protocol=protocol, seen_revision=revision, **values
    )
    return Status(
        200,
        _protocol_detail(
            request, selectors.protocol_get(user=request.user, protocol_id=protocol.pk)
        ),
    )


@router.post(
    "/protocols/{protocol_id}/status",
    response={200: ProtocolDetailOut, **ACTION_ERRORS},
    summary="Bring a protocol into force, suspend, restore or end it",
)
def protocol_status(
    request: HttpRequest, protocol_id: ObjectId, payload: ProtocolStatusIn
) -> Status[ProtocolDetailOut | FieldErrorsOut]:
    """Suspending or ending it stops everyone reading what was released under it."""
    protocol = selectors.protocol_get(user=request.user, protocol_id=protocol_id)
    protocol_policy.require(request.user, "manage", protocol)
    services.protocol_transition(
        actor=acting_user(request),
        protocol=protocol,
        to_status=payload.to_status,
        reason=payload.reason,
    )
    return Status(
        200,
        _protocol_detail(
            request, selectors.protocol_get(user=request.user, protocol_id=protocol.pk)
        ),
    )


@router.post(
    "/protocols/{protocol_id}/signatories",
    response={201: ProtocolDetailOut, **ACTION_ERRORS},
    summary="Record who signed the protocol for a party",
)
def protocol_signatory_add(
    request: HttpRequest, protocol_id: ObjectId, payload: SignatoryIn
) -> Status[ProtocolDetailOut | FieldErrorsOut]:
    protocol = selectors.protocol_get(user=request.user, protocol_id=protocol_id)
    protocol_policy.require(request.user, "manage", protocol)
    services.protocol_signatory_add(
        actor=acting_user(request),
        protocol=protocol,
        organisation=chosen(
            protocol.parties.order_by("name"),
            payload.organisation_id,
            "organisation_id",
            what="a party to this protocol",
        ),
        name=payload.name,
        post_title=payload.post_title,
        signed_on=payload.signed_on,
    )
    return Status(
        201,
        _protocol_detail(
            request, selectors.protocol_get(user=request.user, protocol_id=protocol.pk)
        ),
    )
