"""An authenticator app is added only by someone who has just proved they hold the account's
email: from the password-set link, or with a code emailed after signing in. Never after a
password alone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lde.accounts import enrolment
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Role
from tests.factories import PASSWORD, MembershipFactory
from tests.tasks import then_tasks_run

pytestmark = pytest.mark.django_db

SUBJECT = "Your Prevent LDE code to set up two-factor authentication"


def _totp(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _emailed_code(message: Any) -> str:
    found = re.search(r"^(\d{8})$", message.body, re.MULTILINE)
    assert found is not None, message.body
    return found.group(1)


def _coordinator_signed_in_with_password(client: Client) -> Any:
    membership = MembershipFactory(role=Role.COORDINATOR)
    signed_in = client.post("/sign-in/", {"username": membership.user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    return membership


def test_a_password_alone_never_reaches_enrolment(client: Client, mailoutbox: list) -> None:
    # Given a coordinator with no authenticator, signed in with their password only
    membership = _coordinator_signed_in_with_password(client)
    # When they (or whoever learnt the password) open the set-up page and try to confirm a code
    with then_tasks_run():
        page = client.get("/two-factor/set-up/")
    posted = client.post("/two-factor/set-up/", {"otp_token": "123456"})
    # Then they are asked for the code emailed to the account's owner, and no key is shown
    body = page.content.decode()
    assert page.status_code == 200
    assert "Check your email" in body
    assert "Key:" not in body
    assert "data:image/svg+xml" not in body
    assert posted.status_code == 200
    assert "Enter the 8-digit code from the email" in posted.content.decode()
    assert TOTPDevice.objects.filter(user=membership.user).count() == 0
    assert [(m.to, m.subject) for m in mailoutbox] == [([membership.user.email], SUBJECT)]
    # and every other page still sends them back to the set-up page
    assert client.get("/")["Location"] == "/two-factor/set-up/?next=/"


def test_the_emailed_code_lets_the_signed_in_user_enrol(client: Client, mailoutbox: list) -> None:
    membership = _coordinator_signed_in_with_password(client)
    with then_tasks_run():
        client.get("/two-factor/set-up/?next=/profile/")
    code = _emailed_code(mailoutbox[0])

    confirmed = client.post("/two-factor/set-up/", {"email_code": code, "next": "/profile/"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/two-factor/set-up/?next=%2Fprofile%2F"
    set_up = client.get(confirmed["Location"])
    assert set_up.status_code == 200
    assert "Key:" in set_up.content.decode()
    device = TOTPDevice.objects.get(user=membership.user, confirmed=False)
    done = client.post("/two-factor/set-up/", {"otp_token": _totp(device), "next": "/profile/"})
    assert done.status_code == 302
    assert done["Location"] == "/profile/"
    assert client.get("/profile/").status_code == 200
    verbs = list(
        AuditEvent.objects.filter(actor_id=membership.user.pk)
        .order_by("sequence")
        .values_list("verb", flat=True)
    )
    assert verbs[-3:] == [
        "USER_ENROLMENT_CODE_SENT",
        "USER_ENROLMENT_EMAIL_CONFIRMED",
        "USER_TWO_FACTOR_SET_UP",
    ]
    # The proof is spent: once enrolled, the session carries no permission to enrol again.
    assert not enrolment.enrolment_allowed(client.session, membership.user.pk)


def test_five_wrong_codes_spend_the_code(client: Client, mailoutbox: list) -> None:
    membership = _coordinator_signed_in_with_password(client)
    with then_tasks_run():
        client.get("/two-factor/set-up/")
    code = _emailed_code(mailoutbox[0])
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    answers = [
        client.post("/two-factor/set-up/", {"email_code": wrong}).content.decode()
        for _ in range(enrolment.CODE_ATTEMPTS)
    ]
    assert "The code is wrong." in answers[0]
    assert "The code no longer works. Send a new code" in answers[-1]
    late = client.post("/two-factor/set-up/", {"email_code": code})
    assert late.status_code == 200
    assert "The code no longer works. Send a new code" in late.content.decode()
    assert TOTPDevice.objects.filter(user=membership.user).count() == 0


def test_an_expired_code_is_refused(client: Client, mailoutbox: list) -> None:
    _coordinator_signed_in_with_password(client)
    with then_tasks_run():
        client.get("/two-factor/set-up/")
    code = _emailed_code(mailoutbox[0])
    session = client.session
    session["lde_enrolment_code"] = {**session["lde_enrolment_code"], "until": 0}
    session.save()
    refused = client.post("/two-factor/set-up/", {"email_code": code})
    assert "The code has expired. Send a new code" in refused.content.decode()
    assert "Key:" not in client.get("/two-factor/set-up/").content.decode()


def test_a_new_code_replaces_the_old_one(client: Client, mailoutbox: list) -> None:
    _coordinator_signed_in_with_password(client)
    with then_tasks_run():
        client.get("/two-factor/set-up/")
        sent = client.post("/two-factor/set-up/", {"send_new_code": "1", "next": "/"})
    assert sent["Location"] == "/two-factor/set-up/?next=%2F"
    first, second = (_emailed_code(m) for m in mailoutbox)
    if first != second:
        old = client.post("/two-factor/set-up/", {"email_code": first})
        assert "The code is wrong." in old.content.decode()
    assert client.post("/two-factor/set-up/", {"email_code": second}).status_code == 302


def test_a_code_issued_to_one_user_does_not_let_another_enrol() -> None:
    session: dict[str, Any] = {}
    code = enrolment.enrolment_code_issue(session, 1)
    assert enrolment.enrolment_code_check(session, 2, code) == enrolment.CodeResult.NONE
    assert not enrolment.enrolment_allowed(session, 2)
    assert enrolment.enrolment_code_check(session, 1, code) == enrolment.CodeResult.ACCEPTED
    assert enrolment.enrolment_allowed(session, 1)
    assert not enrolment.enrolment_allowed(session, 2)


def test_an_invited_coordinator_enrols_straight_after_setting_their_password(
    client: Client, mailoutbox: list
) -> None:
    from lde.partnerships.services import membership_invite

    coordinator = MembershipFactory(role=Role.COORDINATOR)
    with then_tasks_run():
        membership_invite(
            actor=coordinator.user,
            partnership=coordinator.partnership,
            email="new.coordinator@example.test",
            full_name="New Coordinator",
            role=Role.COORDINATOR,
        )
    link = re.search(r"http://127\.0\.0\.1:8000(/password/set/\S+/)", mailoutbox[0].body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    password = "a-much-longer-passphrase-2026"
    client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    client.post("/sign-in/", {"username": "new.coordinator@example.test", "password": password})
    with then_tasks_run():
        set_up = client.get("/two-factor/set-up/")
    assert set_up.status_code == 200
    assert "Key:" in set_up.content.decode()
    assert len(mailoutbox) == 1  # the invitation only: no code was needed
