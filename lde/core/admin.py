from django.contrib import admin
from django.http import HttpRequest

from lde.core.access.markings import Marking, SiteSettings


@admin.register(Marking)
class MarkingAdmin(admin.ModelAdmin):
    list_display = ["label", "scheme", "rank", "maps_to", "required_vetting"]
    list_filter = ["scheme"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "ceiling"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
