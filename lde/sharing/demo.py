"""The gateway demo: a fictional counter-terrorism unit that briefs Harrowfield and Kestlebury.

It builds on the foundation demo (lde/partnerships/demo.py) and reuses its people and vetting:

- the Pennine Counter-Terrorism Unit (fictional), which belongs to no partnership, with an
  intelligence analyst (author), an intelligence manager (gateway approver, and a board member
  of Harrowfield for the unit) and a security contact who records their vetting;
- a protocol in force between Harrowfield's council, police, fire service and the unit, whose
  review date is near (so the worker sends a reminder), and one with Kestlebury, suspended;
- products in every state — draft, in review (part-approved, with a critical reader's comment),
  released, superseded by a second version, withdrawn — marked OFFICIAL, OFFICIAL-SENSITIVE and
  SECRET (a record only: SECRET is above the ceiling), one with a caveat, and one released under
  the Kestlebury protocol that nobody can read while it is suspended;
- reads, acknowledgements, feedback and an access request.

Who sees what follows from the rule alone. For example, Harrowfield's coordinator reads the local
profile, but its board member Daniel Hughes, on the list by role, does not: his BPSS clearance
expired yesterday. Everything goes through the audited services, by the users whose roles allow
it. Every name is invented; nothing is about an identifiable member of the public. Running it
again finds what it made (by organisation, title and version) and makes no duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from lde.accounts import services as account_services
from lde.accounts.models import (
    Caveat,
    CaveatGrant,
    Clearance,
    Organisation,
    OrganisationType,
    Post,
    PostHolding,
    PostKind,
    User,
)
from lde.core.access.facts import facts_forget, today
from lde.core.access.markings import Marking, VettingLevel
from lde.partnerships import services as partnership_services
from lde.partnerships.demo import DEMO_PASSWORD, DOMAIN
from lde.partnerships.models import Membership, Partnership, Role
from lde.sharing import services
from lde.sharing.models import (
    BriefingProduct,
    DisseminationKind,
    PersonKind,
    ProductStatus,
    Protocol,
    ProtocolStatus,
)
from lde.sharing.policies import product_policy

UNIT = "Pennine Counter-Terrorism Unit (fictional)"
CAVEAT = "harrowfield-gateway-readers"
# The demo's words, kept apart from the code that decides who drafts, approves and reads them.
TEXT: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "demo.yaml").read_text(encoding="utf-8")
)
PRODUCTS: dict[str, dict[str, Any]] = TEXT["products"]


@dataclass
class People:
    analyst: User
    manager: User
    unit_security: User
    coordinator: User
    chief: User
    viewer: User
    security: User
    kestlebury_coordinator: User


def _user(email: str, name: str, organisation: Organisation, job: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = account_services.user_create(
            actor=None,
            email=email,
            full_name=name,
            organisation=organisation,
            job_title=job,
            password=DEMO_PASSWORD,
        )
    return user


def _post(organisation: Organisation, kind: str, title: str, holder: User, vetting: int) -> Post:
    post = Post.objects.filter(organisation=organisation, title=title).first()
    if post is None:
        post = account_services.post_create(
            actor=None, organisation=organisation, kind=kind, title=title, required_vetting=vetting
        )
    if not PostHolding.objects.filter(post=post, user=holder, ended_on__isnull=True).exists():
        account_services.post_holder_change(
            actor=None, post=post, holder=holder, on=today() - timedelta(days=300)
        )
    facts_forget(holder)
    return post


def _vetting(recorder: User, user: User, level: int, sponsor: Organisation) -> None:
    day = today()
    if not Clearance.objects.filter(user=user, level=level, sponsor=sponsor).exists():
        account_services.clearance_record(
            actor=recorder,
            user=user,
            level=level,
            granted_on=day - timedelta(days=400),
            expires_on=day + timedelta(days=365 * 4),
            sponsor=sponsor,
        )
    facts_forget(user)


def _caveat(recorder: User, user: User, caveat: Caveat, sponsor: Organisation) -> None:
    if not CaveatGrant.objects.filter(user=user, caveat=caveat).exists():
        account_services.caveat_grant_record(
            actor=recorder,
            user=user,
            caveat=caveat,
            sponsor=sponsor,
            granted_on=today() - timedelta(days=60),
        )
    facts_forget(user)


def _people(unit: Organisation, harrowfield: Partnership) -> People:
    def demo(email: str) -> User:
        return User.objects.get(email=email)

    analyst = _user(f"analyst@pennine-ctu.{DOMAIN}", "Rhys Morgan", unit, "Intelligence analyst")
    manager = _user(
        f"manager@pennine-ctu.{DOMAIN}", "Claire Whitfield", unit, "Intelligence manager"
    )
    unit_security = _user(
        f"security@pennine-ctu.{DOMAIN}", "Joanne Blake", unit, "Security contact"
    )
    _post(unit, PostKind.SECURITY_CONTACT, "Security Contact", unit_security, VettingLevel.NONE)
    _post(unit, PostKind.OTHER, "Intelligence Manager", manager, VettingLevel.SC)
    _post(unit, PostKind.OTHER, "Intelligence Analyst", analyst, VettingLevel.SC)
    for person in (analyst, manager):
        _vetting(unit_security, person, VettingLevel.SC, unit)
        _caveat(unit_security, person, Caveat.objects.get(code=CAVEAT), unit)
    # The unit sits on Harrowfield's programme board through its intelligence manager.
    if not Membership.objects.filter(
        user=manager, partnership=harrowfield, role=Role.BOARD_MEMBER
    ).exists():
        partnership_services.membership_invite(
            actor=None,
            partnership=harrowfield,
            email=manager.email,
            full_name=manager.full_name,
            role=Role.BOARD_MEMBER,
            organisation=unit,
        )
    facts_forget(manager)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lde.partnerships.demo import demo_totp_key

    # The unit's security contact must give a second factor, like every security contact.
    TOTPDevice.objects.update_or_create(
        user=unit_security,
        name="Demo authenticator",
        defaults={"key": demo_totp_key(unit_security.email), "confirmed": True},
    )
    return People(
        analyst=analyst,
        manager=manager,
        unit_security=unit_security,
        coordinator=demo(f"coordinator@harrowfield.{DOMAIN}"),
        chief=demo(f"chief.executive@harrowfield.{DOMAIN}"),
        viewer=demo(f"viewer@harrowfield.{DOMAIN}"),
        security=demo(f"security@harrowfield.{DOMAIN}"),
        kestlebury_coordinator=demo(f"coordinator@kestlebury.{DOMAIN}"),
    )


PROTOCOL_TEXT: dict[str, Any] = {**TEXT["protocol"], "handling": TEXT["handling"]}


def _protocol(
    *,
    actor: User,
    title: str,
    reference: str,
    parties: list[Organisation],
    review_in_days: int,
    signatories: list[tuple[Organisation, str, str]],
) -> Protocol:
    protocol = Protocol.objects.filter(title=title).first()
    if protocol is None:
        protocol = services.protocol_create(
            actor=actor,
            parties=parties,
            controllers=parties,
            title=title,
            reference=reference,
            dpia_reference=f"DPIA-{reference}",
            retention_days=365,
            review_on=today() + timedelta(days=review_in_days),
            external_url="",
            **PROTOCOL_TEXT,
        )
        for organisation, name, post_title in signatories:
            services.protocol_signatory_add(
                actor=actor,
                protocol=protocol,
                organisation=organisation,
                name=name,
                post_title=post_title,
                signed_on=today() - timedelta(days=90),
            )
        services.protocol_transition(
            actor=actor, protocol=protocol, to_status=ProtocolStatus.IN_FORCE
        )
    return Protocol.objects.get(pk=protocol.pk)


def _product(
    *,
    author: User,
    title: str,
    marking: str,
    protocol: Protocol,
    recipients: list[Partnership],
    dissemination: list[tuple[str, Any]],
    approvers: list[User],
    summary: str,
    body: str = "",
    caveats: tuple[str, ...] = (),
    contributing: tuple[Organisation, ...] = (),
    critical_readers: tuple[User, ...] = (),
    attachment: tuple[str, str] | None = None,
    holder_post: Post | None = None,
    how_to_ask: str = "",
    title_releasable_declared: bool = False,
) -> BriefingProduct:
    """A draft with its people, list and attachment (a PDF of the text given, as marked products
    take only PDFs), made as its author would make it."""
    product = services.product_create(
        actor=author,
        title=title,
        marking=Marking.objects.get(code=marking),
        summary=summary,
        body=body,
        caveats=list(Caveat.objects.filter(code__in=caveats)),
        area_gss_codes=[code for p in recipients for code in p.area_gss_codes],
        contributing_organisations=list(contributing),
        recipients=recipients,
        protocol=protocol,
        holder_post=holder_post,
        how_to_ask=how_to_ask,
        title_releasable_declared=title_releasable_declared,
    )
    for approver in approvers:
        services.product_person_add(
            actor=author, product=product, user=approver, kind=PersonKind.APPROVER
        )
    for reader in critical_readers:
        services.product_person_add(
            actor=author, product=product, user=reader, kind=PersonKind.CRITICAL_READER
        )
    for kind, target in dissemination:
        services.dissemination_add(
            actor=author, product=product, kind=kind, **{_TARGETS[kind]: target}
        )
    if attachment is not None:
        from html import escape

        from weasyprint import HTML

        name, text = attachment
        data = bytes(HTML(string=f"<html><body><p>{escape(text)}</p></body></html>").write_pdf())
        services.attachment_add(
            actor=author,
            product=product,
            upload=SimpleUploadedFile(name, data, content_type="application/pdf"),
        )
    return product


_TARGETS: dict[str, str] = {
    DisseminationKind.POST: "post",
    DisseminationKind.ROLE: "role",
    DisseminationKind.ORGANISATION: "organisation",
    DisseminationKind.USER: "user",
}


def _submit(author: User, product: BriefingProduct) -> BriefingProduct:
    return services.product_submit(actor=author, product=product, no_personal_data_declared=True)


def _approve(product: BriefingProduct, *approvers: User) -> None:
    for approver in approvers:
        facts_forget(approver)
        # What the approver's page shows them: the version as it now is.
        shown = BriefingProduct.objects.get(pk=product.pk)
        services.product_approve(
            actor=approver, product=shown, seen_hash=services.rehash(actor=None, product=shown)
        )


def _released(author: User, product: BriefingProduct, *approvers: User) -> BriefingProduct:
    _submit(author, product)
    _approve(product, *approvers)
    return services.product_release(actor=author, product=product)


def _existing(unit: Organisation, title: str, version: int = 1) -> BriefingProduct | None:
    return BriefingProduct.objects.filter(
        producing_organisation=unit, title=title, version=version
    ).first()


def _information_sources(partnership: Partnership) -> None:
    from lde.sharing.models import InformationSource

    coordinator = (
        User.objects.filter(
            memberships__partnership=partnership, memberships__role=Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return
    facts_forget(coordinator)
    police = (
        Organisation.objects.filter(
            name__endswith="Basic Command Unit", name__startswith=(partnership.name.split(" ")[0])
        )
        .order_by("pk")
        .first()
    )
    for entry in TEXT["catalogue"]:
        if InformationSource.objects.filter(partnership=partnership, title=entry["title"]).exists():
            continue
        values = {k: v for k, v in entry.items() if k != "owner"}
        owner = police if entry["owner"] == "police" and police else partnership.lead_council
        services.information_source_create(
            actor=coordinator,
            partnership=partnership,
            owner_organisation=owner,
            **{**values, "marking": Marking.objects.get(code=entry["marking"])},
            last_reviewed_on=today() - timedelta(days=45),
        )


@transaction.atomic
def demo_build() -> None:
    harrowfield = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    kestlebury = Partnership.objects.get(name="Kestlebury Prevent Partnership")
    unit, _ = Organisation.objects.get_or_create(
        name=UNIT, defaults={"type": OrganisationType.COUNTER_TERRORISM_UNIT}
    )
    people = _people(unit, harrowfield)
    council = harrowfield.lead_council
    bcu = Organisation.objects.get(name="Harrowfield Basic Command Unit")
    fire = Organisation.objects.get(name="Harrowfield Fire and Rescue Service")
    prevent_post = Post.objects.get(organisation=council, title="Prevent Coordinator")
    chief_post = Post.objects.get(organisation=council, title="Chief Executive")
    manager_post = Post.objects.get(organisation=unit, title="Intelligence Manager")

    harrowfield_protocol = _protocol(
        actor=people.coordinator,
        title="Harrowfield counter-terrorism briefing protocol",
        reference="HPP-ISP-01",
        parties=[council, bcu, fire, unit],
        review_in_days=20,
        signatories=[
            (council, "Margaret Lowe", "Chief Executive"),
            (bcu, "Chief Superintendent Alan Frost", "BCU Commander"),
            (fire, "Karen Doyle", "Chief Fire Officer"),
            (unit, "Detective Superintendent Mark Ellis", "Head of Unit"),
        ],
    )
    kestlebury_council = kestlebury.lead_council
    kestlebury_bcu = Organisation.objects.get(name="Kestlebury Basic Command Unit")
    kestlebury_protocol = _protocol(
        actor=people.kestlebury_coordinator,
        title="Kestlebury counter-terrorism briefing protocol",
        reference="KPP-ISP-01",
        parties=[kestlebury_council, kestlebury_bcu, unit],
        review_in_days=200,
        signatories=[
            (kestlebury_council, "David Amos", "Chief Executive"),
            (kestlebury_bcu, "Chief Superintendent Leah Grant", "BCU Commander"),
            (unit, "Detective Superintendent Mark Ellis", "Head of Unit"),
        ],
    )

    analyst, manager, coordinator = people.analyst, people.manager, people.coordinator
    text = PRODUCTS["profile"]
    profile_title = text["title"]
    if _existing(unit, profile_title) is None:
        profile = _product(
            author=analyst,
            title=profile_title,
            marking="official-sensitive",
            protocol=harrowfield_protocol,
            recipients=[harrowfield],
            dissemination=[
                (DisseminationKind.POST, prevent_post),
                (DisseminationKind.POST, chief_post),
                (DisseminationKind.POST, manager_post),
                (DisseminationKind.ROLE, Role.BOARD_MEMBER),
                (DisseminationKind.ORGANISATION, fire),
            ],
            approvers=[manager, coordinator],
            contributing=(council,),
            summary=text["summary"],
            body=text["body"],
            attachment=(text["attachment"]["name"], text["attachment"]["text"]),
        )
        profile = _released(analyst, profile, manager, coordinator)
        for reader in (coordinator, people.chief, people.viewer):
            facts_forget(reader)
            services.product_read_record(actor=reader, product=profile)
        services.product_acknowledge(actor=coordinator, product=profile)
        services.product_acknowledge(actor=people.viewer, product=profile)
        services.feedback_send(
            actor=people.viewer,
            product=profile,
            body=text["feedback"],
        )

    text = PRODUCTS["caveated"]
    caveat_title = text["title"]
    if _existing(unit, caveat_title) is None:
        caveated = _product(
            author=analyst,
            title=caveat_title,
            marking="official-sensitive",
            caveats=(CAVEAT,),
            protocol=harrowfield_protocol,
            recipients=[harrowfield],
            dissemination=[
                (DisseminationKind.ROLE, Role.COORDINATOR),
                (DisseminationKind.ROLE, Role.BOARD_MEMBER),
            ],
            approvers=[manager],
            summary=text["summary"],
            body=text["body"],
        )
        _released(analyst, caveated, manager)

    text = PRODUCTS["picture"]
    picture_title = text["title"]
    first = _existing(unit, picture_title)
    if first is None:
        first = _product(
            author=manager,
            title=picture_title,
            marking="official",
            protocol=harrowfield_protocol,
            recipients=[harrowfield],
            dissemination=[
                (DisseminationKind.ORGANISATION, council),
                (DisseminationKind.POST, manager_post),
            ],
            approvers=[analyst],
            summary=text["summary"],
            body=text["body"],
        )
        _released(manager, first, analyst)
    if _existing(unit, picture_title, version=2) is None:
        facts_forget(manager)
        second = services.product_new_version(actor=manager, product=first)
        services.product_update(
            actor=manager,
            product=second,
            title=picture_title,
            marking=Marking.objects.get(code="official"),
            summary=second.summary,
            body=f"{second.body} {text['second_version_adds']}",
            recipients=[harrowfield],
            protocol=harrowfield_protocol,
        )
        _released(manager, second, analyst)

    text = PRODUCTS["review"]
    review_title = text["title"]
    if _existing(unit, review_title) is None:
        in_review = _product(
            author=analyst,
            title=review_title,
            marking="official-sensitive",
            protocol=harrowfield_protocol,
            recipients=[harrowfield],
            dissemination=[
                (DisseminationKind.POST, prevent_post),
                (DisseminationKind.ROLE, Role.BOARD_MEMBER),
            ],
            approvers=[manager, coordinator],
            contributing=(council,),
            critical_readers=(people.viewer,),
            summary=text["summary"],
            body=text["body"],
        )
        _submit(analyst, in_review)
        _approve(in_review, manager)
        facts_forget(people.viewer)
        services.product_comment(
            actor=people.viewer,
            product=in_review,
            body=text["comment"],
            seen_hash=BriefingProduct.objects.get(pk=in_review.pk).version_hash,
        )

    text = PRODUCTS["draft"]
    draft_title = text["title"]
    if _existing(unit, draft_title) is None:
        _product(
            author=analyst,
            title=draft_title,
            marking="official",
            protocol=harrowfield_protocol,
            recipients=[harrowfield],
            dissemination=[(DisseminationKind.ROLE, Role.COORDINATOR)],
            approvers=[manager],
            summary=text["summary"],
        )

    text = PRODUCTS["withdrawn"]
    withdrawn_title = text["title"]
    if _existing(unit, withdrawn_title) is None:
        withdrawn = _product(
            author=analyst,
            title=withdrawn_title,
            marking="official",
            protocol=harrowfield_protocol,
            recipients=[harrowfield],
            dissemination=[
                (DisseminationKind.ROLE, Role.COORDINATOR),
                (DisseminationKind.POST, manager_post),
            ],
            approvers=[manager],
            summary=text["summary"],
            body=text["body"],
        )
        _released(analyst, withdrawn, manager)
        services.product_withdraw(
            actor=manager,
            product=withdrawn,
            reason=text["reason"],
        )

    text = PRODUCTS["record"]
    record_title = text["title"]
    if _existing(unit, record_title) is None:
        record = _product(
            author=analyst,
            title=record_title,
            marking="secret",
            protocol=harrowfield_protocol,
            recipients=[harrowfield],
            dissemination=[
                (DisseminationKind.POST, chief_post),
                (DisseminationKind.POST, manager_post),
            ],
            approvers=[manager],
            # Only the title, declared releasable at the ceiling, the holder and how to ask.
            summary="",
            title_releasable_declared=True,
            holder_post=manager_post,
            how_to_ask=text["how_to_ask"],
        )
        record = _released(analyst, record, manager)
        facts_forget(people.chief)
        services.access_request_send(
            actor=people.chief,
            product=record,
            reason=text["access_request"],
            notify=False,
        )

    text = PRODUCTS["kestlebury"]
    suspended_title = text["title"]
    if _existing(unit, suspended_title) is None:
        kestlebury_product = _product(
            author=analyst,
            title=suspended_title,
            marking="official-sensitive",
            protocol=kestlebury_protocol,
            recipients=[kestlebury],
            dissemination=[(DisseminationKind.ROLE, Role.COORDINATOR)],
            approvers=[manager],
            summary=text["summary"],
            body=text["body"],
        )
        _released(analyst, kestlebury_product, manager)
    if kestlebury_protocol.status == ProtocolStatus.IN_FORCE:
        facts_forget(people.kestlebury_coordinator)
        services.protocol_transition(
            actor=people.kestlebury_coordinator,
            protocol=kestlebury_protocol,
            to_status=ProtocolStatus.SUSPENDED,
            reason=text["suspension"],
        )
    for partnership in Partnership.objects.filter(name__endswith="Prevent Partnership"):
        _information_sources(partnership)
    _briefing_coverage(harrowfield, prevent_post, coordinator)


def _briefing_coverage(partnership: Partnership, post: Post, holder: User) -> None:
    """Briefing coverage (¶59) for Harrowfield: the coordinator names her own post as strategic
    and acknowledges every product released to the partnership that she can see, so that one
    of its four strategic posts is covered. The chief executive has read the profile but not
    acknowledged it, and the BCU commander and lead councillor posts are vacant. Idempotent."""
    partnership_services.strategic_post_name(actor=None, partnership=partnership, post=post)
    facts_forget(holder)
    for product in BriefingProduct.objects.filter(
        status=ProductStatus.RELEASED, recipients=partnership
    ).order_by("pk"):
        if product_policy.user_can(holder, "acknowledge", product) and not (
            product.acknowledgements.filter(user=holder).exists()
        ):
            services.product_acknowledge(actor=holder, product=product)
