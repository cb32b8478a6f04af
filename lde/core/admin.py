"""The Django admin, for site-level models only, with every change audited.

Admin writes do not pass through the apps' services, so this base records the audit event
itself, inside the transaction the admin already opens for each change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from lde.core.access.markings import Marking, SiteSettings
from lde.core.audit.chain import audit_record


def _verb(obj: Model, action: str) -> str:
    return f"ADMIN_{str(obj._meta.model_name).upper()}_{action}"


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            verb=_verb(obj, "CHANGED" if change else "CREATED"),
            target=obj,
            changes={name: form.cleaned_data.get(name) for name in form.changed_data},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, verb=_verb(obj, "DELETED"), target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_record(actor=request.user, verb=_verb(obj, "DELETED"), target=obj)
        super().delete_queryset(request, queryset)


@admin.register(Marking)
class MarkingAdmin(AuditedModelAdmin):
    list_display = ["label", "scheme", "rank", "maps_to", "required_vetting"]
    list_filter = ["scheme"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(AuditedModelAdmin):
    list_display = ["__str__", "ceiling"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
