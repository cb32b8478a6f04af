"""Partnerships and alliances are site-level, shown read-only (lde.core.admin). Site
administrators create and change them on the service's own pages (/partnerships/new/,
/partnerships/administration/, /partnerships/alliances/), through the services; memberships and
content are managed by coordinators in the service, never here."""

from django.contrib import admin

from lde.core.admin import ReadOnlyModelAdmin
from lde.partnerships.models import Alliance, Partnership


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "lead_council", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(Alliance)
class AllianceAdmin(ReadOnlyModelAdmin):
    list_display = ["name"]
