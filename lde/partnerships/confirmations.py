"""What the partnerships' confirmation page says (`lde.core.confirm`) before a member's role
is removed: what happens, who will see it, and that it cannot be undone."""

from __future__ import annotations

from django.urls import reverse

from lde.core.confirm import Confirmation
from lde.partnerships.models import Membership


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
