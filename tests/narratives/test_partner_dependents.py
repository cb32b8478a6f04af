"""An organisation named to sign the narrative being written or consulted on, or owning one of
its mainstream plans, stays a partner (ADR 0028): the narratives register both counts with
partnerships, which refuses to take the organisation out while there are any. A signed-off
version keeps naming the organisations as they were, and does not keep them in."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lde.narratives import services
from lde.narratives.models import PlanKind
from lde.narratives.selectors import open_version_plans_owned_by, open_version_signatures_of
from lde.partnerships.models import PartnerOrganisation
from lde.partnerships.services import membership_remove, partner_organisation_remove
from tests.factories import OrganisationFactory, PartnershipFactory
from tests.narratives.conftest import Cast, _member, name_to_sign, ready_draft

pytestmark = pytest.mark.django_db

SIGNS = (
    "1 narrative version being written or consulted on names it to sign: take it off the "
    "version's signatories first, taking a shared version back to draft to do so"
)
PLANS = (
    "2 mainstream plans it owns in the narrative being written or consulted on: remove each "
    "from the version's register of plans first, taking a shared version back to draft to do so"
)


def _plan(cast: Cast, version: object, organisation: object, name: str) -> int:
    return services.plan_add(
        actor=cast.coordinator,
        version=version,  # type: ignore[arg-type]
        kind=PlanKind.COMMUNITY_SAFETY,
        name=name,
        organisation=organisation,  # type: ignore[arg-type]
        how_carried="Prevent is one of its priorities.",
    ).pk


def _counts(partnership_id: int, organisation_id: int) -> tuple[int, int]:
    ids = {"partnership_id": partnership_id, "organisation_id": organisation_id}
    return open_version_signatures_of(**ids), open_version_plans_owned_by(**ids)


def test_the_open_version_counts_and_a_signed_off_one_does_not(cast: Cast) -> None:
    version = ready_draft(cast)
    _plan(cast, version, cast.police, "Policing plan")
    p, police = cast.partnership.pk, cast.police.pk
    assert _counts(p, police) == (1, 1)
    services.version_share(actor=cast.coordinator, version=version)
    assert _counts(p, police) == (1, 1)
    services.version_sign(actor=cast.board_member, version=version)
    services.version_sign(actor=cast.police_board_member, version=version)
    version.refresh_from_db()
    assert version.status == "approved"
    # Signed off: it keeps naming the police as signatory and owner, and keeps nobody in.
    assert _counts(p, police) == (0, 0)
    assert version.signatories.filter(organisation=cast.police).exists()
    # The next version carries both forward, so they count again while it is open.
    services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    assert _counts(p, police) == (1, 1)
    # Another partnership's narrative, another organisation: none.
    assert _counts(PartnershipFactory().pk, police) == (0, 0)
    assert _counts(p, cast.outsider_organisation.pk) == (0, 0)


def test_removal_is_refused_while_the_open_version_names_it_and_allowed_once_it_does_not(
    cast: Cast,
) -> None:
    trust = OrganisationFactory(name="Oakfield Schools Trust", type="other")
    PartnerOrganisation.objects.create(partnership=cast.partnership, organisation=trust)
    version = ready_draft(cast, signatories=[cast.council, trust])
    plans = [_plan(cast, version, trust, name) for name in ("Schools plan", "Youth plan")]

    def remove() -> None:
        partner_organisation_remove(
            actor=cast.coordinator, partnership=cast.partnership, organisation=trust
        )

    with pytest.raises(ValidationError) as refused:
        remove()
    assert refused.value.message_dict == {"organisation": [PLANS, SIGNS]}
    services.version_share(actor=cast.coordinator, version=version)
    with pytest.raises(ValidationError) as refused:
        remove()
    assert refused.value.messages == [PLANS, SIGNS]

    services.version_return(actor=cast.coordinator, version=version, reason="The trust leaves.")
    for plan_id in plans:
        services.plan_remove(actor=cast.coordinator, version=version, plan_id=plan_id)
    name_to_sign(cast, version, [cast.council])
    remove()
    assert not PartnerOrganisation.objects.filter(
        partnership=cast.partnership, organisation=trust
    ).exists()


def test_the_next_version_names_no_former_partner_to_sign_and_is_not_shared_with_its_plans(
    cast: Cast,
) -> None:
    """Taken out after the version it signed was approved (which keeps nobody in), the trust is
    not named to sign the next version; its plan is carried forward, and sharing asks for it to
    be moved first."""
    trust = OrganisationFactory(name="Oakfield Schools Trust", type="other")
    PartnerOrganisation.objects.create(partnership=cast.partnership, organisation=trust)
    trustee = _member(cast.partnership, trust, "board_member")
    first = ready_draft(cast, signatories=[cast.council, cast.police, trust])
    _plan(cast, first, trust, "Schools plan")
    services.version_share(actor=cast.coordinator, version=first)
    for signer in (cast.board_member, cast.police_board_member, trustee):
        services.version_sign(actor=signer, version=first)
    first.refresh_from_db()
    assert first.status == "approved"
    # The approved version keeps nobody in: once its board member has gone, the trust may leave.
    membership_remove(actor=cast.coordinator, membership=trustee.memberships.get())
    partner_organisation_remove(
        actor=cast.coordinator, partnership=cast.partnership, organisation=trust
    )

    second = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    assert set(second.signatories.values_list("organisation_id", flat=True)) == {
        cast.council.pk,
        cast.police.pk,
    }
    assert list(second.mainstream_plans.values_list("name", "organisation_id")) == [
        ("Schools plan", trust.pk)
    ]
    with pytest.raises(ValidationError) as refused:
        services.version_share(actor=cast.coordinator, version=second)
    assert refused.value.messages == [
        "These mainstream plans are owned by organisations that are no longer partners: "
        "Schools plan (Oakfield Schools Trust). Remove each from the register of plans, or add "
        "it again with a partner as its owner, first"
    ]
    second.refresh_from_db()
    assert second.status == "draft"
    services.plan_remove(
        actor=cast.coordinator, version=second, plan_id=second.mainstream_plans.get().pk
    )
    services.version_share(actor=cast.coordinator, version=second)
    second.refresh_from_db()
    assert second.status == "shared"
