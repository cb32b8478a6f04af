from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "lde.capacity"
    label = "capacity"
    verbose_name = "Partnership capacity"

    def ready(self) -> None:
        # A partner organisation is taken out of a partnership in partnerships, below this app:
        # it asks here how many relationships with community organisations the organisation's
        # posts still hold, and refuses while there are any (ADR 0028). Board seats and teams
        # are not asked about: nothing ends them yet, so counting them would keep such a partner
        # in for good (docs/apps/capacity.md).
        from lde.capacity.selectors import community_relationships_held_by_posts_of
        from lde.partnerships.selectors import PartnerDependents, partner_dependents_register

        partner_dependents_register(
            "capacity.community_relationships",
            PartnerDependents(
                singular="relationship with a community organisation held by its posts",
                plural="relationships with community organisations held by its posts",
                remedy="name posts of the partnership's other organisations as their holders first",
                count=community_relationships_held_by_posts_of,
            ),
        )
