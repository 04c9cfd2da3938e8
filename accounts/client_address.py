"""The address of the client behind a sign-in, as the lockout keys it.

REMOTE_ADDR is the peer of the TCP connection: behind the TLS proxy that is the proxy for every
client. X-Forwarded-For says who the proxy talked to, but anybody can send the header, so it is
believed only when the connection itself comes from one of PMKS_TRUSTED_PROXIES; then the
address is the one the outermost trusted proxy saw (the PMKS_PROXY_COUNT-th entry from the
right, each proxy appending its peer). A client connecting directly, or a header shorter than
the chain of proxies, gets REMOTE_ADDR: a forged header can neither pick the address under
which failures are counted nor pin them on somebody else.
"""

import ipaddress
from functools import cache

from django.conf import settings
from ipware import get_client_ip


@cache
def _trusted_networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_trusted_proxy(address: str) -> bool:
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in net for net in _trusted_networks(tuple(settings.PMKS_TRUSTED_PROXIES)))


def client_address(request) -> str:
    """The client's address: from X-Forwarded-For through trusted proxies only."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(peer):
        return peer
    # django-ipware parses the header (ports, brackets, IPv4-mapped IPv6, junk entries); it counts
    # as "proxies" the hops inside the header, which is one fewer than ours: the nearest proxy
    # is REMOTE_ADDR itself.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=settings.PMKS_PROXY_COUNT - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or peer
