"""What the accounts' confirmation pages say (`lde.core.confirm`) before an API token, a
clearance or a caveat is revoked: what happens, who will see it, and that it cannot be undone."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.dateformat import format as date_format

from lde.accounts.models import ApiToken, CaveatGrant, Clearance, Organisation, User
from lde.core.confirm import Confirmation


def _day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else "No expiry"


def api_token_revoke(token: ApiToken) -> Confirmation:
    return Confirmation(
        title=f"Revoke the token “{token.name}”",
        caption="Your API tokens",
        button="Revoke this token",
        cancel_url=reverse("accounts:profile"),
        facts=(
            ("Name", token.name),
            ("Starts with", token.hint),
            ("Expires", _day(token.expires_on)),
            (
                "Last used",
                date_format(token.last_used_at, "j F Y H:i") if token.last_used_at else "Never",
            ),
        ),
        happens=[
            "The token stops working at once: anything that sends it, such as a script or a "
            "spreadsheet, is refused.",
            "It stays listed on your profile, as revoked.",
        ],
        seen_by=(
            "Only you: your tokens are listed on your profile and nowhere else. The revocation is "
            "recorded in the audit trail."
        ),
        cannot_undo=(
            "You cannot undo this: a revoked token never works again. Make a new token if you "
            "need one."
        ),
        destructive=True,
    )


def clearance_revoke(organisation: Organisation, clearance: Clearance) -> Confirmation:
    person = clearance.user.full_name
    return Confirmation(
        title=f"Revoke {person}'s clearance",
        caption=organisation.name,
        button="Revoke this clearance",
        cancel_url=reverse("accounts:organisation-clearances", args=[organisation.pk]),
        facts=(
            ("Person", person),
            ("Level", clearance.get_level_display()),
            ("Granted", _day(clearance.granted_on)),
            ("Expires", _day(clearance.expires_on)),
        ),
        happens=[
            f"The clearance stops counting from today, at {person}'s next page: they no longer "
            "see briefing products whose marking needs it.",
            "A post they hold that needs this level of vetting shows as a vetting gap.",
            "Their API tokens are revoked.",
        ],
        seen_by=(
            f"{person} sees it as revoked on their profile. {organisation.name}'s security "
            f"contact sees it here, and coordinators of the partnerships {person} belongs to see "
            "it on their clearances page. The revocation is recorded in the audit trail, with "
            "your name."
        ),
        cannot_undo="You cannot undo this: to restore it, record a new clearance.",
        destructive=True,
    )


def caveat_grant_revoke(organisation: Organisation, grant: CaveatGrant) -> Confirmation:
    person = grant.user.full_name
    return Confirmation(
        title=f"Revoke {person}'s {grant.caveat.name} caveat",
        caption=organisation.name,
        button="Revoke this caveat",
        cancel_url=reverse("accounts:organisation-clearances", args=[organisation.pk]),
        facts=(
            ("Person", person),
            ("Caveat", grant.caveat.name),
            ("Granted", _day(grant.granted_on)),
            ("Expires", _day(grant.expires_on)),
        ),
        happens=[
            f"The caveat stops counting from today, at {person}'s next page: they no longer see "
            "briefing products that carry it.",
            "Their API tokens are revoked.",
        ],
        seen_by=(
            f"{person} no longer finds it among the caveats on their profile. "
            f"{organisation.name}'s security contact sees it here. The revocation is recorded in "
            "the audit trail, with your name."
        ),
        cannot_undo="You cannot undo this: to restore it, record the caveat again.",
        destructive=True,
    )


def person_access_change(
    person: User,
    *,
    is_active: bool,
    is_site_administrator: bool,
    carried: tuple[tuple[str, str], ...],
) -> Confirmation:
    """Granting or removing site administrator, or closing an account: asked before it is done."""
    name = person.full_name or person.email
    happens: list[str] = []
    if is_site_administrator != person.is_site_administrator:
        happens.append(
            f"{name} becomes a site administrator: they can change organisations, partnerships, "
            "people's site-wide grants and the site's ceiling, but see no partnership content "
            "through this role."
            if is_site_administrator
            else f"{name} is no longer a site administrator, from their next page."
        )
    if person.is_active and not is_active:
        happens.append(f"{name} can no longer sign in; their memberships and records stay.")
    happens.append(f"{name}'s API tokens are revoked.")
    return Confirmation(
        title=f"Change {name}'s access",
        caption="Site administration",
        button="Change their access",
        cancel_url=reverse("accounts:person-detail", args=[person.pk]),
        facts=(("Person", name), ("Email", person.email)),
        happens=happens,
        seen_by=(
            f"{name} sees the change at their next page. Other site administrators see it in the "
            "list of people. The change is recorded in the audit trail, with your name."
        ),
        cannot_undo=(
            "Another site administrator can change it back, but tokens revoked stay revoked."
        ),
        destructive=not is_active or not is_site_administrator,
        carried=carried,
    )
