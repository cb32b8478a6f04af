from django.apps import AppConfig


class NarrativesConfig(AppConfig):
    name = "lde.narratives"
    label = "narratives"
    verbose_name = "Local narratives"

    def ready(self) -> None:
        # A partner organisation is taken out of a partnership in partnerships, below this app:
        # it asks here whether the narrative being written or consulted on still names the
        # organisation to sign it or as a plan's owner, and refuses while it does (ADR 0028).
        # Signed-off versions keep naming the organisations as they were.
        from lde.narratives.selectors import (
            open_version_plans_owned_by,
            open_version_signatures_of,
        )
        from lde.partnerships.selectors import PartnerDependents, partner_dependents_register

        partner_dependents_register(
            "narratives.open_version_signatories",
            PartnerDependents(
                singular="narrative version being written or consulted on names it to sign",
                plural="narrative versions being written or consulted on name it to sign",
                remedy="take it off the version's signatories first, taking a shared version "
                "back to draft to do so",
                count=open_version_signatures_of,
            ),
        )
        partner_dependents_register(
            "narratives.open_version_plans",
            PartnerDependents(
                singular="mainstream plan it owns in the narrative being written or consulted on",
                plural="mainstream plans it owns in the narrative being written or consulted on",
                remedy="remove each from the version's register of plans first, taking a shared "
                "version back to draft to do so",
                count=open_version_plans_owned_by,
            ),
        )
