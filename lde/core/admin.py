"""The Django admin: read-only technical tooling that shows no content.

Site administrators change the site through the service's own pages (markings and the ceiling,
organisations, partnerships and alliances, people and their site-wide grants), through the same
services, rules and audit trail as everything else (ADR 0005, issue 18). The admin stays for
looking at site-level rows while operating the service, and nothing more: no model in it can be
added, changed or deleted, and it offers no bulk actions. That holds for the admin classes of the
installed packages too (groups, two-factor devices, sign-in lockouts, task results), made
read-only by `admin_read_only` once every admin module has been imported.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lde.core.access.markings import Marking, SiteSettings


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """No add, change or delete, and no actions: the admin only shows site-level rows."""

    actions = None

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def admin_read_only(site: admin.AdminSite) -> None:
    """Make every registered admin class read-only, the installed packages' included: each is
    replaced by a subclass of itself with `ReadOnlyModelAdmin`'s answers, keeping its columns."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ReadOnlyModelAdmin):
            continue
        read_only = type(
            f"ReadOnly{type(model_admin).__name__}",
            (ReadOnlyModelAdmin, type(model_admin)),
            {"__module__": __name__},
        )
        site.unregister(model)
        site.register(model, read_only)


@admin.register(Marking)
class MarkingAdmin(ReadOnlyModelAdmin):
    list_display = ["label", "scheme", "rank", "maps_to", "required_vetting"]
    list_filter = ["scheme"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(ReadOnlyModelAdmin):
    list_display = ["__str__", "ceiling"]
