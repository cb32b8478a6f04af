"""What the questionnaires' confirmation pages say (`lde.core.confirm`) before what cannot be
undone: opening a collection to answers, and closing it."""

from __future__ import annotations

from django.forms import Form
from django.urls import reverse

from lde.core.confirm import Confirmation
from lde.surveys.models import Collection


def _facts(collection: Collection) -> list[tuple[str, str]]:
    protocol = collection.questionnaire.protocol
    return [
        ("Questionnaire", collection.questionnaire.title),
        ("Wave", collection.get_wave_display()),
        ("Protocol", protocol.title if protocol else "None chosen"),
    ]


def open_collection(collection: Collection, form: Form) -> Confirmation:
    protocol = collection.questionnaire.protocol
    retention = f"{protocol.retention_days} days" if protocol else "the protocol's period"
    return Confirmation(
        title=f"Open {collection.title}",
        caption=collection.questionnaire.title,
        button="Open to answers",
        cancel_url=reverse("questionnaires:collection-detail", args=[collection.pk]),
        happens=[
            "Participants holding a link can answer, once each.",
            "The questionnaire's questions can no longer change.",
            f"Answers are deleted {retention} after they are given, under the protocol.",
        ],
        seen_by="The partnership's coordinators, board members, contributors, viewers and "
        "inspectors see the counts and the change. Opening is recorded in the audit trail.",
        cannot_undo="An open collection cannot go back to draft.",
        facts=_facts(collection),
        form=form,
    )


def close_collection(collection: Collection, form: Form) -> Confirmation:
    return Confirmation(
        title=f"Close {collection.title}",
        caption=collection.questionnaire.title,
        button="Close to answers",
        cancel_url=reverse("questionnaires:collection-detail", args=[collection.pk]),
        happens=[
            "No more answers are taken: every link not yet used stops working.",
            "The answers given stay, for the analysis, until the protocol's retention period ends.",
        ],
        seen_by="Closing is recorded in the audit trail, with your name.",
        cannot_undo="A closed collection cannot be opened again: start a new collection.",
        facts=_facts(collection),
        destructive=True,
        form=form,
    )
