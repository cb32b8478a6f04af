"""The Django admin is read-only technical tooling that shows no content (issue 18, ADR 0005):
every registered admin class, the installed packages' included, refuses add, change and delete
and offers no bulk action; its pages refuse a change posted to them."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from lde.accounts.models import Organisation, OrganisationType
from lde.core.admin import ReadOnlyModelAdmin
from lde.core.audit.models import AuditEvent
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_registered_admin_refuses_add_change_and_delete() -> None:
    administrator = UserFactory(is_site_administrator=True, is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = administrator
    registered = admin.site._registry
    # The project's site-level models and the installed packages' own.
    assert {"core.Marking", "accounts.User", "partnerships.Alliance", "auth.Group"} <= {
        model._meta.label for model in registered
    }
    for model, model_admin in registered.items():
        assert isinstance(model_admin, ReadOnlyModelAdmin), model
        assert model_admin.has_add_permission(request) is False, model
        assert model_admin.has_change_permission(request) is False, model
        assert model_admin.has_delete_permission(request) is False, model
        assert model_admin.get_actions(request) == {}, model
        # A superuser may still look: the admin is for viewing site-level rows.
        assert model_admin.has_view_permission(request) is True, model


def test_a_change_posted_to_the_admin_is_refused_and_nothing_is_recorded(client: Client) -> None:
    administrator = UserFactory(is_site_administrator=True, is_staff=True, is_superuser=True)
    sign_in(client, administrator)
    organisation = Organisation.objects.create(name="Old Name", type=OrganisationType.SCHOOL)
    response = client.post(
        f"/admin/accounts/organisation/{organisation.pk}/change/",
        {"name": "New Name", "type": OrganisationType.SCHOOL, "gss_code": "", "website": ""},
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Old Name"
    assert client.post("/admin/accounts/organisation/add/", {"name": "X"}).status_code == 403
    assert Organisation.objects.filter(name="X").count() == 0
    assert not AuditEvent.objects.filter(verb__startswith="ADMIN_").exists()
    # The row is still shown, read-only.
    page = client.get(f"/admin/accounts/organisation/{organisation.pk}/change/")
    assert page.status_code == 200
    assert "Old Name" in page.content.decode()
