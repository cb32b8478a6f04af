"""What the library's confirmation page says (`lde.core.confirm`) before an entry is published:
once published it is read by everyone signed in and changed by no one."""

from __future__ import annotations

from django.urls import reverse

from lde.core.confirm import Confirmation
from lde.what_works import scales
from lde.what_works.models import Entry


def publish(entry: Entry) -> Confirmation:
    level = scales.maryland_level(entry.design)
    local = entry.partnership is not None
    return Confirmation(
        title="Publish this entry to the library",
        caption=entry.title,
        button="Publish",
        back_text="Keep it in review",
        cancel_url=reverse("what_works:entry-detail", args=[entry.pk]),
        facts=(
            ("Kind", entry.get_kind_display()),
            ("Design", entry.get_design_display()),
            ("Maryland level", scales.level_words(level)),
            ("Rated by", entry.rated_by.full_name if entry.rated_by else "The platform"),
        ),
        happens=[
            "The entry joins the published library of what works, and a search finds it.",
            "Nobody can edit or re-rate it after this.",
            *(
                [f"It stops being private to {entry.partnership.name}."]
                if local and entry.partnership
                else []
            ),
        ],
        seen_by="Everyone signed in to the platform, in every partnership.",
        cannot_undo="You cannot unpublish an entry.",
    )
