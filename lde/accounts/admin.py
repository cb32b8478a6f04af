"""The Django admin holds site-level models only, read-only (lde.core.admin): never partnership
content or marked material.

Site administrators change people, organisations and grants on the service's own pages
(/site-administration/people/, /organisations/), through the services and their audit trail.
"""

from django.contrib import admin

from lde.accounts.models import Caveat, Organisation, User
from lde.core.admin import ReadOnlyModelAdmin


@admin.register(User)
class UserAdmin(ReadOnlyModelAdmin):
    list_display = [
        "email",
        "full_name",
        "organisation",
        "is_active",
        "is_site_administrator",
        "is_national_analyst",
    ]
    list_filter = ["is_active", "is_site_administrator", "is_national_analyst"]
    search_fields = ["email", "full_name"]
    fields = [
        "email",
        "full_name",
        "organisation",
        "job_title",
        "is_active",
        "is_site_administrator",
        "is_national_analyst",
    ]


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "type", "gss_code"]
    list_filter = ["type"]
    search_fields = ["name", "gss_code"]


@admin.register(Caveat)
class CaveatAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "name"]
