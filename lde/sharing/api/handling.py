"""Handling by readers: acknowledgements, feedback, the access record, and requests for material
held above the ceiling."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    Page,
    PageParams,
)
from lde.sharing import selectors, services
from lde.sharing.api._common import ACTION_ERRORS, product_for
from lde.sharing.api.schemas import (
    AccessRequestOut,
    AcknowledgementOut,
    AnswerIn,
    FeedbackIn,
    FeedbackOut,
    FeedbackSentOut,
    ProductReasonIn,
    ReadershipOut,
    ReadOut,
)
from lde.sharing.models import AccessRequest
from lde.sharing.policies import access_request_policy

router = Router()


@router.post(
    "/products/{product_id}/acknowledge",
    response={200: AcknowledgementOut, **ACTION_ERRORS},
    summary='Acknowledge a released product as "read and understood"',
)
def product_acknowledge(
    request: HttpRequest, product_id: ObjectId
) -> Status[AcknowledgementOut | FieldErrorsOut]:
    product = product_for(request, product_id, "acknowledge")
    acknowledgement = services.product_acknowledge(actor=acting_user(request), product=product)
    return Status(
        200,
        AcknowledgementOut(
            product_id=product.pk,
            version_hash=acknowledgement.version_hash,
            acknowledged_at=acknowledgement.acknowledged_at,
        ),
    )


@router.post(
    "/products/{product_id}/feedback",
    response={201: FeedbackSentOut, **ACTION_ERRORS},
    summary="Send feedback to the contributors (never a concern about a person)",
)
def product_feedback(
    request: HttpRequest, product_id: ObjectId, payload: FeedbackIn
) -> Status[FeedbackSentOut | FieldErrorsOut]:
    product = product_for(request, product_id, "feedback")
    feedback = services.feedback_send(
        actor=acting_user(request), product=product, body=payload.body
    )
    return Status(201, FeedbackSentOut(id=feedback.pk, created_at=feedback.created_at))


@router.get(
    "/products/{product_id}/readership",
    response={200: ReadershipOut, **READ_ERRORS, 403: ErrorOut},
    summary="Who has read a product and acknowledged it, and the feedback sent",
)
def product_readership(request: HttpRequest, product_id: ObjectId) -> ReadershipOut:
    product = product_for(request, product_id, "view_readership")
    acknowledgements = selectors.product_acknowledgements(product=product)
    return ReadershipOut(
        reads=[
            ReadOut(
                user_id=r.user_id,
                name=r.user.full_name,
                first_read_at=r.first_read_at,
                last_read_at=r.last_read_at,
                times=r.times,
                acknowledged_at=acknowledgements[r.user_id].acknowledged_at
                if r.user_id in acknowledgements
                else None,
            )
            for r in selectors.product_reads(product=product)
        ],
        feedback=[
            FeedbackOut(
                author_id=f.author_id,
                author_name=f.author.full_name,
                body=f.body,
                created_at=f.created_at,
            )
            for f in selectors.product_feedback(product=product)
        ],
    )


def _access_request_out(r: AccessRequest) -> AccessRequestOut:
    return AccessRequestOut(
        id=r.pk,
        product_id=r.product_id,
        product_title=r.product.title,
        requester_id=r.requester_id,
        reason=r.reason,
        status=r.status,
        answer=r.answer,
        answered_at=r.answered_at,
    )


@router.post(
    "/products/{product_id}/access-requests",
    response={201: AccessRequestOut, **ACTION_ERRORS},
    summary="Ask the holder of material kept above the ceiling for it",
)
def access_request_send(
    request: HttpRequest, product_id: ObjectId, payload: ProductReasonIn
) -> Status[AccessRequestOut | FieldErrorsOut]:
    product = product_for(request, product_id, "request_access")
    sent = services.access_request_send(
        actor=acting_user(request), product=product, reason=payload.reason
    )
    sent.product = product
    return Status(201, _access_request_out(sent))


@router.get(
    "/access-requests",
    response={200: Page[AccessRequestOut], **LIST_ERRORS},
    summary="Access requests you sent, and those to a post you hold",
)
def access_request_list(request: HttpRequest, page: Query[PageParams]) -> Page[AccessRequestOut]:
    requests = selectors.access_request_list(user=request.user)
    return Page[AccessRequestOut](
        count=requests.count(),
        items=[_access_request_out(r) for r in requests[page.window()]],
    )


@router.post(
    "/access-requests/{request_id}/answer",
    response={200: AccessRequestOut, **ACTION_ERRORS},
    summary="Answer a request for material your post holds",
)
def access_request_answer(
    request: HttpRequest, request_id: ObjectId, payload: AnswerIn
) -> Status[AccessRequestOut | FieldErrorsOut]:
    access_request = selectors.access_request_get(user=request.user, request_id=request_id)
    access_request_policy.require(request.user, "answer", access_request)
    answered = services.access_request_answer(
        actor=acting_user(request), request=access_request, answer=payload.answer
    )
    return Status(200, _access_request_out(answered))
