"""A small gateway for tests: a council in a partnership, a counter-terrorism unit in none, a
protocol in force between them, and people on each side with vetting and a caveat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lde.accounts.models import (
    Caveat,
    CaveatGrant,
    Organisation,
    OrganisationType,
    Post,
    PostHolding,
    User,
)
from lde.core.access.facts import facts_forget
from lde.core.access.markings import Marking, VettingLevel
from lde.partnerships.models import Partnership, Role
from lde.sharing import services
from lde.sharing.models import (
    AccessRequest,
    BriefingProduct,
    DisseminationKind,
    InformationSource,
    PersonKind,
    ProductStatus,
    Protocol,
    ProtocolSignatory,
    ProtocolStatus,
)
from tests.factories import (
    ClearanceFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

SECRET_BODY = "Ward 7 tension indicators rose after the march on the 3rd."
SECRET_TITLE = "Tension summary for gateway readers only"
# The text of the PDF every draft is given: attachments to marked products are PDFs.
ANNEX_TEXT = "Annex text."


@dataclass
class Gateway:
    partnership: Partnership
    other_partnership: Partnership
    council: Organisation
    unit: Organisation
    protocol: Protocol
    caveat: Caveat
    author: User
    approver: User
    council_approver: User
    reader: User
    uncleared: User
    recorder: User


def vet(user: User, level: int = VettingLevel.SC, *, expires_in: int = 300) -> None:
    today = timezone.localdate()
    ClearanceFactory(
        user=user,
        level=level,
        granted_on=today - timedelta(days=400),
        expires_on=today + timedelta(days=expires_in),
        sponsor=user.organisation or OrganisationFactory(),
    )
    facts_forget(user)


def grant(user: User, caveat: Caveat, recorder: User) -> None:
    CaveatGrant.objects.create(
        user=user,
        caveat=caveat,
        sponsor=user.organisation,
        granted_on=timezone.localdate() - timedelta(days=10),
        recorded_by=recorder,
    )
    facts_forget(user)


def gateway() -> Gateway:
    partnership = PartnershipFactory()
    council = partnership.lead_council
    other = PartnershipFactory()
    unit = OrganisationFactory(
        name="Test Counter-Terrorism Unit", type=OrganisationType.COUNTER_TERRORISM_UNIT
    )
    protocol = Protocol.objects.create(
        title="Test protocol",
        purpose="Purpose.",
        legal_basis="Basis.",
        dpia_reference="DPIA-1",
        information_shared="Area trends.",
        who_may_see="The list.",
        handling="Carefully.",
        retention_days=365,
        review_on=timezone.localdate() + timedelta(days=200),
        status=ProtocolStatus.IN_FORCE,
    )
    protocol.parties.set([council, unit])
    for party in (council, unit):
        ProtocolSignatory.objects.create(
            protocol=protocol,
            organisation=party,
            name="A Signatory",
            post_title="Chief Executive",
            signed_on=timezone.localdate() - timedelta(days=30),
        )
    caveat = Caveat.objects.create(code="gateway-readers", name="Gateway readers")
    recorder = UserFactory(organisation=council)
    author = UserFactory(organisation=unit, full_name="Alex Author")
    approver = UserFactory(organisation=unit, full_name="Ada Approver")
    council_approver = MembershipFactory(
        partnership=partnership, role=Role.COORDINATOR, user__organisation=council
    ).user
    reader = MembershipFactory(
        partnership=partnership, role=Role.VIEWER, user__organisation=council
    ).user
    uncleared = MembershipFactory(
        partnership=partnership, role=Role.VIEWER, user__organisation=council
    ).user
    for person in (author, approver, council_approver, reader):
        vet(person)
        grant(person, caveat, recorder)
    return Gateway(
        partnership=partnership,
        other_partnership=other,
        council=council,
        unit=unit,
        protocol=protocol,
        caveat=caveat,
        author=author,
        approver=approver,
        council_approver=council_approver,
        reader=reader,
        uncleared=uncleared,
        recorder=recorder,
    )


def marking(code: str) -> Marking:
    return Marking.objects.get(code=code)


def draft(g: Gateway, **overrides: Any) -> BriefingProduct:
    """A draft by the unit's author, addressed to the partnership, with the council on its list,
    the unit's other person as approver, and one attachment (a PDF of ANNEX_TEXT)."""
    values: dict[str, Any] = {
        "title": SECRET_TITLE,
        "marking": marking("official-sensitive"),
        "summary": "A summary.",
        "body": SECRET_BODY,
        "caveats": [g.caveat],
        "area_gss_codes": ["E09999999"],
        "recipients": [g.partnership],
        "protocol": g.protocol,
    }
    values.update(overrides)
    product = services.product_create(actor=g.author, **values)
    services.product_person_add(
        actor=g.author, product=product, user=g.approver, kind=PersonKind.APPROVER
    )
    services.dissemination_add(
        actor=g.author, product=product, kind=DisseminationKind.ORGANISATION, organisation=g.council
    )
    if not product.held_elsewhere:
        services.attachment_add(
            actor=g.author,
            product=product,
            upload=SimpleUploadedFile(
                "annex.pdf", pdf_bytes(ANNEX_TEXT), content_type="application/pdf"
            ),
        )
    return BriefingProduct.objects.get(pk=product.pk)


def current_hash(product: BriefingProduct) -> str:
    return services.rehash(actor=None, product=product)


def release(g: Gateway, product: BriefingProduct, *approvers: User) -> BriefingProduct:
    services.product_submit(actor=g.author, product=product, no_personal_data_declared=True)
    for approver in approvers or (g.approver,):
        facts_forget(approver)
        shown = BriefingProduct.objects.get(pk=product.pk)
        services.product_approve(actor=approver, product=shown, seen_hash=current_hash(shown))
    services.product_release(actor=g.author, product=product)
    return BriefingProduct.objects.get(pk=product.pk)


def released(g: Gateway, **overrides: Any) -> BriefingProduct:
    return release(g, draft(g, **overrides))


def matrix_world(
    *, users: dict[str, User], council: Organisation, partnership: Partnership
) -> dict[str, int]:
    """The access matrix's gateway (tests/test_access_matrix.py): a protocol in force with the
    target partnership's council a party, and a product in each status (`products`; the
    top-level ids are the released one's) addressed under it to the partnership, marked
    OFFICIAL-SENSITIVE, disseminated to the council's people, with an attachment. The
    coordinator is their author, the board member their approver, the viewer their critical reader.
    The coordinator holds BPSS; the board member and the viewer hold SC, so that they also read
    a SECRET record held by the board member's post, for which the viewer has asked."""
    today = timezone.localdate()
    recorder = users["security_contact"]
    for subject, level in (
        ("coordinator", VettingLevel.BPSS),
        ("board_member", VettingLevel.SC),
        ("viewer", VettingLevel.SC),
    ):
        ClearanceFactory(user=users[subject], level=level, sponsor=council, recorded_by=recorder)
        facts_forget(users[subject])
    protocol = Protocol.objects.create(
        title="Matrix protocol",
        purpose="Purpose.",
        legal_basis="Basis.",
        dpia_reference="DPIA-M",
        information_shared="Trends.",
        who_may_see="The list.",
        handling="Carefully.",
        retention_days=365,
        review_on=today + timedelta(days=100),
        status=ProtocolStatus.IN_FORCE,
    )
    protocol.parties.set([council])
    ProtocolSignatory.objects.create(
        protocol=protocol, organisation=council, name="A", post_title="B", signed_on=today
    )
    author = users["coordinator"]
    annex = pdf_bytes("Annex.")  # attachments to marked products are PDFs, stamped when read
    products: dict[str, dict[str, int]] = {}
    for status in ProductStatus:
        product = services.product_create(
            actor=author,
            title=f"Matrix briefing ({status.label.lower()})",
            marking=marking("official-sensitive"),
            body="Body.",
            recipients=[partnership],
            protocol=protocol,
        )
        attachment = services.attachment_add(
            actor=author,
            product=product,
            upload=SimpleUploadedFile("annex.pdf", annex, content_type="application/pdf"),
        )
        entry = services.dissemination_add(
            actor=author, product=product, kind=DisseminationKind.ORGANISATION, organisation=council
        )
        person = services.product_person_add(
            actor=author, product=product, user=users["board_member"], kind=PersonKind.APPROVER
        )
        services.product_person_add(
            actor=author, product=product, user=users["viewer"], kind=PersonKind.CRITICAL_READER
        )
        if status != ProductStatus.DRAFT:
            _set_status(product, status)
        products[status] = {
            "product_id": product.pk,
            "attachment_id": attachment.pk,
            "person_id": person.pk,
            "entry_id": entry.pk,
        }
    holder = Post.objects.create(organisation=council, kind="other", title="Matrix holder")
    PostHolding.objects.create(post=holder, user=users["board_member"], started_on=today)
    record = BriefingProduct.objects.create(
        producing_organisation=council,
        title="Matrix record",
        marking=marking("secret"),
        protocol=protocol,
        held_elsewhere=True,
        holder_post=holder,
        how_to_ask="Ask.",
    )
    record.recipients.set([partnership])
    record.dissemination.create(kind=DisseminationKind.ORGANISATION, organisation=council)
    _set_status(record, ProductStatus.RELEASED)
    request = AccessRequest.objects.create(
        product=record, requester=users["viewer"], reason="For the exercise."
    )
    # An entry of the partnership's catalogue of information sources.
    source = InformationSource.objects.create(
        partnership=partnership,
        title="Matrix source",
        owner_organisation=council,
        granularity="ward",
        refresh="annually",
        marking=marking("official"),
        how_to_get="Ask.",
    )
    return {
        "source_id": source.pk,
        "protocol_id": protocol.pk,
        **products[ProductStatus.RELEASED],
        "products": products,
        "request_id": request.pk,
    }


def _set_status(product: BriefingProduct, status: str) -> None:
    """Put a product in `status` directly; all but those in the gateway review were released."""
    today = timezone.localdate()
    released = status in (ProductStatus.RELEASED, ProductStatus.WITHDRAWN, ProductStatus.SUPERSEDED)
    BriefingProduct.objects.filter(pk=product.pk).update(
        status=status,
        released_at=timezone.now() if released else None,
        released_on=today if released else None,
        retention_ends_on=today + timedelta(days=365) if released else None,
        withdrawn_at=timezone.now() if status == ProductStatus.WITHDRAWN else None,
    )


def pdf_bytes(*pages: str) -> bytes:
    """A real PDF with one page per text, made with WeasyPrint."""
    from html import escape

    from weasyprint import HTML

    body = (
        "".join(f'<p style="page-break-after: always">{escape(text)}</p>' for text in pages[:-1])
        + f"<p>{escape(pages[-1])}</p>"
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()  # type: ignore[no-any-return]


def move_to(user: Any, organisation: Any) -> None:
    """The person now works for `organisation`, which sponsors their vetting from now on: a
    clearance or caveat counts only while its sponsor is the person's own organisation."""
    from lde.accounts.models import CaveatGrant, Clearance

    user.organisation = organisation
    user.save()
    Clearance.objects.filter(user=user).update(sponsor=organisation)
    CaveatGrant.objects.filter(user=user).update(sponsor=organisation)
    facts_forget(user)
