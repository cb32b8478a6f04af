"""The Django admin holds site-level models only: never partnership content or marked material.

Site administrators run the site (organisations, caveats, markings, site settings, who holds the
site-wide grants); they have no access to partnership content through this role.
"""

from django.contrib import admin

from lde.accounts.models import Caveat, Organisation, User
from lde.core.admin import AuditedModelAdmin


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
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
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "type", "gss_code"]
    list_filter = ["type"]
    search_fields = ["name", "gss_code"]


@admin.register(Caveat)
class CaveatAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
