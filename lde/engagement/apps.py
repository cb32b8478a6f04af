from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "lde.engagement"
    label = "engagement"
    verbose_name = "Community engagement and communications"

    def ready(self) -> None:
        # A partner organisation is taken out of a partnership in partnerships, below this app:
        # it asks here how many of the partnership's spokespeople are the organisation's posts,
        # and refuses while there are any (ADR 0028). Forums, initiatives and schools name
        # community organisations, which need not be partners, so they are not asked about.
        from lde.engagement.selectors import spokespeople_posts_of
        from lde.partnerships.selectors import PartnerDependents, partner_dependents_register

        partner_dependents_register(
            "engagement.spokespeople",
            PartnerDependents(
                singular="spokesperson held by one of its posts",
                plural="spokespeople held by its posts",
                remedy="change each to a post of another partner organisation first",
                count=spokespeople_posts_of,
            ),
        )
