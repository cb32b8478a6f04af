"""Where a request really comes from, behind the reverse proxies the site is told to trust.

Behind a proxy every request arrives from the proxy's address, so anything keyed on the address
(the sign-in lockout above all) would lump everyone together: five wrong passwords typed anywhere
would lock the account out for everyone. The proxy says who it talked to in `X-Forwarded-For`,
but any client can send that header too, so it is believed only when the request came from a
trusted proxy (`LDE_TRUSTED_PROXIES`), and only as far back as the chain of trusted proxies
goes: the right-most address that is not a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request: Any) -> str | None:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the right-most
    address in `X-Forwarded-For` that is not one of the trusted proxies."""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    address = _address(remote)
    if address is None:
        return remote or None
    trusted = _networks(tuple(getattr(settings, "LDE_TRUSTED_PROXIES", ())))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    while any(address in network for network in trusted) and hops:
        previous = _address(hops.pop())
        if previous is None:
            # A malformed entry: nothing to its left can be believed either.
            break
        address = previous
    return str(address)
