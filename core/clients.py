"""Who is asking: the client's address behind our own proxy, and a private name for it.

Behind nginx the address is the last entry of the header the proxy appends to
(``CLIENT_IP_HEADER``, e.g. ``HTTP_X_FORWARDED_FOR``); earlier entries are whatever the
client claimed. Counting reads and slowing search floods both use it; neither stores a raw IP.
"""

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac


def client_ip(request) -> str:
    header = getattr(settings, "CLIENT_IP_HEADER", "") or getattr(
        settings, "PAGEVIEWS_CLIENT_IP_HEADER", ""
    )
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def network_key(request, purpose: str) -> str:
    """A keyed hash naming the client's network: an IPv4 address, or an IPv6 /64.

    One subscriber line gets a whole IPv6 /64 and a machine may take any address in it, so
    a limit per IPv6 address would not hold. ``purpose`` keeps the hashes of different uses
    apart.
    """
    raw = client_ip(request)
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        source = raw
    else:
        if ip.version == 6 and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        source = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return salted_hmac(purpose, source, algorithm="sha256").hexdigest()[:40]
