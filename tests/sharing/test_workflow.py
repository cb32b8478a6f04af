"""The gateway's services: drafting, the version hash, the gateway review, release, supersession,
withdrawal, retention, reminders, handling by readers, and protocols."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lde.accounts.models import PostHolding, PostKind
from lde.core.access.facts import facts_forget
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_verify
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Role
from lde.sharing import selectors, services
from lde.sharing.models import (
    AccessRequestStatus,
    Approval,
    Attachment,
    BriefingProduct,
    DisseminationKind,
    PersonKind,
    ProductPerson,
    ProductStatus,
    Protocol,
    ProtocolStatus,
)
from lde.sharing.policies import product_policy
from lde.sharing.versions import version_hash
from tests.factories import MembershipFactory, OrganisationFactory, PostFactory, UserFactory
from tests.sharing.builders import (
    SECRET_BODY,
    SECRET_TITLE,
    current_hash,
    draft,
    gateway,
    marking,
    move_to,
    release,
    released,
)
from tests.tasks import then_tasks_run

pytestmark = pytest.mark.django_db


def _submit(g: Any, product: BriefingProduct) -> None:
    services.product_submit(actor=g.author, product=product, no_personal_data_declared=True)


def _approve(user: Any, product: BriefingProduct) -> Approval:
    """Approve the version as it now is in the database, as the approver's page shows it."""
    facts_forget(user)
    shown = BriefingProduct.objects.get(pk=product.pk)
    return services.product_approve(actor=user, product=shown, seen_hash=current_hash(shown))


def _problems(product: BriefingProduct) -> list[str]:
    return selectors.product_release_problems(product=BriefingProduct.objects.get(pk=product.pk))


# --- Drafting ------------------------------------------------------------------------------


def test_a_draft_belongs_to_its_authors_organisation_with_the_author_named() -> None:
    g = gateway()
    product = draft(g)
    assert product.producing_organisation == g.unit
    assert product.status == ProductStatus.DRAFT
    assert sorted(product.people.values_list("user_id", "kind")) == sorted(
        [(g.approver.pk, PersonKind.APPROVER), (g.author.pk, PersonKind.AUTHOR)]
    )
    assert product.version_hash == version_hash(product)
    assert len(product.version_hash) == 64


def test_someone_with_no_organisation_cannot_draft() -> None:
    with pytest.raises(PermissionDenied403):
        services.product_create(
            actor=UserFactory(organisation=None), title="T", marking=marking("official")
        )


def test_an_author_cannot_mark_above_their_own_clearance_or_use_a_caveat_they_lack() -> None:
    g = gateway()
    with pytest.raises(ValidationError) as raised:
        services.product_create(actor=g.uncleared, title="T", marking=marking("official-sensitive"))
    assert list(raised.value.message_dict) == ["marking"]
    with pytest.raises(ValidationError) as raised:
        services.product_create(
            actor=g.uncleared, title="T", marking=marking("official"), caveats=[g.caveat]
        )
    assert list(raised.value.message_dict) == ["caveats"]


def test_areas_must_be_gss_codes() -> None:
    g = gateway()
    with pytest.raises(ValidationError) as raised:
        services.product_create(
            actor=g.author,
            title="T",
            marking=marking("official"),
            area_gss_codes=["E08000025", "Harrowfield"],
        )
    assert raised.value.message_dict["area_gss_codes"] == [
        "Enter each area as a GSS code, a letter and eight digits like E08000025: HARROWFIELD"
    ]


def test_material_above_the_ceiling_is_only_ever_a_record() -> None:
    g = gateway()
    holder = PostFactory(organisation=g.unit, title="Intelligence Manager")
    with pytest.raises(ValidationError) as raised:
        services.product_create(
            actor=g.author, title="T", marking=marking("secret"), body="The secret text."
        )
    assert set(raised.value.message_dict) == {
        "body",
        "holder_post",
        "how_to_ask",
        "title_releasable_declared",
    }
    record = services.product_create(
        actor=g.author,
        title="Regional assessment",
        marking=marking("secret"),
        holder_post=holder,
        how_to_ask="Ask the intelligence manager.",
        title_releasable_declared=True,
    )
    assert (record.held_elsewhere, record.title_releasable_declared) == (True, True)
    assert (record.summary, record.body) == ("", "")
    with pytest.raises(ValidationError) as raised:
        services.attachment_add(
            actor=g.author,
            product=record,
            upload=SimpleUploadedFile("a.txt", b"secret", content_type="text/plain"),
        )
    assert list(raised.value.message_dict) == ["file"]
    assert not Attachment.objects.filter(product=record).exists()


def test_below_the_ceiling_the_holder_fields_are_not_kept() -> None:
    g = gateway()
    product = services.product_create(
        actor=g.author,
        title="T",
        marking=marking("official"),
        holder_post=PostFactory(organisation=g.unit),
        how_to_ask="Ask.",
    )
    assert (product.held_elsewhere, product.holder_post_id, product.how_to_ask) == (
        False,
        None,
        "",
    )


@pytest.mark.parametrize(
    ("kind", "content", "error"),
    [
        # Judged by the content, whatever the name or the type the browser sent.
        (
            "text/html",
            b"<script>",
            "The file is called x but it is an HTML page. Upload a PDF, Word, Excel, PowerPoint, "
            "CSV, text, PNG or JPEG file",
        ),
        ("text/plain", b"", "The file is empty"),
    ],
)
def test_attachments_of_the_wrong_kind_or_empty_are_refused(
    kind: str, content: bytes, error: str
) -> None:
    g = gateway()
    # OFFICIAL: the lowest marking takes files other than PDFs (marked ones: test_marked_material).
    product = draft(g, marking=marking("official"))
    with pytest.raises(ValidationError) as raised:
        services.attachment_add(
            actor=g.author,
            product=product,
            upload=SimpleUploadedFile("x", content, content_type=kind),
        )
    assert raised.value.message_dict == {"file": [error]}


def test_attachments_are_stored_outside_the_web_root_with_their_sha256() -> None:
    g = gateway()
    product = draft(g)
    attachment = product.attachments.get()
    path = services.attachment_path(attachment)
    stored = path.read_bytes()
    assert stored[:5] == b"%PDF-"
    assert attachment.size == len(stored)
    assert attachment.content_hash == hashlib.sha256(stored).hexdigest()
    assert path.name == attachment.stored_name
    assert "static" not in path.parts and "media" not in path.parts


# --- The version hash ----------------------------------------------------------------------


def _changes(g: Any) -> dict[str, Any]:
    other_post = PostFactory(organisation=g.council)
    return {
        "body": lambda p: BriefingProduct.objects.filter(pk=p.pk).update(body="Changed."),
        "title": lambda p: BriefingProduct.objects.filter(pk=p.pk).update(title="Changed"),
        "marking": lambda p: BriefingProduct.objects.filter(pk=p.pk).update(
            marking=marking("official")
        ),
        "caveats": lambda p: p.caveats.clear(),
        "recipients": lambda p: p.recipients.add(g.other_partnership),
        "protocol": lambda p: BriefingProduct.objects.filter(pk=p.pk).update(protocol=None),
        "areas": lambda p: BriefingProduct.objects.filter(pk=p.pk).update(
            area_gss_codes=["E09999998"]
        ),
        "contributors": lambda p: p.contributing_organisations.add(g.council),
        "dissemination": lambda p: p.dissemination.create(
            kind=DisseminationKind.POST, post=other_post
        ),
        "attachment hash": lambda p: Attachment.objects.filter(product=p).update(
            content_hash="0" * 64
        ),
    }


def test_every_part_of_what_a_reader_receives_is_in_the_hash() -> None:
    g = gateway()
    for name, change in _changes(g).items():
        product = draft(g, title=f"Product for {name}")
        before = version_hash(product)
        change(product)
        assert version_hash(BriefingProduct.objects.get(pk=product.pk)) != before, name


def test_naming_people_does_not_change_the_version() -> None:
    g = gateway()
    product = draft(g)
    before = version_hash(product)
    services.product_person_add(
        actor=g.author, product=product, user=g.reader, kind=PersonKind.CRITICAL_READER
    )
    assert version_hash(product) == before


@pytest.mark.parametrize(
    "change",
    [
        "body",
        "title",
        "marking",
        "caveats",
        "recipients",
        "areas",
        "contributors",
        "dissemination",
        "attachment hash",
    ],
)
def test_anything_changed_after_approval_cannot_be_released_until_approved_again(
    change: str,
) -> None:
    g = gateway()
    product = draft(g)
    _submit(g, product)
    _approve(g.approver, product)
    assert _problems(product) == []
    _changes(g)[change](product)
    problems = _problems(product)
    assert any(
        p.startswith("Not yet approved for") and "Test Counter-Terrorism Unit" in p
        for p in problems
    ), problems
    with pytest.raises(ValidationError):
        services.product_release(actor=g.author, product=product)
    assert BriefingProduct.objects.get(pk=product.pk).status == ProductStatus.IN_REVIEW


def test_a_change_through_the_pages_clears_the_approvals_and_they_are_needed_again() -> None:
    g = gateway()
    product = draft(g)
    _submit(g, product)
    approval = _approve(g.approver, product)
    services.product_return_to_draft(actor=g.author, product=product, reason="A late change.")
    services.dissemination_add(
        actor=g.author, product=product, kind=DisseminationKind.ROLE, role=Role.VIEWER
    )
    assert not Approval.objects.filter(pk=approval.pk).exists()
    cleared = AuditEvent.objects.filter(verb="PRODUCT_APPROVALS_CLEARED").get()
    assert '"cleared":1' in cleared.payload
    _submit(g, product)
    with pytest.raises(ValidationError) as raised:
        services.product_release(actor=g.author, product=product)
    assert "Not yet approved for Test Counter-Terrorism Unit" in raised.value.messages
    _approve(g.approver, product)
    assert services.product_release(actor=g.author, product=product).status == (
        ProductStatus.RELEASED
    )


def test_an_approval_of_a_version_the_approver_was_not_shown_is_refused() -> None:
    g = gateway()
    product = draft(g)
    _submit(g, product)
    with pytest.raises(ValidationError) as raised:
        services.product_approve(actor=g.approver, product=product, seen_hash="f" * 64)
    assert list(raised.value.message_dict) == ["version_hash"]
    assert not Approval.objects.exists()


def test_the_author_cannot_be_the_only_approver() -> None:
    g = gateway()
    product = draft(g)
    # Nobody names themselves approver...
    with pytest.raises(PermissionDenied403) as refused:
        services.product_person_add(
            actor=g.author, product=product, user=g.author, kind=PersonKind.APPROVER
        )
    assert refused.value.who_can == "Another of the product's authors names you."
    # ...and an author named approver some other way (before that rule) still cannot be the only
    # one to approve.
    ProductPerson.objects.create(product=product, user=g.author, kind=PersonKind.APPROVER)
    _submit(g, product)
    _approve(g.author, product)
    assert _problems(product) == [
        "An author cannot be the only approver: someone else must approve too"
    ]
    _approve(g.approver, product)
    assert _problems(product) == []


def test_each_contributing_organisation_must_approve() -> None:
    g = gateway()
    product = draft(g, contributing_organisations=[g.council])
    services.product_person_add(
        actor=g.author, product=product, user=g.council_approver, kind=PersonKind.APPROVER
    )
    _submit(g, product)
    _approve(g.approver, product)
    assert _problems(product) == [f"Not yet approved for {g.council.name}"]
    _approve(g.council_approver, product)
    assert _problems(product) == []


def test_an_approver_approves_only_for_the_producing_or_a_contributing_organisation() -> None:
    g = gateway()
    product = draft(g)
    services.product_person_add(
        actor=g.author, product=product, user=g.reader, kind=PersonKind.APPROVER
    )
    _submit(g, product)
    facts_forget(g.reader)
    assert not product_policy.user_can(g.reader, "approve", product)
    with pytest.raises(PermissionDenied403):
        services.product_approve(actor=g.reader, product=product, seen_hash=current_hash(product))


def test_review_needs_the_declaration_and_the_declaration_is_tied_to_the_version() -> None:
    g = gateway()
    product = draft(g)
    with pytest.raises(ValidationError) as raised:
        services.product_submit(actor=g.author, product=product, no_personal_data_declared=False)
    assert list(raised.value.message_dict) == ["no_personal_data_declared"]
    _submit(g, product)
    product.refresh_from_db()
    assert product.personal_data_declared_hash == version_hash(product)
    assert product.personal_data_declared_by == g.author
    _approve(g.approver, product)
    BriefingProduct.objects.filter(pk=product.pk).update(summary="Changed after the declaration.")
    _approve(g.approver, product)
    assert _problems(product) == [
        "An author must declare that this version holds no information about identifiable "
        "members of the public: return it to draft and send it for review again"
    ]


def test_a_draft_needs_a_protocol_recipients_a_list_and_an_approver_before_review() -> None:
    g = gateway()
    product = services.product_create(actor=g.author, title="Bare", marking=marking("official"))
    with pytest.raises(ValidationError) as raised:
        _submit(g, product)
    assert raised.value.message_dict["__all__"] == [
        "Choose the information sharing protocol it is released under",
        "Choose at least one recipient partnership",
        "Add at least one line to the dissemination list",
        "Name at least one gateway approver",
    ]


def test_release_needs_the_protocol_in_force() -> None:
    g = gateway()
    product = draft(g)
    _submit(g, product)
    _approve(g.approver, product)
    Protocol.objects.filter(pk=g.protocol.pk).update(status=ProtocolStatus.SUSPENDED)
    assert _problems(product) == ["The protocol it is released under is Suspended"]


def test_release_records_the_history_and_the_retention_end() -> None:
    g = gateway()
    product = released(g)
    today = timezone.localdate()
    assert product.released_on == today
    assert product.retention_ends_on == today + timedelta(days=365)
    assert list(product.transitions.values_list("from_status", "to_status", "version_hash")) == [
        (ProductStatus.DRAFT, ProductStatus.IN_REVIEW, product.version_hash),
        (ProductStatus.IN_REVIEW, ProductStatus.RELEASED, product.version_hash),
    ]


def test_only_moves_in_the_transition_map_are_allowed() -> None:
    g = gateway()
    product = released(g)
    facts_forget(g.author)
    with pytest.raises(PermissionDenied403):
        services.product_return_to_draft(actor=g.author, product=product, reason="No.")


# --- Versions, withdrawal, retention -------------------------------------------------------


def test_a_new_version_supersedes_the_old_which_stays_visible_and_labelled() -> None:
    g = gateway()
    first = released(g)
    # The author reads the released product only as a reader: put them on its list first.
    first.dissemination.create(kind=DisseminationKind.USER, user=g.author)
    MembershipFactory(partnership=g.partnership, user=g.author, role=Role.CONTRIBUTOR)
    facts_forget(g.author)
    second = services.product_new_version(actor=g.author, product=first)
    assert (second.version, second.supersedes_id, second.status) == (2, first.pk, "draft")
    copied = second.attachments.get()
    original = first.attachments.get()
    assert copied.content_hash == original.content_hash
    assert copied.stored_name != original.stored_name
    assert services.attachment_path(copied).read_bytes() == (
        services.attachment_path(original).read_bytes()
    )
    assert sorted(second.people.values_list("user_id", "kind")) == sorted(
        first.people.values_list("user_id", "kind")
    )
    with pytest.raises(ValidationError) as raised:
        services.product_new_version(actor=g.author, product=first)
    assert raised.value.messages == ["A new version of this product already exists"]
    release(g, second)
    first.refresh_from_db()
    assert first.status == ProductStatus.SUPERSEDED
    facts_forget(g.reader)
    assert product_policy.user_can(g.reader, "view", first)
    assert set(product_policy.visible_to(g.reader).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_withdrawn_products_are_seen_by_nobody() -> None:
    g = gateway()
    product = released(g)
    move_to(g.approver, g.council)
    MembershipFactory(partnership=g.partnership, user=g.approver, role=Role.VIEWER)
    facts_forget(g.approver)
    with pytest.raises(ValidationError):
        services.product_withdraw(actor=g.approver, product=product, reason="  ")
    services.product_withdraw(actor=g.approver, product=product, reason="Out of date.")
    product = BriefingProduct.objects.get(pk=product.pk)  # as the next request reads it
    for person in (g.reader, g.author, g.approver, g.council_approver):
        facts_forget(person)
        assert not product_policy.user_can(person, "view", product)
        assert not product_policy.visible_to(person).exists()


def test_retention_withdraws_expired_products_and_deletes_their_files(
    django_capture_on_commit_callbacks: Any,
) -> None:
    g = gateway()
    product = released(g)
    kept = released(g, title="Still within retention")
    path = services.attachment_path(product.attachments.get())
    BriefingProduct.objects.filter(pk=product.pk).update(
        retention_ends_on=timezone.localdate() - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.retention_enforce()
    assert result == {"withdrawn": 1, "files_deleted": 1}
    product.refresh_from_db()
    assert product.status == ProductStatus.WITHDRAWN
    assert not path.exists()
    assert product.attachments.get().file_deleted_at is not None
    assert services.attachment_path(kept.attachments.get()).exists()
    event = AuditEvent.objects.get(verb="PRODUCT_RETENTION_ENFORCED")
    assert event.target_id == str(product.pk)
    assert '"files_deleted":1' in event.payload
    assert product.transitions.last().actor_id is None
    # Running again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retention_enforce() == {"withdrawn": 0, "files_deleted": 0}


def test_the_retention_end_moves_with_the_protocol() -> None:
    g = gateway()
    product = released(g)
    facts_forget(g.council_approver)
    protocol = Protocol.objects.get(pk=g.protocol.pk)
    services.protocol_update(
        actor=g.council_approver,
        protocol=protocol,
        parties=list(protocol.parties.all()),
        controllers=[],
        **{
            name: getattr(protocol, name)
            for name in (
                "title",
                "reference",
                "purpose",
                "legal_basis",
                "dpia_reference",
                "information_shared",
                "who_may_see",
                "handling",
                "review_on",
                "external_url",
            )
        },
        retention_days=30,
    )
    product.refresh_from_db()
    assert product.retention_ends_on == product.released_on + timedelta(days=30)


# --- Readers -------------------------------------------------------------------------------


def test_reads_acknowledgements_and_feedback_are_recorded_without_the_text() -> None:
    g = gateway()
    product = released(g)
    facts_forget(g.reader)
    services.product_read_record(actor=g.reader, product=product)
    services.product_read_record(actor=g.reader, product=product)
    services.product_acknowledge(actor=g.reader, product=product)
    services.feedback_send(actor=g.reader, product=product, body="Useful for the plan.")
    read = product.reads.get()
    assert (read.user, read.times) == (g.reader, 2)
    assert product.acknowledgements.get().version_hash == product.version_hash
    verbs = list(AuditEvent.objects.filter(actor_id=g.reader.pk).values_list("verb", flat=True))
    assert verbs == [
        "PRODUCT_VIEWED",
        "PRODUCT_VIEWED",
        "PRODUCT_ACKNOWLEDGED",
        "PRODUCT_FEEDBACK_SENT",
    ]
    with pytest.raises(ValidationError):
        services.feedback_send(actor=g.reader, product=product, body="   ")


def test_no_audit_event_holds_the_products_text_and_the_chain_verifies() -> None:
    g = gateway()
    product = released(g)
    facts_forget(g.reader)
    services.product_read_record(actor=g.reader, product=product)
    services.attachment_download_record(
        actor=g.reader, attachment=product.attachments.get(), stamped=False
    )
    services.feedback_send(actor=g.reader, product=product, body="Feedback words here.")
    payloads = "".join(AuditEvent.objects.values_list("payload", flat=True))
    for text in (SECRET_TITLE, SECRET_BODY, "annex.txt", "A summary.", "Feedback words"):
        assert text not in payloads
    assert AuditEvent.objects.filter(verb="ATTACHMENT_DOWNLOADED").count() == 1
    report = audit_verify()
    assert report.problems == []


def test_an_access_request_goes_to_the_holder_of_the_post() -> None:
    g = gateway()
    holder_post = PostFactory(organisation=g.unit, title="Intelligence Manager")
    PostHolding.objects.create(
        post=holder_post, user=g.approver, started_on=timezone.localdate() - timedelta(days=5)
    )
    # The holder reads the record like anyone else: a partnership, the list, the protocol.
    MembershipFactory(partnership=g.partnership, user=g.approver, role=Role.BOARD_MEMBER)
    record = draft(
        g,
        title="Held elsewhere",
        marking=marking("secret"),
        summary="",
        body="",
        holder_post=holder_post,
        how_to_ask="Ask the manager.",
        title_releasable_declared=True,
    )
    record.dissemination.create(kind=DisseminationKind.POST, post=holder_post)
    record = release(g, record)
    facts_forget(g.reader)
    facts_forget(g.approver)
    with then_tasks_run():
        request = services.access_request_send(
            actor=g.reader, product=record, reason="For the readiness exercise."
        )
    assert [m.to for m in mail.outbox] == [[g.approver.email]]
    assert "Held elsewhere" not in mail.outbox[0].body + mail.outbox[0].subject
    with pytest.raises(PermissionDenied403):
        services.access_request_answer(actor=g.reader, request=request, answer="Yes.")
    with then_tasks_run():
        answered = services.access_request_answer(
            actor=g.approver, request=request, answer="A briefing at the unit on Monday."
        )
    assert answered.status == AccessRequestStatus.ANSWERED
    assert mail.outbox[-1].to == [g.reader.email]


def test_only_a_record_held_elsewhere_takes_access_requests() -> None:
    g = gateway()
    product = released(g)
    facts_forget(g.reader)
    with pytest.raises(PermissionDenied403):
        services.access_request_send(actor=g.reader, product=product, reason="Please.")


# --- Protocols -----------------------------------------------------------------------------


def _protocol_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Borough protocol",
        "reference": "ISP-9",
        "purpose": "To brief the partnership.",
        "legal_basis": "Section 115.",
        "dpia_reference": "DPIA-9",
        "information_shared": "Area trends.",
        "who_may_see": "The dissemination list.",
        "handling": "Accredited systems only.",
        "retention_days": 180,
        "review_on": timezone.localdate() + timedelta(days=100),
        "external_url": "",
    }
    fields.update(overrides)
    return fields


def test_only_coordinators_draft_protocols_and_with_their_own_organisation_a_party() -> None:
    g = gateway()
    with pytest.raises(PermissionDenied403):
        services.protocol_create(actor=g.reader, parties=[g.council], **_protocol_fields())
    with pytest.raises(ValidationError) as raised:
        services.protocol_create(actor=g.council_approver, parties=[g.unit], **_protocol_fields())
    assert raised.value.message_dict["parties"] == [
        "Include your own organisation among the parties"
    ]
    with pytest.raises(ValidationError) as raised:
        services.protocol_create(
            actor=g.council_approver,
            parties=[g.council],
            controllers=[g.unit],
            **_protocol_fields(),
        )
    assert list(raised.value.message_dict) == ["controllers"]
    protocol = services.protocol_create(
        actor=g.council_approver, parties=[g.council, g.unit], **_protocol_fields()
    )
    assert protocol.status == ProtocolStatus.DRAFT
    assert AuditEvent.objects.filter(verb="PROTOCOL_CREATED", target_id=str(protocol.pk)).exists()


def test_a_protocol_comes_into_force_only_when_every_party_has_signed() -> None:
    g = gateway()
    protocol = services.protocol_create(
        actor=g.council_approver, parties=[g.council, g.unit], **_protocol_fields()
    )
    with pytest.raises(ValidationError) as raised:
        services.protocol_transition(
            actor=g.council_approver, protocol=protocol, to_status=ProtocolStatus.IN_FORCE
        )
    assert raised.value.message_dict["to_status"] == [
        f"These parties have not signed it: {g.council.name}, {g.unit.name}"
    ]
    for party in (g.council, g.unit):
        services.protocol_signatory_add(
            actor=g.council_approver,
            protocol=protocol,
            organisation=party,
            name="A Person",
            post_title="Chief Executive",
            signed_on=timezone.localdate(),
        )
    with pytest.raises(ValidationError):
        services.protocol_signatory_add(
            actor=g.council_approver,
            protocol=protocol,
            organisation=OrganisationFactory(),
            name="Not a party",
            post_title="Nobody",
            signed_on=timezone.localdate(),
        )
    services.protocol_transition(
        actor=g.council_approver, protocol=protocol, to_status=ProtocolStatus.IN_FORCE
    )
    with pytest.raises(ValidationError) as raised:
        services.protocol_transition(
            actor=g.council_approver, protocol=protocol, to_status=ProtocolStatus.SUSPENDED
        )
    assert raised.value.message_dict == {"reason": ["Say why"]}
    with pytest.raises(ValidationError):
        services.protocol_transition(
            actor=g.council_approver, protocol=protocol, to_status=ProtocolStatus.DRAFT
        )
    assert list(protocol.transitions.values_list("from_status", "to_status")) == [
        (ProtocolStatus.DRAFT, ProtocolStatus.IN_FORCE)
    ]


def test_suspending_the_protocol_removes_access_at_the_next_request_and_restoring_returns_it() -> (
    None
):
    g = gateway()
    product = released(g)
    facts_forget(g.reader)
    assert product_policy.user_can(g.reader, "view", product)
    services.protocol_transition(
        actor=g.council_approver,
        protocol=g.protocol,
        to_status=ProtocolStatus.SUSPENDED,
        reason="DPIA under review.",
    )
    product = BriefingProduct.objects.get(pk=product.pk)  # as the next request reads it
    assert not product_policy.user_can(g.reader, "view", product)
    assert not product_policy.visible_to(g.reader).exists()
    services.protocol_transition(
        actor=g.council_approver, protocol=g.protocol, to_status=ProtocolStatus.IN_FORCE
    )
    assert product_policy.visible_to(g.reader).get() == product


def test_review_reminders_go_to_the_coordinators_once_per_date() -> None:
    g = gateway()
    Protocol.objects.filter(pk=g.protocol.pk).update(
        review_on=timezone.localdate() + timedelta(days=10)
    )
    elsewhere = MembershipFactory(role=Role.COORDINATOR)  # a partnership that is not a party
    with then_tasks_run():
        assert services.protocol_review_reminders_send() == 1
    assert [m.to for m in mail.outbox] == [[g.council_approver.email]]
    assert elsewhere.user.email not in mail.outbox[0].to
    assert "Test protocol" in mail.outbox[0].subject
    with then_tasks_run():
        assert services.protocol_review_reminders_send() == 0
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(verb="PROTOCOL_REVIEW_REMINDER_SENT").count() == 1


def test_the_worker_runs_retention_and_reminders(django_capture_on_commit_callbacks: Any) -> None:
    import lde.sharing.tasks  # noqa: F401  (registers the jobs, as `lde worker` does)
    from lde.core.scheduler import jobs, run_due_jobs

    names = {job.name for job in jobs()}
    assert {"sharing-retention", "sharing-protocol-review-reminders"} <= names
    with django_capture_on_commit_callbacks(execute=True):
        ran = run_due_jobs()
    assert {"sharing-retention", "sharing-protocol-review-reminders"} <= set(ran)


def test_security_contacts_of_a_party_do_not_manage_protocols_by_that_alone() -> None:
    g = gateway()
    contact = UserFactory(organisation=g.council)
    post = PostFactory(organisation=g.council, kind=PostKind.SECURITY_CONTACT)
    PostHolding.objects.create(post=post, user=contact, started_on=timezone.localdate())
    with pytest.raises(PermissionDenied403):
        services.protocol_transition(
            actor=contact,
            protocol=g.protocol,
            to_status=ProtocolStatus.SUSPENDED,
            reason="No.",
        )
