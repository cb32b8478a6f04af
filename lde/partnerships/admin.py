"""Partnerships and alliances are site-level: administrators create them and name the first
coordinator. Memberships and content are managed by coordinators in the service, not here."""

from django.contrib import admin

from lde.partnerships.models import Alliance, Partnership


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "lead_council", "region"]
    list_filter = ["region"]
    search_fields = ["name"]
    filter_horizontal = ["police_bcus"]


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["partnerships"]
