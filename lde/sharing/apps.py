from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "lde.sharing"
    label = "sharing"
    verbose_name = "Information sharing gateway"

    def ready(self) -> None:
        # Briefing coverage is shown by partnerships, below this app: it learns each holder's
        # status from the gateway through the source registered here, never by importing it.
        from lde.core.access.markings import (
            StoredMaterialCounter,
            stored_material_counter_register,
        )
        from lde.partnerships.selectors import BriefingStatusSource, briefing_status_source_register
        from lde.sharing.selectors import COVERAGE_WINDOW_DAYS, NOTHING_RELEASED, briefing_status
        from lde.sharing.stored import products_stored_under

        briefing_status_source_register(
            BriefingStatusSource(
                window_days=COVERAGE_WINDOW_DAYS,
                nothing_released=NOTHING_RELEASED,
                status=briefing_status,
            )
        )
        # The ceiling and the marking scheme are changed in the kernel, which asks how many
        # products are stored under the markings a change would put above the ceiling.
        stored_material_counter_register(
            "sharing.products",
            StoredMaterialCounter(noun="briefing product", count=products_stored_under),
        )
