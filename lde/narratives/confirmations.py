"""What the narrative's confirmation pages say (`lde.core.confirm`) before what cannot be
undone: sharing a version for consultation, taking it back, signing it off, publishing its
public summary."""

from __future__ import annotations

from django.forms import Form
from django.urls import reverse

from lde.core.confirm import Confirmation
from lde.narratives.models import NarrativeVersion


def _cancel(version: NarrativeVersion) -> str:
    return reverse("narratives:version-detail", args=[version.pk])


def share(version: NarrativeVersion, form: Form) -> Confirmation:
    name = version.partnership.name
    return Confirmation(
        title=f"Share version {version.number} for consultation",
        caption=f"{name}: local narrative",
        button="Share for consultation",
        cancel_url=_cancel(version),
        happens=[
            "The version can no longer be changed unless a coordinator takes it back to draft.",
            "Its community reviewers can read it and comment, as its partners can.",
            "The organisations named to sign it off can sign it.",
        ],
        seen_by=f"{name}'s coordinators, board members, contributors, viewers, community "
        "reviewers and live inspectors. Sharing is recorded in the audit trail, with your name.",
        cannot_undo="The consultation stays in the version's history, even if it is taken back "
        "to draft.",
        form=form,
    )


def return_to_draft(version: NarrativeVersion, form: Form) -> Confirmation:
    return Confirmation(
        title=f"Take version {version.number} back to draft",
        caption=f"{version.partnership.name}: local narrative",
        button="Take it back to draft",
        cancel_url=_cancel(version),
        happens=[
            "Community reviewers can no longer read it until it is shared again.",
            "Signatures already given are set aside: each organisation signs again.",
        ],
        seen_by="The partnership's coordinators, board members, contributors, viewers and live "
        "inspectors, in the version's history, with your reason.",
        cannot_undo="The signatures set aside are not restored; the move stays in the history.",
        destructive=True,
        form=form,
    )


def sign(version: NarrativeVersion, organisation: str, form: Form) -> Confirmation:
    return Confirmation(
        title=f"Sign off version {version.number} for {organisation}",
        caption=f"{version.partnership.name}: local narrative",
        button=f"Sign off for {organisation}",
        cancel_url=_cancel(version),
        facts=(("Organisation", organisation), ("Version", str(version.number))),
        happens=[
            f"{organisation}'s signature is recorded with your name and the time.",
            "When every named organisation has signed, the version is approved and replaces "
            "the version before it.",
        ],
        seen_by="Everyone who reads the narrative; once the public summary is published, "
        "anyone can see which organisations approved it and when.",
        cannot_undo="A signature is withdrawn only by taking the whole version back to draft.",
        form=form,
    )


def publish(version: NarrativeVersion, form: Form) -> Confirmation:
    return Confirmation(
        title=f"Publish the public summary of version {version.number}",
        caption=f"{version.partnership.name}: local narrative",
        button="Publish the public summary",
        cancel_url=_cancel(version),
        happens=[
            "The summary can be read by anyone, without signing in, with who approved it and when.",
            "The rest of the narrative stays for the partnership's own readers.",
        ],
        seen_by="Anyone on the internet who has its address.",
        cannot_undo="A published summary cannot be withdrawn here; publish a later version to "
        "replace it.",
        form=form,
    )
