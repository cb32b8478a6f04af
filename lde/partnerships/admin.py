"""Partnerships and alliances are site-level: administrators create them and name the first
coordinator. Memberships and content are managed by coordinators in the service, not here."""

from django.contrib import admin
from django.http import HttpRequest

from lde.core.admin import AuditedModelAdmin
from lde.partnerships.models import Alliance, Partnership


@admin.register(Partnership)
class PartnershipAdmin(AuditedModelAdmin):
    list_display = ["name", "lead_council", "region"]
    list_filter = ["region"]
    search_fields = ["name"]
    filter_horizontal = ["police_bcus"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new partnership needs its first coordinator: the service's own page does both.
        return False


@admin.register(Alliance)
class AllianceAdmin(AuditedModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["partnerships"]
