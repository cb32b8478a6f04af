"""What the partnerships' confirmation page says (`lde.core.confirm`) before a member's role
is removed, a partner organisation taken out, or an alliance's partnerships changed: what
happens, who will see it, and that it cannot be undone."""

from __future__ import annotations

from django.urls import reverse

from lde.accounts.models import Organisation
from lde.core.confirm import Confirmation
from lde.partnerships.models import Alliance, Membership, Partnership


def membership_remove(membership: Membership) -> Confirmation:
    person = membership.user.full_name
    role = membership.get_role_display().lower()
    partnership = membership.partnership.name
    return Confirmation(
        title=f"Remove {person}'s {role} role",
        caption=partnership,
        button=f"Remove {role} role",
        cancel_url=reverse(
            "partnerships:membership-update", args=[membership.partnership_id, membership.pk]
        ),
        facts=(
            ("Person", person),
            ("Role", membership.get_role_display()),
            ("Represents", membership.organisation.name if membership.organisation else "–"),
        ),
        happens=[
            f"{person} is no longer a {role} of {partnership}: from their next page they no "
            "longer see or do what the role let them.",
            f"If they hold no other role there, {partnership} is no longer among their "
            "partnerships.",
            "Their API tokens are revoked.",
        ],
        seen_by=(
            f"Everyone who reads {partnership}'s members (its coordinators, board members, "
            f"contributors and viewers, and its live inspectors) no longer finds {person} there "
            f"as {role}. {person} is not sent a message by this service: tell them yourself. "
            f"The removal is recorded in {partnership}'s audit trail, with your name."
        ),
        cannot_undo=f"You cannot undo this: to give {person} the role again, invite them again.",
        destructive=True,
    )


ALLIANCE_SEEN_BY = (
    "The coordinators of {partnership} see it in their partnership's audit trail; other site "
    "administrators see it here and in the site audit trail, with your name."
)


def alliance_partnership_add(
    alliance: Alliance, partnership: Partnership, *, carried: tuple[tuple[str, str], ...]
) -> Confirmation:
    return Confirmation(
        title=f"Add {partnership.name} to {alliance.name}",
        caption="Site administration",
        button="Add this partnership",
        cancel_url=reverse("partnerships:alliance-detail", args=[alliance.pk]),
        facts=(("Alliance", alliance.name), ("Partnership", partnership.name)),
        happens=[
            f"{partnership.name}'s coordinators and board members see the pots {alliance.name} "
            "pools, and its coordinators may manage and allocate them (ADR 0015).",
            f"{partnership.name}'s projects may draw on those pots.",
        ],
        seen_by=ALLIANCE_SEEN_BY.format(partnership=partnership.name),
        cannot_undo="Whatever its people see or spend meanwhile stays seen and spent; taking the "
        "partnership out again does not undo it.",
        carried=carried,
    )


def alliance_partnership_remove(alliance: Alliance, partnership: Partnership) -> Confirmation:
    return Confirmation(
        title=f"Take {partnership.name} out of {alliance.name}",
        caption="Site administration",
        button="Take this partnership out",
        cancel_url=reverse("partnerships:alliance-detail", args=[alliance.pk]),
        facts=(("Alliance", alliance.name), ("Partnership", partnership.name)),
        happens=[
            f"{partnership.name}'s people no longer see {alliance.name}'s pooled pots, from their "
            "next page, and its coordinators can no longer allocate them.",
            "What it put into the pots, and what its projects drew, stays recorded.",
        ],
        seen_by=ALLIANCE_SEEN_BY.format(partnership=partnership.name),
        cannot_undo="You cannot undo this here: add the partnership again if it should return.",
        destructive=True,
    )


def partner_organisation_remove(
    partnership: Partnership, organisation: Organisation
) -> Confirmation:
    return Confirmation(
        title=f"Remove {organisation.name} from {partnership.name}",
        caption=partnership.name,
        button="Remove this partner organisation",
        cancel_url=reverse("partnerships:partnership-detail", args=[partnership.pk]),
        facts=(
            ("Organisation", organisation.name),
            ("Type", organisation.get_type_display()),
        ),
        happens=[
            f"{organisation.name} is no longer one of {partnership.name}'s partner "
            "organisations: it is not offered for new roles, posts, actions or plans here.",
            f"{partnership.name}'s members no longer see its posts and people through the "
            "partnership, from their next page.",
            "What it did here stays recorded, naming it; it stays in the organisations register.",
        ],
        seen_by=(
            f"Everyone who reads {partnership.name}'s overview no longer finds it among the "
            f"partners. {organisation.name} is not sent a message by this service: tell them "
            f"yourself. The removal is recorded in {partnership.name}'s audit trail, with your "
            "name."
        ),
        cannot_undo=f"You cannot undo this: to make {organisation.name} a partner again, add it "
        "again.",
        destructive=True,
    )
