"""The Django admin holds site-level models only: never partnership content or marked material.

Site administrators run the site (organisations, caveats, markings, site settings, who holds the
site-wide grants); they have no access to partnership content through this role.
"""

from typing import Any, cast

from django.contrib import admin
from django.http import HttpRequest

from lde.accounts.models import Caveat, Organisation, User
from lde.accounts.services import api_tokens_revoke_for_roles_changed
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
    # What the person may do follows from these, so a token made before the change must not
    # carry on with the access it brings.
    access_fields = frozenset(
        {"organisation", "is_active", "is_site_administrator", "is_national_analyst"}
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Nobody grants anything to themselves: an administrator's own grants and organisation
        # are changed by another administrator.
        fixed = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fixed += sorted(self.access_fields)
        return fixed

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and self.access_fields & set(form.changed_data):
            api_tokens_revoke_for_roles_changed(
                actor=cast(User, request.user), user=obj, reason="USER_CHANGED"
            )


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "type", "gss_code"]
    list_filter = ["type"]
    search_fields = ["name", "gss_code"]


@admin.register(Caveat)
class CaveatAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
