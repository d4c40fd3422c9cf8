"""Whether a URL's host is on the public internet, checked before the desk calls out.

A webhook's receiver and an imported export's attachment URL are both written by someone
else; unchecked, either could make the desk call into its own network (the database's port,
a cloud metadata address) and, for attachments, store the answer where agents can read it.
A name that resolves differently between this look-up and the connection slips through: the
desk's egress firewall is the real fence."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from tierdesk.domain.webhooks import ERROR_LIMIT, is_public_address


def private_host(url: str) -> str | None:
    """Why the URL's host may not be called, or None when every address it has is public."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        return f"cannot resolve {host}: {exc}"[:ERROR_LIMIT]
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not is_public_address(address):
            return f"{host} resolves to {address}, which is not a public address"
    return None
