"""What the confirmation pages say (`lde.core.confirm`) before open data is proposed, approved,
released or withdrawn, and what the page says once it is done."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from lde.core.confirm import Confirmation
from lde.rollups.models import OpenDataFigures, OpenDataRelease, OpenDataScope


def _back(release: OpenDataRelease) -> str:
    return reverse("opendata:release-detail", args=[release.pk])


def _caption(release: OpenDataRelease) -> str:
    return release.partnership.name if release.partnership else "National figures"


def _facts(release: OpenDataRelease) -> list[tuple[str, str]]:
    facts = [
        ("Figures", OpenDataFigures(release.figures_kind).label),
        ("Licence", release.licence),
        ("Publisher", release.publisher),
    ]
    if release.embargo_until:
        facts.append(
            ("Embargo until", f"{timezone.localtime(release.embargo_until):%d %B %Y %H:%M}")
        )
    return facts


def _approvers(release: OpenDataRelease) -> str:
    if release.scope == OpenDataScope.NATIONAL:
        return "National analysts, who cannot approve what they proposed: a second one must."
    return "The partnership's coordinators; its board members can read it."


def propose(release: OpenDataRelease) -> Confirmation:
    return Confirmation(
        title=f"Propose {release.title} for approval",
        caption=_caption(release),
        button="Propose for approval",
        cancel_url=_back(release),
        facts=_facts(release),
        happens=[
            "Its status becomes Proposed: it can no longer be changed.",
            "It waits for approval, which freezes its figures as they are on that day, with "
            "every count under 10 withheld.",
        ],
        seen_by=_approvers(release),
        cannot_undo="You cannot take it back to a draft: withdraw it and draft it again.",
    )


def approve(release: OpenDataRelease) -> Confirmation:
    when = (
        f"It is released automatically at the end of its embargo, "
        f"{timezone.localtime(release.embargo_until):%d %B %Y %H:%M}."
        if release.embargo_until
        else "It is then ready to release on the open pages."
    )
    return Confirmation(
        title=f"Approve {release.title}",
        caption=_caption(release),
        button="Approve these figures",
        cancel_url=_back(release),
        facts=_facts(release),
        happens=[
            "The figures are worked out now, with groups of fewer than 5 partnerships left out "
            "and every figure resting on a count under 10 withheld, and frozen with their hash: "
            "what is released is exactly what you approve.",
            "You are recorded as the approver; the open pages name your role, not you.",
            when,
        ],
        seen_by=_approvers(release),
        cannot_undo="Approved figures cannot be changed: withdraw them and draft them again.",
    )


def release_(release: OpenDataRelease) -> Confirmation:
    return Confirmation(
        title=f"Release {release.title}",
        caption=_caption(release),
        button="Release this data set",
        cancel_url=_back(release),
        facts=_facts(release),
        happens=[
            "The data set goes on the open pages, as CSV and JSON with its licence, metadata "
            "and approval record.",
        ],
        seen_by="Anyone, signed in or not.",
        cannot_undo="You cannot take back what others will have downloaded: withdrawing it "
        "only removes it from the open pages.",
    )


def withdraw(release: OpenDataRelease) -> Confirmation:
    return Confirmation(
        title=f"Withdraw {release.title}",
        caption=_caption(release),
        button="Withdraw this data set",
        cancel_url=_back(release),
        facts=_facts(release),
        happens=[
            "It leaves the open pages, or is never released. The record of what was approved "
            "stays.",
        ],
        seen_by=_approvers(release),
        cannot_undo="A withdrawn data set cannot be released again: draft it again instead.",
        destructive=True,
    )


CONFIRMATIONS: dict[str, Callable[[OpenDataRelease], Confirmation]] = {
    "propose": propose,
    "approve": approve,
    "release": release_,
    "withdraw": withdraw,
}

DONE: dict[str, Callable[[OpenDataRelease], str]] = {
    "propose": lambda r: f"Proposed for approval: {r.title}.",
    "approve": lambda r: f"Approved: {r.title}. Its figures are frozen.",
    "release": lambda r: f"Released: {r.title} is on the open pages.",
    "withdraw": lambda r: f"Withdrawn: {r.title}.",
}
