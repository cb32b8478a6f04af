from django.contrib import admin

from lde.core.access.markings import Marking, SiteSettings


@admin.register(Marking)
class MarkingAdmin(admin.ModelAdmin):
    list_display = ["label", "scheme", "rank", "maps_to", "required_vetting"]
    list_filter = ["scheme"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "ceiling"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
