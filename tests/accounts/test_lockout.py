"""The sign-in lockout counts failures per account and client address together, reads the
client's address correctly behind a trusted reverse proxy, and believes no one else's
X-Forwarded-For."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings

from config.env import trusted_proxies
from lde.core.network import client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def _fail(client: Client, email: str, times: int = 5, **meta: str) -> None:
    for _ in range(times):
        client.post("/sign-in/", {"username": email, "password": "wrong"}, **meta)


def _sign_in(email: str, **meta: str) -> int:
    return Client().post("/sign-in/", {"username": email, "password": PASSWORD}, **meta).status_code


def test_failures_from_one_address_do_not_lock_the_account_out_from_another(
    client: Client,
) -> None:
    user = UserFactory()
    _fail(client, user.email, REMOTE_ADDR="198.51.100.1")
    assert _sign_in(user.email, REMOTE_ADDR="198.51.100.1") == 429
    assert _sign_in(user.email, REMOTE_ADDR="198.51.100.2") == 302


def test_every_spelling_of_the_email_address_counts_as_one_account(client: Client) -> None:
    user = UserFactory()
    _fail(client, user.email.upper(), times=3, REMOTE_ADDR="198.51.100.1")
    _fail(client, f"  {user.email} ", times=2, REMOTE_ADDR="198.51.100.1")
    assert _sign_in(user.email, REMOTE_ADDR="198.51.100.1") == 429


@override_settings(LDE_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_each_client_is_counted_apart(client: Client) -> None:
    user = UserFactory()
    _fail(client, user.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert _sign_in(user.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7") == 429
    assert _sign_in(user.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8") == 302


@override_settings(LDE_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_forwarded_for_header_from_an_untrusted_client_is_ignored(client: Client) -> None:
    # Given someone not behind the proxy who sends a different X-Forwarded-For each time
    user = UserFactory()
    for n in range(5):
        client.post(
            "/sign-in/",
            {"username": user.email, "password": "wrong"},
            REMOTE_ADDR="198.51.100.20",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    # Then their failures all count against their own address, which is now locked out
    assert (
        _sign_in(user.email, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.99")
        == 429
    )
    # and the address they claimed to be is not
    assert _sign_in(user.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1") == 302


def _ip(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_with_no_trusted_proxy_the_peer_is_the_client() -> None:
    assert _ip("198.51.100.20", "203.0.113.1") == "198.51.100.20"


@override_settings(LDE_TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8::/32"])
def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy() -> None:
    assert _ip(PROXY, "203.0.113.1") == "203.0.113.1"
    # A client can put anything at the start of the header; only what the proxies added counts.
    assert _ip(PROXY, "192.0.2.66, 203.0.113.1") == "203.0.113.1"
    assert _ip(PROXY, "192.0.2.66, 203.0.113.1, 10.1.2.3") == "203.0.113.1"
    assert _ip("2001:db8::1", "2001:db8::2, 198.51.100.4") == "198.51.100.4"
    # A malformed entry stops the walk at the last address known to be real.
    assert _ip(PROXY, "203.0.113.1, not-an-address") == PROXY
    assert _ip(PROXY) == PROXY
    assert _ip("198.51.100.20", "203.0.113.1") == "198.51.100.20"


def test_the_trusted_proxy_setting_refuses_what_is_not_an_address_or_trusts_everyone() -> None:
    assert trusted_proxies(["10.0.0.5", "172.16.0.0/12", "2001:db8::/32"]) == [
        "10.0.0.5/32",
        "172.16.0.0/12",
        "2001:db8::/32",
    ]
    with pytest.raises(ValueError) as typo:
        trusted_proxies(["10.0.0.300"])
    assert str(typo.value) == (
        "LDE_TRUSTED_PROXIES holds '10.0.0.300', which is not an IP address or network"
    )
    with pytest.raises(ValueError) as everyone:
        trusted_proxies(["0.0.0.0/0"])
    assert (
        str(everyone.value)
        == "LDE_TRUSTED_PROXIES holds '0.0.0.0/0', which would trust every address"
    )
