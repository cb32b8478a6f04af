"""Sign-in, lockout, two-factor for privileged roles, and the security headers."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lde.partnerships.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.tasks import tasks_run, then_tasks_run

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_wrong_password_shows_the_error_summary(client: Client) -> None:
    user = UserFactory()
    response = client.post("/sign-in/", {"username": user.email, "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a correct email address and password." in page


def test_a_viewer_signs_in_without_a_second_factor(client: Client) -> None:
    membership = MembershipFactory(role=Role.VIEWER)
    response = client.post("/sign-in/", {"username": membership.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_coordinator_must_set_up_and_then_give_a_second_factor(
    client: Client, mailoutbox: list
) -> None:
    import re

    membership = MembershipFactory(role=Role.COORDINATOR)
    client.post("/sign-in/", {"username": membership.user.email, "password": PASSWORD})
    response = client.get(f"/partnerships/{membership.partnership_id}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/set-up/")
    with then_tasks_run():
        client.get("/two-factor/set-up/")
    emailed = re.search(r"^(\d{8})$", mailoutbox[0].body, re.MULTILINE)
    assert emailed is not None
    client.post("/two-factor/set-up/", {"email_code": emailed.group(1)})
    client.get("/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=membership.user, confirmed=False)
    wrong = client.post("/two-factor/set-up/", {"otp_token": "000000"})
    assert "The security code is wrong" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next attempt wait; the test does not
    done = client.post("/two-factor/set-up/", {"otp_token": _code(device)})
    assert done.status_code == 302
    assert client.get(f"/partnerships/{membership.partnership_id}/").status_code == 200


@override_settings(DEBUG=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_no_setting_lets_a_coordinator_past_the_second_factor(client: Client) -> None:
    membership = MembershipFactory(role=Role.COORDINATOR)
    membership.user.is_superuser = membership.user.is_staff = True
    membership.user.save()
    client.force_login(membership.user)
    TOTPDevice.objects.create(user=membership.user, name="app", confirmed=True)
    response = client.get("/api/v1/docs")  # not a bypass either: the API uses tokens only
    assert client.get("/").status_code == 302
    assert client.get("/").headers["Location"].startswith("/two-factor/?next=/")
    assert response.status_code in (200, 401)


def test_five_wrong_passwords_lock_the_account(client: Client) -> None:
    user = UserFactory()
    for _ in range(5):
        client.post("/sign-in/", {"username": user.email, "password": "wrong"})
    locked = client.post("/sign-in/", {"username": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Your account is locked" in locked.content.decode()


def test_pages_send_csp_and_security_headers(client: Client) -> None:
    response = client.get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_settings_use_secure_cookies_and_refuse_local_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import secrets

    from django.core.exceptions import ImproperlyConfigured

    import config.env

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/lde")
    importlib.reload(config.env)
    with pytest.raises(ImproperlyConfigured, match=r"^LDE_SECRET_KEY still has its local-only"):
        importlib.import_module("config.settings.production")
    monkeypatch.setenv("LDE_SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("LDE_AUDIT_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("LDE_SITE_URL", "https://lde.example.gov.uk")
    importlib.reload(config.env)
    import sys

    sys.modules.pop("config.settings.production", None)
    production = importlib.import_module("config.settings.production")
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SECURE_HSTS_SECONDS == 31536000
    assert production.DEBUG is False
    monkeypatch.undo()
    importlib.reload(config.env)
    sys.modules.pop("config.settings.production", None)


def test_an_invited_person_sets_a_password_from_the_emailed_link_and_signs_in(
    client: Client, mailoutbox: list
) -> None:
    import re

    from lde.partnerships.services import membership_invite

    coordinator = MembershipFactory(role=Role.COORDINATOR)
    with then_tasks_run():
        membership_invite(
            actor=coordinator.user,
            partnership=coordinator.partnership,
            email="new.person@example.test",
            full_name="New Person",
            role=Role.VIEWER,
        )
    assert [m.to for m in mailoutbox] == [["new.person@example.test"]]
    assert mailoutbox[0].subject == "Set your Prevent LDE password"
    link = re.search(r"http://127\.0\.0\.1:8000(/password/set/\S+/)", mailoutbox[0].body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    short = client.post(
        form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert "There is a problem" in short.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "a-much-longer-passphrase-2026",
            "new_password2": "a-much-longer-passphrase-2026",
        },
    )
    assert done.status_code == 302
    signed_in = client.post(
        "/sign-in/",
        {"username": "new.person@example.test", "password": "a-much-longer-passphrase-2026"},
    )
    assert signed_in.status_code == 302
    assert client.get("/").status_code == 200


def test_asking_for_a_link_says_the_same_whether_or_not_the_account_exists(
    client: Client, mailoutbox: list
) -> None:
    user = UserFactory()
    known = client.post("/password/forgotten/", {"email": user.email})
    unknown = client.post("/password/forgotten/", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/password/sent/"
    tasks_run()
    assert [m.to for m in mailoutbox] == [[user.email]]
