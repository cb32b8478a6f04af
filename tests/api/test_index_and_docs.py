"""The API's own address answers with where to start, and its documentation page loads its
scripts from this service, which the content security policy allows."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_api_address_answers_with_links_in_json(client: Client) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["openapi"] == "/api/v1/openapi.json"
    assert body["docs"] == "/api/v1/docs"
    assert body["resources"]["assessments"] == "/api/v1/assessments"
    for path in (body["openapi"], body["docs"]):
        assert client.get(path).status_code == 200


def test_the_documentation_page_uses_only_this_services_scripts(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr.net" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
