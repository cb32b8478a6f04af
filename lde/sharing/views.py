"""Pages of the information sharing gateway: protocols, briefing products and their gateway
review, attachments, the access record, acknowledgements, feedback and access requests.

Reads go through the selectors, whose product reads are the gateway rule (404 when not visible,
the same as missing); each action asks the policy first (403, saying who can) and then calls one
service. Every opening of a product and every download is recorded in the audit trail. Pages
that show marked material are never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.core.access.facts import facts_for
from lde.core.access.policy import PermissionDenied403
from lde.core.concurrency import EditConflict, posted_again
from lde.core.confirm import Confirmation, carried_from, confirmation_page, confirmed
from lde.core.files import file_download
from lde.core.govuk.forms import add_service_errors
from lde.partnerships.models import Partnership
from lde.partnerships.selectors import partnership_get
from lde.sharing import confirmations, selectors, services
from lde.sharing.forms import (
    AccessRequestForm,
    ActionForm,
    AnswerForm,
    AttachmentForm,
    CommentForm,
    DisseminationForm,
    FeedbackForm,
    InformationSourceForm,
    PersonForm,
    ProductForm,
    ProtocolForm,
    ProtocolStatusForm,
    ReasonForm,
    SignatoryForm,
    SubmitForm,
    VersionForm,
)
from lde.sharing.models import (
    BriefingProduct,
    DisseminationKind,
    PersonKind,
    ProductStatus,
    Protocol,
    ProtocolStatus,
)
from lde.sharing.policies import (
    access_request_policy,
    information_source_policy,
    product_policy,
    protocol_policy,
)
from lde.sharing.versions import version_hash

# Products listed on one page of the list of briefing products.
PRODUCTS_PER_PAGE = 50


def _refused(error: ValidationError) -> ActionForm:
    form = ActionForm(data={})
    form.is_valid()
    add_service_errors(form, error)
    return form


def _private(response: HttpResponse) -> HttpResponse:
    """Marked material is never kept in a shared or browser cache."""
    response["Cache-Control"] = "private, no-store"
    return response


def _status(form: Form | None) -> int:
    return 400 if form is not None and form.is_bound and form.errors else 200


def _confirm(
    request: HttpRequest,
    confirmation: Confirmation,
    *,
    template: str = "sharing/confirm.html",
    **context: Any,
) -> HttpResponse:
    """The confirmation page of an action that cannot be undone (`lde.core.confirm`); it names
    marked material, so it is never cached."""
    return _private(confirmation_page(request, confirmation, template=template, context=context))


# --- Protocols -----------------------------------------------------------------------------


def _protocol(request: HttpRequest, protocol_id: int, action: str = "view") -> Protocol:
    protocol = selectors.protocol_get(user=request.user, protocol_id=protocol_id)
    if action != "view":
        protocol_policy.require(request.user, action, protocol)
    return protocol


@login_required
@require_safe
def protocol_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ProtocolStatus.values:
        status = ""
    return render(
        request,
        "sharing/protocol_list.html",
        {
            "protocols": selectors.protocol_list(user=request.user, status=status),
            "status": status,
            "statuses": ProtocolStatus.choices,
            "can_create": protocol_policy.user_can_in(request.user, "create"),
        },
    )


def _protocol_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: data[name]
        for name in (
            "title",
            "reference",
            "purpose",
            "legal_basis",
            "dpia_reference",
            "information_shared",
            "who_may_see",
            "handling",
            "retention_days",
            "review_on",
            "external_url",
        )
    }


@login_required
@require_http_methods(["GET", "POST"])
def protocol_create(request: HttpRequest) -> HttpResponse:
    protocol_policy.require_in(request.user, "create", message="You cannot draft a protocol.")
    form = ProtocolForm(
        request.POST if request.method == "POST" else None,
        organisations=selectors.organisation_choices(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            protocol = services.protocol_create(
                actor=_actor(request),
                parties=data["parties"],
                controllers=data["controllers"],
                **_protocol_fields(data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Protocol drafted: {protocol.title}.")
            return redirect("sharing:protocol-detail", protocol_id=protocol.pk)
    return render(
        request,
        "sharing/protocol_form.html",
        {"form": form, "protocol": None},
        status=_status(form),
    )


@login_required
@require_safe
def protocol_detail(request: HttpRequest, protocol_id: int) -> HttpResponse:
    protocol = _protocol(request, protocol_id)
    can_manage = protocol_policy.user_can(request.user, "manage", protocol)
    return render(
        request,
        "sharing/protocol_detail.html",
        {
            "protocol": protocol,
            "can_manage": can_manage,
            "signatories": selectors.protocol_signatories(protocol=protocol),
            "history": selectors.protocol_history(protocol=protocol),
            "next_statuses": selectors.protocol_next_statuses(protocol=protocol),
            "force_problems": selectors.protocol_force_problems(protocol=protocol)
            if can_manage and protocol.status == ProtocolStatus.DRAFT
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def protocol_update(request: HttpRequest, protocol_id: int) -> HttpResponse:
    protocol = _protocol(request, protocol_id, "manage")
    initial = {
        **{name: getattr(protocol, name) for name in _protocol_fields(vars(protocol))},
        "parties": list(protocol.parties.all()),
        "controllers": list(protocol.controllers.all()),
        "revision": protocol.revision,
    }
    form = ProtocolForm(
        request.POST if request.method == "POST" else None,
        organisations=selectors.organisation_choices(),
        initial=initial,
    )
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.protocol_update(
                actor=_actor(request),
                protocol=protocol,
                parties=data["parties"],
                controllers=data["controllers"],
                seen_revision=data["revision"],
                **_protocol_fields(data),
            )
        except EditConflict as edit_conflict:
            conflict = edit_conflict
            form = ProtocolForm(
                posted_again(request.POST, conflict),
                organisations=selectors.organisation_choices(),
                initial=initial,
            )
            form.is_valid()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Protocol saved: {data['title']}.")
            return redirect("sharing:protocol-detail", protocol_id=protocol.pk)
    return render(
        request,
        "sharing/protocol_form.html",
        {"form": form, "protocol": protocol, "conflict": conflict},
        status=409 if conflict else _status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def protocol_signatory_add(request: HttpRequest, protocol_id: int) -> HttpResponse:
    protocol = _protocol(request, protocol_id, "manage")
    form = SignatoryForm(
        request.POST if request.method == "POST" else None,
        parties=protocol.parties.order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.protocol_signatory_add(
                actor=_actor(request),
                protocol=protocol,
                organisation=data["organisation"],
                name=data["name"],
                post_title=data["post_title"],
                signed_on=data["signed_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Signatory recorded for {data['organisation'].name}.")
            return redirect("sharing:protocol-detail", protocol_id=protocol.pk)
    return render(
        request,
        "sharing/protocol_signatory_form.html",
        {"form": form, "protocol": protocol},
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def protocol_status(request: HttpRequest, protocol_id: int) -> HttpResponse:
    protocol = _protocol(request, protocol_id, "manage")
    statuses = selectors.protocol_next_statuses(protocol=protocol)
    form = ProtocolStatusForm(request.POST if request.method == "POST" else None, statuses=statuses)
    if request.method == "POST" and form.is_valid() and not confirmed(request):
        # The choice is made here; the change only from its confirmation, which sends it back.
        return _confirm(
            request,
            confirmations.protocol_status(
                protocol,
                form.cleaned_data["to_status"],
                form.cleaned_data["reason"],
                carried_from(request.POST),
            ),
            protocol=protocol,
        )
    if confirmed(request) and form.is_valid():
        try:
            services.protocol_transition(
                actor=_actor(request),
                protocol=protocol,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            label = ProtocolStatus(form.cleaned_data["to_status"]).label
            messages.success(request, f"{protocol.title} is now {label.lower()}.")
            return redirect("sharing:protocol-detail", protocol_id=protocol.pk)
    return render(
        request,
        "sharing/protocol_status_form.html",
        {
            "form": form,
            "protocol": protocol,
            "force_problems": selectors.protocol_force_problems(protocol=protocol)
            if protocol.status == ProtocolStatus.DRAFT
            else [],
        },
        status=_status(form),
    )


# --- Products: list, create, read ----------------------------------------------------------


def _product(request: HttpRequest, product_id: int, action: str = "view") -> BriefingProduct:
    product = selectors.product_get(user=request.user, product_id=product_id)
    if action != "view":
        product_policy.require(request.user, action, product)
    return product


@login_required
@require_safe
def product_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ProductStatus.values:
        status = ""
    # A page at a time: a coordinator may see hundreds, and the list is for finding one.
    page = Paginator(
        selectors.product_list(user=request.user, status=status), PRODUCTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return _private(
        render(
            request,
            "sharing/product_list.html",
            {
                "page": page,
                "products": page.object_list,
                "count": page.paginator.count,
                "status": status,
                "statuses": [s for s in ProductStatus.choices if s[0] != ProductStatus.WITHDRAWN],
                "can_create": _actor(request).organisation_id is not None,
            },
        )
    )


def _product_form(
    request: HttpRequest,
    product: BriefingProduct | None,
    data: QueryDict | None = None,
    **kwargs: Any,
) -> ProductForm:
    organisation_id = (
        product.producing_organisation_id if product else _actor(request).organisation_id
    )
    return ProductForm(
        data if data is not None else request.POST if request.method == "POST" else None,
        markings=selectors.marking_choices(user=request.user),
        caveats=selectors.caveat_choices(user=request.user),
        organisations=selectors.organisation_choices(),
        partnerships=selectors.partnership_choices(),
        protocols=selectors.protocols_for_release(
            user=request.user, organisation_id=organisation_id
        ),
        posts=selectors.post_choices(product=product, organisation_id=organisation_id),
        **kwargs,
    )


def _product_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "marking": data["marking"],
        "summary": data["summary"],
        "body": data["body"],
        "caveats": data.get("caveats") or [],
        "area_gss_codes": data["area_gss_codes"],
        "contributing_organisations": data["contributing_organisations"],
        "recipients": data["recipients"],
        "protocol": data["protocol"],
        "holder_post": data["holder_post"],
        "how_to_ask": data["how_to_ask"],
        "title_releasable_declared": data["title_releasable_declared"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if actor.organisation_id is None:
        raise PermissionDenied403(
            "You work for no organisation.",
            who_can="People who work for an organisation draft briefing products for it.",
        )
    form = _product_form(request, None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=actor, **_product_values(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Draft started. Add its dissemination list and people next.")
            return redirect("sharing:product-detail", product_id=product.pk)
    return _private(
        render(
            request,
            "sharing/product_form.html",
            {"form": form, "product": None, "organisation": actor.organisation},
            status=_status(form),
        )
    )


def _render_detail(
    request: HttpRequest,
    product: BriefingProduct,
    *,
    status: int = 200,
    form: Form | None = None,
    comment_form: CommentForm | None = None,
    return_form: ReasonForm | None = None,
) -> HttpResponse:
    can = product_policy.abilities(facts_for(request.user), product)
    current = version_hash(product)
    review: dict[str, Any] = {}
    if can["view_review"]:
        approvals = list(selectors.product_approvals(product=product))
        review = {
            "people": selectors.product_people(product=product),
            "dissemination": selectors.product_dissemination(product=product),
            "approvals": approvals,
            "current_approvals": [a for a in approvals if a.version_hash == current],
            "required": selectors.product_required_organisations(product=product),
            "comments": selectors.product_comments(product=product),
            "history": selectors.product_history(product=product),
            "declared": product.personal_data_declared_hash == current,
            "problems": selectors.product_release_problems(product=product)
            if product.status == ProductStatus.IN_REVIEW
            else selectors.product_submit_problems(product=product)
            if product.status == ProductStatus.DRAFT
            else [],
        }
    return _private(
        render(
            request,
            "sharing/product_detail.html",
            {
                "product": product,
                "can": can,
                "current_hash": current,
                "attachments": selectors.product_attachments(product=product),
                "successor": selectors.product_successor(user=request.user, product=product),
                "acknowledgement": selectors.acknowledgement_of(
                    user=_actor(request), product=product
                ),
                "protocol_visible": product.protocol is not None
                and protocol_policy.user_can(request.user, "view", product.protocol),
                "version_form": VersionForm(initial={"version_hash": current}),
                "comment_form": comment_form or CommentForm(initial={"version_hash": current}),
                "return_form": return_form or ReasonForm(prefix="return"),
                "form": form
                or next(
                    (f for f in (comment_form, return_form) if f is not None and f.errors), None
                ),
                **review,
            },
            status=status,
        )
    )


@login_required
@require_safe
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    """The product, for those the gateway rule lets see it. Every opening is audited."""
    product = _product(request, product_id)
    services.product_read_record(actor=_actor(request), product=product)
    return _render_detail(request, product)


@login_required
@require_safe
def attachment_download(
    request: HttpRequest, product_id: int, attachment_id: int
) -> HttpResponseBase:
    """Files are served only here, after the gateway rule, and every download is audited."""
    product = _product(request, product_id, "download")
    attachment = selectors.attachment_get(product=product, attachment_id=attachment_id)
    try:
        content, content_type = services.attachment_for_download(
            actor=_actor(request), product=product, attachment=attachment
        )
    except services.NotServable as refusal:
        return _private(
            render(
                request,
                "sharing/attachment_unstampable.html",
                {"product": product, "reason": str(refusal)},
                status=409,
            )
        )
    return file_download(content, file_name=attachment.file_name, content_type=content_type)


@login_required
@require_safe
def product_pdf(request: HttpRequest, product_id: int) -> HttpResponse:
    """The released product as a PDF, with its marking at the top and bottom of every page and
    the reader's name and the time. Audited like any download."""
    product = _product(request, product_id, "download")
    data = services.product_pdf_print(actor=_actor(request), product=product)
    return file_download(
        data, file_name=services.product_pdf_name(product), content_type="application/pdf"
    )


# --- Products: drafting --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def product_update(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "edit")
    initial = {
        "title": product.title,
        "marking": product.marking,
        "summary": product.summary,
        "body": product.body,
        "caveats": list(product.caveats.all()),
        "area_gss_codes": list(product.area_gss_codes or []),
        "contributing_organisations": list(product.contributing_organisations.all()),
        "recipients": list(product.recipients.all()),
        "protocol": product.protocol,
        "holder_post": product.holder_post,
        "how_to_ask": product.how_to_ask,
        "title_releasable_declared": product.title_releasable_declared,
        "revision": product.revision,
    }
    form = _product_form(request, product, initial=initial)
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(
                actor=_actor(request),
                product=product,
                seen_revision=form.cleaned_data["revision"],
                **_product_values(form.cleaned_data),
            )
        except EditConflict as edit_conflict:
            conflict = edit_conflict
            form = _product_form(
                request, product, initial=initial, data=posted_again(request.POST, conflict)
            )
            form.is_valid()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Draft saved. Any earlier approvals no longer count.")
            return redirect("sharing:product-detail", product_id=product.pk)
    return _private(
        render(
            request,
            "sharing/product_form.html",
            {
                "form": form,
                "product": product,
                "organisation": product.producing_organisation,
                "conflict": conflict,
            },
            status=409 if conflict else _status(form),
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_people(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "manage_people")
    form = PersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = selectors.user_by_email(email=form.cleaned_data["email"])
        if person is None:
            form.add_error("email", "Nobody with that email address uses this platform")
        else:
            try:
                services.product_person_add(
                    actor=_actor(request),
                    product=product,
                    user=person,
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{person} named as {PersonKind(form.cleaned_data['kind']).label.lower()}.",
                )
                return redirect("sharing:product-people", product_id=product.pk)
    return _private(
        render(
            request,
            "sharing/product_people.html",
            {
                "product": product,
                "people": selectors.product_people(product=product),
                "form": form,
            },
            status=_status(form),
        )
    )


@login_required
@require_POST
def product_person_remove(request: HttpRequest, product_id: int, person_id: int) -> HttpResponse:
    product = _product(request, product_id, "manage_people")
    person = selectors.product_people(product=product).filter(pk=person_id).first()
    if person is None:
        raise Http404
    try:
        services.product_person_remove(actor=_actor(request), product=product, person=person)
    except ValidationError as error:
        return _private(
            render(
                request,
                "sharing/product_people.html",
                {
                    "product": product,
                    "people": selectors.product_people(product=product),
                    "form": _refused(error),
                },
                status=400,
            )
        )
    messages.success(
        request, f"{person.user} is no longer named as {person.get_kind_display().lower()}."
    )
    return redirect("sharing:product-people", product_id=product.pk)


def _dissemination_form(request: HttpRequest, product: BriefingProduct) -> DisseminationForm:
    return DisseminationForm(
        request.POST if request.method == "POST" else None,
        posts=selectors.post_choices(product=product),
        organisations=selectors.organisation_choices(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_dissemination(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "edit")
    form = _dissemination_form(request, product)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = None
        if data["kind"] == DisseminationKind.USER:
            person = selectors.user_by_email(email=data["email"])
            if person is None:
                form.add_error("email", "Nobody with that email address uses this platform")
        if not form.errors:
            try:
                services.dissemination_add(
                    actor=_actor(request),
                    product=product,
                    kind=data["kind"],
                    post=data["post"],
                    role=data["role"],
                    organisation=data["organisation"],
                    user=person,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Added to the dissemination list.")
                return redirect("sharing:product-dissemination", product_id=product.pk)
    return _private(
        render(
            request,
            "sharing/product_dissemination.html",
            {
                "product": product,
                "entries": selectors.product_dissemination(product=product),
                "form": form,
            },
            status=_status(form),
        )
    )


@login_required
@require_POST
def dissemination_remove(request: HttpRequest, product_id: int, entry_id: int) -> HttpResponse:
    product = _product(request, product_id, "edit")
    entry = selectors.product_dissemination(product=product).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    services.dissemination_remove(actor=_actor(request), product=product, entry=entry)
    messages.success(request, "Removed from the dissemination list.")
    return redirect("sharing:product-dissemination", product_id=product.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "edit")
    form = AttachmentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            attachment = services.attachment_add(
                actor=_actor(request), product=product, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Attached: {attachment.file_name}.")
            return redirect("sharing:product-detail", product_id=product.pk)
    return _private(
        render(
            request,
            "sharing/attachment_form.html",
            {
                "product": product,
                "form": form,
                "attachments": selectors.product_attachments(product=product),
            },
            status=_status(form),
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def attachment_remove(request: HttpRequest, product_id: int, attachment_id: int) -> HttpResponse:
    """Confirm, then delete the file from the draft."""
    product = _product(request, product_id, "edit")
    attachment = selectors.attachment_get(product=product, attachment_id=attachment_id)
    if not confirmed(request):
        return _confirm(
            request, confirmations.attachment_remove(product, attachment), product=product
        )
    services.attachment_remove(actor=_actor(request), product=product, attachment=attachment)
    messages.success(request, f"Removed: {attachment.file_name}.")
    return redirect("sharing:attachment-add", product_id=product.pk)


# --- Products: the gateway review ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def product_submit(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "submit")
    form = SubmitForm(request.POST if confirmed(request) else None)
    if form.is_bound and form.is_valid():
        try:
            services.product_submit(
                actor=_actor(request),
                product=product,
                no_personal_data_declared=form.cleaned_data["no_personal_data_declared"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Sent for gateway review.")
            return redirect("sharing:product-detail", product_id=product.pk)
    return _confirm(
        request,
        confirmations.submit(product, form),
        template="sharing/product_submit.html",
        product=product,
        problems=selectors.product_submit_problems(product=product),
        guard=selectors.product_guard(product=product),
    )


def _step(
    request: HttpRequest,
    product_id: int,
    action: str,
    service: Callable[..., Any],
    done: str,
    **kwargs: Any,
) -> HttpResponse:
    """One step with no form of its own: check, call the service, and go back to the product,
    or show the service's refusal on the product page."""
    product = _product(request, product_id, action)
    try:
        service(actor=_actor(request), product=product, **kwargs)
    except ValidationError as error:
        return _render_detail(request, product, status=400, form=_refused(error))
    messages.success(request, done)
    return redirect("sharing:product-detail", product_id=product.pk)


@login_required
@require_http_methods(["GET", "POST"])
def product_approve(request: HttpRequest, product_id: int) -> HttpResponse:
    """Confirm, then approve the version the approver was shown: the product page sends its
    hash here, the confirmation sends it back, and the service refuses it if the product has
    changed since."""
    if not confirmed(request):
        product = _product(request, product_id, "approve")
        given = VersionForm(request.GET)
        seen = given.cleaned_data["version_hash"] if given.is_valid() else version_hash(product)
        organisation = _actor(request).organisation
        return _confirm(
            request,
            confirmations.approve(product, organisation.name if organisation else "", seen),
            product=product,
        )
    form = VersionForm(request.POST)
    seen = form.cleaned_data["version_hash"] if form.is_valid() else ""
    return _step(
        request,
        product_id,
        "approve",
        services.product_approve,
        "You have approved this version for your organisation.",
        seen_hash=seen,
    )


@login_required
@require_POST
def product_comment(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "comment")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.product_comment(
                actor=_actor(request),
                product=product,
                body=form.cleaned_data["body"],
                seen_hash=form.cleaned_data["version_hash"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your comment is kept with the version you read.")
            return redirect("sharing:product-detail", product_id=product.pk)
    return _render_detail(request, product, status=400, comment_form=form)


@login_required
@require_POST
def product_return_to_draft(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "return_to_draft")
    form = ReasonForm(request.POST, prefix="return")
    if form.is_valid():
        try:
            services.product_return_to_draft(
                actor=_actor(request), product=product, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Returned to draft.")
            return redirect("sharing:product-detail", product_id=product.pk)
    return _render_detail(request, product, status=400, return_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def product_release(request: HttpRequest, product_id: int) -> HttpResponse:
    """Release. From now on the product is read under the gateway rule alone, so the person who
    released it may no longer be among its readers: they are told so, not shown a 404."""
    product = _product(request, product_id, "release")
    if not confirmed(request):
        return _confirm(request, confirmations.release(product), product=product)
    try:
        services.product_release(actor=_actor(request), product=product)
    except ValidationError as error:
        return _render_detail(request, product, status=400, form=_refused(error))
    if selectors.product_list(user=request.user).filter(pk=product.pk).exists():
        messages.success(request, "Released. Its readers can now see it.")
        return redirect("sharing:product-detail", product_id=product.pk)
    messages.success(
        request,
        "Released. Its readers can now see it. You are not on its dissemination list in a "
        "recipient partnership, so it no longer appears to you.",
    )
    return redirect("sharing:product-list")


@login_required
@require_http_methods(["GET", "POST"])
def product_withdraw(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "withdraw")
    form = ReasonForm(request.POST if confirmed(request) else None)
    if form.is_bound and form.is_valid():
        try:
            services.product_withdraw(
                actor=_actor(request), product=product, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Withdrawn. Nobody can see it any more.")
            return redirect("sharing:product-list")
    return _confirm(request, confirmations.withdraw(product, form), product=product)


@login_required
@require_POST
def product_new_version(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "new_version")
    try:
        successor = services.product_new_version(actor=_actor(request), product=product)
    except ValidationError as error:
        return _render_detail(request, product, status=400, form=_refused(error))
    messages.success(request, f"Version {successor.version} started as a draft.")
    return redirect("sharing:product-detail", product_id=successor.pk)


# --- Products: handling by readers ---------------------------------------------------------


@login_required
@require_POST
def product_acknowledge(request: HttpRequest, product_id: int) -> HttpResponse:
    return _step(
        request,
        product_id,
        "acknowledge",
        services.product_acknowledge,
        "Recorded: you have read and understood it.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_feedback(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "feedback")
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_send(
                actor=_actor(request), product=product, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your feedback has gone to the contributors.")
            return redirect("sharing:product-detail", product_id=product.pk)
    return _private(
        render(
            request,
            "sharing/product_feedback.html",
            {"product": product, "form": form},
            status=_status(form),
        )
    )


@login_required
@require_safe
def product_readership(request: HttpRequest, product_id: int) -> HttpResponse:
    """The access record: who has opened it, when, and who has acknowledged it."""
    product = _product(request, product_id, "view_readership")
    acknowledgements = selectors.product_acknowledgements(product=product)
    reads = [
        {"read": read, "acknowledgement": acknowledgements.get(read.user_id)}
        for read in selectors.product_reads(product=product)
    ]
    return _private(
        render(
            request,
            "sharing/product_readership.html",
            {
                "product": product,
                "reads": reads,
                "acknowledged": len(acknowledgements),
                "feedback": selectors.product_feedback(product=product),
            },
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_access_request(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id, "request_access")
    form = AccessRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_send(
                actor=_actor(request), product=product, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request has gone to the holder.")
            return redirect("sharing:access-request-list")
    return _private(
        render(
            request,
            "sharing/access_request_form.html",
            {
                "product": product,
                "form": form,
                "holder": selectors.post_holder(post=product.holder_post),
            },
            status=_status(form),
        )
    )


# --- Access requests -----------------------------------------------------------------------


@login_required
@require_safe
def access_request_list(request: HttpRequest) -> HttpResponse:
    return _private(
        render(
            request,
            "sharing/access_request_list.html",
            {"requests": selectors.access_request_list(user=request.user)},
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    access_request = selectors.access_request_get(user=request.user, request_id=request_id)
    access_request_policy.require(request.user, "answer", access_request)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_answer(
                actor=_actor(request), request=access_request, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your answer has gone to the person who asked.")
            return redirect("sharing:access-request-list")
    return _private(
        render(
            request,
            "sharing/access_request_answer.html",
            {"access_request": access_request, "form": form},
            status=_status(form),
        )
    )


# --- The catalogue of information sources ----------------------------------------------------


def _catalogue_partnership(request: HttpRequest, partnership_id: int, action: str) -> Partnership:
    """404 when the partnership is not visible; 403 when it is but this is not allowed."""
    partnership = partnership_get(user=request.user, partnership_id=partnership_id)
    information_source_policy.require_in(request.user, action, partnership.pk)
    return partnership


def _source_form(request: HttpRequest, **kwargs: Any) -> InformationSourceForm:
    return InformationSourceForm(
        request.POST if request.method == "POST" else None,
        organisations=selectors.organisation_choices(),
        markings=selectors.information_source_markings(),
        **kwargs,
    )


@login_required
@require_safe
def source_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _catalogue_partnership(request, partnership_id, "view")
    sources = list(
        selectors.information_source_list(user=request.user, partnership_id=partnership.pk)
    )
    return render(
        request,
        "sharing/source_list.html",
        {
            "partnership": partnership,
            "sources": sources,
            "flagged": sum(1 for source in sources if source.holds_protected_characteristics),
            "can_add": information_source_policy.user_can_in(
                request.user, "manage", partnership.pk
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _catalogue_partnership(request, partnership_id, "manage")
    form = _source_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.information_source_create(
                actor=_actor(request), partnership=partnership, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added to the catalogue: {source.title}.")
            return redirect("sharing:source-detail", source_id=source.pk)
    return render(
        request,
        "sharing/source_form.html",
        {"form": form, "partnership": partnership, "source": None},
        status=_status(form),
    )


@login_required
@require_safe
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    source = selectors.information_source_get(user=request.user, source_id=source_id)
    return render(
        request,
        "sharing/source_detail.html",
        {
            "source": source,
            "partnership": source.partnership,
            "can_manage": information_source_policy.user_can(request.user, "manage", source),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_update(request: HttpRequest, source_id: int) -> HttpResponse:
    source = selectors.information_source_get(user=request.user, source_id=source_id)
    information_source_policy.require(request.user, "manage", source)
    initial = {name: getattr(source, name) for name in services.INFORMATION_SOURCE_FIELDS}
    form = _source_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_source_update(
                actor=_actor(request), source=source, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Catalogue entry saved: {form.cleaned_data['title']}.")
            return redirect("sharing:source-detail", source_id=source.pk)
    return render(
        request,
        "sharing/source_form.html",
        {"form": form, "partnership": source.partnership, "source": source},
        status=_status(form),
    )
