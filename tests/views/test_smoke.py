import pytest
from django.test import Client

from tests.conftest import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_home_redirects_anonymous_to_sign_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/"


def test_sign_in_page_renders_with_service_name(client: Client) -> None:
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert "Sign in to Prevent LDE" in response.content.decode()


def test_member_sees_partnership_on_home(client: Client) -> None:
    membership = MembershipFactory()
    sign_in(client, membership.user, verified=False)
    response = client.get("/")
    assert response.status_code == 200
    assert membership.partnership.name in response.content.decode()
