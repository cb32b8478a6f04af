"""What the indicators' confirmation page says (`lde.core.confirm`) before an indicator is
published to anyone, or withdrawn."""

from __future__ import annotations

from django.urls import reverse

from lde.core.confirm import Confirmation
from lde.indicators.models import Indicator


def publish(indicator: Indicator) -> Confirmation:
    return Confirmation(
        title="Publish this indicator",
        caption=indicator.title,
        button="Publish this indicator",
        cancel_url=reverse("indicators:indicator-detail", args=[indicator.pk]),
        facts=(("Indicator", indicator.title), ("Unit", indicator.unit)),
        happens=[
            "Its definition, status, targets and figures appear on its open page, which anyone "
            "can read without signing in, and in the API.",
            "Every figure resting on a count under 10 is withheld there, and so is any total "
            "from which a withheld figure could be worked out.",
        ],
        seen_by="Anyone, including the public, the partnership's community reviewers and "
        "national analysts. The publication is recorded in the audit trail, with your name.",
        cannot_undo="A coordinator can withdraw it, but anyone may already have read or copied "
        "what was published.",
        carried=(("published", "yes"),),
    )


def withdraw(indicator: Indicator) -> Confirmation:
    return Confirmation(
        title="Withdraw this indicator from publication",
        caption=indicator.title,
        button="Withdraw this indicator",
        cancel_url=reverse("indicators:indicator-detail", args=[indicator.pk]),
        facts=(("Indicator", indicator.title),),
        happens=[
            "Its open page is no longer shown, and the API no longer gives it to people "
            "outside the partnership."
        ],
        seen_by="The partnership's members; the withdrawal is recorded in the audit trail.",
        cannot_undo="What was read or copied while it was published cannot be recalled.",
        destructive=True,
        carried=(("published", "no"),),
    )
